"""Inspection endpoints (/api/v1/inspections): plans, double-random draws and their check, the
inspector's assignments, findings on site, photos, acknowledgement, closing, amendments,
publication, checklists, indicators, and the public results (no authentication)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from shian.api import principal_of
from shian.core import access
from shian.core.errors import Invalid, NotFound
from shian.core.schemas import ERROR_RESPONSES
from shian.inspection import selectors, services, verification
from shian.inspection.models import Amendment, Draw, Inspection, InspectionPlan
from shian.inspection.schemas import (
    AcknowledgeIn,
    AmendmentIn,
    AmendmentOut,
    ChecklistOut,
    CloseIn,
    CoverageOut,
    DrawIn,
    DrawnOut,
    DrawOut,
    FindingsIn,
    InspectionOut,
    InspectionSummaryOut,
    ItemOut,
    OverdueOut,
    PhotoOut,
    PlanIn,
    PlanItemOut,
    PlanOut,
    PublicResultOut,
    VerifyOut,
)

router = Router(tags=["inspections"])
ERRORS = ERROR_RESPONSES


class Paging(Schema):
    limit: int = 50
    offset: int = 0


class PlanItemQuery(Paging):
    quarter: int | None = None
    month: int | None = None


class IndicatorQuery(Schema):
    jurisdiction: str
    since: date
    until: date


def _window(paging: Paging) -> tuple[int, int]:
    return max(1, min(paging.limit, 500)), max(0, paging.offset)


def _user(request: HttpRequest) -> object:
    principal = principal_of(request)
    return principal.user if principal is not None else None


# --- converters -----------------------------------------------------------------------------------

def plan_out(p: InspectionPlan) -> PlanOut:
    return PlanOut(id=p.pk, jurisdiction=p.jurisdiction.code, jurisdiction_name=p.jurisdiction.name, year=p.year, frequencies=p.frequencies,
                   operator_count=p.operator_count, item_count=p.item_count, digest=p.digest, created_at=p.created_at)


def draw_out(d: Draw, *, with_result: bool = False) -> DrawOut:
    drawn = []
    if with_result:
        drawn = [DrawnOut(rank=r["rank"], target=r["target"], operator_id=r["operator"].pk if r["operator"] else None,
                          operator_name=r["operator"].name if r["operator"] else "", inspectors=[b for b, _p in r["inspectors"]],
                          excluded=r["excluded"], inspection_id=r["inspection_id"]) for r in selectors.draw_rows(d)]
    return DrawOut(id=d.pk, title=d.title, jurisdiction=d.jurisdiction.code, seed=d.seed, target_pool_hash=d.target_pool_hash,
                   target_pool_size=d.target_pool_size, inspector_pool_hash=d.inspector_pool_hash, inspector_pool_size=d.inspector_pool_size,
                   count=d.count, proportion=d.proportion, per_inspection=d.inspectors_per_inspection, filters=d.filters, ran_by=d.ran_by_label,
                   ran_at=d.ran_at, publish_due=d.publish_due, published_at=d.published_at, drawn=drawn)


def summary_out(i: Inspection) -> InspectionSummaryOut:
    return InspectionSummaryOut(id=i.pk, operator_id=i.operator_id, operator_name=i.operator.name, scope=i.scope, status=i.status, due_on=i.due_on,
                                draw_id=i.draw_id, inspected_at=i.inspected_at, result=i.result, closed_at=i.closed_at)


def inspection_out(i: Inspection) -> InspectionOut:
    d = selectors.inspection_detail(i)
    items = [ItemOut(id=it.pk, number=it.number, section=it.section, text=it.text, key=it.key, basis=it.basis,
                     outcome=it.answer.outcome if it.answer else None, note=it.answer.note if it.answer else "") for it in d.items]
    inspectors = [getattr(getattr(a.inspector, "inspector_profile", None), "badge_number", "") or a.inspector.username for a in d.inspectors]
    return InspectionOut(**summary_out(i).dict(), checklist=str(i.template) if i.template else "", inspectors=inspectors, place=i.place,
                         latitude=i.latitude, longitude=i.longitude, representative_name=i.representative_name,
                         representative_signature=i.representative_signature, acknowledged_at=i.acknowledged_at, summary=i.summary,
                         key_failures=i.key_failures, general_failures=i.general_failures, failed_items=list(i.failed_items), revision=i.revision,
                         record_hash=i.record_hash, verify_code=i.verify_code if i.is_closed else None, publish_due=i.publish_due,
                         published_at=i.published_at, items=items,
                         photos=[PhotoOut(id=p.pk, sha256=p.sha256, content_type=p.content_type, original_name=p.original_name, item_id=p.item_id)
                                 for p in d.photos])


def amendment_out(a: Amendment) -> AmendmentOut:
    return AmendmentOut(id=a.pk, inspection_id=a.inspection_id, revision=a.revision, reason=a.reason, changes=a.changes, result_before=a.result_before,
                        result_after=a.result_after, hash_before=a.hash_before, hash_after=a.hash_after, amended_at=a.amended_at)


# --- plans --------------------------------------------------------------------------------------------

@router.get("/plans", response={200: list[PlanOut], **ERRORS}, summary="年度检查计划列表")
def plan_list(request: HttpRequest, query: Query[Paging]) -> list[PlanOut]:
    limit, offset = _window(query)
    return [plan_out(p) for p in selectors.plan_list(principal_of(request))[offset:offset + limit]]


@router.post("/plans", response={201: PlanOut, **ERRORS}, summary="按风险等级生成年度检查计划")
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[PlanOut]:
    principal = principal_of(request)
    jurisdiction = selectors.jurisdiction_for(principal, payload.jurisdiction, "draw")
    plan = services.plan_generate(jurisdiction=jurisdiction, year=payload.year, frequencies=payload.frequencies, by=_user(request))  # type: ignore[arg-type]
    return Status(201, plan_out(plan))


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="年度检查计划")
def plan_detail(request: HttpRequest, plan_id: int) -> PlanOut:
    return plan_out(selectors.plan_for(principal_of(request), plan_id))


@router.get("/plans/{plan_id}/items", response={200: list[PlanItemOut], **ERRORS}, summary="计划检查项目（按季度/月份）")
def plan_items(request: HttpRequest, plan_id: int, query: Query[PlanItemQuery]) -> list[PlanItemOut]:
    plan = selectors.plan_for(principal_of(request), plan_id)
    limit, offset = _window(query)
    items = selectors.plan_items(plan, quarter=query.quarter, month=query.month)[offset:offset + limit]
    return [PlanItemOut(id=i.pk, operator_id=i.operator_id, operator_name=i.operator.name, grade=i.grade, grade_source=i.grade_source, scope=i.scope,
                        focus_reasons=i.reason_codes, due_month=i.due_month, due_quarter=i.due_quarter,
                        inspection_id=getattr(getattr(i, "inspection", None), "pk", None)) for i in items]


# --- draws --------------------------------------------------------------------------------------------

@router.get("/draws", response={200: list[DrawOut], **ERRORS}, summary="双随机抽查列表")
def draw_list(request: HttpRequest, query: Query[Paging]) -> list[DrawOut]:
    limit, offset = _window(query)
    return [draw_out(d) for d in selectors.draw_list(principal_of(request))[offset:offset + limit]]


@router.post("/draws", response={201: DrawOut, **ERRORS}, summary="双随机抽取（检查对象与检查人员）")
def draw_create(request: HttpRequest, payload: DrawIn) -> Status[DrawOut]:
    principal = principal_of(request)
    jurisdiction = selectors.jurisdiction_for(principal, payload.jurisdiction, "draw")
    plan = selectors.plan_for(principal, payload.plan_id) if payload.plan_id else None
    filters = services.TargetFilters(jurisdiction=jurisdiction, type_codes=payload.types, grades=payload.grades, credit=payload.credit, plan=plan,
                                     quarter=payload.quarter)
    draw = services.draw_run(title=payload.title, filters=filters, inspector_organisations=payload.organisation_ids, count=payload.count,
                             proportion=payload.proportion, per_inspection=payload.per_inspection, scope=payload.scope, by=_user(request))  # type: ignore[arg-type]
    return Status(201, draw_out(draw, with_result=True))


@router.get("/draws/{draw_id}", response={200: DrawOut, **ERRORS}, summary="双随机抽查结果")
def draw_detail(request: HttpRequest, draw_id: int) -> DrawOut:
    return draw_out(selectors.draw_for(principal_of(request), draw_id), with_result=True)


@router.post("/draws/{draw_id}/publish", response={200: DrawOut, **ERRORS}, summary="公开抽查及结果")
def draw_publish(request: HttpRequest, draw_id: int) -> DrawOut:
    draw = selectors.draw_for(principal_of(request), draw_id, "draw")
    return draw_out(services.draw_publish(draw=draw, by=_user(request)), with_result=True)  # type: ignore[arg-type]


@router.get("/draws/{draw_id}/verify", response={200: VerifyOut, **ERRORS}, auth=None, summary="复核抽查（公开的抽查任何人可复核）")
def draw_verify(request: HttpRequest, draw_id: int) -> VerifyOut:
    try:
        draw = selectors.published_draw(draw_id)
    except NotFound:
        principal = principal_of(request)
        if principal is None:
            raise
        draw = selectors.draw_for(principal, draw_id)
    p = verification.published(draw)
    problems = verification.verify(draw)
    return VerifyOut(ok=not problems, problems=problems, seed=p.seed, target_pool_hash=p.target_pool_hash, inspector_pool_hash=p.inspector_pool_hash,
                     target_keys=list(p.target_keys), inspector_keys=list(p.inspector_keys), count=p.count, per_inspection=p.per_inspection,
                     drawn=[a.as_dict() for a in p.assignments])


@router.get("/public/results", response={200: list[PublicResultOut], **ERRORS}, auth=None, summary="已公开的检查结果（公众）")
def public_results(request: HttpRequest, query: Query[Paging]) -> list[PublicResultOut]:
    limit, offset = _window(query)
    return [PublicResultOut(operator_name=i.operator.name, uscc=i.operator.uscc, jurisdiction=i.operator.jurisdiction.name,
                            inspected_on=timezone.localdate(i.inspected_at) if i.inspected_at else None, result=i.result, published_at=i.published_at,
                            verify_code=i.verify_code, draw_id=i.draw_id) for i in selectors.public_results()[offset:offset + limit]]


@router.get("/overdue", response={200: OverdueOut, **ERRORS}, summary="逾期未公开的抽查和检查结果")
def overdue(request: HttpRequest) -> OverdueOut:
    draws, inspections = selectors.overdue_publication(principal_of(request))
    return OverdueOut(draws=[draw_out(d) for d in draws[:200]], inspections=[summary_out(i) for i in inspections[:500]])


@router.get("/indicators/coverage", response={200: list[CoverageOut], **ERRORS}, summary="按风险等级的检查覆盖率")
def coverage(request: HttpRequest, query: Query[IndicatorQuery]) -> list[CoverageOut]:
    principal = principal_of(request)
    jurisdiction = selectors.jurisdiction_for(principal, query.jurisdiction, "plan")
    return [CoverageOut(grade=r.grade, operators=r.operators, inspected=r.inspected, rate=r.rate)
            for r in selectors.coverage_by_grade(principal, path=jurisdiction.path, since=query.since, until=query.until)]


@router.get("/checklists", response={200: list[ChecklistOut], **ERRORS}, summary="检查要点表（含法律依据）")
def checklists(request: HttpRequest) -> list[ChecklistOut]:
    access.require(principal_of(request), selectors.RESOURCE, "view")
    return [ChecklistOut(id=t.pk, code=t.code, version=t.version, name=t.name, operator_types=[ot.code for ot in t.operator_types.all()], active=t.active,
                         source=t.source, items=[ItemOut(id=i.pk, number=i.number, section=i.section, text=i.text, key=i.key, basis=i.basis)
                                                 for i in t.items.all()]) for t in selectors.templates()]


# --- inspections ---------------------------------------------------------------------------------------

@router.get("", response={200: list[InspectionSummaryOut], **ERRORS}, summary="检查列表")
def inspection_list(request: HttpRequest, query: Query[Paging]) -> list[InspectionSummaryOut]:
    limit, offset = _window(query)
    filters = selectors.InspectionFilters.from_params(request.GET)
    return [summary_out(i) for i in selectors.inspection_list(principal_of(request), filters)[offset:offset + limit]]


@router.get("/assignments", response={200: list[InspectionSummaryOut], **ERRORS}, summary="我的检查任务")
def assignments(request: HttpRequest, query: Query[Paging]) -> list[InspectionSummaryOut]:
    limit, offset = _window(query)
    return [summary_out(i) for i in selectors.my_assignments(principal_of(request))[offset:offset + limit]]


@router.get("/{inspection_id}", response={200: InspectionOut, **ERRORS}, summary="检查记录")
def inspection_detail(request: HttpRequest, inspection_id: int) -> InspectionOut:
    return inspection_out(selectors.inspection_for(principal_of(request), inspection_id))


@router.post("/{inspection_id}/findings", response={200: InspectionOut, **ERRORS}, summary="现场检查：逐项记录（符合/不符合/不适用）")
def findings(request: HttpRequest, inspection_id: int, payload: FindingsIn) -> InspectionOut:
    inspection = selectors.inspection_for(principal_of(request), inspection_id, "perform")
    saved = services.inspection_save(inspection=inspection, answers=[services.AnswerIn(a.item_id, a.outcome, a.note) for a in payload.answers],
                                     inspected_at=payload.inspected_at, place=payload.place, latitude=payload.latitude, longitude=payload.longitude,
                                     summary=payload.summary, by=_user(request))  # type: ignore[arg-type]
    return inspection_out(saved)


@router.post("/{inspection_id}/photos", response={201: PhotoOut, **ERRORS}, summary="上传现场照片")
def photo_add(request: HttpRequest, inspection_id: int, file: File[UploadedFile], item_id: Form[int | None] = None) -> Status[PhotoOut]:
    inspection = selectors.inspection_for(principal_of(request), inspection_id, "perform")
    item = None
    if item_id is not None:
        item = inspection.template.items.filter(pk=item_id).first() if inspection.template else None
        if item is None:
            raise Invalid(_("The item is not on this inspection's checklist."), code="item_unknown", field="item_id")
    photo = services.photo_add(inspection=inspection, file=file, name=file.name or "photo", size=file.size, item=item, by=_user(request))  # type: ignore[arg-type]
    return Status(201, PhotoOut(id=photo.pk, sha256=photo.sha256, content_type=photo.content_type, original_name=photo.original_name, item_id=photo.item_id))


@router.post("/{inspection_id}/acknowledge", response={200: InspectionOut, **ERRORS}, summary="被检查单位负责人签字确认")
def acknowledge(request: HttpRequest, inspection_id: int, payload: AcknowledgeIn) -> InspectionOut:
    inspection = selectors.inspection_for(principal_of(request), inspection_id, "perform")
    return inspection_out(services.inspection_acknowledge(inspection=inspection, representative_name=payload.representative_name,
                                                          signature=payload.signature, by=_user(request)))  # type: ignore[arg-type]


@router.post("/{inspection_id}/close", response={200: InspectionOut, **ERRORS}, summary="结束检查（计算结果、封存记录）")
def close(request: HttpRequest, inspection_id: int, payload: CloseIn) -> InspectionOut:
    inspection = selectors.inspection_for(principal_of(request), inspection_id, "perform")
    return inspection_out(services.inspection_close(inspection=inspection, rectification_days=payload.rectification_working_days,
                                                    by=_user(request)))  # type: ignore[arg-type]


@router.post("/{inspection_id}/amendments", response={201: AmendmentOut, **ERRORS}, summary="更正已结束的检查（留痕）")
def amend(request: HttpRequest, inspection_id: int, payload: AmendmentIn) -> Status[AmendmentOut]:
    inspection = selectors.inspection_for(principal_of(request), inspection_id, "amend")
    amendment = services.amendment_create(inspection=inspection, answers=[services.AnswerIn(a.item_id, a.outcome, a.note) for a in payload.answers],
                                          reason=payload.reason, by=_user(request))  # type: ignore[arg-type]
    return Status(201, amendment_out(amendment))


@router.post("/{inspection_id}/publish", response={200: InspectionOut, **ERRORS}, summary="公开检查结果")
def publish(request: HttpRequest, inspection_id: int) -> InspectionOut:
    principal = access.require(principal_of(request), selectors.RESOURCE, "draw")
    inspection = selectors.inspection_for(principal, inspection_id)
    if not inspection.is_closed:
        raise Invalid(_("Only the result of a closed inspection is published."), code="inspection_not_closed")
    services.results_publish(inspections=[inspection], by=_user(request))  # type: ignore[arg-type]
    return inspection_out(inspection)
