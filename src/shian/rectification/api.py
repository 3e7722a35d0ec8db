"""Rectification endpoints (/api/v1/rectifications): issue (any module), the operator's report with
photos, the issuer's review, the overdue list and the on-time indicator."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from shian.api import principal_of
from shian.core import access
from shian.core.errors import Forbidden, NotFound
from shian.core.schemas import ERROR_RESPONSES
from shian.rectification import selectors, services
from shian.rectification.models import RectificationOrder
from shian.rectification.schemas import OnTimeOut, OrderIn, OrderOut, PhotoOut, ResponseOut, ReviewIn, ReviewOut
from shian.registry.models import Operator

router = Router(tags=["rectifications"])
ERRORS = ERROR_RESPONSES


class Paging(Schema):
    limit: int = 50
    offset: int = 0


class PeriodQuery(Schema):
    since: date
    until: date


def _user(request: HttpRequest) -> object:
    principal = principal_of(request)
    return principal.user if principal is not None else None


def order_out(o: RectificationOrder, *, full: bool = False) -> OrderOut:
    responses: list[ResponseOut] = []
    reviews: list[ReviewOut] = []
    if full:
        detail = selectors.order_detail(o)
        responses = [ResponseOut(id=r.pk, notes=r.notes, submitted_at=r.submitted_at, on_time=r.on_time,
                                 photos=[PhotoOut(id=p.pk, sha256=p.sha256, content_type=p.content_type, original_name=p.original_name)
                                         for p in r.photos.all()]) for r in detail["responses"]]
        reviews = [ReviewOut(id=v.pk, decision=v.decision, note=v.note, new_deadline=v.new_deadline, reviewed_at=v.reviewed_at) for v in detail["reviews"]]
    overdue = o.status == RectificationOrder.Status.OPEN and o.deadline < timezone.localdate()
    return OrderOut(id=o.pk, operator_id=o.operator_id, operator_name=o.operator.name, source_app=o.source_app, source_id=o.source_id,
                    source_title=o.source_title, findings=o.findings, requirements=o.requirements, working_days=o.working_days, deadline=o.deadline,
                    status=o.status, issued_at=o.issued_at, overdue=overdue, times_overdue=o.times_overdue, closed_at=o.closed_at,
                    closed_on_time=o.closed_on_time, responses=responses, reviews=reviews)


@router.get("", response={200: list[OrderOut], **ERRORS}, summary="整改通知列表")
def order_list(request: HttpRequest, query: Query[Paging]) -> list[OrderOut]:
    limit, offset = max(1, min(query.limit, 200)), max(0, query.offset)
    filters = selectors.OrderFilters.from_params(request.GET)
    return [order_out(o) for o in selectors.order_list(principal_of(request), filters)[offset:offset + limit]]


@router.post("", response={201: OrderOut, **ERRORS}, summary="下达整改通知（任何模块：检查、AI抓拍、投诉……）")
def order_create(request: HttpRequest, payload: OrderIn) -> Status[OrderOut]:
    principal = access.require(principal_of(request), selectors.RESOURCE, "issue")
    fields = {"jurisdiction_field": "jurisdiction__path", "org_field": "owner_org_id"}
    operator = access.restrict(Operator.objects.filter(pk=payload.operator_id), principal, selectors.RESOURCE, "issue", **fields).first()
    if operator is None:
        if access.restrict(Operator.objects.filter(pk=payload.operator_id), principal, selectors.RESOURCE, "view", **fields).exists():
            raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    order = services.order_issue(operator=operator, source_app=payload.source_app, source_id=payload.source_id, source_title=payload.source_title,
                                 findings=payload.findings, requirements=payload.requirements, working_days=payload.working_days,
                                 by=_user(request))  # type: ignore[arg-type]
    return Status(201, order_out(order, full=True))


@router.get("/overdue", response={200: list[OrderOut], **ERRORS}, summary="逾期未整改")
def overdue(request: HttpRequest, query: Query[Paging]) -> list[OrderOut]:
    limit, offset = max(1, min(query.limit, 200)), max(0, query.offset)
    return [order_out(o) for o in selectors.overdue_list(principal_of(request))[offset:offset + limit]]


@router.get("/indicators/on-time", response={200: list[OnTimeOut], **ERRORS}, summary="按期整改率（按区）")
def on_time(request: HttpRequest, query: Query[PeriodQuery]) -> list[OnTimeOut]:
    return [OnTimeOut(jurisdiction=r.jurisdiction, due=r.due, on_time=r.on_time, late=r.late, open_overdue=r.open_overdue, rate=r.rate)
            for r in selectors.on_time_rate(principal_of(request), since=query.since, until=query.until)]


@router.get("/{order_id}", response={200: OrderOut, **ERRORS}, summary="整改通知")
def order_detail(request: HttpRequest, order_id: int) -> OrderOut:
    return order_out(selectors.order_for(principal_of(request), order_id), full=True)


@router.post("/{order_id}/responses", response={201: OrderOut, **ERRORS}, summary="经营者在线报告整改情况（文字、照片）")
def respond(request: HttpRequest, order_id: int, notes: Form[str], photos: File[list[UploadedFile]] | None = None) -> Status[OrderOut]:
    order = selectors.order_for(principal_of(request), order_id, "answer")
    uploads = [services.Upload(f, f.name or "photo", f.size) for f in (photos or [])]
    services.response_submit(order=order, notes=notes, uploads=uploads, by=_user(request))  # type: ignore[arg-type]
    return Status(201, order_out(selectors.order_for(principal_of(request), order_id), full=True))


@router.post("/{order_id}/review", response={200: OrderOut, **ERRORS}, summary="审核整改（通过、未到位、现场复查）")
def review(request: HttpRequest, order_id: int, payload: ReviewIn) -> OrderOut:
    order = selectors.order_for(principal_of(request), order_id, "review")
    services.order_review(order=order, decision=payload.decision, note=payload.note, working_days=payload.working_days, by=_user(request))  # type: ignore[arg-type]
    return order_out(selectors.order_for(principal_of(request), order_id), full=True)
