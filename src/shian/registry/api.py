"""Registry endpoints: operators (search, create, change, dossier), licences, premises, staff,
insurance, self-inspections, Excel import and export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from shian.api import principal_of
from shian.core import access
from shian.core.errors import Invalid
from shian.core.models import Jurisdiction
from shian.core.pagination import capped_count
from shian.core.schemas import ERROR_RESPONSES
from shian.registry import selectors, services
from shian.registry.exports_views import licences_xlsx, operators_xlsx
from shian.registry.imports import start_import
from shian.registry.models import Licence, Operator
from shian.registry.schemas import (
    CreatedOut,
    DossierOut,
    ImportStartedOut,
    InsuranceIn,
    LicenceIn,
    LicenceOut,
    OperatorIn,
    OperatorOut,
    OperatorPage,
    OperatorPatch,
    PremisesIn,
    SelfInspectionIn,
    StaffIn,
    StatusIn,
)

router = Router(tags=["registry"])
ERRORS = ERROR_RESPONSES


class OperatorQuery(Schema):
    q: str = ""
    jurisdiction: str = ""
    type: str = ""
    status: str = ""
    limit: int = 50
    offset: int = 0


def operator_out(op: Operator) -> OperatorOut:
    return OperatorOut(id=op.pk, name=op.name, uscc=op.uscc, legal_representative=op.legal_representative,
                       types=[t.code for t in op.types.all()], address=op.address, jurisdiction=op.jurisdiction.code,
                       jurisdiction_name=op.jurisdiction.name, scale=op.scale, status=op.status)


def _jurisdiction(principal: access.Principal, code: str, field: str = "jurisdiction") -> Jurisdiction:
    j = Jurisdiction.objects.filter(code=code).first()
    if j is None:
        raise Invalid(_("Unknown division code %(code)s.") % {"code": code}, code="jurisdiction_unknown", field=field)
    if not access.in_subtree(principal, j.path) and not access.scope_for(principal, "operator", "maintain") == "own":
        raise Invalid(_("%(name)s is outside your jurisdiction.") % {"name": j.name}, code="jurisdiction_outside", field=field)
    return j


@router.get("/operators", response={200: OperatorPage, **ERRORS}, summary="经营者列表（检索、筛选、分页）")
def operator_list(request: HttpRequest, query: Query[OperatorQuery]) -> OperatorPage:
    principal = access.require(principal_of(request), "operator", "view")
    limit = max(1, min(query.limit, 200))
    offset = max(0, query.offset)
    qs = selectors.operator_search(principal, selectors.OperatorFilters(query.q, query.jurisdiction, query.type, query.status))
    page = list(selectors.with_types(qs)[offset:offset + limit])
    count, exact = capped_count(qs)
    return OperatorPage(count=count, count_exact=exact, limit=limit, offset=offset, items=[operator_out(o) for o in page])


@router.post("/operators", response={201: CreatedOut, **ERRORS}, summary="登记经营者")
def operator_create(request: HttpRequest, payload: OperatorIn) -> Status[CreatedOut]:
    principal = access.require(principal_of(request), "operator", "change")
    op = services.operator_create(name=payload.name, uscc=payload.uscc, legal_representative=payload.legal_representative,
                                  type_codes=payload.types, scope_codes=payload.scope, address=payload.address,
                                  jurisdiction=_jurisdiction(principal, payload.jurisdiction), scale=payload.scale,
                                  latitude=payload.latitude, longitude=payload.longitude, phone=payload.phone, by=principal.user)
    return Status(201, CreatedOut(id=op.pk))


@router.get("/operators/export.xlsx", summary="导出经营者列表（Excel）", response={200: None, **ERRORS})
def operator_export(request: HttpRequest, query: Query[OperatorQuery]) -> HttpResponse:
    principal = access.require(principal_of(request), "operator", "view")
    return operators_xlsx(principal, selectors.OperatorFilters(query.q, query.jurisdiction, query.type, query.status))


@router.post("/operators/import", response={202: ImportStartedOut, **ERRORS}, summary="批量导入经营者及许可证（xlsx/csv，全部成功或全部不导入）")
def operator_import(request: HttpRequest, file: File[UploadedFile]) -> Status[ImportStartedOut]:
    principal = access.require(principal_of(request), "operator", "import")
    job = start_import(principal, file)
    return Status(202, ImportStartedOut(job_id=str(job.pk), status=job.status, result=job.result))


@router.get("/operators/{operator_id}", response={200: DossierOut, **ERRORS}, summary="一户一档（经营者档案）")
def operator_dossier(request: HttpRequest, operator_id: int) -> DossierOut:
    principal = principal_of(request)
    op, sections, timeline = selectors.dossier_for(principal, operator_id)
    return DossierOut(operator=operator_out(op),
                      sections=[{"key": s.key, "title": s.title, "count": s.count, "data": s.data} for s in sections],  # type: ignore[misc]
                      timeline=[e.as_dict() for e in timeline])  # type: ignore[misc]


@router.patch("/operators/{operator_id}", response={200: CreatedOut, **ERRORS}, summary="修改经营者信息")
def operator_patch(request: HttpRequest, operator_id: int, payload: OperatorPatch) -> CreatedOut:
    principal = principal_of(request)
    op = selectors.operator_for(principal, operator_id, "change")
    assert principal is not None
    changes: dict[str, Any] = payload.model_dump(exclude_unset=True)
    types = changes.pop("types", None)
    scope = changes.pop("scope", None)
    uscc = changes.pop("uscc", None)
    if "jurisdiction" in changes:
        changes["jurisdiction"] = _jurisdiction(principal, changes["jurisdiction"])
    services.operator_update(operator=op, by=principal.user, type_codes=types, scope_codes=scope, uscc=uscc, **changes)
    return CreatedOut(id=op.pk)


@router.post("/operators/{operator_id}/status", response={200: CreatedOut, **ERRORS}, summary="变更经营者状态（停业、注销、恢复）")
def operator_status(request: HttpRequest, operator_id: int, payload: StatusIn) -> CreatedOut:
    principal = principal_of(request)
    op = selectors.operator_for(principal, operator_id, "change")
    services.operator_set_status(operator=op, status=payload.status, reason=payload.reason, by=principal.user if principal else None)
    return CreatedOut(id=op.pk)


@router.post("/operators/{operator_id}/licences", response={201: CreatedOut, **ERRORS}, summary="登记许可证")
def licence_create(request: HttpRequest, operator_id: int, payload: LicenceIn) -> Status[CreatedOut]:
    principal = principal_of(request)
    op = selectors.operator_for(principal, operator_id, "change")
    premises = op.premises.filter(pk=payload.premises_id).first() if payload.premises_id else None
    if payload.premises_id and premises is None:
        raise Invalid(_("The premises belong to another operator."), code="premises_mismatch", field="premises_id")
    lic = services.licence_create(operator=op, kind=payload.kind, number=payload.number, issued_on=payload.issued_on,
                                  expires_on=payload.expires_on, authority=payload.authority, scope_codes=payload.scope,
                                  premises=premises, by=principal.user if principal else None)
    return Status(201, CreatedOut(id=lic.pk))


@router.post("/licences/{licence_id}/status", response={200: CreatedOut, **ERRORS}, summary="变更许可证状态（暂停、吊销、注销、恢复）")
def licence_status(request: HttpRequest, licence_id: int, payload: StatusIn) -> CreatedOut:
    principal = principal_of(request)
    lic = access.get_or_deny(Licence.objects.select_related("operator"), principal, "licence", "change",
                             jurisdiction_field="operator__jurisdiction__path", org_field="operator__owner_org_id", pk=licence_id)
    services.licence_set_status(licence=lic, status=payload.status, reason=payload.reason, by=principal.user if principal else None)
    return CreatedOut(id=lic.pk)


@router.get("/licences/expiring", response={200: list[LicenceOut], **ERRORS}, summary="许可证到期预警")
def licences_expiring(request: HttpRequest, within_days: int = 90, limit: int = 200, offset: int = 0) -> list[LicenceOut]:
    principal = access.require(principal_of(request), "licence", "view")
    if not 0 <= within_days <= 3650:
        raise Invalid(_("within_days must be between 0 and 3650."), field="within_days")
    rows = list(selectors.licences_expiring(principal, within_days=within_days)[max(0, offset):max(0, offset) + max(1, min(limit, 500))])
    return [LicenceOut(id=e.licence.pk, operator_id=e.licence.operator_id, operator_name=e.licence.operator.name, kind=e.licence.kind,
                       number=e.licence.number, issued_on=e.licence.issued_on, expires_on=e.licence.expires_on,
                       authority=e.licence.authority, status=e.licence.status, days_left=e.days_left, renewal_deadline=e.renewal_deadline)
            for e in selectors.annotate_expiry(rows)]


@router.get("/licences/expiring.xlsx", summary="导出许可证到期预警（Excel）", response={200: None, **ERRORS})
def licences_expiring_export(request: HttpRequest, within_days: int = 90) -> HttpResponse:
    principal = access.require(principal_of(request), "licence", "view")
    return licences_xlsx(principal, within_days)


def _maintain(request: HttpRequest, operator_id: int) -> tuple[access.Principal, Operator]:
    principal = principal_of(request)
    op = selectors.operator_for(principal, operator_id, "maintain")
    assert principal is not None
    return principal, op


@router.post("/operators/{operator_id}/premises", response={201: CreatedOut, **ERRORS}, summary="登记经营场所")
def premises_add(request: HttpRequest, operator_id: int, payload: PremisesIn) -> Status[CreatedOut]:
    principal, op = _maintain(request, operator_id)
    j = Jurisdiction.objects.filter(code=payload.jurisdiction).first()
    if j is None:
        raise Invalid(_("Unknown division code %(code)s.") % {"code": payload.jurisdiction}, code="jurisdiction_unknown", field="jurisdiction")
    obj = services.premises_add(operator=op, name=payload.name, kind=payload.kind, address=payload.address, jurisdiction=j,
                                area_m2=payload.area_m2, by=principal.user)
    return Status(201, CreatedOut(id=obj.pk))


@router.post("/operators/{operator_id}/staff", response={201: CreatedOut, **ERRORS}, summary="登记从业人员/食品安全管理员")
def staff_add(request: HttpRequest, operator_id: int, payload: StaffIn) -> Status[CreatedOut]:
    principal, op = _maintain(request, operator_id)
    obj = services.staff_add(operator=op, by=principal.user, **payload.model_dump())
    return Status(201, CreatedOut(id=obj.pk))


@router.post("/operators/{operator_id}/insurance", response={201: CreatedOut, **ERRORS}, summary="登记食品安全责任保险")
def insurance_add(request: HttpRequest, operator_id: int, payload: InsuranceIn) -> Status[CreatedOut]:
    principal, op = _maintain(request, operator_id)
    obj = services.insurance_add(operator=op, by=principal.user, **payload.model_dump())
    return Status(201, CreatedOut(id=obj.pk))


@router.post("/operators/{operator_id}/self-inspections", response={201: CreatedOut, **ERRORS}, summary="提交自查报告")
def self_inspection_add(request: HttpRequest, operator_id: int, payload: SelfInspectionIn) -> Status[CreatedOut]:
    principal, op = _maintain(request, operator_id)
    obj = services.self_inspection_submit(operator=op, by=principal.user, **payload.model_dump())
    return Status(201, CreatedOut(id=obj.pk))
