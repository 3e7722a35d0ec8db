"""Yearly plans: frequency by grade (configurable), full checklist every two years, focused inspection
for the operators Art 22 names, months spread; grades read only through risk.grades."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from shian.core.errors import Conflict, Invalid
from shian.core.models import AuditEntry
from shian.inspection import hooks, planning, rules, services
from shian.inspection.models import InspectionPlan, Scope
from shian.inspection.planning import OperatorFacts
from shian.risk import services as risk
from tests.conftest import World
from tests.inspection.conftest import InspWorld, close, draw


def facts(pk: int, grade: str, types: set[str], categories: set[str] = frozenset(), last_full: int | None = None, extra: int = 0) -> OperatorFacts:
    return OperatorFacts(pk, f"USCC{pk:014d}", grade, "manual", frozenset(types), frozenset(categories), last_full, extra)


def test_plan_items_pure() -> None:
    freqs = {"A": 1, "B": 1, "C": 2, "D": 3}
    items = planning.plan_items([
        facts(1, "A", {"retailer"}, last_full=2025),          # full done last year: one routine inspection
        facts(2, "A", {"retailer"}, last_full=2024),          # two years ago: full checklist due
        facts(3, "C", {"producer"}),                          # producer C: full + focused
        facts(4, "B", {"producer"}, {"128"}),                 # special-food producer: focused
        facts(5, "D", {"restaurant"}),                        # grade D operator: 3 items, focused
        facts(6, "B", {"central_kitchen"}, last_full=2025),   # central kitchen: focused
        facts(7, "B", {"restaurant"}, last_full=2025, extra=2),  # credit hook adds two
    ], year=2026, frequencies=freqs)
    by_op: dict[int, list[planning.Planned]] = {}
    for p in items:
        by_op.setdefault(p.operator_id, []).append(p)
    assert [p.scope for p in by_op[1]] == [Scope.ROUTINE]
    assert [p.scope for p in by_op[2]] == [Scope.FULL]
    assert [p.scope for p in by_op[3]] == [Scope.FULL, Scope.FOCUSED]
    assert by_op[3][1].focus_reasons == ("producer_grade_cd",)
    assert by_op[4][1].focus_reasons == ("special_food_producer",)
    assert [p.scope for p in by_op[5]] == [Scope.FULL, Scope.FOCUSED, Scope.FOCUSED]
    assert by_op[5][1].focus_reasons == ("grade_d",)
    assert [p.scope for p in by_op[6]] == [Scope.FOCUSED] and by_op[6][0].focus_reasons == ("central_kitchen",)
    assert len(by_op[7]) == 3
    # spread over the year: the three items of operator 5 are four months apart
    months = sorted(p.due_month for p in by_op[5])
    assert {(b - a) % 12 for a, b in itertools.pairwise(months)} <= {4, 8}
    assert all(1 <= p.due_month <= 12 and p.due_quarter == (p.due_month - 1) // 3 + 1 for p in items)
    assert planning.digest(items) == planning.digest(list(reversed(items)))


@pytest.mark.django_db
def test_generate_plan_reads_grades_through_risk(world: World) -> None:
    risk.grade_set(operator=world.op2, grade="D", since=date(2026, 1, 1))
    plan = services.plan_generate(jurisdiction=world.d1, year=2026, by=world.users["district_regulator"])
    items = list(plan.items.order_by("operator_id", "id"))
    assert {i.operator_id for i in items} == {world.op1.pk, world.op2.pk}  # op3 is in 江海区
    op2 = [i for i in items if i.operator_id == world.op2.pk]
    assert [i.scope for i in op2] == [Scope.FULL, Scope.FOCUSED, Scope.FOCUSED] and op2[0].grade == "D"
    assert op2[1].reason_codes == ["producer_grade_cd"]
    op1 = [i for i in items if i.operator_id == world.op1.pk]
    assert [(i.scope, i.grade, i.grade_source) for i in op1] == [(Scope.FULL, "B", "default")]
    assert plan.item_count == 4 and plan.operator_count == 2 and plan.frequencies == rules.FREQUENCY_PER_YEAR
    event = AuditEntry.objects.get(action="inspection.plan_generated")
    assert event.data["digest"] == plan.digest and event.data["items"] == 4
    with pytest.raises(Conflict):
        services.plan_generate(jurisdiction=world.d1, year=2026)
    with pytest.raises(Invalid) as exc:
        services.plan_generate(jurisdiction=world.d1, year=2027, frequencies={"A": 99})
    assert exc.value.code == "frequency_invalid"


@pytest.mark.django_db
def test_frequencies_configurable_and_credit_hook(world: World, settings: object) -> None:
    settings.SHIAN_INSPECTION_FREQUENCY = {"B": 2}  # type: ignore[attr-defined]
    hooks.set_extra_frequency(lambda ids: {world.op1.pk: 1})
    try:
        plan = services.plan_generate(jurisdiction=world.s1, year=2026)
    finally:
        hooks.set_extra_frequency(None)
    assert plan.frequencies["B"] == 2
    assert plan.items.filter(operator=world.op1).count() == 3
    assert hooks.extra_frequency([world.op1.pk]) == {}


@pytest.mark.django_db
def test_full_checklist_every_two_years(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    insp = d.inspections.get(operator=w.op1)
    insp.scope = Scope.FULL
    insp.save()
    close(insp, by=iw.inspectors[0])  # closed 2026-03-10
    next_year = services.plan_generate(jurisdiction=w.s1, year=2027)
    assert list(next_year.items.filter(operator=w.op1).values_list("scope", flat=True)) == [Scope.ROUTINE]
    after = services.plan_generate(jurisdiction=w.d1, year=2028)
    assert list(after.items.filter(operator=w.op1).values_list("scope", flat=True)) == [Scope.FULL]
    assert InspectionPlan.objects.count() == 2
