"""Reads for traceability, always through :mod:`shian.core.access` (resource ``trace``).

Who sees what:

* regulators and inspectors: every record of an operator in their jurisdiction subtree (a
  receipt or shipment is in the subtree when its buyer or its supplier is);
* an operator organisation: its own products, lots, documents, receipts and shipments, its direct
  suppliers' shipments to it and its direct customers' receipts from it; never trade between
  other operators;
* labs, the CDC and the public: nothing here.

A record is "of" an operator through one or more *party* fields (``buyer``, ``supplier``,
``owner``); :func:`scoped` restricts the queryset once per party and joins the results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.access import Principal
from shian.core.errors import Forbidden, Invalid, NotFound
from shian.core.ids import normalise_uscc
from shian.registry.models import Operator
from shian.registry.selectors import operator_named
from shian.trace.models import Document, Lot, Product, Receipt, ReceiptLine, Shipment, Transformation

RESOURCE = "trace"
# Receipts through which the buyer holds the goods (the services use the same list).
HOLDING_STATUSES = ("recorded", "confirmed", "corrected")
RECEIPT_PARTIES = ("buyer", "supplier")
SHIPMENT_PARTIES = ("supplier", "buyer")
# Documents a supplier shares with every customer that receives from it.
SHARED_KINDS = (Document.Kind.SUPPLIER_LICENCE,)


def scoped(qs: QuerySet[Any], principal: Principal | None, action: str, parties: tuple[str, ...]) -> QuerySet[Any]:
    """The rows of ``qs`` where any party operator lies within the principal's scope for ``action``."""
    parts = [access.restrict(qs, principal, RESOURCE, action, jurisdiction_field=f"{p}__jurisdiction__path", org_field=f"{p}__owner_org_id")
             for p in parties]
    out = parts[0]
    for part in parts[1:]:
        out = out | part
    return out


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
    """The operators on whose behalf the principal may record (its own; every one for an admin)."""
    return access.restrict(Operator.objects.all(), principal, RESOURCE, "record")


def acting_operator(principal: Principal | None, operator_id: int | None = None, *, field: str = "operator_id") -> Operator:
    """The operator a write is for: the one named (which the principal must be allowed to record for),
    or the principal's only operator."""
    access.require(principal, RESOURCE, "record")
    if operator_id is not None:
        op = operators_for_recording(principal).filter(pk=operator_id).first()
        if op is None:
            if access.restrict(Operator.objects.filter(pk=operator_id), principal, RESOURCE, "view").exists():
                raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
            raise NotFound(_("The record does not exist or is outside your jurisdiction."))
        return op
    ops = list(operators_for_recording(principal)[:2])
    if len(ops) != 1:
        raise Invalid(_("Name the operator you are recording for."), code="operator_required", field=field)
    return ops[0]


def can_view_operator(principal: Principal, operator: Operator) -> bool:
    """True if the principal sees this operator's trace records: the rule of :func:`access.restrict`
    applied to one loaded operator, without a query (the dossier page has a query budget)."""
    scope = access.scope_for(principal, RESOURCE, "view")
    if scope == "all":
        return True
    if scope == "own":
        return principal.organisation_id is not None and operator.owner_org_id == principal.organisation_id
    return scope == "jurisdiction" and access.in_subtree(principal, operator.jurisdiction.path)


# --- products and lots ------------------------------------------------------------------------

def products_visible(principal: Principal | None) -> QuerySet[Product]:
    return scoped(Product.objects.all(), principal, "view", ("owner",))


def product_list(principal: Principal | None) -> QuerySet[Product]:
    access.require(principal, RESOURCE, "view")
    return products_visible(principal).select_related("owner", "category").order_by("owner_id", "id")


def product_for_recording(principal: Principal | None, product_id: int) -> Product:
    """A product the principal may add lots to (its own)."""
    actionable = scoped(Product.objects.select_related("owner"), principal, "record", ("owner",))
    return _one(principal, "record", products_visible(principal), actionable, pk=product_id)  # type: ignore[no-any-return]


def lots_owned(principal: Principal | None) -> QuerySet[Lot]:
    return scoped(Lot.objects.all(), principal, "view", ("product__owner",))


def lots_visible(principal: Principal | None) -> QuerySet[Lot]:
    """Own lots, plus lots on the receipts and shipments the principal may see.

    Written as correlated EXISTS so that a filter on the lot (``pk=``, ``pk__in=``) is applied
    first: ``pk IN (…) OR pk IN (…)`` made PostgreSQL hash every visible lot on each call."""
    owned = lots_owned(principal).filter(pk=OuterRef("pk"))
    received = ReceiptLine.objects.filter(receipt__in=receipts_visible(principal), lot_id=OuterRef("pk"))
    return Lot.objects.filter(Q(Exists(owned)) | Q(Exists(received)))


def product_for(principal: Principal | None, product_id: int) -> Product:
    return _one(principal, "view", products_visible(principal).select_related("owner", "category"), None, pk=product_id)  # type: ignore[no-any-return]


def products_for_recording_qs(principal: Principal | None) -> QuerySet[Product]:
    """Products the principal may add lots to (its operators' own)."""
    return scoped(Product.objects.all(), principal, "record", ("owner",))


def may_record_product(principal: Principal, product: Product) -> bool:
    return products_for_recording_qs(principal).filter(pk=product.pk).exists()


def lots_for_recording_qs(principal: Principal | None) -> QuerySet[Lot]:
    """Lots the principal may ship or transform: its operators' own, and lots they received (recorded,
    confirmed or corrected receipts). The services check the quantity held."""
    own = scoped(Lot.objects.all(), principal, "record", ("product__owner",)).values("pk")
    holding = scoped(Receipt.objects.filter(status__in=HOLDING_STATUSES), principal, "record", ("buyer",))
    received = ReceiptLine.objects.filter(receipt__in=holding).values("lot_id")
    return Lot.objects.filter(Q(pk__in=own) | Q(pk__in=received))


def lots_owned_for_recording_qs(principal: Principal | None) -> QuerySet[Lot]:
    """Lots of the principal's operators' own products (possible outputs of a transformation)."""
    return scoped(Lot.objects.all(), principal, "record", ("product__owner",))


def lot_list(principal: Principal | None, *, product_id: int | None = None) -> QuerySet[Lot]:
    access.require(principal, RESOURCE, "view")
    qs = lots_owned(principal).select_related("product__owner", "product__category")
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    return qs.order_by("-production_date", "-id")


def lot_for(principal: Principal | None, lot_id: int) -> Lot:
    return _one(principal, "view", lots_visible(principal).select_related("product__owner", "product__category"), None, pk=lot_id)  # type: ignore[no-any-return]


def lot_by_code(principal: Principal | None, *, trace_code: str = "", gtin: str = "", lot_code: str = "") -> Lot | None:
    """A lot identified by what is printed on the goods (trace code, or GTIN + lot code): having the code is enough."""
    access.require(principal, RESOURCE, "view")
    qs = Lot.objects.select_related("product")
    if trace_code:
        return qs.filter(trace_code=trace_code.strip().upper()).first()
    if gtin and lot_code:
        return qs.filter(product__gtin=gtin, lot_code=lot_code).first()
    return None


def lots_by_id(principal: Principal | None, ids: Sequence[int]) -> dict[int, Lot]:
    """Visible lots by id (lots the principal cannot see are named by their printed trace code instead)."""
    qs = lots_visible(principal).filter(pk__in=list(ids)).select_related("product")
    found = {lot.pk: lot for lot in qs}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(_("Lot %(ids)s does not exist or you may not use it.") % {"ids": ", ".join(map(str, missing))})
    return found


def lots_by_trace_code(principal: Principal | None, codes: Sequence[str]) -> dict[str, Lot]:
    """Lots named by their printed trace codes (holding the goods is enough to name them); 404 for an unknown code."""
    access.require(principal, RESOURCE, "view")
    found = {lot.trace_code: lot for lot in Lot.objects.filter(trace_code__in=list(codes)).select_related("product")}
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound(_("No lot with trace code %(codes)s is on the platform.") % {"codes": ", ".join(missing)})
    return found


def products_for_recording(principal: Principal | None, ids: Sequence[int]) -> dict[int, Product]:
    """Products the principal may add lots to (its own), by id; 404 for the others."""
    access.require(principal, RESOURCE, "record")
    qs = scoped(Product.objects.filter(pk__in=list(ids)), principal, "record", ("owner",)).select_related("owner", "category")
    found = {p.pk: p for p in qs}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return found


# --- documents --------------------------------------------------------------------------------

def documents_visible(principal: Principal | None) -> QuerySet[Document]:
    """Own documents, documents attached to visible receipts, and the certificates of lots on them."""
    visible_receipts = receipts_visible(principal)
    owned = scoped(Document.objects.all(), principal, "view", ("owner",)).values("pk")
    attached = Receipt.documents.through.objects.filter(receipt__in=visible_receipts).values("document_id")
    of_lots = ReceiptLine.objects.filter(receipt__in=visible_receipts).values("lot_id")
    return Document.objects.filter(Q(pk__in=owned) | Q(pk__in=attached) | Q(lot_id__in=of_lots))


def document_for(principal: Principal | None, document_id: int) -> Document:
    return _one(principal, "view", documents_visible(principal), None, pk=document_id)  # type: ignore[no-any-return]


def documents_attachable(principal: Principal | None, *, supplier_id: int | None, receipt_id: int | None = None,
                         ids: Sequence[int] = (), sha256: Sequence[str] = ()) -> list[Document]:
    """The documents named by id or hash that the principal may attach to a receipt (new, or ``receipt_id``).

    By id: documents the principal sees, the supplier's shared documents (its licence) and the
    certificates of the receipt's lots. By SHA-256: any stored document, because quoting the hash
    of a file means holding the file (the same bytes would have been deduplicated on upload).
    """
    shared = Q(owner_id=supplier_id, kind__in=SHARED_KINDS) if supplier_id is not None else Q(pk__in=[])
    of_lots = Q(lot_id__in=ReceiptLine.objects.filter(receipt_id=receipt_id).values("lot_id")) if receipt_id is not None else Q(pk__in=[])
    by_id = Document.objects.filter(pk__in=list(ids)).filter(Q(pk__in=documents_visible(principal).values("pk")) | shared | of_lots)
    found = {d.pk: d for d in by_id}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(_("Document %(ids)s does not exist or you may not use it.") % {"ids": ", ".join(map(str, missing))})
    hashes = [h.strip().lower() for h in sha256]
    by_hash = {d.sha256: d for d in Document.objects.filter(sha256__in=hashes)}
    unknown = [h for h in hashes if h not in by_hash]
    if unknown:
        raise Invalid(_("No document with SHA-256 %(sha)s has been uploaded.") % {"sha": ", ".join(unknown)}, code="document_unknown",
                      field="sha256")
    return list({**found, **{d.pk: d for d in by_hash.values()}}.values())


# --- receipts and shipments -------------------------------------------------------------------

@dataclass
class ReceiptFilters:
    """Filters of the receipt list (page and API share them)."""

    status: str = ""
    verified: bool | None = None

    @classmethod
    def from_params(cls, params: Any) -> ReceiptFilters:
        status = (params.get("status") or "").strip()[:10]
        verified = (params.get("verified") or "").strip().lower()
        return cls(status=status if status in Receipt.Status.values else "",
                   verified=True if verified in ("1", "true", "yes") else False if verified in ("0", "false", "no") else None)


def receipts_visible(principal: Principal | None) -> QuerySet[Receipt]:
    return scoped(Receipt.objects.all(), principal, "view", RECEIPT_PARTIES)


def _with_summary(qs: QuerySet[Receipt]) -> QuerySet[Receipt]:
    mismatch = ReceiptLine.objects.filter(receipt=OuterRef("pk"), quantity_confirmed__isnull=False).exclude(quantity_confirmed=F("quantity"))
    return (qs.select_related("buyer__jurisdiction", "supplier")
            .annotate(line_count=Count("lines", distinct=True), has_mismatch=Exists(mismatch)))


def receipt_list(principal: Principal | None, filters: ReceiptFilters | None = None) -> QuerySet[Receipt]:
    """The receipts the principal may see, newest first, with line counts and a mismatch flag."""
    access.require(principal, RESOURCE, "view")
    qs = receipts_visible(principal)
    if filters is not None:
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.verified is not None:
            qs = qs.filter(verified=filters.verified)
    return _with_summary(qs).order_by("-received_on", "-id")


def flagged_receipts(principal: Principal | None) -> QuerySet[Receipt]:
    """Receipts that failed verification, for the regulators of the buyer's jurisdiction."""
    access.require(principal, RESOURCE, "verify_list")
    qs = access.restrict(Receipt.objects.filter(verified=False), principal, RESOURCE, "verify_list",
                         jurisdiction_field="buyer__jurisdiction__path", org_field="buyer__owner_org_id")
    return _with_summary(qs).order_by("-received_on", "-id")


def receipt_for(principal: Principal | None, receipt_id: int, action: str = "view") -> Receipt:
    """One receipt: ``view`` for either party (and their regulators), ``record`` for the buyer only."""
    visible = receipts_visible(principal).select_related("buyer__jurisdiction", "supplier", "shipment")
    actionable = None if action == "view" else scoped(visible, principal, action, ("buyer",))
    return _one(principal, action, visible, actionable, pk=receipt_id)  # type: ignore[no-any-return]


def receipt_detail(receipt: Receipt) -> tuple[list[ReceiptLine], list[Document], list[Document]]:
    """Lines (with lots and products), attached documents and the certificates uploaded for its lots."""
    lines = list(receipt.lines.select_related("lot__product__category").order_by("id"))
    attached = list(receipt.documents.order_by("kind", "id"))
    ids = {d.pk for d in attached}
    of_lots = [d for d in Document.objects.filter(lot_id__in=[ln.lot_id for ln in lines]).order_by("kind", "id") if d.pk not in ids]
    return lines, attached, of_lots


def may_record_receipt(principal: Principal, receipt: Receipt) -> bool:
    """True if the principal may answer the receipt or attach documents to it (it records for the buyer)."""
    return scoped(Receipt.objects.filter(pk=receipt.pk), principal, "record", ("buyer",)).exists()


def operator_by_uscc(principal: Principal | None, uscc: str) -> Operator:
    """A registry operator named by its credit code (to ship to it); the registry is no secret between businesses."""
    access.require(principal, RESOURCE, "record")
    try:
        code = normalise_uscc(uscc)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code or "uscc_invalid", field="buyer_uscc") from None
    op = Operator.objects.filter(uscc=code).first()
    if op is None:
        raise NotFound(_("No operator with the unified social credit code %(uscc)s is registered.") % {"uscc": code})
    return op


def shipments_visible(principal: Principal | None) -> QuerySet[Shipment]:
    return scoped(Shipment.objects.all(), principal, "view", SHIPMENT_PARTIES)


def buyer_for_shipment(principal: Principal | None, buyer_id: int) -> Operator:
    """Any operator in the registry may receive a shipment; naming it reveals only that it exists."""
    return operator_named(principal, buyer_id, resource=RESOURCE)


def supplier_by_id(principal: Principal | None, supplier_id: int) -> Operator:
    """Any operator in the registry may be a receipt's supplier."""
    return operator_named(principal, supplier_id, resource=RESOURCE)


def operator_summary(principal: Principal, operator: Operator) -> dict[str, Any] | None:
    """What the dossier shows of an operator's trace records, or None if the principal may not see them."""
    if not can_view_operator(principal, operator):
        return None
    products = list(Product.objects.filter(owner=operator).select_related("category").order_by("-id")[:20])
    product_count = len(products) if len(products) < 20 else Product.objects.filter(owner=operator).count()
    receipts = list(Receipt.objects.filter(Q(buyer=operator) | Q(supplier=operator)).select_related("buyer", "supplier")
                    .order_by("-received_on", "-id")[:10])
    flagged = Receipt.objects.filter(buyer=operator, verified=False).count()
    return {"products": products, "product_count": product_count, "receipts": receipts, "flagged": flagged}


# --- transformations --------------------------------------------------------------------------

def transformations_visible(principal: Principal | None) -> QuerySet[Transformation]:
    return scoped(Transformation.objects.all(), principal, "view", ("operator",))


def transformation_list(principal: Principal | None) -> QuerySet[Transformation]:
    access.require(principal, RESOURCE, "view")
    return transformations_visible(principal).select_related("operator").order_by("-transformed_on", "-id")


def transformation_for(principal: Principal | None, transformation_id: int) -> Transformation:
    return _one(principal, "view", transformations_visible(principal).select_related("operator"), None,  # type: ignore[no-any-return]
                pk=transformation_id)
