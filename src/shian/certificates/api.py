"""Produce certificate endpoints (承诺达标合格证): list, issue, detail, re-issue after mixing or
repacking, revoke, and a market's entry check with the list of checks."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status

from shian.api import principal_of
from shian.certificates import selectors, services, validity
from shian.certificates.codes import parse_code
from shian.certificates.models import CertificateCheck, ProduceCertificate
from shian.certificates.schemas import (
    CertificateIn,
    CertificateOut,
    CertificatePage,
    CertificateSummaryOut,
    CheckIn,
    CheckOut,
    CheckPage,
    ReissueIn,
    RelatedOut,
    RevokeIn,
)
from shian.core.access import Principal
from shian.core.pagination import capped_count
from shian.core.schemas import ERROR_RESPONSES
from shian.trace import selectors as trace_selectors

router = Router(tags=["certificates"])
ERRORS = ERROR_RESPONSES


class Paging(Schema):
    limit: int = 50
    offset: int = 0


class CertificateQuery(Paging):
    status: str = ""
    q: str = ""


class CheckQuery(Paging):
    result: str = ""


def _window(paging: Paging) -> tuple[int, int]:
    return max(1, min(paging.limit, 200)), max(0, paging.offset)


# --- converters -------------------------------------------------------------------------------

def _summary_fields(c: ProduceCertificate) -> dict[str, object]:
    return {"id": c.pk, "code": c.code, "issuer_id": c.issuer_id, "issuer_name": c.issuer.name, "product_name": c.product_name,
            "category": c.category.code, "quantity": c.quantity, "unit": c.unit, "origin": c.origin, "contact_phone": c.contact_phone,
            "issued_on": c.issued_on, "basis": c.basis, "status": c.status, "reissue_kind": c.reissue_kind, "retain_until": c.retain_until,
            "public_url": reverse("certificate-public", args=[c.code])}


def summary_out(c: ProduceCertificate) -> CertificateSummaryOut:
    return CertificateSummaryOut(**_summary_fields(c))  # type: ignore[arg-type]


def check_out(k: CertificateCheck) -> CheckOut:
    reasons = [{"code": r["code"], "message": r["message"]} for r in validity.describe(k.reasons)]
    return CheckOut(id=k.pk, certificate_id=k.certificate_id, code_scanned=k.code_scanned, market_id=k.market_id, market_name=k.market.name,
                    checked_by=k.checked_by_label, checked_at=k.checked_at, quantity=k.quantity, result=k.result, reasons=reasons)  # type: ignore[arg-type]


def _related(r: selectors.Related) -> RelatedOut:
    c = r.certificate
    return RelatedOut(id=c.pk if r.visible else None, code=c.code if r.visible else None, product_name=c.product_name, issuer_name=c.issuer.name,
                      issued_on=c.issued_on, status=c.status, quantity=r.quantity)


def certificate_out(principal: Principal, c: ProduceCertificate) -> CertificateOut:
    parents, children = selectors.certificate_family(principal, c)
    to_reissue, at_entry = selectors.remaining(c)
    return CertificateOut(**_summary_fields(c), commitment=c.commitment, lot_id=c.lot_id, test_report_id=c.test_report_id,  # type: ignore[arg-type]
                          revoke_reason=c.revoke_reason, revoked_at=c.revoked_at, remaining_to_reissue=to_reissue, remaining_at_entry=at_entry,
                          qr_png_url=reverse("certificate-qr", args=[c.pk]), parents=[_related(r) for r in parents],
                          children=[_related(r) for r in children], checks=[check_out(k) for k in selectors.certificate_checks(principal, c)])


# --- certificates -----------------------------------------------------------------------------

@router.get("", response={200: CertificatePage, **ERRORS}, summary="承诺达标合格证列表（筛选：状态、编码或产品名称）")
def certificate_list(request: HttpRequest, query: Query[CertificateQuery]) -> CertificatePage:
    limit, offset = _window(query)
    qs = selectors.certificate_list(principal_of(request), selectors.CertificateFilters(status=query.status, q=query.q))
    count, exact = capped_count(qs)
    return CertificatePage(count=count, count_exact=exact, limit=limit, offset=offset, items=[summary_out(c) for c in qs[offset:offset + limit]])


@router.post("", response={201: CertificateOut, **ERRORS}, summary="开具承诺达标合格证（种养殖基地）")
def certificate_issue(request: HttpRequest, payload: CertificateIn) -> Status[CertificateOut]:
    principal = principal_of(request)
    issuer = selectors.acting_issuer(principal, payload.issuer_id)
    lot = trace_selectors.lot_for(principal, payload.lot_id) if payload.lot_id is not None else None
    report = trace_selectors.document_for(principal, payload.test_report_id) if payload.test_report_id is not None else None
    assert principal is not None
    cert = services.certificate_issue(issuer=issuer, product_name=payload.product_name, category_code=payload.category, quantity=payload.quantity,
                                      unit=payload.unit, origin=payload.origin, contact_phone=payload.contact_phone, issued_on=payload.issued_on,
                                      basis=payload.basis, lot=lot, test_report=report, by=principal.user)
    return Status(201, certificate_out(principal, selectors.certificate_for(principal, cert.pk)))


@router.post("/reissue", response={201: CertificateOut, **ERRORS}, summary="混装或分装后重新开具承诺达标合格证（引用原合格证）")
def certificate_reissue(request: HttpRequest, payload: ReissueIn) -> Status[CertificateOut]:
    principal = principal_of(request)
    holder = selectors.acting_holder(principal, payload.holder_id)
    found = selectors.certificates_by_code(principal, [p.code for p in payload.parents])
    by_code = {c.code: c for c in found}
    parents = [services.ParentIn(by_code[parse_code(p.code)], p.quantity) for p in payload.parents]
    report = trace_selectors.document_for(principal, payload.test_report_id) if payload.test_report_id is not None else None
    assert principal is not None
    cert = services.certificate_reissue(holder=holder, parents=parents, kind=payload.kind, product_name=payload.product_name,
                                        category_code=payload.category, quantity=payload.quantity, unit=payload.unit, origin=payload.origin,
                                        contact_phone=payload.contact_phone, issued_on=payload.issued_on, basis=payload.basis, test_report=report,
                                        by=principal.user)
    return Status(201, certificate_out(principal, selectors.certificate_for(principal, cert.pk)))


@router.post("/check", response={201: CheckOut, **ERRORS}, summary="市场入场查验（扫码或输入编码；结果有效/无效均留档）")
def certificate_check(request: HttpRequest, payload: CheckIn) -> Status[CheckOut]:
    principal = principal_of(request)
    market = selectors.acting_market(principal, payload.market_id)
    assert principal is not None
    check = services.certificate_check(code=payload.code, market=market, quantity=payload.quantity, by=principal.user, by_label=principal.label)
    return Status(201, check_out(check))


@router.get("/checks", response={200: CheckPage, **ERRORS}, summary="入场查验记录（筛选：结果 valid/invalid）")
def check_list(request: HttpRequest, query: Query[CheckQuery]) -> CheckPage:
    limit, offset = _window(query)
    qs = selectors.check_list(principal_of(request), selectors.CheckFilters.from_params({"result": query.result}))
    count, exact = capped_count(qs)
    return CheckPage(count=count, count_exact=exact, limit=limit, offset=offset, items=[check_out(k) for k in qs[offset:offset + limit]])


@router.get("/{certificate_id}", response={200: CertificateOut, **ERRORS}, summary="承诺达标合格证详情（原合格证、重新开具、查验记录）")
def certificate_detail(request: HttpRequest, certificate_id: int) -> CertificateOut:
    principal = principal_of(request)
    cert = selectors.certificate_for(principal, certificate_id)
    assert principal is not None
    return certificate_out(principal, cert)


@router.post("/{certificate_id}/revoke", response={200: CertificateOut, **ERRORS}, summary="作废承诺达标合格证（须注明原因；不删除）")
def certificate_revoke(request: HttpRequest, certificate_id: int, payload: RevokeIn) -> CertificateOut:
    principal = principal_of(request)
    cert = selectors.certificate_for(principal, certificate_id, "record")
    assert principal is not None
    services.certificate_revoke(certificate=cert, reason=payload.reason, by=principal.user)
    return certificate_out(principal, selectors.certificate_for(principal, certificate_id))
