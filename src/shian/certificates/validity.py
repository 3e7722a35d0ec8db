"""Is a certificate good at market entry? A pure function over facts that :func:`gather` loads in a
fixed number of queries; the rules (and their sources) are data in :mod:`shian.certificates.rules`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from shian.certificates import rules
from shian.certificates.models import CertificateCheck, ProduceCertificate
from shian.trace.models import Unit


@dataclass(frozen=True)
class Facts:
    """What the entry check looks at."""

    certificate: ProduceCertificate | None
    on: date  # the day of the check (China time)
    presented: Decimal | None = None  # the quantity presented now, in the certificate's unit (optional)
    presented_before: Decimal = Decimal(0)  # presented at earlier checks that passed
    parent_revoked: bool = False


def gather(certificate: ProduceCertificate | None, *, on: date, presented: Decimal | None = None) -> Facts:
    """Load the facts for one certificate: two queries at most."""
    if certificate is None:
        return Facts(None, on, presented)
    before = Decimal(0)
    if presented is not None:
        total = (CertificateCheck.objects.filter(certificate=certificate, result=CertificateCheck.Result.VALID, quantity__isnull=False)
                 .aggregate(total=Sum("quantity"))["total"])
        before = total or Decimal(0)
    parent_revoked = certificate.is_reissue and certificate.source_links.filter(parent__status=ProduceCertificate.Status.REVOKED).exists()
    return Facts(certificate, on, presented, before, parent_revoked)


def plain(value: Decimal) -> str:
    """A quantity without exponent or trailing zeros: 200, 12.5."""
    return format(value.normalize(), "f")


def reason(key: str, **extra: Any) -> dict[str, Any]:
    """A stored reason: its code and the message (in the language active at the check)."""
    rule = rules.entry_rule(key)
    return {"code": key, "message": str(rule.message) if rule else key, **extra}


def problems(facts: Facts, disabled: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The reasons a certificate is refused at entry; empty when it is valid."""
    off = rules.disabled_rules() if disabled is None else frozenset(disabled)
    cert = facts.certificate
    if cert is None:
        return [reason("code_unknown")]
    out = []
    if cert.status == ProduceCertificate.Status.REVOKED:
        out.append(reason("revoked"))
    if cert.category.code not in rules.SCOPE_CATEGORIES:
        out.append(reason("out_of_scope"))
    if cert.issued_on > facts.on:
        out.append(reason("issued_in_future"))
    if facts.presented is not None and "quantity_exceeds" not in off:
        remaining = cert.quantity - facts.presented_before
        if facts.presented > remaining:
            out.append(reason("quantity_exceeds", remaining=plain(max(remaining, Decimal(0))), unit=cert.unit))
    if facts.parent_revoked and "parent_revoked" not in off:
        out.append(reason("parent_revoked"))
    return out


def describe(reasons: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored reasons with their messages in the current language and the rule's source (for pages and the API)."""
    out = []
    for r in reasons:
        rule = rules.entry_rule(str(r.get("code", "")))
        message = str(rule.message) if rule else str(r.get("message", ""))
        if r.get("remaining") is not None:
            unit = Unit(r["unit"]).label if r.get("unit") in Unit.values else r.get("unit", "")
            message += " " + _("(still covered: %(q)s %(unit)s)") % {"q": r["remaining"], "unit": unit}
        out.append({"code": r.get("code", ""), "message": message, "source": rule.source if rule else None})
    return out
