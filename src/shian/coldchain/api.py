"""Cold-chain endpoints: first-stop entries (首站赋码), certificates, release and rejection,
temperature readings per lot, and the regulators' excursion list."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from shian.api import principal_of
from shian.coldchain import checks, rules, selectors, services
from shian.coldchain.models import EntryCertificate, FirstStopEntry, TemperatureReading
from shian.coldchain.schemas import (
    CertificateOut,
    CheckOut,
    EntryIn,
    EntryOut,
    EntryPage,
    EntrySummaryOut,
    ExcursionOut,
    ExcursionPage,
    ReadingOut,
    ReadingsIn,
    ReadingsOut,
    ReadingsResultOut,
    RejectIn,
)
from shian.core.access import Principal
from shian.core.pagination import capped_count
from shian.core.schemas import ERROR_RESPONSES

router = Router(tags=["coldchain"])
ERRORS = ERROR_RESPONSES


class Paging(Schema):
    limit: int = 50
    offset: int = 0


class EntryQuery(Paging):
    status: str = ""
    storage_class: str = ""


def _window(paging: Paging) -> tuple[int, int]:
    return max(1, min(paging.limit, 200)), max(0, paging.offset)


# --- converters -------------------------------------------------------------------------------

def _summary_fields(e: FirstStopEntry) -> dict[str, object]:
    return {"id": e.pk, "first_stop_code": e.lot.trace_code, "lot_id": e.lot_id, "lot_code": e.lot.lot_code, "product_id": e.lot.product_id,
            "product_name": e.lot.product.name, "warehouse_id": e.warehouse_id, "warehouse_name": e.warehouse.name,
            "importer_id": e.importer_id, "importer_name": e.importer_label, "importer_uscc": e.importer_code,
            "origin_country": e.origin_country, "origin_country_name": e.origin_country_name,
            "customs_declaration_number": e.customs_declaration_number, "entry_date": e.entry_date, "storage_class": e.storage_class,
            "status": e.status, "release_code": e.release_code, "released_at": e.released_at,
            "has_excursion": getattr(e, "has_excursion", False)}


def summary_out(e: FirstStopEntry) -> EntrySummaryOut:
    return EntrySummaryOut(**_summary_fields(e))  # type: ignore[arg-type]


def certificate_out(c: EntryCertificate) -> CertificateOut:
    d = c.document
    return CertificateOut(id=c.pk, kind=d.kind, number=c.number, document_id=d.pk, sha256=d.sha256, original_name=d.original_name,
                          issued_on=d.issued_on, valid_until=d.valid_until, url=reverse("coldchain-certificate-file", args=[c.entry_id, c.pk]),
                          attached_at=c.created_at)


def entry_out(request: HttpRequest, e: FirstStopEntry) -> EntryOut:
    certs = selectors.certificates_of(e)
    states = checks.check(certs, timezone.localdate())
    has_excursion = TemperatureReading.objects.filter(lot_id=e.lot_id, excursion=True).exists()
    lot = e.lot
    release_url = request.build_absolute_uri(reverse("coldchain-release-public", args=[e.release_code])) if e.release_code else None
    return EntryOut(**{**_summary_fields(e), "has_excursion": has_excursion},  # type: ignore[arg-type]
                    quantity=lot.quantity, unit=lot.unit, production_date=lot.production_date, expiry_date=lot.expiry_date,
                    epc_class=lot.epc_class, rejected_at=e.rejected_at, rejection_reason=e.rejection_reason, note=e.note,
                    certificates=[certificate_out(c) for c in certs], checks=[CheckOut(**c.as_dict()) for c in states],
                    releasable=e.status == FirstStopEntry.Status.HELD and not checks.problems(states), release_url=release_url)


def reading_out(r: TemperatureReading) -> ReadingOut:
    return ReadingOut(id=r.pk, time=r.measured_at, value=r.value, location=r.location, device=r.device, step=r.step, source=r.source,
                      excursion=r.excursion, limit_low=r.limit_low, limit_high=r.limit_high, recorder_id=r.recorder_id)


def _user(principal: Principal | None) -> object:
    return getattr(principal, "user", None)


# --- entries ----------------------------------------------------------------------------------

@router.get("/entries", response={200: EntryPage, **ERRORS}, summary="首站赋码记录列表（筛选：状态、储存类别）")
def entry_list(request: HttpRequest, query: Query[EntryQuery]) -> EntryPage:
    limit, offset = _window(query)
    qs = selectors.entry_list(principal_of(request), selectors.EntryFilters(status=query.status, storage_class=query.storage_class))
    count, exact = capped_count(qs)
    return EntryPage(count=count, count_exact=exact, limit=limit, offset=offset, items=[summary_out(e) for e in qs[offset:offset + limit]])


@router.post("/entries", response={201: EntryOut, **ERRORS}, summary="首站赋码：进口冷链食品入集中监管仓登记（生成追溯码，待放行）")
def entry_create(request: HttpRequest, payload: EntryIn) -> Status[EntryOut]:
    principal = principal_of(request)
    warehouse = selectors.acting_warehouse(principal, payload.warehouse_id)
    importer = selectors.importer_by_id(principal, payload.importer_id) if payload.importer_id is not None else None
    product = selectors.imported_product(principal, payload.product_id) if payload.product_id is not None else None
    spec = services.ProductSpec(product=product, name=payload.product_name, category_code=payload.category, specification=payload.specification,
                                gtin=payload.gtin)
    entry = services.first_stop_register(
        warehouse=warehouse, importer=importer, importer_name=payload.importer_name, importer_uscc=payload.importer_uscc, product=spec,
        lot_code=payload.lot_code, production_date=payload.production_date, expiry_date=payload.expiry_date, quantity=payload.quantity,
        unit=payload.unit, origin_country=payload.origin_country, customs_declaration_number=payload.customs_declaration_number,
        entry_date=payload.entry_date, storage_class=payload.storage_class, note=payload.note, by=_user(principal))  # type: ignore[arg-type]
    return Status(201, entry_out(request, selectors.entry_for(principal, entry.pk)))


@router.get("/entries/{entry_id}", response={200: EntryOut, **ERRORS}, summary="首站赋码记录详情（证明文件、放行条件、放行证明）")
def entry_detail(request: HttpRequest, entry_id: int) -> EntryOut:
    return entry_out(request, selectors.entry_for(principal_of(request), entry_id))


@router.post("/entries/{entry_id}/certificates", response={201: EntryOut, **ERRORS},
             summary="上传并附加证明文件（报关单、入境货物检验检疫证明、消毒证明、核酸检测报告；PDF/PNG/JPEG）")
def certificate_attach(request: HttpRequest, entry_id: int, file: File[UploadedFile], kind: Form[str], issued_on: Form[date],
                       valid_until: Form[date | None] = None, number: Form[str] = "") -> Status[EntryOut]:
    principal = principal_of(request)
    entry = selectors.entry_for(principal, entry_id, "record")
    services.attach_certificate(entry=entry, file=file, name=file.name or "", size=file.size, kind=kind, issued_on=issued_on,
                                valid_until=valid_until, number=number, by=_user(principal))  # type: ignore[arg-type]
    return Status(201, entry_out(request, selectors.entry_for(principal, entry_id)))


@router.post("/entries/{entry_id}/release", response={200: EntryOut, **ERRORS},
             summary="放行（出具放行证明）；缺少或过期的证明文件时返回409 certificates_missing 及清单")
def entry_release(request: HttpRequest, entry_id: int) -> EntryOut:
    principal = principal_of(request)
    entry = selectors.entry_for(principal, entry_id, "release")
    services.release(entry=entry, by=_user(principal))  # type: ignore[arg-type]
    return entry_out(request, selectors.entry_for(principal, entry_id))


@router.post("/entries/{entry_id}/reject", response={200: EntryOut, **ERRORS}, summary="不予放行（须说明理由）")
def entry_reject(request: HttpRequest, entry_id: int, payload: RejectIn) -> EntryOut:
    principal = principal_of(request)
    entry = selectors.entry_for(principal, entry_id, "release")
    services.reject(entry=entry, reason=payload.reason, by=_user(principal))  # type: ignore[arg-type]
    return entry_out(request, selectors.entry_for(principal, entry_id))


# --- readings and excursions ------------------------------------------------------------------

@router.post("/lots/{lot_id}/readings", response={201: ReadingsResultOut, **ERRORS},
             summary="批量登记温度（全部有效才保存；逐条报错；同时生成含 sensorElementList 的 EPCIS 事件）")
def readings_create(request: HttpRequest, lot_id: int, payload: ReadingsIn) -> Status[ReadingsResultOut]:
    principal = principal_of(request)
    entry = selectors.lot_entry(principal, lot_id, "record")
    result = services.record_readings(lot=entry.lot, readings=[r.model_dump() for r in payload.readings], step=payload.step,
                                      by=_user(principal))  # type: ignore[arg-type]
    return Status(201, ReadingsResultOut(stored=len(result.stored), duplicates=result.duplicates, excursions=len(result.excursions),
                                         event_id=result.event.event_id if result.event else None,
                                         readings=[reading_out(r) for r in result.stored]))


@router.get("/lots/{lot_id}/readings", response={200: ReadingsOut, **ERRORS}, summary="批次温度记录（最近2000条）及判定限值")
def readings_list(request: HttpRequest, lot_id: int) -> ReadingsOut:
    entry = selectors.lot_entry(principal_of(request), lot_id)
    low, high = rules.limits(entry.storage_class)
    return ReadingsOut(lot_id=entry.lot_id, first_stop_code=entry.lot.trace_code, storage_class=entry.storage_class, limit_low=low,
                       limit_high=high, readings=[reading_out(r) for r in selectors.readings_of(entry)])


@router.get("/excursions", response={200: ExcursionPage, **ERRORS}, summary="温度超标记录（监管部门，按集中监管仓辖区）")
def excursion_list(request: HttpRequest, query: Query[Paging]) -> ExcursionPage:
    limit, offset = _window(query)
    qs = selectors.excursion_list(principal_of(request))
    count, exact = capped_count(qs)
    items = []
    for r in qs[offset:offset + limit]:
        entry = r.lot.first_stop
        items.append(ExcursionOut(**reading_out(r).model_dump(), lot_id=r.lot_id, first_stop_code=r.lot.trace_code,
                                  product_name=r.lot.product.name, warehouse_id=entry.warehouse_id, warehouse_name=entry.warehouse.name,
                                  entry_id=entry.pk))
    return ExcursionPage(count=count, count_exact=exact, limit=limit, offset=offset, items=items)
