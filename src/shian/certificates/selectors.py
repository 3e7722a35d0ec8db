"""Reads for produce certificates, always through :mod:`shian.core.access` (resource ``certificate``).

Who sees what:

* regulators and inspectors: certificates issued by operators in their jurisdiction subtree, and
  certificates checked at markets in it; the checks made at those markets, and the checks of
  certificates issued in it;
* an operator organisation: the certificates its operators issued or re-issued (and the ones they
  re-issued from), the certificates its markets checked, the checks its markets made and the
  checks of its own certificates (a farm learns when a market refused one);
* labs, the CDC and the public: nothing here, except the public page of a certificate whose code
  they hold (:func:`certificate_by_code`: product, issuer, origin, date, basis, status; no phone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from shian.certificates import rules
from shian.certificates.codes import is_certificate_code, parse_code
from shian.certificates.models import CertificateCheck, CertificateSource, ProduceCertificate
from shian.core import access
from shian.core.access import Principal
from shian.core.errors import Forbidden, Invalid, NotFound
from shian.registry.models import Operator

RESOURCE = "certificate"


def _by_issuer(principal: Principal | None, action: str) -> QuerySet[ProduceCertificate]:
    return access.restrict(ProduceCertificate.objects.all(), principal, RESOURCE, action,
                           jurisdiction_field="issuer__jurisdiction__path", org_field="issuer__owner_org_id")


def _checks_by_market(principal: Principal | None) -> QuerySet[CertificateCheck]:
    return access.restrict(CertificateCheck.objects.all(), principal, RESOURCE, "view",
                           jurisdiction_field="market__jurisdiction__path", org_field="market__owner_org_id")


def certificates_visible(principal: Principal | None) -> QuerySet[ProduceCertificate]:
    """Issued (or re-issued) in scope, re-issued from by someone in scope, or checked at a market in scope."""
    issued = _by_issuer(principal, "view")
    sources = CertificateSource.objects.filter(child__in=issued).values("parent_id")
    checked = _checks_by_market(principal).filter(certificate__isnull=False).values("certificate_id")
    return ProduceCertificate.objects.filter(Q(pk__in=issued.values("pk")) | Q(pk__in=sources) | Q(pk__in=checked))


def checks_visible(principal: Principal | None) -> QuerySet[CertificateCheck]:
    """Checks made at markets in scope, and checks of certificates issued in scope."""
    of_issued = access.restrict(CertificateCheck.objects.filter(certificate__isnull=False), principal, RESOURCE, "view",
                                jurisdiction_field="certificate__issuer__jurisdiction__path", org_field="certificate__issuer__owner_org_id")
    return CertificateCheck.objects.filter(Q(pk__in=_checks_by_market(principal).values("pk")) | Q(pk__in=of_issued.values("pk")))


def _one(principal: Principal | None, action: str, visible: QuerySet[Any], actionable: QuerySet[Any] | None, **lookup: Any) -> Any:
    """One row as ``access.get_or_deny`` gives it: 404 outside the view, 403 when viewable but not actionable."""
    access.require(principal, RESOURCE, "view" if actionable is None else action)
    source = visible if actionable is None else actionable
    obj = source.filter(**lookup).first()
    if obj is not None:
        return obj
    if actionable is not None and visible.filter(**lookup).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise NotFound(_("The record does not exist or is outside your jurisdiction."))


# --- operators the principal acts for ---------------------------------------------------------

def operators_for_recording(principal: Principal | None) -> QuerySet[Operator]:
    """Operators on whose behalf the principal may issue, re-issue and revoke (its own; all for an admin)."""
    return access.restrict(Operator.objects.all(), principal, RESOURCE, "record")


def farms_for_issuing(principal: Principal | None) -> QuerySet[Operator]:
    """The principal's operators that may issue original certificates (farms)."""
    return operators_for_recording(principal).filter(types__code__in=rules.ISSUER_TYPES).distinct()


def markets_for_checking(principal: Principal | None) -> QuerySet[Operator]:
    """The principal's operators that check certificates at entry (markets)."""
    return access.restrict(Operator.objects.filter(types__code__in=rules.CHECKER_TYPES), principal, RESOURCE, "check").distinct()


def _named_or_only(principal: Principal | None, action: str, allowed: QuerySet[Operator], operator_id: int | None, field: str) -> Operator:
    access.require(principal, RESOURCE, action)
    if operator_id is not None:
        op = allowed.filter(pk=operator_id).first()
        if op is None:
            if access.restrict(Operator.objects.filter(pk=operator_id), principal, RESOURCE, "view").exists():
                raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
            raise NotFound(_("The record does not exist or is outside your jurisdiction."))
        return op
    ops = list(allowed[:2])
    if len(ops) != 1:
        raise Invalid(_("Name the operator you are acting for."), code="operator_required", field=field)
    return ops[0]


def acting_issuer(principal: Principal | None, operator_id: int | None = None, *, field: str = "issuer_id") -> Operator:
    """The farm an original certificate is issued for: the one named, or the principal's only farm."""
    named = operators_for_recording(principal) if operator_id is not None else farms_for_issuing(principal)
    return _named_or_only(principal, "record", named, operator_id, field)


def acting_holder(principal: Principal | None, operator_id: int | None = None, *, field: str = "holder_id") -> Operator:
    """The operator that re-issues (any of the principal's operators)."""
    return _named_or_only(principal, "record", operators_for_recording(principal), operator_id, field)


def acting_market(principal: Principal | None, operator_id: int | None = None, *, field: str = "market_id") -> Operator:
    """The market a check is made for: the one named, or the principal's only market."""
    allowed = access.restrict(Operator.objects.all(), principal, RESOURCE, "check") if operator_id is not None else markets_for_checking(principal)
    return _named_or_only(principal, "check", allowed, operator_id, field)


# --- certificates -----------------------------------------------------------------------------

@dataclass
class CertificateFilters:
    """Filters of the certificate list (page and API share them)."""

    status: str = ""
    q: str = ""  # a code, or part of a product name

    @classmethod
    def from_params(cls, params: Any) -> CertificateFilters:
        status = (params.get("status") or "").strip()[:10]
        return cls(status=status if status in ProduceCertificate.Status.values else "", q=(params.get("q") or "").strip()[:64])


def certificate_list(principal: Principal | None, filters: CertificateFilters | None = None) -> QuerySet[ProduceCertificate]:
    """The certificates the principal may see, newest first."""
    access.require(principal, RESOURCE, "view")
    qs = certificates_visible(principal)
    if filters is not None:
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.q:
            code = parse_code(filters.q)
            qs = qs.filter(code=code) if is_certificate_code(code) else qs.filter(product_name__contains=filters.q)
    return qs.select_related("issuer", "category").order_by("-issued_on", "-id")


def certificate_for(principal: Principal | None, certificate_id: int, action: str = "view") -> ProduceCertificate:
    """One certificate: ``view`` for those who see it, ``record`` (revoke) for its issuer's organisation."""
    visible = certificates_visible(principal).select_related("issuer__jurisdiction", "category", "lot__product", "test_report")
    actionable = None if action == "view" else _by_issuer(principal, action).select_related("issuer__jurisdiction", "category")
    return _one(principal, action, visible, actionable, pk=certificate_id)  # type: ignore[no-any-return]


def may_revoke(principal: Principal, certificate: ProduceCertificate) -> bool:
    return _by_issuer(principal, "record").filter(pk=certificate.pk).exists()


def certificates_by_code(principal: Principal | None, codes: Sequence[str]) -> list[ProduceCertificate]:
    """Certificates named by their printed codes, to re-issue from: holding the goods and their
    certificate is enough to name it. 404 names the codes the platform does not know."""
    access.require(principal, RESOURCE, "record")
    wanted = [parse_code(c) for c in codes if (c or "").strip()]
    found = {c.code: c for c in ProduceCertificate.objects.filter(code__in=wanted).select_related("category")}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise NotFound(_("No produce certificate with the code %(codes)s was issued on the platform.") % {"codes": ", ".join(missing)})
    return [found[c] for c in dict.fromkeys(wanted)]


@dataclass(frozen=True)
class Related:
    """A parent or child certificate as the detail page shows it: public facts, and a link when visible."""

    certificate: ProduceCertificate
    quantity: Decimal  # taken from the parent
    visible: bool


def certificate_family(principal: Principal, certificate: ProduceCertificate) -> tuple[list[Related], list[Related]]:
    """The certificate's parents and children (three queries)."""
    links = list(CertificateSource.objects.filter(Q(child=certificate) | Q(parent=certificate))
                 .select_related("parent__issuer", "child__issuer").order_by("id"))
    ids = {ln.parent_id for ln in links} | {ln.child_id for ln in links}
    visible = set(certificates_visible(principal).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    parents = [Related(ln.parent, ln.quantity, ln.parent_id in visible) for ln in links if ln.child_id == certificate.pk]
    children = [Related(ln.child, ln.quantity, ln.child_id in visible) for ln in links if ln.parent_id == certificate.pk]
    return parents, children


def certificate_checks(principal: Principal, certificate: ProduceCertificate) -> list[CertificateCheck]:
    """The checks of one certificate the principal may see, newest first."""
    return list(checks_visible(principal).filter(certificate=certificate).select_related("market").order_by("-checked_at", "-id")[:100])


def remaining(certificate: ProduceCertificate) -> tuple[Decimal, Decimal]:
    """(left to re-issue from, left to present at entry), each in the certificate's unit."""
    taken = CertificateSource.objects.filter(parent=certificate).aggregate(t=Sum("quantity"))["t"] or Decimal(0)
    presented = (CertificateCheck.objects.filter(certificate=certificate, result=CertificateCheck.Result.VALID, quantity__isnull=False)
                 .aggregate(t=Sum("quantity"))["t"] or Decimal(0))
    return certificate.quantity - taken, certificate.quantity - presented


# --- checks -----------------------------------------------------------------------------------

@dataclass
class CheckFilters:
    result: str = ""

    @classmethod
    def from_params(cls, params: Any) -> CheckFilters:
        result = (params.get("result") or "").strip()[:8]
        return cls(result=result if result in CertificateCheck.Result.values else "")


def check_list(principal: Principal | None, filters: CheckFilters | None = None) -> QuerySet[CertificateCheck]:
    """The checks the principal may see, newest first."""
    access.require(principal, RESOURCE, "view")
    qs = checks_visible(principal)
    if filters is not None and filters.result:
        qs = qs.filter(result=filters.result)
    return qs.select_related("market", "certificate__issuer").order_by("-checked_at", "-id")


def recent_checks_by(principal: Principal, markets: Sequence[Operator], limit: int = 20) -> list[CertificateCheck]:
    """The latest checks made at the principal's markets (for the check page)."""
    return list(CertificateCheck.objects.filter(market__in=list(markets)).select_related("certificate", "market")
                .order_by("-checked_at", "-id")[:limit])


# --- the public page --------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicCertificate:
    """What anyone holding the code may see: no contact phone, no revocation reason, no lot or checks."""

    code: str
    product_name: str
    category: str
    quantity: Decimal
    unit: str
    issuer_name: str
    origin: str
    issued_on: date
    basis: str
    basis_label: str
    commitment: str
    status: str
    status_label: str
    reissued: bool
    url: str


def public_view(c: ProduceCertificate) -> PublicCertificate:
    return PublicCertificate(code=c.code, product_name=c.product_name, category=c.category.name, quantity=c.quantity, unit=c.get_unit_display(),
                             issuer_name=c.issuer.name, origin=c.origin, issued_on=c.issued_on, basis=c.basis, basis_label=c.get_basis_display(),
                             commitment=c.commitment, status=c.status, status_label=c.get_status_display(), reissued=c.is_reissue,
                             url=reverse("certificate-public", args=[c.code]))


def certificate_by_code(code: str) -> PublicCertificate | None:
    """The public facts of the certificate with this code (scanned or typed), or None. No access check: the code is the key."""
    parsed = parse_code(code)
    if not is_certificate_code(parsed):
        return None
    cert = ProduceCertificate.objects.select_related("issuer", "category").filter(code=parsed).first()
    return public_view(cert) if cert is not None else None


# --- the dossier ------------------------------------------------------------------------------

def can_view_operator(principal: Principal, operator: Operator) -> bool:
    """True if the principal sees this operator's certificates (no query: the dossier has a query budget)."""
    scope = access.scope_for(principal, RESOURCE, "view")
    if scope == "all":
        return True
    if scope == "own":
        return principal.organisation_id is not None and operator.owner_org_id == principal.organisation_id
    return scope == "jurisdiction" and access.in_subtree(principal, operator.jurisdiction.path)


def _count(qs: QuerySet[Any], field: str) -> Subquery:
    """A scalar subquery counting ``qs`` rows per outer operator (no join product, one SQL statement)."""
    return Subquery(qs.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")[:1])


def operator_summary(principal: Principal, operator: Operator) -> dict[str, Any] | None:
    """What the dossier shows: certificates the operator issued and checks it made (None if not visible).

    One query counts everything; the recent rows are fetched only when there are some (the dossier
    page has a query budget, and most operators have neither)."""
    if not can_view_operator(principal, operator):
        return None
    invalid = CertificateCheck.Result.INVALID
    counts = Operator.objects.filter(pk=operator.pk).annotate(
        issued=_count(ProduceCertificate.objects.all(), "issuer"),
        revoked=_count(ProduceCertificate.objects.filter(status=ProduceCertificate.Status.REVOKED), "issuer"),
        checks=_count(CertificateCheck.objects.all(), "market"),
        invalid=_count(CertificateCheck.objects.filter(result=invalid), "market"),
    ).values("issued", "revoked", "checks", "invalid").first() or {}
    issued_count, check_count = counts.get("issued") or 0, counts.get("checks") or 0
    issued = (list(ProduceCertificate.objects.filter(issuer=operator).select_related("category").order_by("-issued_on", "-id")[:10])
              if issued_count else [])
    checks = list(CertificateCheck.objects.filter(market=operator).order_by("-checked_at", "-id")[:10]) if check_count else []
    return {"issued": issued, "issued_count": issued_count, "revoked": counts.get("revoked") or 0, "checks": checks, "check_count": check_count,
            "invalid_checks": counts.get("invalid") or 0}
