"""Risk endpoints: grades with their explanation and history, overrides, risk warnings, the rules table,
the yearly regrade (a job), and the pending-inspection list ordered by the targeting model."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from shian.accounts.models import User
from shian.api import principal_of
from shian.core import access, jobs
from shian.core.models import Job
from shian.core.schemas import ERROR_RESPONSES, JobOut
from shian.risk import grades, ranking, rules, selectors, services
from shian.risk.models import RiskGrade, RiskWarning, TargetingModelVersion
from shian.risk.schemas import (
    BandOut,
    BandsIn,
    FactorIn,
    FactorLineOut,
    FactorOut,
    GradeListOut,
    GradeOut,
    HandleIn,
    HistoryOut,
    ModelOut,
    OverrideIn,
    ParameterIn,
    ParameterOut,
    PendingListOut,
    PendingOut,
    ReasonOut,
    RulesOut,
    SourceOut,
    WarningOut,
)

router = Router(tags=["risk"])
ERRORS = ERROR_RESPONSES


class Paging(Schema):
    limit: int = 50
    offset: int = 0


class GradeQuery(Paging):
    grade: str = ""
    q: str = ""


class WarningQuery(Paging):
    status: str = "open"


class PendingQuery(Paging):
    quarter: int | None = None


def _window(paging: Paging) -> tuple[int, int]:
    return max(1, min(paging.limit, 200)), max(0, paging.offset)


def _user(request: HttpRequest) -> User | None:
    principal = principal_of(request)
    return principal.user if principal is not None else None


# --- converters -----------------------------------------------------------------------------------

def grade_out(op: object, row: RiskGrade | None) -> GradeOut:
    pk, name = op.pk, op.name  # type: ignore[attr-defined]
    if row is None:
        info = grades.grade_infos([pk]).get(pk)
        return GradeOut(operator_id=pk, operator_name=name, grade=info.grade if info else rules.DEFAULT_GRADE, source="default", since=None,
                        score=None, computed_grade=None, overridden=False, note="")
    e = selectors.explain(row)
    out = GradeOut(operator_id=pk, operator_name=name, grade=row.grade, source=row.source, since=row.since, score=row.score,
                   computed_grade=row.computed_grade or None, overridden=row.overridden, note=row.note)
    if e is not None:
        out.static, out.dynamic, out.score_grade, out.levels, out.rules_changed = e.static, e.dynamic, e.score_grade, e.levels, e.rules_changed
        out.factors = [FactorLineOut(code=line.code, kind=line.kind, name=line.name, detail=line.detail, raw=line.raw, points=line.points,
                                     weight=line.weight, cap=line.cap, source=SourceOut(text=line.source, confidence=line.confidence),
                                     note=line.note) for line in e.lines]
    return out


def history_out(h: RiskGrade) -> HistoryOut:
    return HistoryOut(id=h.pk, grade=h.grade, since=h.since, source=h.source, score=h.score, computed_grade=h.computed_grade, overridden=h.overridden,
                      note=h.note, set_by=str(h.created_by) if h.created_by else None, created_at=h.created_at)


def warning_out(w: RiskWarning) -> WarningOut:
    return WarningOut(id=w.pk, operator_id=w.operator_id, operator_name=w.operator.name, raised_on=w.raised_on, jumped=w.jumped, crossed=w.crossed,
                      score_before=w.score_before, score_after=w.score_after, grade_before=w.grade_before, grade_after=w.grade_after,
                      status=w.status, handling_note=w.handling_note)


def model_out(v: TargetingModelVersion) -> ModelOut:
    return ModelOut(id=v.pk, trained_at=v.trained_at, trained_by=str(v.trained_by) if v.trained_by else None, data_from=v.data_from,
                    data_until=v.data_until, examples=v.examples, positives=v.positives, params=v.params, validation=v.validation,
                    backtest=v.backtest, sha256=v.sha256, active=v.active)


def _rules_out(request: HttpRequest) -> RulesOut:
    t = selectors.rules_table(principal_of(request))
    return RulesOut(
        factors=[FactorOut(code=f.code, kind=f.kind, name=f.name, weight=f.weight, cap=f.cap, points=f.points,
                           source=SourceOut(text=f.source, confidence=f.confidence), note=f.note) for f in t.factors],
        bands=[BandOut(grade=b.grade, lower=b.lower, upper=b.upper) for b in t.bands],
        parameters=[ParameterOut(code=p.code, name=p.name, value=p.value, source=SourceOut(text=p.source, confidence=p.confidence))
                    for p in t.parameters],
        general=[SourceOut(text=f"{label}：{s.text}", confidence=s.confidence) for label, s in rules.sources()],
    )


# --- grades ---------------------------------------------------------------------------------------

@router.get("/grades", response={200: list[GradeListOut], **ERRORS}, summary="风险等级列表（辖区内，按风险分值从高到低）")
def grade_list(request: HttpRequest, query: Query[GradeQuery]) -> list[GradeListOut]:
    limit, offset = _window(query)
    filters = selectors.GradeFilters.from_params({"grade": query.grade, "q": query.q})
    ops = list(selectors.grade_list(principal_of(request), filters)[offset:offset + limit])
    defaults = grades.grade_infos([o.pk for o in ops if not getattr(o, "g_grade", None)])
    out = []
    for o in ops:
        recorded = getattr(o, "g_grade", None)
        out.append(GradeListOut(operator_id=o.pk, operator_name=o.name, jurisdiction=o.jurisdiction.name,
                                grade=recorded or (defaults[o.pk].grade if o.pk in defaults else rules.DEFAULT_GRADE),
                                source=getattr(o, "g_source", None) or "default", score=getattr(o, "g_score", None), since=getattr(o, "g_since", None)))
    return out


@router.get("/operators/{operator_id}", response={200: GradeOut, **ERRORS}, summary="经营者的风险等级及各因素的贡献")
def operator_grade(request: HttpRequest, operator_id: int) -> GradeOut:
    op = selectors.operator_for(principal_of(request), operator_id)
    return grade_out(op, selectors.current_grade(op))


@router.get("/operators/{operator_id}/history", response={200: list[HistoryOut], **ERRORS}, summary="风险等级历史（每次评定、重新评分、人工调整）")
def operator_history(request: HttpRequest, operator_id: int) -> list[HistoryOut]:
    op = selectors.operator_for(principal_of(request), operator_id)
    return [history_out(h) for h in selectors.grade_history(op)]


@router.post("/operators/{operator_id}/override", response={201: GradeOut, **ERRORS}, summary="人工调整风险等级（必须说明理由）")
def operator_override(request: HttpRequest, operator_id: int, payload: OverrideIn) -> Status[GradeOut]:
    op = selectors.operator_for(principal_of(request), operator_id, "override")
    row = services.grade_override(operator=op, grade=payload.grade, reason=payload.reason, by=_user(request))
    return Status(201, grade_out(op, row))


@router.post("/regrade", response={202: JobOut, **ERRORS}, summary="重新评定辖区内全部经营者的风险等级（后台任务，有进度）")
def regrade(request: HttpRequest) -> Status[Job]:
    principal = access.require(principal_of(request), "risk", "regrade")
    params = {"reason": "年度评定"}
    if access.scope_for(principal, "risk", "regrade") != "all":
        params["path"] = principal.jurisdiction_path or ""
    return Status(202, jobs.submit("risk.regrade", params=params, by=_user(request)))


# --- warnings -------------------------------------------------------------------------------------

@router.get("/warnings", response={200: list[WarningOut], **ERRORS}, summary="风险预警（分值跃升或跨入更高风险等级）")
def warning_list(request: HttpRequest, query: Query[WarningQuery]) -> list[WarningOut]:
    limit, offset = _window(query)
    return [warning_out(w) for w in selectors.warning_list(principal_of(request), status=query.status)[offset:offset + limit]]


@router.post("/warnings/{warning_id}/handle", response={200: WarningOut, **ERRORS}, summary="登记风险预警的处置情况")
def warning_handle(request: HttpRequest, warning_id: int, payload: HandleIn) -> WarningOut:
    w = selectors.warning_for(principal_of(request), warning_id)
    return warning_out(services.warning_handle(warning=w, note=payload.note, by=_user(request)))


# --- rules ----------------------------------------------------------------------------------------

@router.get("/rules", response={200: RulesOut, **ERRORS}, summary="风险分级规则表：因素、权重、分档及法律依据")
def rules_get(request: HttpRequest) -> RulesOut:
    return _rules_out(request)


@router.put("/rules/bands", response={200: RulesOut, **ERRORS}, summary="修改等级分档（有空档或重叠时拒绝，并指出冲突的分档）")
def bands_put(request: HttpRequest, payload: BandsIn) -> RulesOut:
    access.require(principal_of(request), "risk", "configure")
    services.bands_set(bands=[(b.grade, b.lower, b.upper) for b in payload.bands], by=_user(request))
    return _rules_out(request)


@router.patch("/rules/factors/{code}", response={200: RulesOut, **ERRORS}, summary="修改风险因素的权重、上限或分值表")
def factor_patch(request: HttpRequest, code: str, payload: FactorIn) -> RulesOut:
    f = selectors.factor_for(principal_of(request), code)
    services.factor_update(factor=f, weight=payload.weight, cap=payload.cap, points=payload.points, by=_user(request))
    return _rules_out(request)


@router.patch("/rules/parameters/{code}", response={200: RulesOut, **ERRORS}, summary="修改风险参数（如预警阈值）")
def parameter_patch(request: HttpRequest, code: str, payload: ParameterIn) -> RulesOut:
    p = selectors.parameter_for(principal_of(request), code)
    services.parameter_set(parameter=p, value=payload.value, by=_user(request))
    return _rules_out(request)


# --- predictive targeting -------------------------------------------------------------------------

@router.get("/targeting/pending", response={200: PendingListOut, **ERRORS}, summary="待检查经营者，按模型估计的重点项不符合概率排序（附主要原因）")
def targeting_pending(request: HttpRequest, query: Query[PendingQuery]) -> PendingListOut:
    limit, offset = _window(query)
    version, rows = ranking.ranked_pending(principal_of(request), today=timezone.localdate(), quarter=query.quarter)
    items = [PendingOut(operator_id=r.pending.operator_id, operator_name=r.pending.operator_name, uscc=r.pending.uscc,
                        plan_item_id=r.pending.plan_item_id, due_month=r.pending.due_month, scope=r.pending.scope, grade=r.pending.grade,
                        probability=r.probability, reasons=[ReasonOut(feature=x.feature, label=x.label, contribution=x.contribution) for x in r.reasons])
             for r in rows[offset:offset + limit]]
    return PendingListOut(model=model_out(version) if version else None, items=items, count=len(rows))


@router.get("/targeting/models", response={200: list[ModelOut], **ERRORS}, summary="预测模型版本（训练时间、数据区间、回测结果）")
def targeting_models(request: HttpRequest) -> list[ModelOut]:
    access.require(principal_of(request), "risk", "targeting")
    return [model_out(v) for v in TargetingModelVersion.objects.select_related("trained_by").order_by("-trained_at", "-id")[:20]]


@router.post("/targeting/retrain", response={202: JobOut, **ERRORS}, summary="用本平台的检查历史重新训练预测模型（后台任务）")
def targeting_retrain(request: HttpRequest) -> Status[Job]:
    access.require(principal_of(request), "risk", "retrain")
    return Status(202, jobs.submit("risk.retrain_targeting", params={}, by=_user(request)))
