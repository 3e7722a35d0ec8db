"""Sampling plans' progress and the sampling indicators, by jurisdiction and period (reads).

* **plan progress**: batches sampled in the plan's jurisdiction subtree and year against the target
  (≥ 7 per 1000 residents), the share expected by today, and coverage of producers and central
  markets (every one of them sampled in the year);
* **indicators**: batches per 1000 residents, pass rate (enforcement sampling, final conclusions:
  the re-test's when there was one) and disposal completion rate (closed cases / opened cases),
  for a jurisdiction and each of its children, in a few grouped queries.

Plans and indicators are for regulators (``sampling:verify``), scoped by jurisdiction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.access import Principal
from shian.core.errors import NotFound
from shian.core.models import Jurisdiction
from shian.registry.models import Operator
from shian.sampling import rules
from shian.sampling.models import Disposal, Sample, SamplingPlan

RESOURCE = "sampling"
JUDGED = (Sample.Conclusion.CONFORMING, Sample.Conclusion.NONCONFORMING)


def _subtree(field_name: str, path: str) -> Q:
    return Q(**{field_name: path}) | Q(**{f"{field_name}__startswith": path + "/"})


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- plans ------------------------------------------------------------------------------------

def plans_visible(principal: Principal | None) -> QuerySet[SamplingPlan]:
    """Plans in the principal's subtree, and the plans above it (a station sees its district's and city's plans)."""
    qs = SamplingPlan.objects.all()
    own = access.restrict(qs, principal, RESOURCE, "verify")
    if principal is not None and access.scope_for(principal, RESOURCE, "verify") == "jurisdiction" and principal.jurisdiction_path:
        parts = principal.jurisdiction_path.split("/")
        above = ["/".join(parts[:i]) for i in range(1, len(parts))]
        return qs.filter(Q(pk__in=own.values("pk")) | Q(jurisdiction__path__in=above))
    return own


def plan_list(principal: Principal | None) -> QuerySet[SamplingPlan]:
    access.require(principal, RESOURCE, "verify")
    return plans_visible(principal).select_related("jurisdiction").order_by("-year", "jurisdiction__path")


def plan_for(principal: Principal | None, plan_id: int) -> SamplingPlan:
    access.require(principal, RESOURCE, "verify")
    plan = plans_visible(principal).select_related("jurisdiction").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return plan


def jurisdictions_for_planning(principal: Principal | None) -> QuerySet[Jurisdiction]:
    """The city or districts a principal may plan for (not streets: plans are set by bureaus)."""
    qs = Jurisdiction.objects.exclude(level=Jurisdiction.Level.STREET)
    return access.restrict(qs, principal, RESOURCE, "plan", jurisdiction_field="path").order_by("path")


@dataclass
class Coverage:
    total: int
    sampled: int
    uncovered: list[Operator] = field(default_factory=list)

    @property
    def percent(self) -> Decimal | None:
        return _rate(self.sampled, self.total)


@dataclass
class PlanProgress:
    plan: SamplingPlan
    batches: int
    expected_by_today: int
    conforming: int
    judged: int
    producers: Coverage | None  # None on list pages (coverage is on the plan's own page)
    markets: Coverage | None

    @property
    def percent(self) -> Decimal | None:
        return _rate(self.batches, self.plan.target_batches)

    @property
    def on_track(self) -> bool:
        return self.batches >= self.expected_by_today

    @property
    def pass_rate(self) -> Decimal | None:
        return _rate(self.conforming, self.judged)

    def as_dict(self) -> dict[str, Any]:
        out = {"plan_id": self.plan.pk, "jurisdiction": self.plan.jurisdiction.code, "year": self.plan.year, "target": self.plan.target_batches,
               "batches": self.batches, "percent": self.percent, "expected_by_today": self.expected_by_today, "on_track": self.on_track,
               "pass_rate": self.pass_rate}
        if self.producers is not None and self.markets is not None:
            out.update(producers_total=self.producers.total, producers_sampled=self.producers.sampled, markets_total=self.markets.total,
                       markets_sampled=self.markets.sampled)
        return out


def _coverage(types: tuple[str, ...], path: str, year: int, uncovered_limit: int) -> Coverage:
    ops = Operator.objects.filter(_subtree("jurisdiction__path", path), status=Operator.Status.ACTIVE,
                                  pk__in=Operator.types.through.objects.filter(operatortype__code__in=types).values("operator_id"))
    sampled = Sample.objects.filter(operator=OuterRef("pk"), sampled_on__year=year)
    total = ops.count()
    done = ops.filter(Exists(sampled)).count() if total else 0
    missing = list(ops.exclude(Exists(sampled)).order_by("id")[:uncovered_limit]) if uncovered_limit and total > done else []
    return Coverage(total, done, missing)


def plan_progress(plan: SamplingPlan, *, today: date, uncovered_limit: int = 20) -> PlanProgress:
    """Progress of a plan at ``today``: batches so far against the target and the share of the year
    gone by, pass rate, and producers and markets sampled (with the first ones not yet sampled)."""
    path = plan.jurisdiction.path
    samples = Sample.objects.filter(_subtree("operator__jurisdiction__path", path), sampled_on__year=plan.year)
    counts = samples.aggregate(batches=Count("id"), judged=Count("id", filter=Q(purpose=Sample.Purpose.ENFORCEMENT, conclusion__in=JUDGED)),
                               conforming=Count("id", filter=Q(purpose=Sample.Purpose.ENFORCEMENT, conclusion=Sample.Conclusion.CONFORMING)))
    return PlanProgress(plan, counts["batches"], _expected(plan, today), counts["conforming"], counts["judged"],
                        _coverage(rules.PRODUCER_TYPES, path, plan.year, uncovered_limit), _coverage(rules.MARKET_TYPES, path, plan.year, uncovered_limit))


def _expected(plan: SamplingPlan, today: date) -> int:
    """The batches due by ``today`` if the target were spread evenly over the year."""
    start, end = date(plan.year, 1, 1), date(plan.year, 12, 31)
    elapsed = 0 if today < start else (min(today, end) - start).days + 1
    return plan.target_batches * elapsed // ((end - start).days + 1)


def plan_progress_many(plans: list[SamplingPlan], *, today: date) -> list[PlanProgress]:
    """Batches and pass rate of a page of plans in one query (coverage is on each plan's page)."""
    counts: dict[str, Any] = {}
    for p in plans:
        mine = _subtree("operator__jurisdiction__path", p.jurisdiction.path) & Q(sampled_on__year=p.year)
        counts[f"b{p.pk}"] = Count("id", filter=mine)
        counts[f"j{p.pk}"] = Count("id", filter=mine & Q(purpose=Sample.Purpose.ENFORCEMENT, conclusion__in=JUDGED))
        counts[f"c{p.pk}"] = Count("id", filter=mine & Q(purpose=Sample.Purpose.ENFORCEMENT, conclusion=Sample.Conclusion.CONFORMING))
    row = Sample.objects.aggregate(**counts) if plans else {}
    return [PlanProgress(p, row[f"b{p.pk}"], _expected(p, today), row[f"c{p.pk}"], row[f"j{p.pk}"], None, None) for p in plans]


# --- indicators -------------------------------------------------------------------------------

@dataclass
class IndicatorRow:
    code: str
    name: str
    level: str
    population: int
    batches: int = 0
    judged: int = 0
    conforming: int = 0
    disposals_opened: int = 0
    disposals_closed: int = 0
    disposals_on_time: int = 0
    days: int = 365

    @property
    def per_1000(self) -> Decimal | None:
        if not self.population:
            return None
        return (Decimal(self.batches) * 1000 / Decimal(self.population)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def per_1000_yearly(self) -> Decimal | None:
        """Batches per 1000 residents scaled to a year (comparable with the target of 7)."""
        if not self.population or not self.days:
            return None
        return (Decimal(self.batches) * 1000 * 365 / (Decimal(self.population) * self.days)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def pass_rate(self) -> Decimal | None:
        return _rate(self.conforming, self.judged)

    @property
    def completion_rate(self) -> Decimal | None:
        return _rate(self.disposals_closed, self.disposals_opened)

    def as_dict(self) -> dict[str, Any]:
        return {"jurisdiction": self.code, "name": self.name, "level": self.level, "population": self.population, "batches": self.batches,
                "per_1000": self.per_1000, "per_1000_yearly": self.per_1000_yearly, "enforcement_judged": self.judged,
                "conforming": self.conforming, "pass_rate": self.pass_rate, "disposals_opened": self.disposals_opened,
                "disposals_closed": self.disposals_closed, "disposals_on_time": self.disposals_on_time, "completion_rate": self.completion_rate}


def indicator_root(principal: Principal | None, code: str = "") -> Jurisdiction:
    """The jurisdiction indicators are shown for: the one named (within the principal's subtree), or the principal's own."""
    access.require(principal, RESOURCE, "verify")
    assert principal is not None
    qs = access.restrict(Jurisdiction.objects.all(), principal, RESOURCE, "verify", jurisdiction_field="path")
    if code:
        found = qs.filter(code=code).first()
    elif principal.jurisdiction_path:
        found = qs.filter(path=principal.jurisdiction_path).first()
    else:
        found = qs.filter(parent__isnull=True).order_by("path").first()
    if found is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return found


def _fill(rows: dict[str, IndicatorRow], key_of: Any, sample_rows: list[dict[str, Any]], case_rows: list[dict[str, Any]]) -> None:
    for r in sample_rows:
        row = rows.get(key_of(r["area"]))
        if row is not None:
            row.batches, row.judged, row.conforming = r["batches"], r["judged"], r["conforming"]
    for r in case_rows:
        row = rows.get(key_of(r["area"]))
        if row is not None:
            row.disposals_opened, row.disposals_closed, row.disposals_on_time = r["opened"], r["closed"], r["on_time"]


def indicators(principal: Principal | None, *, since: date, until: date, code: str = "") -> list[IndicatorRow]:
    """The indicators of a jurisdiction (first row) and of each child, for samples taken and cases
    opened within [since, until]. Five queries whatever the number of children."""
    root = indicator_root(principal, code)
    children = list(root.children.order_by("path"))
    days = (until - since).days + 1
    rows: dict[str, IndicatorRow] = {root.path: IndicatorRow(root.code, root.name, root.level, root.population, days=days)}
    rows.update({c.path: IndicatorRow(c.code, c.name, c.level, c.population, days=days) for c in children})
    sample_counts = {"batches": Count("id"), "judged": Count("id", filter=Q(purpose=Sample.Purpose.ENFORCEMENT, conclusion__in=JUDGED)),
                     "conforming": Count("id", filter=Q(purpose=Sample.Purpose.ENFORCEMENT, conclusion=Sample.Conclusion.CONFORMING))}
    case_counts = {"opened": Count("id"), "closed": Count("id", filter=Q(status=Disposal.Status.CLOSED)),
                   "on_time": Count("id", filter=Q(status=Disposal.Status.CLOSED, closed_on__lte=F("due_on")))}
    samples = Sample.objects.filter(_subtree("operator__jurisdiction__path", root.path), sampled_on__gte=since, sampled_on__lte=until)
    cases = Disposal.objects.filter(_subtree("sample__operator__jurisdiction__path", root.path), opened_on__gte=since, opened_on__lte=until)
    whole_s = samples.aggregate(**sample_counts)
    whole_c = cases.aggregate(**case_counts)
    _fill(rows, lambda key: key, [{"area": root.path, **whole_s}], [{"area": root.path, **whole_c}])
    lengths = {len(c.path) for c in children}
    if len(lengths) == 1:  # children's codes have one length (GB/T 2260): group by the path prefix in one query each
        length = lengths.pop()
        by_s = list(samples.annotate(area=Substr("operator__jurisdiction__path", 1, length)).values("area").annotate(**sample_counts).order_by())
        by_c = list(cases.annotate(area=Substr("sample__operator__jurisdiction__path", 1, length)).values("area").annotate(**case_counts)
                    .order_by())
        _fill(rows, lambda key: key, by_s, by_c)
    else:
        for c in children:
            s = samples.filter(_subtree("operator__jurisdiction__path", c.path)).aggregate(**sample_counts)
            d = cases.filter(_subtree("sample__operator__jurisdiction__path", c.path)).aggregate(**case_counts)
            _fill(rows, lambda key: key, [{"area": c.path, **s}], [{"area": c.path, **d}])
    return [rows[root.path], *(rows[c.path] for c in children)]
