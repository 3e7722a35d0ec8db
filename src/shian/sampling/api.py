"""Sampling endpoints (/api/v1/sampling): samples, laboratory results (one sample or thousands at once),
re-tests with their verifiable draw, notifications, disposal cases, deadlines, plans, indicators, the
limits table, rapid tests and residents' test requests (the published results are public)."""

from __future__ import annotations

import hashlib
from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from shian.api import principal_of
from shian.core import access
from shian.core.errors import Forbidden, Invalid, NotFound
from shian.core.pagination import capped_count
from shian.core.schemas import ERROR_RESPONSES
from shian.sampling import indicators, inputs, rapid, selectors, services
from shian.sampling.models import Disposal, Limit, Notification, RapidTest, Report, Retest, Sample, TestRequest
from shian.sampling.schemas import (
    AnswerIn,
    BulkIn,
    BulkOut,
    CloseIn,
    DeadlinesOut,
    DeliverIn,
    DisposalOut,
    DrawOut,
    FoodGroupOut,
    IndicatorOut,
    IndicatorsOut,
    LimitOut,
    NotificationOut,
    PlanIn,
    PlanOut,
    ProgressOut,
    PublicResultOut,
    RankOut,
    RapidIn,
    RapidOut,
    ReceiveIn,
    ReportBody,
    ReportOut,
    RequestIn,
    RequestOut,
    RespondIn,
    ResultOut,
    RetestIn,
    RetestOut,
    SampleDetailOut,
    SampleIn,
    SampleOut,
    SamplePage,
    VerifyIn,
)

router = Router(tags=["sampling"])
ERRORS = ERROR_RESPONSES


class Paging(Schema):
    limit: int = 50
    offset: int = 0


class SampleQuery(Paging):
    status: str = ""
    conclusion: str = ""
    purpose: str = ""
    q: str = ""
    operator_id: int | None = None


def _window(paging: Paging) -> tuple[int, int]:
    return max(1, min(paging.limit, 200)), max(0, paging.offset)


def _user(request: HttpRequest):  # type: ignore[no-untyped-def]
    principal = principal_of(request)
    return principal.user if principal is not None else None


# --- converters -------------------------------------------------------------------------------

def sample_out(s: Sample) -> SampleOut:
    return SampleOut(id=s.pk, number=s.number, purpose=s.purpose, operator_id=s.operator_id, operator_name=s.operator.name, place=s.place,
                     product_name=s.product_name, food_group=s.food_group.code, lot_id=s.lot_id, lot_code=s.lot_code, sampled_on=s.sampled_on,
                     seal_number=s.seal_number, quantity=s.quantity, quantity_unit=s.quantity_unit, price_paid=s.price_paid, lab_id=s.lab_id,
                     lab_name=s.lab.name, receive_due=s.receive_due, received_on=s.received_on, report_due=s.report_due,
                     reported_on=s.reported_on, status=s.status, conclusion=s.conclusion)


def report_out(r: Report, with_results: bool = True) -> ReportOut:
    results = [ResultOut(item_code=x.item_code, item=x.item, value_text=x.value_text, value=x.value, unit=x.unit, unit_values=x.unit_values,
                         detected=x.detected, value_in_limit_unit=x.value_in_limit_unit, method_standard=x.method_standard, limit_id=x.limit_id,
                         limit=x.limit_text, standard=x.standard, clause=x.clause, judgement=x.judgement)
               for x in (r.results.all() if with_results else [])]
    return ReportOut(id=r.pk, sample_id=r.sample_id, round=r.round, lab_id=r.lab_id, reported_on=r.reported_on, conclusion=r.conclusion,
                     results=results)


def retest_out(r: Retest) -> RetestOut:
    return RetestOut(id=r.pk, sample_id=r.sample_id, requested_on=r.requested_on, last_allowed_on=r.last_allowed_on, lab_id=r.lab_id,
                     lab_code=r.lab.code, lab_name=r.lab.name, seed=r.seed, pool_hash=r.pool_hash, pool=list(r.pool_keys), drawn=r.drawn_key,
                     drawn_at=r.drawn_at, received_on=r.received_on, report_due=r.report_due)


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(id=n.pk, sample_id=n.sample_id, recipient=n.recipient, channel=n.channel, operator_id=n.operator_id,
                           organisation_id=n.organisation_id, due_on=n.due_on, sent_at=n.sent_at, delivered_on=n.delivered_on, late=n.late)


def disposal_out(d: Disposal, *, with_scope: bool = False) -> DisposalOut:
    return DisposalOut(id=d.pk, sample_id=d.sample_id, sample_number=d.sample.number, operator_id=d.sample.operator_id, opened_on=d.opened_on,
                       due_on=d.due_on, status=d.status, outcome=d.outcome, withdrawal=d.withdrawal, cause_analysis=d.cause_analysis,
                       responded_at=d.responded_at, verification=d.verification, verified_at=d.verified_at, penalty_case_ref=d.penalty_case_ref,
                       closed_on=d.closed_on, closed_late=d.closed_late, scope=d.scope if with_scope else None)


def rapid_out(t: RapidTest) -> RapidOut:
    url = f"{reverse('sampling-sample-new')}?rapid_test={t.pk}" if t.result == RapidTest.Result.POSITIVE else None
    return RapidOut(id=t.pk, station_id=t.station_id, jurisdiction=t.jurisdiction.code, tested_on=t.tested_on, item=t.item,
                    product_name=t.product_name, result=t.result, operator_id=t.operator_id, vendor=t.vendor, lot_id=t.lot_id, lot_code=t.lot_code,
                    method=t.method, sampling_url=url)


def request_out(r: TestRequest) -> RequestOut:
    return RequestOut(id=r.pk, street=r.jurisdiction.code, product_name=r.product_name, bought_at=r.bought_at, bought_on=r.bought_on,
                      items=r.items, status=r.status, result=r.rapid_test.result if r.rapid_test else None, published_at=r.published_at)


def limit_out(x: Limit) -> LimitOut:
    return LimitOut(id=x.pk, standard=x.standard, clause=x.clause, kind=x.kind, item_code=x.item_code, item=x.item, food_group=x.food_group.code,
                    food_group_name=x.food_group.name, limit=x.display, value=x.value, unit=x.unit, n=x.n, c=x.c, m=x.m, M=x.big_m, basis=x.basis,
                    confidence=x.confidence, note=x.note)


def plan_out(p: object) -> PlanOut:
    from shian.sampling.models import SamplingPlan

    assert isinstance(p, SamplingPlan)
    return PlanOut(id=p.pk, jurisdiction=p.jurisdiction.code, jurisdiction_name=p.jurisdiction.name, population=p.jurisdiction.population,
                   year=p.year, target_batches=p.target_batches)


# --- samples ----------------------------------------------------------------------------------

@router.get("/samples", response={200: SamplePage, **ERRORS}, summary="样品列表（按权限范围）")
def sample_list(request: HttpRequest, query: Query[SampleQuery]) -> SamplePage:
    limit, offset = _window(query)
    filters = selectors.SampleFilters(status=query.status, conclusion=query.conclusion, purpose=query.purpose, q=query.q.strip(),
                                      operator_id=query.operator_id)
    qs = selectors.sample_list(principal_of(request), filters)
    count, exact = capped_count(qs)
    return SamplePage(count=count, count_exact=exact, items=[sample_out(s) for s in qs[offset:offset + limit]])


@router.post("/samples", response={201: SampleOut, **ERRORS}, summary="登记抽样（抽样单）；样品编号重复返回409")
def sample_create(request: HttpRequest, payload: SampleIn) -> Status[SampleOut]:
    principal = principal_of(request)
    access.require(principal, "sampling", "record")
    operator = selectors.operator_for_sampling(principal, payload.operator_id)
    lot = inputs.lot_for_sample(operator, lot_id=payload.lot_id, trace_code=payload.trace_code or "")
    rapid_test = rapid.rapid_for(principal, payload.rapid_test_id) if payload.rapid_test_id is not None else None
    sample = services.sample_create(
        number=payload.number, purpose=payload.purpose, operator=operator, place=payload.place, product_name=payload.product_name,
        food_group=selectors.food_group_by_code(payload.food_group), lot=lot, lot_code=payload.lot_code, sampled_on=payload.sampled_on,
        samplers=selectors.samplers_by_id(principal, payload.sampler_ids), seal_number=payload.seal_number, quantity=payload.quantity,
        quantity_unit=payload.quantity_unit, price_paid=payload.price_paid, lab=selectors.lab_by_id(payload.lab_id), rapid_test=rapid_test,
        note=payload.note, by=_user(request))
    return Status(201, sample_out(sample))


@router.get("/samples/{sample_id}", response={200: SampleDetailOut, **ERRORS}, summary="样品详情（检验报告、复检、通知、核查处置）")
def sample_detail(request: HttpRequest, sample_id: int) -> SampleDetailOut:
    principal = principal_of(request)
    sample = selectors.sample_for(principal, sample_id)
    assert principal is not None
    detail = selectors.sample_detail(sample, principal)
    last = services.retest_deadline(sample) if sample.conclusion == Sample.Conclusion.NONCONFORMING and selectors.sees_cases(principal) else None
    return SampleDetailOut(**sample_out(sample).dict(), samplers=[str(u) for u in detail.samplers], reports=[report_out(r) for r in detail.reports],
                           retest=retest_out(detail.retest) if detail.retest else None,
                           notifications=[notification_out(n) for n in detail.notifications],
                           disposal_id=detail.disposal.pk if detail.disposal else None, retest_last_allowed_on=last)


@router.post("/samples/{sample_id}/receive", response={200: SampleOut, **ERRORS}, summary="检验机构确认收样（初检或复检）")
def sample_receive(request: HttpRequest, sample_id: int, payload: ReceiveIn) -> SampleOut:
    principal = principal_of(request)
    sample = selectors.sample_for(principal, sample_id, "report")
    assert principal is not None
    round_ = selectors.round_for(principal, sample, payload.round)
    return sample_out(services.sample_receive(sample=sample, round=round_, received_on=payload.received_on, by=_user(request)))


@router.post("/samples/{sample_id}/results", response={201: ReportOut, **ERRORS},
             summary="上报检验结果（逐项：检测值、单位、方法标准；限量查表、判定自动计算）")
def sample_results(request: HttpRequest, sample_id: int, payload: ReportBody) -> Status[ReportOut]:
    principal = principal_of(request)
    sample = selectors.sample_for(principal, sample_id, "report")
    assert principal is not None
    round_ = selectors.round_for(principal, sample, payload.round)
    report = services.reports_post(reports=[services.ReportIn(sample=sample, items=inputs.items_in(payload.items), round=round_,
                                                              reported_on=payload.reported_on)], by=_user(request))[0]
    return Status(201, report_out(Report.objects.prefetch_related("results").get(pk=report.pk)))


@router.post("/results", response={201: BulkOut, **ERRORS},
             summary="批量上报检验结果（多个样品，全部成功或全部拒绝，逐项列出问题）")
def results_bulk(request: HttpRequest, payload: BulkIn) -> Status[BulkOut]:
    principal = principal_of(request)
    access.require(principal, "sampling", "report")
    assert principal is not None
    numbers = [r.sample_number for r in payload.reports if r.sample_id is None and r.sample_number]
    by_number = selectors.sample_ids_by_number(numbers) if numbers else {}
    ids: list[int] = []
    for i, r in enumerate(payload.reports):
        if r.sample_id is not None:
            ids.append(r.sample_id)
        elif r.sample_number and r.sample_number.strip().upper() in by_number:
            ids.append(by_number[r.sample_number.strip().upper()])
        else:
            message = (_("No sample numbered %(number)s.") % {"number": r.sample_number} if r.sample_number
                       else _("Name each sample by sample_id or sample_number."))
            raise NotFound(message, code="sample_unknown", field=f"reports[{i}]")
    samples = selectors.samples_for_report(principal, ids)
    rounds = inputs.rounds_for(principal, [samples[i] for i in ids])
    for i, r in zip(ids, payload.reports, strict=True):
        if r.round and r.round != rounds[i] and not principal.is_admin:
            raise Forbidden(_("Your laboratory does not test this sample in this round."), code="forbidden_round", field="reports")
    reports = [services.ReportIn(sample=samples[i], items=inputs.items_in(r.items), round=r.round or rounds[i], reported_on=r.reported_on)
               for i, r in zip(ids, payload.reports, strict=True)]
    rows = services.reports_post(reports=reports, by=_user(request))
    return Status(201, BulkOut(reports=len(rows), results=sum(len(r.items) for r in reports),
                               nonconforming_sample_ids=[r.sample_id for r in rows if r.conclusion == Sample.Conclusion.NONCONFORMING]))


# --- re-tests and notifications -----------------------------------------------------------------

@router.post("/samples/{sample_id}/retest", response={201: RetestOut, **ERRORS},
             summary="申请复检（食品安全法第八十八条：收到检验结论之日起七个工作日内；随机确定复检机构）")
def retest_request(request: HttpRequest, sample_id: int, payload: RetestIn) -> Status[RetestOut]:
    principal = principal_of(request)
    sample = selectors.sample_for(principal, sample_id, "respond")
    retest = services.retest_request(sample=sample, requested_on=payload.requested_on, reason=payload.reason, by=_user(request))
    return Status(201, retest_out(retest))


def draw_out(retest: Retest) -> DrawOut:
    first = retest.sample.lab.code
    problems = services.retest_draw_problems(retest, first)
    ranking = [RankOut(key=k, hash=hashlib.sha256(f"{retest.seed}:{k}".encode()).hexdigest()) for k in retest.pool_keys]
    ranking.sort(key=lambda r: (r.hash, r.key))
    return DrawOut(retest_id=retest.pk, seed=retest.seed, pool=list(retest.pool_keys), pool_hash=retest.pool_hash, drawn=retest.drawn_key,
                   first_lab=first, ranking=ranking, problems=problems, verified=not problems,
                   rule="pool_hash = SHA-256(sorted keys joined by \\n); rank keys by SHA-256(seed + ':' + key); the first is drawn")


@router.get("/retests/{retest_id}/draw", response={200: DrawOut, **ERRORS}, summary="复检机构抽取的验证（种子、机构名录、指纹、重算结果）")
def retest_draw(request: HttpRequest, retest_id: int) -> DrawOut:
    return draw_out(selectors.retest_for(principal_of(request), retest_id))


@router.post("/notifications/{notification_id}/deliver", response={200: NotificationOut, **ERRORS}, summary="登记纸质送达日期")
def notification_deliver(request: HttpRequest, notification_id: int, payload: DeliverIn) -> NotificationOut:
    note = selectors.notification_for(principal_of(request), notification_id, "record")
    return notification_out(services.notification_deliver(notification=note, delivered_on=payload.delivered_on, by=_user(request)))


# --- disposal ---------------------------------------------------------------------------------

@router.get("/disposals", response={200: list[DisposalOut], **ERRORS}, summary="核查处置案件列表")
def disposal_list(request: HttpRequest, query: Query[Paging], status: str = "", overdue: bool = False) -> list[DisposalOut]:
    limit, offset = _window(query)
    filters = selectors.DisposalFilters(status=status if status in Disposal.Status.values else "", overdue=overdue)
    qs = selectors.disposal_list(principal_of(request), filters, today=timezone.localdate())
    return [disposal_out(d) for d in qs[offset:offset + limit]]


@router.get("/disposals/{disposal_id}", response={200: DisposalOut, **ERRORS}, summary="核查处置案件（含下游受影响批次与持有者）")
def disposal_detail(request: HttpRequest, disposal_id: int) -> DisposalOut:
    principal = principal_of(request)
    case = selectors.disposal_for(principal, disposal_id)
    return disposal_out(case, with_scope=access.can(principal, "sampling", "verify"))


@router.post("/disposals/{disposal_id}/respond", response={200: DisposalOut, **ERRORS}, summary="经营者提交下架召回情况与原因分析")
def disposal_respond(request: HttpRequest, disposal_id: int, payload: RespondIn) -> DisposalOut:
    case = selectors.disposal_for(principal_of(request), disposal_id, "respond")
    return disposal_out(services.disposal_respond(case=case, withdrawal=payload.withdrawal, cause_analysis=payload.cause_analysis, by=_user(request)))


@router.post("/disposals/{disposal_id}/verify", response={200: DisposalOut, **ERRORS}, summary="监管部门核查确认（可登记处罚案件编号）")
def disposal_verify(request: HttpRequest, disposal_id: int, payload: VerifyIn) -> DisposalOut:
    case = selectors.disposal_for(principal_of(request), disposal_id, "verify")
    return disposal_out(services.disposal_verify(case=case, verification=payload.verification, penalty_case_ref=payload.penalty_case_ref,
                                                 by=_user(request)))


@router.post("/disposals/{disposal_id}/close", response={200: DisposalOut, **ERRORS}, summary="办结核查处置案件")
def disposal_close(request: HttpRequest, disposal_id: int, payload: CloseIn) -> DisposalOut:
    case = selectors.disposal_for(principal_of(request), disposal_id, "verify")
    return disposal_out(services.disposal_close(case=case, closed_on=payload.closed_on, by=_user(request)))


@router.get("/deadlines", response={200: DeadlinesOut, **ERRORS}, summary="时限跟踪：逾期收样、逾期报告、未送达通知、逾期处置")
def deadline_list(request: HttpRequest) -> DeadlinesOut:
    d = selectors.deadlines(principal_of(request), timezone.localdate())
    return DeadlinesOut(not_received=[s.pk for s in d.not_received], received_late=d.received_late, reports_overdue=[s.pk for s in d.reports_overdue],
                        reported_late=d.reported_late, retests_overdue=[r.pk for r in d.retests_overdue],
                        notifications_pending=[n.pk for n in d.notifications_pending], notifications_late=d.notifications_late,
                        disposals_overdue=[c.pk for c in d.disposals_overdue], disposals_open=d.disposals_open)


# --- plans and indicators ---------------------------------------------------------------------

@router.get("/plans", response={200: list[PlanOut], **ERRORS}, summary="年度抽检计划")
def plan_list(request: HttpRequest, query: Query[Paging]) -> list[PlanOut]:
    limit, offset = _window(query)
    return [plan_out(p) for p in indicators.plan_list(principal_of(request))[offset:offset + limit]]


@router.post("/plans", response={201: PlanOut, **ERRORS}, summary="制定年度抽检计划（默认每千人7批次）")
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[PlanOut]:
    principal = principal_of(request)
    access.require(principal, "sampling", "plan")
    place = indicators.jurisdictions_for_planning(principal).filter(code=payload.jurisdiction).first()
    if place is None:
        raise NotFound(_("Jurisdiction %(code)s does not exist or is outside your jurisdiction.") % {"code": payload.jurisdiction})
    plan = services.plan_create(jurisdiction=place, year=payload.year, target_batches=payload.target_batches, note=payload.note, by=_user(request))
    return Status(201, plan_out(plan))


@router.get("/plans/{plan_id}", response={200: ProgressOut, **ERRORS}, summary="计划完成进度（批次、生产企业与集中交易市场覆盖）")
def plan_detail(request: HttpRequest, plan_id: int) -> ProgressOut:
    plan = indicators.plan_for(principal_of(request), plan_id)
    p = indicators.plan_progress(plan, today=timezone.localdate(), uncovered_limit=50)
    assert p.producers is not None and p.markets is not None
    return ProgressOut(**plan_out(plan).dict(), batches=p.batches, percent=p.percent, expected_by_today=p.expected_by_today, on_track=p.on_track,
                       pass_rate=p.pass_rate, producers_total=p.producers.total, producers_sampled=p.producers.sampled,
                       markets_total=p.markets.total, markets_sampled=p.markets.sampled,
                       producers_uncovered=[o.pk for o in p.producers.uncovered], markets_uncovered=[o.pk for o in p.markets.uncovered])


class PeriodQuery(Schema):
    since: date | None = None
    until: date | None = None
    jurisdiction: str = ""


@router.get("/indicators", response={200: IndicatorsOut, **ERRORS}, summary="抽检指标：每千人批次、合格率、核查处置完成率（按辖区和时段）")
def indicator_list(request: HttpRequest, query: Query[PeriodQuery]) -> IndicatorsOut:
    since, until = inputs.period(query.since, query.until)
    rows = indicators.indicators(principal_of(request), since=since, until=until, code=query.jurisdiction)
    return IndicatorsOut(since=since, until=until, rows=[IndicatorOut(**r.as_dict()) for r in rows])


# --- reference data ---------------------------------------------------------------------------

@router.get("/limits", response={200: list[LimitOut], **ERRORS}, summary="限量表（GB 2763、GB 2762、GB 29921 部分条目，含可信度）")
def limit_list(request: HttpRequest, food_group: str = "", item: str = "") -> list[LimitOut]:
    return [limit_out(x) for x in selectors.limit_table(food_group=food_group, item=item)]


@router.get("/food-groups", response={200: list[FoodGroupOut], **ERRORS}, summary="限量表的食品分组")
def food_group_list(request: HttpRequest) -> list[FoodGroupOut]:
    return [FoodGroupOut(code=g.code, name=g.name, parent=g.parent.code if g.parent else None, category_codes=g.category_codes)
            for g in selectors.food_groups()]


# --- rapid tests and residents' requests --------------------------------------------------------

@router.get("/rapid-tests", response={200: list[RapidOut], **ERRORS}, summary="快检记录")
def rapid_list(request: HttpRequest, query: Query[Paging], result: str = "") -> list[RapidOut]:
    limit, offset = _window(query)
    return [rapid_out(t) for t in rapid.rapid_list(principal_of(request), result=result)[offset:offset + limit]]


@router.post("/rapid-tests", response={201: RapidOut, **ERRORS}, summary="登记快检（阳性时返回一键抽样链接）")
def rapid_create(request: HttpRequest, payload: RapidIn) -> Status[RapidOut]:
    principal = principal_of(request)
    station = rapid.station_for_recording(principal, payload.station_id)
    operator = rapid.operator_for_rapid(principal, payload.operator_id) if payload.operator_id is not None else None
    lot = inputs.lot_for_sample(operator, trace_code=payload.trace_code or "") if operator is not None and payload.trace_code else None
    test = rapid.rapid_test_record(station=station, tested_on=payload.tested_on, item=payload.item, product_name=payload.product_name,
                                   result=payload.result, operator=operator, vendor_name=payload.vendor_name, lot=lot, lot_code=payload.lot_code,
                                   method=payload.method, note=payload.note, by=_user(request))
    return Status(201, rapid_out(test))


@router.get("/rapid-tests/{rapid_id}", response={200: RapidOut, **ERRORS}, summary="快检记录详情")
def rapid_detail(request: HttpRequest, rapid_id: int) -> RapidOut:
    return rapid_out(rapid.rapid_for(principal_of(request), rapid_id))


@router.get("/requests", response={200: list[RequestOut], **ERRORS}, summary="你送我检：居民看自己的申请，监管所看本街道的申请")
def request_list(request: HttpRequest, query: Query[Paging]) -> list[RequestOut]:
    limit, offset = _window(query)
    return [request_out(r) for r in rapid.request_list(principal_of(request))[offset:offset + limit]]


@router.post("/requests", response={201: RequestOut, **ERRORS}, summary="你送我检：居民提交检测申请")
def request_submit(request: HttpRequest, payload: RequestIn) -> Status[RequestOut]:
    principal = principal_of(request)
    access.require(principal, "sampling", "request")
    assert principal is not None
    if principal.user is None:
        raise Invalid(_("A test request is submitted by a person, not by an API key."), code="person_required")
    req = rapid.request_submit(by=principal.user, street=rapid.street_by_code(payload.street), product_name=payload.product_name,
                               bought_at=payload.bought_at, bought_on=payload.bought_on, items=payload.items, phone=payload.phone)
    return Status(201, request_out(req))


@router.post("/requests/{request_id}/answer", response={200: RequestOut, **ERRORS}, summary="你送我检：监管所检测并公布结果")
def request_answer(request: HttpRequest, request_id: int, payload: AnswerIn) -> RequestOut:
    principal = principal_of(request)
    req = rapid.request_for(principal, request_id)
    station = rapid.station_for_recording(principal, payload.station_id)
    done = rapid.request_answer(request=req, station=station, item=payload.item, result=payload.result, tested_on=payload.tested_on,
                                method=payload.method, note=payload.note, by=_user(request))
    return request_out(done)


@router.get("/public/requests", auth=None, response={200: list[PublicResultOut], **ERRORS}, summary="你送我检：公开的检测结果（无需登录）")
def public_results(request: HttpRequest, query: Query[Paging]) -> list[PublicResultOut]:
    limit, offset = _window(query)
    return [PublicResultOut(**rapid.public_row(r)) for r in rapid.published_requests()[offset:offset + limit]]
