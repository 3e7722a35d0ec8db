"""The credit file: records entered by regulators and operators, periods, withdrawal, the level and both views."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shian.core.errors import Conflict, Invalid
from shian.core.models import AuditEntry
from shian.credit import selectors, services
from shian.credit.models import CreditRecord, ViolationPoint
from tests.conftest import World
from tests.credit.conftest import months_ago, penalty, today

pytestmark = pytest.mark.django_db


def test_penalty_gets_its_periods_and_an_audited_event(world: World) -> None:
    day = months_ago(1)
    r = penalty(world, world.op2, severity="moderate", on=day, number="江蓬市监罚〔2026〕7号")
    assert (r.kind, r.severity, r.source_ref) == ("penalty", "moderate", "penalty:江蓬市监罚〔2026〕7号")
    assert r.public and r.display_until == r.effect_until and r.period_rule == "*/moderate"
    assert r.repair_from is not None and r.repair_from > day
    event = AuditEntry.objects.get(action="credit.record_created")
    assert event.operator_id == world.op2.pk and event.data["decision_number"] == "江蓬市监罚〔2026〕7号"
    assert AuditEntry.objects.filter(action="create", model="credit.creditrecord", operator_id=world.op2.pk).exists()


def test_penalty_needs_number_and_ground_and_is_entered_once(world: World) -> None:
    with pytest.raises(Invalid) as exc:
        services.record_create(operator=world.op2, kind="penalty", severity="minor", title="x", occurred_on=today())
    assert exc.value.field == "decision_number"
    with pytest.raises(Invalid) as exc:
        services.record_create(operator=world.op2, kind="penalty", severity="minor", title="x", occurred_on=today(), decision_number="N-1")
    assert exc.value.field == "legal_ground"
    penalty(world, world.op2, number="N-2")
    with pytest.raises(Conflict) as conflict:
        penalty(world, world.op2, number="N-2")
    assert conflict.value.code == "decision_number_duplicate"
    with pytest.raises(Invalid) as exc:
        services.record_create(operator=world.op2, kind="penalty", severity="huge", title="x", occurred_on=today(), decision_number="N-3",
                               legal_ground="g")
    assert exc.value.code == "severity_invalid"
    with pytest.raises(Invalid) as exc:
        penalty(world, world.op2, on=today() + timedelta(days=1))
    assert exc.value.field == "occurred_on"
    with pytest.raises(Invalid) as exc:
        services.record_create(operator=world.op2, kind="listing", severity="serious", title="x", occurred_on=today())
    assert exc.value.code == "kind_invalid"
    assert CreditRecord.objects.count() == 1


def test_commitment_and_award_have_no_severity(world: World) -> None:
    c = services.record_create(operator=world.op1, kind="commitment", severity="serious", title="食品安全承诺书", occurred_on=today(),
                               by=world.users["operator_user"])
    assert c.severity == "" and c.public and c.created_by == world.users["operator_user"]
    a = services.record_create(operator=world.op1, kind="award", title="放心消费示范店", occurred_on=today())
    assert a.display_until is not None and a.display_until.year == today().year + 3


def test_complaint_is_internal_only(world: World) -> None:
    c = services.record_create(operator=world.op2, kind="complaint", severity="minor", title="投诉核实：餐具不洁", occurred_on=today())
    assert not c.public and c.display_until is None
    public = selectors.profile(world.op2, public=True)
    assert public.records == []
    internal = selectors.profile(world.op2, public=False)
    assert [r.pk for r in internal.records] == [c.pk]


def test_withhold_keeps_a_publishable_record_internal(world: World) -> None:
    r = penalty(world, world.op2, withhold=True)
    assert not r.public
    assert selectors.profile(world.op2, public=True).records == []


def test_catering_penalty_scores_points(world: World) -> None:
    penalty(world, world.op1, severity="serious", number="P-S")
    penalty(world, world.op2, severity="serious", number="P-T")  # a producer: no points
    assert list(ViolationPoint.objects.values_list("operator_id", "points", "source_ref")) == [(world.op1.pk, 5, "penalty:P-S")]


def test_level_and_views(world: World) -> None:
    old = penalty(world, world.op2, severity="moderate", on=months_ago(14))  # display ended after 12 months
    recent = penalty(world, world.op2, severity="moderate", on=months_ago(2))
    minor = penalty(world, world.op2, severity="minor", on=months_ago(1))
    internal = selectors.profile(world.op2, public=False)
    assert internal.standing.level == "B" and internal.standing.decided_by == ["moderate"]
    assert {r.pk for r in internal.records} == {old.pk, recent.pk, minor.pk}
    public = selectors.profile(world.op2, public=True)
    assert {r.pk for r in public.records} == {recent.pk, minor.pk}
    assert not public.show_level  # the level is internal unless configured


def test_public_level_configurable(world: World, settings: object) -> None:
    settings.SHIAN_CREDIT_PUBLIC_LEVEL = True  # type: ignore[attr-defined]
    assert selectors.profile(world.op2, public=True).show_level


def test_withdraw(world: World) -> None:
    r = penalty(world, world.op1, severity="moderate")
    with pytest.raises(Invalid):
        services.record_withdraw(record=r, reason=" ")
    services.record_withdraw(record=r, reason="决定被行政复议撤销", by=world.users["district_regulator"])
    r.refresh_from_db()
    assert r.withdrawn and r.withdrawn_reason == "决定被行政复议撤销"
    assert ViolationPoint.objects.get(source_ref=r.source_ref).withdrawn
    assert selectors.profile(world.op1, public=True).records == []
    assert selectors.profile(world.op1, public=False).standing.level == "A"
    with pytest.raises(Conflict):
        services.record_withdraw(record=r, reason="again")
    assert AuditEntry.objects.filter(action="credit.record_withdrawn", operator_id=world.op1.pk).count() == 1


def test_profile_query_budget(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):
        penalty(world, world.op1, severity="minor", number=f"Q-{n}")
    op = selectors.operator_for(world.users["city_regulator"].principal, world.op1.pk)
    with django_assert_max_num_queries(7):
        p = selectors.profile(op, public=False)
        assert len(p.records) == 5 and p.points is not None and p.hygiene is not None


def test_points_for_many(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from shian.credit.points import points_for_many

    for n in range(5):
        services.points_record(operator=world.op1, points=5, violation=f"违法{n}", occurred_on=today())
    with django_assert_max_num_queries(2):
        result = points_for_many([world.op1.pk, world.op2.pk, world.op3.pk])
    assert set(result) == {world.op1.pk}
    assert (result[world.op1.pk].total, result[world.op1.pk].grade) == (25, "丁")
    assert result[world.op1.pk].cycle_start <= today() < result[world.op1.pk].cycle_end
    assert selectors.profile(world.op1, public=False).points.grade == "丁"  # type: ignore[union-attr]
