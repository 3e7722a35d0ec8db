"""Traceability endpoints: products, lots, documents, shipments, receipts (索证索票, 供销关系确认) and
the regulators' list of receipts that failed verification."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from shian.api import principal_of
from shian.core import access
from shian.core.pagination import capped_count
from shian.core.schemas import ERROR_RESPONSES
from shian.trace import graph, recall, selectors, services
from shian.trace.models import Document, Lot, Product, Receipt, Transformation
from shian.trace.resolve import LineSpec, resolve_lines
from shian.trace.schemas import (
    AttachIn,
    CorrectIn,
    DisputeIn,
    DocumentOut,
    LineIn,
    LotIn,
    LotOut,
    LotTraceOut,
    ProductIn,
    ProductOut,
    RecallIn,
    RecallOut,
    ReceiptIn,
    ReceiptLineOut,
    ReceiptOut,
    ReceiptPage,
    ReceiptSummaryOut,
    ShipmentIn,
    ShipmentOut,
    TraceGraph,
    TransformationIn,
    TransformationLineOut,
    TransformationOut,
)

router = Router(tags=["trace"])
ERRORS = ERROR_RESPONSES


class Paging(Schema):
    limit: int = 50
    offset: int = 0


class LotQuery(Paging):
    product_id: int | None = None


class ReceiptQuery(Paging):
    status: str = ""
    verified: bool | None = None


def _window(paging: Paging) -> tuple[int, int]:
    return max(1, min(paging.limit, 200)), max(0, paging.offset)


# --- converters -------------------------------------------------------------------------------

def product_out(p: Product) -> ProductOut:
    return ProductOut(id=p.pk, owner_id=p.owner_id, owner_name=p.owner.name, name=p.name, category=p.category.code,
                      specification=p.specification, gtin=p.gtin, shelf_life_days=p.shelf_life_days, imported=p.imported)


def lot_out(lot: Lot) -> LotOut:
    return LotOut(id=lot.pk, product_id=lot.product_id, product_name=lot.product.name, owner_id=lot.product.owner_id, lot_code=lot.lot_code,
                  trace_code=lot.trace_code, production_date=lot.production_date, expiry_date=lot.expiry_date, quantity=lot.quantity,
                  unit=lot.unit, gtin=lot.product.gtin, digital_link=lot.digital_link, epc_class=lot.epc_class)


def document_out(d: Document, created: bool = False) -> DocumentOut:
    return DocumentOut(id=d.pk, kind=d.kind, sha256=d.sha256, size=d.size, content_type=d.content_type, original_name=d.original_name,
                       issued_on=d.issued_on, valid_until=d.valid_until, lot_id=d.lot_id, owner_id=d.owner_id,
                       url=reverse("trace-document-file", args=[d.pk]), created=created)


def _summary_fields(r: Receipt) -> dict[str, object]:
    return {"id": r.pk, "status": r.status, "buyer_id": r.buyer_id, "buyer_name": r.buyer.name, "supplier_id": r.supplier_id,
            "supplier_name": r.supplier_label, "supplier_uscc": r.supplier.uscc if r.supplier else r.supplier_uscc,
            "supplier_licence_number": r.supplier_licence_number, "received_on": r.received_on, "shipment_id": r.shipment_id,
            "imported": r.imported, "verified": r.verified, "verification_flags": r.verification_flags, "verified_at": r.verified_at,
            "dispute_reason": r.dispute_reason, "responded_at": r.responded_at,
            "line_count": getattr(r, "line_count", 0), "has_mismatch": getattr(r, "has_mismatch", False)}


def receipt_summary_out(r: Receipt) -> ReceiptSummaryOut:
    return ReceiptSummaryOut(**_summary_fields(r))  # type: ignore[arg-type]


def receipt_out(r: Receipt) -> ReceiptOut:
    lines, attached, of_lots = selectors.receipt_detail(r)
    fields = {**_summary_fields(r), "line_count": len(lines), "has_mismatch": any(ln.mismatch for ln in lines)}
    return ReceiptOut(**fields,  # type: ignore[arg-type]
                      lines=[ReceiptLineOut(id=ln.pk, lot_id=ln.lot_id, trace_code=ln.lot.trace_code, lot_code=ln.lot.lot_code,
                                            product_id=ln.lot.product_id, product_name=ln.lot.product.name,
                                            category=ln.lot.product.category.code, quantity=ln.quantity,
                                            quantity_confirmed=ln.quantity_confirmed, unit=ln.lot.unit, mismatch=ln.mismatch) for ln in lines],
                      documents=[document_out(d) for d in attached], lot_documents=[document_out(d) for d in of_lots])


def _specs(lines: list[LineIn]) -> list[LineSpec]:
    return [LineSpec(quantity=ln.quantity, lot_id=ln.lot_id, trace_code=ln.trace_code or "", gtin=ln.gtin or "", lot_code=ln.lot_code or "",
                     new_product_id=ln.new_lot.product_id if ln.new_lot else None,
                     new_lot_code=ln.new_lot.lot_code if ln.new_lot else "",
                     production_date=ln.new_lot.production_date if ln.new_lot else None,
                     expiry_date=ln.new_lot.expiry_date if ln.new_lot else None,
                     unit=ln.new_lot.unit if ln.new_lot else "kg") for ln in lines]


# --- products and lots ------------------------------------------------------------------------

@router.get("/products", response={200: list[ProductOut], **ERRORS}, summary="产品列表")
def product_list(request: HttpRequest, query: Query[Paging]) -> list[ProductOut]:
    limit, offset = _window(query)
    return [product_out(p) for p in selectors.product_list(principal_of(request))[offset:offset + limit]]


@router.post("/products", response={201: ProductOut, **ERRORS}, summary="登记产品")
def product_create(request: HttpRequest, payload: ProductIn) -> Status[ProductOut]:
    principal = principal_of(request)
    owner = selectors.acting_operator(principal, payload.operator_id)
    assert principal is not None
    product = services.product_create(owner=owner, name=payload.name, category_code=payload.category, specification=payload.specification,
                                      gtin=payload.gtin, shelf_life_days=payload.shelf_life_days, imported=payload.imported, by=principal.user)
    return Status(201, product_out(product))


@router.get("/lots", response={200: list[LotOut], **ERRORS}, summary="批次列表")
def lot_list(request: HttpRequest, query: Query[LotQuery]) -> list[LotOut]:
    limit, offset = _window(query)
    return [lot_out(lot) for lot in selectors.lot_list(principal_of(request), product_id=query.product_id)[offset:offset + limit]]


@router.post("/lots", response={201: LotOut, **ERRORS}, summary="登记批次（分配追溯码）")
def lot_create(request: HttpRequest, payload: LotIn) -> Status[LotOut]:
    principal = principal_of(request)
    product = selectors.product_for_recording(principal, payload.product_id)
    assert principal is not None
    lot = services.lot_create(product=product, lot_code=payload.lot_code, production_date=payload.production_date, quantity=payload.quantity,
                              unit=payload.unit, expiry_date=payload.expiry_date, by=principal.user)
    return Status(201, lot_out(lot))


@router.get("/lots/{lot_id}", response={200: LotOut, **ERRORS}, summary="批次详情")
def lot_detail(request: HttpRequest, lot_id: int) -> LotOut:
    return lot_out(selectors.lot_for(principal_of(request), lot_id))


class TraceQuery(Schema):
    direction: Literal["back", "forward", "both"] = "both"


@router.get("/lots/{lot_id}/trace", response={200: LotTraceOut, **ERRORS}, summary="批次追溯（向上游追溯、向下游追踪，含EPCIS事件）")
def lot_trace(request: HttpRequest, lot_id: int, query: Query[TraceQuery]) -> LotTraceOut:
    lot, back, forward = graph.lot_trace(principal_of(request), lot_id, query.direction)
    return LotTraceOut(lot=lot_out(lot), back=TraceGraph(**back) if back else None, forward=TraceGraph(**forward) if forward else None)


# --- documents --------------------------------------------------------------------------------

@router.post("/documents", response={200: DocumentOut, 201: DocumentOut, **ERRORS},
             summary="上传证明文件（PDF/PNG/JPEG；同一文件只存一次，重复上传返回已有文件和200）")
def document_upload(request: HttpRequest, file: File[UploadedFile], kind: Form[str], issued_on: Form[date],
                    valid_until: Form[date | None] = None, operator_id: Form[int | None] = None,
                    lot_id: Form[int | None] = None) -> Status[DocumentOut]:
    principal = principal_of(request)
    owner = selectors.acting_operator(principal, operator_id)
    lot = selectors.lot_for(principal, lot_id) if lot_id is not None else None
    assert principal is not None
    doc, created = services.document_upload(file=file, name=file.name or "", size=file.size, kind=kind, issued_on=issued_on,
                                            valid_until=valid_until, owner=owner, lot=lot, by=principal.user)
    return Status(201 if created else 200, document_out(doc, created))


# --- shipments and receipts -------------------------------------------------------------------

@router.post("/shipments", response={201: ShipmentOut, **ERRORS}, summary="登记发货（为买方生成待确认的进货记录）")
def shipment_create(request: HttpRequest, payload: ShipmentIn) -> Status[ShipmentOut]:
    principal = principal_of(request)
    supplier = selectors.acting_operator(principal, payload.supplier_id, field="supplier_id")
    buyer = selectors.buyer_for_shipment(principal, payload.buyer_id)
    lines = resolve_lines(principal, _specs(payload.lines), allow_new=False)
    assert principal is not None
    shipment = services.shipment_create(supplier=supplier, buyer=buyer, shipped_on=payload.shipped_on, lines=lines, note=payload.note,
                                        by=principal.user)
    receipt = shipment.receipt
    return Status(201, ShipmentOut(id=shipment.pk, receipt_id=receipt.pk, verified=receipt.verified))


@router.get("/receipts", response={200: ReceiptPage, **ERRORS}, summary="进货查验记录列表（筛选：状态、是否通过查验）")
def receipt_list(request: HttpRequest, query: Query[ReceiptQuery]) -> ReceiptPage:
    limit, offset = _window(query)
    qs = selectors.receipt_list(principal_of(request), selectors.ReceiptFilters(status=query.status, verified=query.verified))
    count, exact = capped_count(qs)
    return ReceiptPage(count=count, count_exact=exact, limit=limit, offset=offset,
                       items=[receipt_summary_out(r) for r in qs[offset:offset + limit]])


@router.get("/receipts/flagged", response={200: ReceiptPage, **ERRORS}, summary="未通过索证索票查验的进货记录（监管部门）")
def receipt_flagged(request: HttpRequest, query: Query[Paging]) -> ReceiptPage:
    limit, offset = _window(query)
    qs = selectors.flagged_receipts(principal_of(request))
    count, exact = capped_count(qs)
    return ReceiptPage(count=count, count_exact=exact, limit=limit, offset=offset,
                       items=[receipt_summary_out(r) for r in qs[offset:offset + limit]])


@router.post("/receipts", response={201: ReceiptOut, **ERRORS}, summary="登记进货查验记录（自动索证索票查验）")
def receipt_create(request: HttpRequest, payload: ReceiptIn) -> Status[ReceiptOut]:
    principal = principal_of(request)
    buyer = selectors.acting_operator(principal, payload.buyer_id, field="buyer_id")
    supplier = selectors.supplier_by_id(principal, payload.supplier_id) if payload.supplier_id is not None else None
    lines = resolve_lines(principal, _specs(payload.lines), allow_new=True)
    docs = (selectors.documents_attachable(principal, supplier_id=payload.supplier_id, ids=payload.document_ids, sha256=payload.document_sha256)
            if payload.document_ids or payload.document_sha256 else [])
    assert principal is not None
    receipt = services.receipt_record(buyer=buyer, supplier=supplier, supplier_name=payload.supplier_name, supplier_uscc=payload.supplier_uscc,
                                      supplier_licence_number=payload.supplier_licence_number, received_on=payload.received_on,
                                      imported=payload.imported, lines=lines, documents=docs, note=payload.note, by=principal.user)
    return Status(201, receipt_out(selectors.receipt_for(principal, receipt.pk)))


@router.get("/receipts/{receipt_id}", response={200: ReceiptOut, **ERRORS}, summary="进货查验记录详情（明细、证明文件、查验问题）")
def receipt_detail(request: HttpRequest, receipt_id: int) -> ReceiptOut:
    return receipt_out(selectors.receipt_for(principal_of(request), receipt_id))


def _answer(request: HttpRequest, receipt_id: int) -> tuple[access.Principal, Receipt]:
    principal = principal_of(request)
    receipt = selectors.receipt_for(principal, receipt_id, "record")
    assert principal is not None
    return principal, receipt


@router.post("/receipts/{receipt_id}/confirm", response={200: ReceiptOut, **ERRORS}, summary="确认收货（供销关系确认）")
def receipt_confirm(request: HttpRequest, receipt_id: int) -> ReceiptOut:
    principal, receipt = _answer(request, receipt_id)
    services.receipt_confirm(receipt=receipt, by=principal.user)
    return receipt_out(selectors.receipt_for(principal, receipt_id))


@router.post("/receipts/{receipt_id}/correct", response={200: ReceiptOut, **ERRORS}, summary="更正实收数量（差异留档，双方及监管可见）")
def receipt_correct(request: HttpRequest, receipt_id: int, payload: CorrectIn) -> ReceiptOut:
    principal, receipt = _answer(request, receipt_id)
    services.receipt_correct(receipt=receipt, quantities={ln.line_id: ln.quantity_confirmed for ln in payload.lines}, by=principal.user)
    return receipt_out(selectors.receipt_for(principal, receipt_id))


@router.post("/receipts/{receipt_id}/dispute", response={200: ReceiptOut, **ERRORS}, summary="对发货记录提出异议（不删除、不修改发货记录）")
def receipt_dispute(request: HttpRequest, receipt_id: int, payload: DisputeIn) -> ReceiptOut:
    principal, receipt = _answer(request, receipt_id)
    services.receipt_dispute(receipt=receipt, reason=payload.reason, by=principal.user)
    return receipt_out(selectors.receipt_for(principal, receipt_id))


@router.post("/receipts/{receipt_id}/documents", response={200: ReceiptOut, **ERRORS}, summary="引用已上传的证明文件（按ID或SHA-256），并重新查验")
def receipt_attach(request: HttpRequest, receipt_id: int, payload: AttachIn) -> ReceiptOut:
    principal, receipt = _answer(request, receipt_id)
    docs = selectors.documents_attachable(principal, supplier_id=receipt.supplier_id, receipt_id=receipt.pk, ids=payload.document_ids,
                                          sha256=payload.sha256)
    services.receipt_attach_documents(receipt=receipt, documents=docs, by=principal.user)
    return receipt_out(selectors.receipt_for(principal, receipt_id))



# --- transformations --------------------------------------------------------------------------

def transformation_out(t: Transformation) -> TransformationOut:
    lines = [TransformationLineOut(role=ln.role, lot_id=ln.lot_id, lot_code=ln.lot.lot_code, trace_code=ln.lot.trace_code,
                                   product_name=ln.lot.product.name, quantity=ln.quantity, unit=ln.lot.unit)
             for ln in t.lines.select_related("lot__product")]
    return TransformationOut(id=t.pk, operator_id=t.operator_id, operator_name=t.operator.name, kind=t.kind, transformed_on=t.transformed_on,
                             note=t.note, lines=lines)


@router.get("/transformations", response={200: list[TransformationOut], **ERRORS}, summary="加工、混合、分装记录列表")
def transformation_list(request: HttpRequest, query: Query[Paging]) -> list[TransformationOut]:
    limit, offset = _window(query)
    qs = selectors.transformation_list(principal_of(request)).prefetch_related("lines__lot__product")
    return [transformation_out(t) for t in qs[offset:offset + limit]]


@router.post("/transformations", response={201: TransformationOut, **ERRORS}, summary="登记加工/混合/分装（投入批次→产出批次，生成EPCIS转换事件）")
def transformation_create(request: HttpRequest, payload: TransformationIn) -> Status[TransformationOut]:
    principal = principal_of(request)
    operator = selectors.acting_operator(principal, payload.operator_id)
    inputs = resolve_lines(principal, _specs(payload.inputs), allow_new=False)
    outputs = resolve_lines(principal, _specs(payload.outputs), allow_new=True)
    assert principal is not None
    record = services.transformation_record(operator=operator, kind=payload.kind, transformed_on=payload.transformed_on, inputs=inputs,
                                            outputs=outputs, note=payload.note, by=principal.user)
    return Status(201, transformation_out(selectors.transformation_for(principal, record.pk)))


@router.get("/transformations/{transformation_id}", response={200: TransformationOut, **ERRORS}, summary="加工/混合/分装记录详情")
def transformation_detail(request: HttpRequest, transformation_id: int) -> TransformationOut:
    return transformation_out(selectors.transformation_for(principal_of(request), transformation_id))


# --- recall scope -----------------------------------------------------------------------------

@router.post("/recall-scope", response={200: RecallOut, **ERRORS},
             summary="召回范围：批次下游全部受影响批次、持有方及数量、逐事件关键数据（可限定时间段）")
def recall_scope(request: HttpRequest, payload: RecallIn) -> RecallOut:
    principal = principal_of(request)
    ids = list(payload.lot_ids)
    if payload.trace_codes:
        codes = [c.strip().upper() for c in payload.trace_codes]
        by_code = selectors.lots_by_trace_code(principal, codes)
        ids += [by_code[c].pk for c in codes]
    scope = recall.recall_scope(ids, principal=principal, since=payload.since, until=payload.until)
    return RecallOut(lots=[lot_out(lot) for lot in scope["lots"]], affected=scope["affected"], holders=scope["holders"], rows=scope["rows"])
