"""Writes for traceability. Each service is keyword-only, runs in one transaction as ``by``,
validates fully and writes its typed audit events (the change log is written by signal)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.core import audit
from shian.core.context import acting_as
from shian.core.errors import Conflict, Invalid, full_clean_or_raise
from shian.core.ids import normalise_licence_number, normalise_uscc
from shian.epcis.services import record_platform_events
from shian.registry.models import FoodCategory, Operator
from shian.trace import epcis_events, guards, selectors
from shian.trace.documents import check_upload
from shian.trace.identifiers import new_trace_code, normalise_gtin
from shian.trace.models import (
    Document,
    Lot,
    Product,
    Receipt,
    ReceiptLine,
    Shipment,
    ShipmentLine,
    Transformation,
    TransformationLine,
    Unit,
)
from shian.trace.verification import verify_receipt


def _clean(obj: Any, exclude: Iterable[str] | None = None) -> None:
    full_clean_or_raise(obj, list(exclude) if exclude else None)


def _gtin(value: str) -> str:
    try:
        return normalise_gtin(value)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code or "gtin_invalid", field="gtin") from None


# --- products and lots ------------------------------------------------------------------------

def product_create(*, owner: Operator, name: str, category_code: str, specification: str = "", gtin: str | None = None,
                   shelf_life_days: int | None = None, imported: bool = False, by: User | None = None) -> Product:
    """Add a product to an operator's catalogue; a GTIN is checked (GS1 check digit), stored as GTIN-14, unique per owner."""
    category = FoodCategory.objects.filter(code=category_code).first()
    if category is None:
        raise Invalid(_("Unknown food category: %(codes)s.") % {"codes": category_code}, code="category_unknown", field="category")
    code = _gtin(gtin) if gtin else None
    with acting_as(by), transaction.atomic():
        if code and Product.objects.filter(owner=owner, gtin=code).exists():
            raise Conflict(_("This operator already has a product with this GTIN."), code="gtin_duplicate", field="gtin")
        product = Product(owner=owner, name=name.strip(), category=category, specification=specification.strip(), gtin=code,
                          shelf_life_days=shelf_life_days, imported=imported)
        _clean(product)
        product.save()
        audit.record_event("product.created", obj=product, operator_id=owner.pk,
                           data={"name": product.name, "category": category.code, "gtin": product.gtin})
        return product


def lot_create(*, product: Product, lot_code: str, production_date: date, quantity: Decimal, unit: str = Unit.KG,
               expiry_date: date | None = None, by: User | None = None) -> Lot:
    """Record a lot of a product; the expiry date follows from the shelf life when not given; a trace code is assigned."""
    with acting_as(by), transaction.atomic():
        return _lot_create(product=product, lot_code=lot_code, production_date=production_date, quantity=quantity, unit=unit,
                           expiry_date=expiry_date)


def _lot_create(*, product: Product, lot_code: str, production_date: date, quantity: Decimal, unit: str, expiry_date: date | None) -> Lot:
    code = (lot_code or "").strip()
    if Lot.objects.filter(product=product, lot_code=code).exists():
        raise Conflict(_("This product already has a lot with this lot code."), code="lot_code_duplicate", field="lot_code")
    lot = Lot(product=product, lot_code=code, production_date=production_date, expiry_date=expiry_date, quantity=quantity, unit=unit,
              trace_code=new_trace_code())
    # 60 random bits: a collision is most unlikely, but the unique constraint is the judge.
    while Lot.objects.filter(trace_code=lot.trace_code).exists():
        lot.trace_code = new_trace_code()
    _clean(lot)
    lot.save()
    audit.record_event("lot.created", obj=lot, operator_id=product.owner_id,
                       data={"product": product.pk, "lot_code": code, "trace_code": lot.trace_code, "quantity": str(quantity), "unit": unit})
    return lot


# --- documents --------------------------------------------------------------------------------

def document_upload(*, file: IO[bytes] | Any, name: str, kind: str, issued_on: date, valid_until: date | None = None,
                    owner: Operator | None = None, lot: Lot | None = None, size: int | None = None,
                    by: User | None = None) -> tuple[Document, bool]:
    """Store a document once: returns ``(document, created)``; the same bytes uploaded again give the existing row.

    The file must be PDF, PNG or JPEG (recognised from its content) and within the size limit
    (413 otherwise). It is stored under its hash, never under the client's name.
    """
    checked = check_upload(file, name, size)
    existing = Document.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing, False
    if kind not in Document.Kind.values:
        raise Invalid(_("Unknown document kind."), code="document_kind", field="kind")
    with acting_as(by), transaction.atomic():
        doc = Document(owner=owner, kind=kind, sha256=checked.sha256, size=checked.size, content_type=checked.content_type,
                       original_name=checked.name, issued_on=issued_on, valid_until=valid_until, lot=lot,
                       uploaded_by=by if getattr(by, "pk", None) else None)
        path = f"documents/{checked.sha256[:2]}/{checked.sha256}"
        if doc.file.storage.exists(path):  # left by an earlier upload whose transaction rolled back: same bytes
            doc.file.name = path
        else:
            doc.file.save(checked.name, File(file), save=False)
        _clean(doc)
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError:  # the same file was uploaded concurrently
            existing = Document.objects.filter(sha256=checked.sha256).first()
            if existing is None:
                raise
            return existing, False
        audit.record_event("document.uploaded", obj=doc, operator_id=owner.pk if owner else None,
                           data={"kind": kind, "sha256": checked.sha256, "size": checked.size, "lot": lot.pk if lot else None})
        return doc, True


# --- shipments and receipts -------------------------------------------------------------------

@dataclass(frozen=True)
class NewLot:
    """A lot that is not on the platform yet, entered by the buyer with the receipt."""

    product: Product
    lot_code: str
    production_date: date
    expiry_date: date | None = None
    unit: str = Unit.KG


@dataclass(frozen=True)
class LineIn:
    """One line of a shipment or receipt: an existing lot (or, for receipts, a new one) and a quantity."""

    quantity: Decimal
    lot: Lot | None = None
    new_lot: NewLot | None = None


def _check_quantities(lines: Sequence[LineIn]) -> None:
    if not lines:
        raise Invalid(_("Add at least one lot."), code="lines_required", field="lines")
    for line in lines:
        if line.quantity is None or line.quantity <= 0:
            raise Invalid(_("The quantity must be positive."), code="quantity_positive", field="lines")


def _refuse_duplicate_lots(lots: Sequence[Lot]) -> None:
    ids = [lot.pk for lot in lots]
    if len(ids) != len(set(ids)):
        raise Invalid(_("Each lot appears once per receipt."), code="lot_repeated", field="lines")


def _save_verification(receipt: Receipt) -> list[dict[str, Any]]:
    flags = verify_receipt(receipt)
    receipt.verified = not flags
    receipt.verification_flags = flags
    receipt.verified_at = timezone.now()
    receipt.save(update_fields=["verified", "verification_flags", "verified_at"])
    return flags


def _flag_event(receipt: Receipt, flags: list[dict[str, Any]]) -> None:
    if flags:
        audit.record_event("receipt.flagged", obj=receipt, operator_id=receipt.buyer_id, data={"flags": [f["code"] for f in flags]})


def _add_lines(receipt: Receipt, lines: Sequence[tuple[Lot, Decimal]]) -> list[ReceiptLine]:
    rows = [ReceiptLine(receipt=receipt, lot=lot, quantity=qty) for lot, qty in lines]
    for row in rows:
        _clean(row, exclude=["receipt", "lot"])
    created = ReceiptLine.objects.bulk_create(rows)
    audit.record_changes_bulk(created, operator=lambda r: receipt.buyer_id)
    return created


# Receipts through which a buyer holds the goods: recorded by itself, or confirmed/corrected (not pending, not disputed).
HOLDING_STATUSES = selectors.HOLDING_STATUSES


def held_quantities(operator: Operator, lots: Sequence[Lot]) -> dict[int, Decimal]:
    """How much of each lot the operator holds, per movement: all of its own lots, and for a lot it
    received, what arrived (the confirmed quantity where the buyer gave one). No stock ledger is kept:
    each shipment or transformation is checked against this ceiling, not against earlier movements."""
    out = {lot.pk: lot.quantity for lot in lots if lot.product.owner_id == operator.pk}
    others = [lot.pk for lot in lots if lot.pk not in out]
    if others:
        received = (ReceiptLine.objects.filter(lot_id__in=others, receipt__buyer=operator, receipt__status__in=HOLDING_STATUSES)
                    .values("lot_id").annotate(total=Sum(Coalesce("quantity_confirmed", "quantity"))))
        out.update({row["lot_id"]: row["total"] for row in received})
    return out


def _check_held(operator: Operator, pairs: Sequence[tuple[Lot, Decimal]]) -> None:
    """Every lot is the operator's own or was received by it, in at most the quantity it holds."""
    held = held_quantities(operator, [lot for lot, _q in pairs])
    for lot, qty in pairs:
        if lot.pk not in held or not held[lot.pk]:
            raise Invalid(_("Lot %(lot)s is neither the operator's own nor received by it (confirm the receipt first).") % {"lot": lot.lot_code},
                          code="lot_not_held", field="lines")
        if qty > held[lot.pk]:
            raise Invalid(_("Lot %(lot)s has only %(q)s %(unit)s.") % {"lot": lot.lot_code, "q": held[lot.pk], "unit": lot.get_unit_display()},
                          code="quantity_exceeds_lot", field="lines")


def shipment_create(*, supplier: Operator, buyer: Operator, shipped_on: date, lines: Sequence[LineIn], note: str = "",
                    by: User | None = None) -> Shipment:
    """Record a shipment of lots the supplier holds (its own, or received) to a buyer on the platform (供销关系确认, step one).

    The buyer gets a pending receipt with the same lines, verified at once; the buyer then confirms,
    corrects or disputes it. The shipment itself is never changed by the buyer's answer.
    """
    _check_quantities(lines)
    if supplier.pk == buyer.pk:
        raise Invalid(_("A supplier cannot ship to itself."), code="shipment_to_self", field="buyer")
    lots = [line.lot for line in lines]
    if any(lot is None for lot in lots):
        raise Invalid(_("Choose a lot for every line."), code="lot_required", field="lines")
    pairs = [(line.lot, line.quantity) for line in lines if line.lot is not None]
    _refuse_duplicate_lots([lot for lot, _q in pairs])
    _check_held(supplier, pairs)
    refused = guards.shipment_refusals([lot for lot, _q in pairs])
    if refused:
        lot = next(lot for lot, _q in pairs if lot.pk in refused)
        raise Invalid(refused[lot.pk], code="lot_not_released", field="lines")
    with acting_as(by), transaction.atomic():
        shipment = Shipment(supplier=supplier, buyer=buyer, shipped_on=shipped_on, note=note.strip())
        _clean(shipment)
        shipment.save()
        rows = ShipmentLine.objects.bulk_create([ShipmentLine(shipment=shipment, lot=lot, quantity=qty) for lot, qty in pairs])
        audit.record_changes_bulk(rows, operator=lambda r: supplier.pk)
        receipt = Receipt(buyer=buyer, supplier=supplier, received_on=shipped_on, shipment=shipment, status=Receipt.Status.PENDING)
        _clean(receipt)
        receipt.save()
        _add_lines(receipt, pairs)
        flags = _save_verification(receipt)
        record_platform_events([epcis_events.shipping_event(
            shipment_id=shipment.pk, when=shipped_on, supplier_uscc=supplier.uscc, buyer_uscc=buyer.uscc,
            lines=[epcis_events.Line(lot.epc_class, qty, lot.unit) for lot, qty in pairs])], operator=supplier, by=by)
        audit.record_event("shipment.recorded", obj=shipment, operator_id=supplier.pk,
                           data={"buyer": buyer.pk, "receipt": receipt.pk, "lots": [lot.pk for lot, _q in pairs]})
        audit.record_event("receipt.recorded", obj=receipt, operator_id=buyer.pk, data={"supplier": supplier.pk, "shipment": shipment.pk})
        _flag_event(receipt, flags)
        return shipment


def _supplier_uscc(uscc: str) -> str:
    try:
        return normalise_uscc(uscc)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code or "uscc_invalid", field="supplier_uscc") from None


def _outside_supplier(name: str, code: str, licence_number: str) -> tuple[str, str, str]:
    if not name.strip():
        raise Invalid(_("Give the outside supplier's name."), code="supplier_name_required", field="supplier_name")
    number = licence_number.strip().upper()
    if number:
        try:
            number = normalise_licence_number(number, "production" if number.startswith("SC") else "business")
        except ValidationError as exc:
            raise Invalid(exc.messages[0], code=exc.code or "licence_invalid", field="supplier_licence_number") from None
    return name.strip(), code, number


def receipt_record(*, buyer: Operator, received_on: date, lines: Sequence[LineIn], supplier: Operator | None = None,
                   supplier_name: str = "", supplier_uscc: str = "", supplier_licence_number: str = "", imported: bool = False,
                   documents: Iterable[Document] = (), note: str = "", by: User | None = None) -> Receipt:
    """Record a receipt entered by the buyer (进货查验记录) and verify it (索证索票).

    The supplier is a registry operator, or an outside supplier with its USCC (when that USCC is in
    the registry, the registry operator is used). Lots are the supplier's or, when the supplier does
    not use the platform, lots the buyer enters under its own products. A receipt that fails
    verification is stored all the same, flagged with the reasons.
    """
    _check_quantities(lines)
    outside = ("", "", "")
    if supplier is None:
        code = _supplier_uscc(supplier_uscc)
        supplier = Operator.objects.filter(uscc=code).first()
        if supplier is None:
            outside = _outside_supplier(supplier_name, code, supplier_licence_number)
    if supplier is not None and supplier.pk == buyer.pk:
        raise Invalid(_("A buyer cannot receive from itself."), code="receipt_from_self", field="supplier")
    allowed_owners = {buyer.pk} | ({supplier.pk} if supplier is not None else set())
    for line in lines:
        if line.lot is None and line.new_lot is None:
            raise Invalid(_("Choose a lot for every line."), code="lot_required", field="lines")
        owner_id = line.lot.product.owner_id if line.lot is not None else line.new_lot.product.owner_id  # type: ignore[union-attr]
        if owner_id not in allowed_owners:
            raise Invalid(_("A lot on a receipt must be the supplier's, or entered under the buyer's own products."),
                          code="lot_owner", field="lines")
    docs = list(documents)
    with acting_as(by), transaction.atomic():
        pairs: list[tuple[Lot, Decimal]] = []
        for line in lines:
            lot = line.lot if line.lot is not None else _lot_for(line.new_lot, line.quantity)  # type: ignore[arg-type]
            pairs.append((lot, line.quantity))
        _refuse_duplicate_lots([lot for lot, _q in pairs])
        receipt = Receipt(buyer=buyer, supplier=supplier, supplier_name=outside[0], supplier_uscc=outside[1],
                          supplier_licence_number=outside[2], received_on=received_on, imported=imported, note=note.strip(),
                          status=Receipt.Status.RECORDED)
        _clean(receipt)
        receipt.save()
        _add_lines(receipt, pairs)
        if docs:
            receipt.documents.add(*docs)
        flags = _save_verification(receipt)
        _emit_receiving(receipt, [(lot, qty) for lot, qty in pairs], when=received_on, by=by)
        audit.record_event("receipt.recorded", obj=receipt, operator_id=buyer.pk,
                           data={"supplier": supplier.pk if supplier else None, "outside_supplier": outside[0] or None,
                                 "lots": [lot.pk for lot, _q in pairs], "documents": [d.pk for d in docs]})
        _flag_event(receipt, flags)
        return receipt


def _emit_receiving(receipt: Receipt, lines: Sequence[tuple[Lot, Decimal]], *, when: date, by: User | None) -> None:
    """Record the receipt's EPCIS receiving event (nothing when no quantity arrived), in the caller's transaction.

    Its event time is the day the goods arrived (``received_on``, 00:00 China time), not the moment
    the buyer answered, so a timeline orders it before what the buyer did with the goods next."""
    supplier_uscc = receipt.supplier.uscc if receipt.supplier_id is not None and receipt.supplier else receipt.supplier_uscc
    event = epcis_events.receiving_event(receipt_id=receipt.pk, when=when, supplier_uscc=supplier_uscc, buyer_uscc=receipt.buyer.uscc,
                                         lines=[epcis_events.Line(lot.epc_class, qty, lot.unit) for lot, qty in lines],
                                         shipment_id=receipt.shipment_id)
    if event is not None:
        record_platform_events([event], operator=receipt.buyer, by=by)


def _lot_for(new: NewLot, quantity: Decimal) -> Lot:
    """The buyer's lot for goods from a supplier not using the platform: the existing one with this code, or a new one."""
    existing = Lot.objects.filter(product=new.product, lot_code=(new.lot_code or "").strip()).select_related("product").first()
    if existing is not None:
        return existing
    return _lot_create(product=new.product, lot_code=new.lot_code, production_date=new.production_date, quantity=quantity,
                       unit=new.unit, expiry_date=new.expiry_date)


def _locked_pending(receipt: Receipt) -> Receipt:
    locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if locked.status != Receipt.Status.PENDING:
        raise Conflict(_("This receipt has already been answered (%(status)s).") % {"status": locked.get_status_display()},
                       code="receipt_not_pending", field="status")
    return locked


def receipt_confirm(*, receipt: Receipt, by: User | None = None) -> Receipt:
    """The buyer confirms a pending receipt as shipped: every line arrived in full."""
    with acting_as(by), transaction.atomic():
        receipt = _locked_pending(receipt)
        lines = list(receipt.lines.select_related("lot__product"))
        for line in lines:
            line.quantity_confirmed = line.quantity
            line.save(update_fields=["quantity_confirmed"])
        receipt.status = Receipt.Status.CONFIRMED
        receipt.responded_at = timezone.now()
        receipt.save(update_fields=["status", "responded_at"])
        _emit_receiving(receipt, [(line.lot, line.quantity) for line in lines], when=receipt.received_on, by=by)
        audit.record_event("receipt.confirmed", obj=receipt, operator_id=receipt.buyer_id,
                           data={"shipment": receipt.shipment_id, "supplier": receipt.supplier_id})
        return receipt


def receipt_correct(*, receipt: Receipt, quantities: Mapping[int, Decimal], by: User | None = None) -> Receipt:
    """The buyer states the quantities that actually arrived (line id → quantity); the differences stay on record.

    Lines not named arrived as shipped. The supplier's shipment is not changed.
    """
    with acting_as(by), transaction.atomic():
        receipt = _locked_pending(receipt)
        lines = {line.pk: line for line in receipt.lines.select_related("lot__product")}
        unknown = set(quantities) - set(lines)
        if unknown:
            raise Invalid(_("These lines are not on the receipt: %(ids)s.") % {"ids": ", ".join(map(str, sorted(unknown)))},
                          code="line_unknown", field="lines")
        for qty in quantities.values():
            if qty is None or qty < 0:
                raise Invalid(_("The confirmed quantity cannot be negative."), code="quantity_negative", field="lines")
        differences = []
        for line in lines.values():
            line.quantity_confirmed = quantities.get(line.pk, line.quantity)
            if line.quantity_confirmed != line.quantity:
                differences.append({"line": line.pk, "lot": line.lot_id, "shipped": str(line.quantity), "received": str(line.quantity_confirmed)})
        if not differences:
            raise Invalid(_("The quantities match the shipment; confirm the receipt instead."), code="no_difference", field="lines")
        for line in lines.values():
            _clean(line, exclude=["receipt", "lot"])
            line.save(update_fields=["quantity_confirmed"])
        receipt.status = Receipt.Status.CORRECTED
        receipt.responded_at = timezone.now()
        receipt.save(update_fields=["status", "responded_at"])
        _emit_receiving(receipt, [(line.lot, line.quantity_confirmed or Decimal(0)) for line in lines.values()], when=receipt.received_on,
                        by=by)
        audit.record_event("receipt.corrected", obj=receipt, operator_id=receipt.buyer_id,
                           data={"shipment": receipt.shipment_id, "supplier": receipt.supplier_id, "differences": differences})
        return receipt


def receipt_dispute(*, receipt: Receipt, reason: str, by: User | None = None) -> Receipt:
    """The buyer disputes a pending receipt (not received, not ordered...). Nothing is deleted; the shipment stays as recorded."""
    if not (reason or "").strip():
        raise Invalid(_("Give a reason for the dispute."), code="reason_required", field="reason")
    with acting_as(by), transaction.atomic():
        receipt = _locked_pending(receipt)
        receipt.status = Receipt.Status.DISPUTED
        receipt.dispute_reason = reason.strip()
        receipt.responded_at = timezone.now()
        _clean(receipt)
        receipt.save(update_fields=["status", "dispute_reason", "responded_at"])
        audit.record_event("receipt.disputed", obj=receipt, operator_id=receipt.buyer_id,
                           data={"shipment": receipt.shipment_id, "supplier": receipt.supplier_id, "reason": receipt.dispute_reason})
        return receipt


def receipt_attach_documents(*, receipt: Receipt, documents: Iterable[Document], by: User | None = None) -> Receipt:
    """Reference already uploaded documents from a receipt and verify it again."""
    docs = list(documents)
    if not docs:
        raise Invalid(_("Choose at least one document."), code="documents_required", field="documents")
    with acting_as(by), transaction.atomic():
        before = set(receipt.documents.values_list("pk", flat=True))
        new = [d for d in docs if d.pk not in before]
        if new:
            receipt.documents.add(*new)
        was_verified = receipt.verified
        flags = _save_verification(receipt)
        audit.record_event("receipt.documents_attached", obj=receipt, operator_id=receipt.buyer_id,
                           data={"documents": [d.pk for d in new], "verified": receipt.verified})
        if flags:
            _flag_event(receipt, flags)
        elif not was_verified:
            audit.record_event("receipt.verified", obj=receipt, operator_id=receipt.buyer_id, data={})
        return receipt


def receipt_attach_upload(*, receipt: Receipt, file: IO[bytes] | Any, name: str, kind: str, issued_on: date, valid_until: date | None = None,
                          size: int | None = None, by: User | None = None) -> tuple[Receipt, Document]:
    """Upload a document for the buyer (or reuse the stored copy of the same bytes) and attach it to the receipt."""
    with acting_as(by), transaction.atomic():
        doc, _created = document_upload(file=file, name=name, kind=kind, issued_on=issued_on, valid_until=valid_until, owner=receipt.buyer,
                                        size=size, by=by)
        return receipt_attach_documents(receipt=receipt, documents=[doc], by=by), doc


# --- transformations --------------------------------------------------------------------------

def transformation_record(*, operator: Operator, kind: str, transformed_on: date, inputs: Sequence[LineIn], outputs: Sequence[LineIn],
                          note: str = "", by: User | None = None) -> Transformation:
    """Record input lots turned into output lots (processing, mixing, repacking) and its EPCIS TransformationEvent.

    Inputs are lots the operator holds (its own or received, up to the quantity held); outputs are
    its own lots, existing or new (a new lot's quantity is the output quantity). A lot cannot be
    both an input and an output.
    """
    if kind not in Transformation.Kind.values:
        raise Invalid(_("Unknown kind of transformation."), code="transformation_kind", field="kind")
    if not inputs:
        raise Invalid(_("Add at least one input lot."), code="inputs_required", field="inputs")
    if not outputs:
        raise Invalid(_("Add at least one output lot."), code="outputs_required", field="outputs")
    for group, field in ((inputs, "inputs"), (outputs, "outputs")):
        for line in group:
            if line.quantity is None or line.quantity <= 0:
                raise Invalid(_("The quantity must be positive."), code="quantity_positive", field=field)
    if any(line.lot is None for line in inputs):
        raise Invalid(_("Choose a lot for every line."), code="lot_required", field="inputs")
    in_pairs = [(line.lot, line.quantity) for line in inputs if line.lot is not None]
    _refuse_duplicate_lots([lot for lot, _q in in_pairs])
    _check_held(operator, in_pairs)
    for line in outputs:
        owner_id = line.lot.product.owner_id if line.lot is not None else (line.new_lot.product.owner_id if line.new_lot else None)
        if owner_id is None:
            raise Invalid(_("Choose a lot for every line."), code="lot_required", field="outputs")
        if owner_id != operator.pk:
            raise Invalid(_("An output lot must be of the operator's own products."), code="output_not_own", field="outputs")
    with acting_as(by), transaction.atomic():
        out_pairs: list[tuple[Lot, Decimal]] = []
        for line in outputs:
            if line.lot is not None:
                out_pairs.append((line.lot, line.quantity))
            else:
                assert line.new_lot is not None
                new = line.new_lot
                out_pairs.append((_lot_create(product=new.product, lot_code=new.lot_code, production_date=new.production_date,
                                              quantity=line.quantity, unit=new.unit, expiry_date=new.expiry_date), line.quantity))
        ids = [lot.pk for lot, _q in in_pairs + out_pairs]
        if len(ids) != len(set(ids)):
            raise Invalid(_("A lot appears once per transformation, as an input or as an output."), code="lot_repeated", field="outputs")
        record = Transformation(operator=operator, kind=kind, transformed_on=transformed_on, note=note.strip())
        _clean(record)
        record.save()
        rows = [TransformationLine(transformation=record, role=TransformationLine.Role.INPUT, lot=lot, quantity=q) for lot, q in in_pairs]
        rows += [TransformationLine(transformation=record, role=TransformationLine.Role.OUTPUT, lot=lot, quantity=q) for lot, q in out_pairs]
        created = TransformationLine.objects.bulk_create(rows)
        audit.record_changes_bulk(created, operator=lambda r: operator.pk)
        record_platform_events([epcis_events.transformation_event(
            transformation_id=record.pk, kind=kind, when=transformed_on, operator_uscc=operator.uscc,
            inputs=[epcis_events.Line(lot.epc_class, q, lot.unit) for lot, q in in_pairs],
            outputs=[epcis_events.Line(lot.epc_class, q, lot.unit) for lot, q in out_pairs])], operator=operator, by=by)
        audit.record_event("transformation.recorded", obj=record, operator_id=operator.pk,
                           data={"kind": kind, "inputs": [[lot.pk, str(q)] for lot, q in in_pairs],
                                 "outputs": [[lot.pk, str(q)] for lot, q in out_pairs]})
        return record
