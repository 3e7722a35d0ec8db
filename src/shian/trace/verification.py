"""Inbound verification (索证索票): is the supplier licensed for what it supplied, and are the
documents each category needs attached and unexpired?

:func:`check` is a pure function over :class:`ReceiptFacts` (plain data, no database); the
rules it applies are the tables in :mod:`shian.trace.rules`. :func:`gather` loads the facts of a
receipt with a fixed number of queries, and :func:`verify_receipt` does both. Flags are stored on
the receipt in Chinese (the platform's language), whatever language the request used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from shian.registry.models import Licence
from shian.trace import rules
from shian.trace.models import Document, Receipt, ReceiptLine


@dataclass(frozen=True)
class LicenceFact:
    number: str
    status: str
    status_label: str
    issued_on: date
    expires_on: date
    scope: frozenset[str]


@dataclass(frozen=True)
class LineFact:
    lot_id: int
    lot_code: str
    product: str
    category: str
    category_label: str
    imported: bool


@dataclass(frozen=True)
class DocumentFact:
    kind: str
    kind_label: str
    name: str
    lot_id: int | None
    valid_until: date | None
    attached: bool  # attached to this receipt (otherwise: uploaded for one of its lots)


@dataclass(frozen=True)
class ReceiptFacts:
    """Everything verification looks at, loaded beforehand."""

    received_on: date
    imported: bool
    supplier_in_registry: bool
    supplier_is_farm: bool
    licences: tuple[LicenceFact, ...]
    lines: tuple[LineFact, ...]
    documents: tuple[DocumentFact, ...]


@dataclass(frozen=True)
class Flag:
    """One verification problem: a stable code and a message for people."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def _licence_flags(facts: ReceiptFacts, licensed: list[LineFact]) -> list[Flag]:
    """A registry supplier needs a licence valid on the date whose scope covers each category."""
    on = facts.received_on
    if not facts.licences:
        return [Flag("supplier_licence_missing", _("The supplier has no food production or business licence on record."))]
    valid = [lic for lic in facts.licences if lic.status == Licence.Status.VALID and lic.issued_on <= on <= lic.expires_on]
    if not valid:
        latest = max(facts.licences, key=lambda lic: lic.expires_on)
        if latest.status != Licence.Status.VALID:
            why = _("its status is %(status)s") % {"status": latest.status_label}
        elif latest.expires_on < on:
            why = _("it expired on %(date)s") % {"date": latest.expires_on.isoformat()}
        else:
            why = _("it was issued only on %(date)s") % {"date": latest.issued_on.isoformat()}
        return [Flag("supplier_licence_invalid", _("The supplier's licence %(number)s was not valid on %(date)s: %(why)s.")
                     % {"number": latest.number, "date": on.isoformat(), "why": why})]
    scope = frozenset().union(*(lic.scope for lic in valid))
    flags = []
    seen: set[str] = set()
    for line in licensed:
        if line.category in seen or rules.covering_scopes(line.category) & scope:
            continue
        seen.add(line.category)
        flags.append(Flag("supplier_licence_scope", _("The supplier's licence does not cover %(category)s (%(product)s).")
                          % {"category": line.category_label, "product": line.product}))
    return flags


def check(facts: ReceiptFacts, *, disabled: frozenset[str] = frozenset()) -> list[Flag]:
    """The verification flags of a receipt; an empty list means it passed. Pure: no queries."""
    on = facts.received_on
    flags: list[Flag] = []
    for doc in facts.documents:
        if doc.attached and doc.valid_until is not None and doc.valid_until < on:
            flags.append(Flag("document_expired", _("%(kind)s %(name)s expired on %(date)s.")
                              % {"kind": doc.kind_label, "name": doc.name, "date": doc.valid_until.isoformat()}))
    usable = [d for d in facts.documents if d.valid_until is None or d.valid_until >= on]
    licensed = [line for line in facts.lines if line.category not in rules.PRODUCE_CATEGORIES]
    if licensed and facts.supplier_in_registry:
        flags += _licence_flags(facts, licensed)
    elif licensed and not any(d.attached and d.kind == Document.Kind.SUPPLIER_LICENCE for d in usable):
        flags.append(Flag("outside_supplier_licence_missing", _("No copy of the outside supplier's licence is attached.")))
    for line in facts.lines:
        kinds = {d.kind for d in usable if d.lot_id == line.lot_id or (d.attached and d.lot_id is None)}
        for rule in rules.DOCUMENT_RULES:
            if rule.applies(category=line.category, imported=line.imported or facts.imported, from_farm=facts.supplier_is_farm) \
                    and not kinds.intersection(rule.any_of):
                flags.append(Flag(rule.key, str(rule.message) % {"product": line.product, "lot": line.lot_code}))
    return [f for f in flags if f.code not in disabled]


def gather(receipt: Receipt) -> ReceiptFacts:
    """Load what :func:`check` needs for one receipt, in a fixed number of queries."""
    lines = list(ReceiptLine.objects.filter(receipt=receipt).select_related("lot__product__category"))
    lot_ids = [line.lot_id for line in lines]
    attached_ids = set(receipt.documents.values_list("pk", flat=True)) if receipt.pk else set()
    docs = Document.objects.filter(Q(pk__in=attached_ids) | Q(lot_id__in=lot_ids)).only("kind", "original_name", "lot_id", "valid_until")
    licences: list[LicenceFact] = []
    is_farm = False
    if receipt.supplier_id is not None:
        licences = [LicenceFact(lic.number, lic.status, lic.get_status_display(), lic.issued_on, lic.expires_on,
                                frozenset(c.code for c in lic.scope.all()))
                    for lic in Licence.objects.filter(operator_id=receipt.supplier_id).prefetch_related("scope")]
        is_farm = receipt.supplier.types.filter(code__in=rules.FARM_TYPES).exists()  # type: ignore[union-attr]
    return ReceiptFacts(
        received_on=receipt.received_on,
        imported=receipt.imported,
        supplier_in_registry=receipt.supplier_id is not None,
        supplier_is_farm=is_farm,
        licences=tuple(licences),
        lines=tuple(LineFact(line.lot_id, line.lot.lot_code, line.lot.product.name, line.lot.product.category.code,
                             str(line.lot.product.category), line.lot.product.imported) for line in lines),
        documents=tuple(DocumentFact(d.kind, d.get_kind_display(), d.original_name, d.lot_id, d.valid_until, d.pk in attached_ids)
                        for d in docs),
    )


def verify_receipt(receipt: Receipt) -> list[dict[str, Any]]:
    """Check a receipt and return its flags as stored (``[{code, message}]``), in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return [f.as_dict() for f in check(gather(receipt), disabled=rules.disabled_rules())]
