"""Reads for risk grading, through :mod:`shian.core.access` (resource ``risk``).

Who sees what:

* regulators and inspectors: grades (with their explanation and history) of operators in their
  jurisdiction subtree; regulators also the risk warnings and the pending-inspection ranking there;
* an operator organisation: the grade page of its own operators;
* the rules table (factors, bands, sources): every regulator, inspector and administrator; only
  administrators change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.access import Principal
from shian.core.errors import Forbidden, NotFound
from shian.registry.models import FoodCategory, Operator, OperatorType
from shian.risk import rules, scoring
from shian.risk.models import GradeBand, RiskFactor, RiskGrade, RiskParameter, RiskWarning

RESOURCE = "risk"
FIELDS = {"jurisdiction_field": "operator__jurisdiction__path", "org_field": "operator__owner_org_id"}


def _not_found() -> NotFound:
    return NotFound(_("The record does not exist or is outside your jurisdiction."))


# --- operators and grades -----------------------------------------------------------------------------

def operators_visible(principal: Principal | None, action: str = "view") -> QuerySet[Operator]:
    return access.restrict(Operator.objects.all(), principal, RESOURCE, action)


def operator_for(principal: Principal | None, operator_id: int, action: str = "view") -> Operator:
    """An operator whose grade the principal may ``action`` (404 outside its view, 403 when it may only view)."""
    access.require(principal, RESOURCE, action)
    qs = Operator.objects.select_related("jurisdiction")
    obj = access.restrict(qs, principal, RESOURCE, action).filter(pk=operator_id).first()
    if obj is not None:
        return obj  # type: ignore[no-any-return]
    if action != "view" and access.can(principal, RESOURCE, "view") and access.restrict(qs, principal, RESOURCE, "view").filter(pk=operator_id).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise _not_found()


def can_view_operator(principal: Principal, operator: Operator) -> bool:
    """True if the principal sees this operator's grade (no query: the dossier has a budget)."""
    scope = access.scope_for(principal, RESOURCE, "view")
    if scope == "all":
        return True
    if scope == "own":
        return principal.organisation_id is not None and operator.owner_org_id == principal.organisation_id
    return scope == "jurisdiction" and access.in_subtree(principal, operator.jurisdiction.path)


def current_grade(operator: Operator | int) -> RiskGrade | None:
    pk = operator if isinstance(operator, int) else operator.pk
    return RiskGrade.objects.filter(operator_id=pk, is_current=True).select_related("created_by").first()


def grade_history(operator: Operator, *, limit: int = 100) -> list[RiskGrade]:
    return list(RiskGrade.objects.filter(operator=operator).select_related("created_by").order_by("-since", "-id")[:limit])


@dataclass
class GradeFilters:
    grade: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> GradeFilters:
        grade = str(params.get("grade", "") or "")
        return cls(grade if grade in rules.GRADES else "", str(params.get("q", "") or "").strip()[:64])


def grade_list(principal: Principal | None, filters: GradeFilters | None = None) -> QuerySet[Operator]:
    """Operators in the principal's view with their current grade row's fields (``g_grade``, ``g_score``, ``g_source``, ``g_since``;
    empty for an operator never graded, whose default the page adds), riskiest score first."""
    access.require(principal, RESOURCE, "view")
    f = filters or GradeFilters()
    qs = (operators_visible(principal).filter(status=Operator.Status.ACTIVE)
          .annotate(g=FilteredRelation("risk_grades", condition=Q(risk_grades__is_current=True)))
          .select_related("jurisdiction"))
    if f.grade:
        qs = qs.filter(g__grade=f.grade)
    if f.q:
        qs = qs.filter(Q(name__contains=f.q) | Q(uscc=f.q.upper()))
    return qs.annotate(g_grade=F("g__grade"), g_score=F("g__score"), g_source=F("g__source"), g_since=F("g__since"),
                       g_overridden=F("g__overridden")).order_by(F("g__score").desc(nulls_last=True), "pk")


def grade_summary(principal: Principal | None) -> dict[str, int]:
    """Active operators in view by current recorded grade ("" = not graded yet), one query."""
    access.require(principal, RESOURCE, "view")
    qs = (operators_visible(principal).filter(status=Operator.Status.ACTIVE)
          .annotate(g=FilteredRelation("risk_grades", condition=Q(risk_grades__is_current=True)))
          .values("g__grade").annotate(n=Count("pk")).order_by())
    return {row["g__grade"] or "": row["n"] for row in qs}


# --- explanation --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FactorLine:
    """One line of a grade's explanation: what the factor read, what it gave and why (its source)."""

    code: str
    kind: str
    name: str
    detail: str
    raw: float
    points: float
    weight: float | None
    cap: float | None
    source: str
    confidence: str
    note: str

    @property
    def is_adjustment(self) -> bool:
        return self.kind == rules.ADJUSTMENT


@dataclass(frozen=True)
class Explanation:
    lines: list[FactorLine]
    static: float
    dynamic: float
    score: float | None
    score_grade: str
    levels: int
    rules_changed: bool  # the rules table differs from the one that computed the grade


def explain(row: RiskGrade | None) -> Explanation | None:
    """The explanation of a grade row as computed (factor metadata from the current table; three queries)."""
    if row is None or not row.factors:
        return None
    from shian.risk import ruletable

    table = ruletable.load()
    meta = {f.code: f for f in table.factors}
    names = dict(OperatorType.objects.values_list("code", "name")) | dict(FoodCategory.objects.values_list("code", "name"))
    lines = []
    static = dynamic = 0.0
    levels = 0
    for code, value in row.factors.items():
        points, raw, detail = ([*list(value), 0, 0, {}])[:3]
        f = meta.get(code)
        kind = f.kind if f else (rules.ADJUSTMENT if isinstance(detail, dict) and "applies" in detail else rules.DYNAMIC)
        if kind == rules.STATIC:
            static += float(points)
        elif kind == rules.DYNAMIC:
            dynamic += float(points)
        else:
            levels += int(points)
        lines.append(FactorLine(code, kind, f.name if f else code, scoring.describe(code, detail or {}, names), float(raw), float(points),
                                f.weight if f else None, f.cap if f and kind != rules.ADJUSTMENT else None, f.source if f else "",
                                f.confidence if f else "U", f.note if f else ""))
    score = float(row.score) if row.score is not None else None
    score_grade = table.grade_for(score) if score is not None else ""
    return Explanation(lines, round(static, 2), round(dynamic, 2), score, score_grade, levels, bool(row.rules_digest) and row.rules_digest != table.digest)


# --- warnings -----------------------------------------------------------------------------------------

def warnings_visible(principal: Principal | None, action: str = "warnings") -> QuerySet[RiskWarning]:
    return access.restrict(RiskWarning.objects.all(), principal, RESOURCE, action, **FIELDS)


def warning_list(principal: Principal | None, *, status: str = "open") -> QuerySet[RiskWarning]:
    access.require(principal, RESOURCE, "warnings")
    qs = warnings_visible(principal).select_related("operator", "operator__jurisdiction", "handled_by")
    if status in RiskWarning.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-raised_on", "-id")


def warning_for(principal: Principal | None, warning_id: int) -> RiskWarning:
    access.require(principal, RESOURCE, "warnings")
    obj = warnings_visible(principal).select_related("operator", "grade").filter(pk=warning_id).first()
    if obj is None:
        raise _not_found()
    return obj  # type: ignore[no-any-return]


# --- the rules table ----------------------------------------------------------------------------------

@dataclass
class Rules:
    factors: list[RiskFactor]
    bands: list[GradeBand]
    parameters: list[RiskParameter]

    @property
    def max_static(self) -> float:
        return float(sum(f.cap for f in self.factors if f.kind == rules.STATIC))

    @property
    def max_dynamic(self) -> float:
        return float(sum(f.cap for f in self.factors if f.kind == rules.DYNAMIC))


def rules_table(principal: Principal | None) -> Rules:
    access.require(principal, RESOURCE, "rules")
    return Rules(list(RiskFactor.objects.order_by("order", "code")), list(GradeBand.objects.order_by("grade")),
                 list(RiskParameter.objects.order_by("code")))


def _configurable(principal: Principal | None, model: Any, code: str, missing: str) -> Any:
    access.require(principal, RESOURCE, "configure")
    obj = model.objects.filter(code=code).first()
    if obj is None:
        raise NotFound(missing)
    return obj


def factor_for(principal: Principal | None, code: str) -> RiskFactor:
    obj: RiskFactor = _configurable(principal, RiskFactor, code, _("No risk factor has this code."))
    return obj


def parameter_for(principal: Principal | None, code: str) -> RiskParameter:
    obj: RiskParameter = _configurable(principal, RiskParameter, code, _("No risk parameter has this code."))
    return obj


# --- pending inspections (predictive targeting) --------------------------------------------------------

@dataclass(frozen=True)
class Pending:
    """An operator due for inspection: its earliest planned inspection not yet carried out."""

    operator_id: int
    operator_name: str
    uscc: str
    plan_item_id: int
    due_month: int
    scope: str
    grade: str


def pending_inspections(principal: Principal | None, *, today: date, quarter: int | None = None) -> list[Pending]:
    """Operators in the principal's jurisdiction with a planned inspection this year not yet closed,
    due by the end of ``quarter`` (default: the current quarter; overdue ones included); one per operator."""
    from shian.inspection.models import Inspection, PlanItem

    access.require(principal, RESOURCE, "targeting")
    q = quarter if quarter in (1, 2, 3, 4) else (today.month - 1) // 3 + 1
    items = (access.restrict(PlanItem.objects.filter(plan__year=today.year, due_quarter__lte=q), principal, RESOURCE, "targeting",
                             jurisdiction_field="operator__jurisdiction__path", org_field="operator__owner_org_id")
             .exclude(inspection__status=Inspection.Status.CLOSED)
             .filter(operator__status=Operator.Status.ACTIVE)
             .values_list("pk", "operator_id", "operator__name", "operator__uscc", "due_month", "scope", "grade")
             .order_by("operator_id", "due_month", "pk"))
    out: dict[int, Pending] = {}
    for pk, op, name, uscc, month, scope, grade in items:
        if op not in out:
            out[op] = Pending(op, name, uscc, pk, month, scope, grade)
    return list(out.values())
