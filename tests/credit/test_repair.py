"""Credit repair (信用修复): eligibility from the rules, refusals with reason and earliest date, the decision
deadline in working days, and the effect (off the public profile, still in the internal file)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shian.core.calendar import add_working_days
from shian.core.errors import Conflict, Invalid
from shian.core.models import AuditEntry
from shian.credit import rules, selectors, services
from shian.credit.models import RepairApplication
from tests.conftest import World
from tests.credit.conftest import months_ago, penalty, today

pytestmark = pytest.mark.django_db


def test_too_early_is_refused_with_the_earliest_date(world: World) -> None:
    r = penalty(world, world.op2, severity="moderate", on=months_ago(1))
    with pytest.raises(Invalid) as exc:
        services.repair_apply(record=r, obligations_fulfilled=True, by=world.users["district_regulator"])
    err = exc.value
    assert err.code == "too_early" and err.field == "record_id"
    assert err.details["earliest_date"] == rules.add_months(r.occurred_on, 3).isoformat()
    assert "最短公示期" in err.message or "minimum display period" in err.message
    assert not RepairApplication.objects.exists()


def test_minor_records_need_no_repair(world: World) -> None:
    r = penalty(world, world.op2, severity="minor", on=months_ago(1))
    check = services.repair_check(record=r, obligations_fulfilled=True)
    assert (check.eligible, check.code, check.earliest_date) == (False, "repair_not_needed", r.display_until)


def test_obligations_must_be_fulfilled(world: World) -> None:
    r = penalty(world, world.op2, severity="moderate", on=months_ago(4))
    with pytest.raises(Invalid) as exc:
        services.repair_apply(record=r, obligations_fulfilled=False)
    assert (exc.value.code, exc.value.field, exc.value.details["earliest_date"]) == ("obligations_unfulfilled", "obligations_fulfilled", None)


def test_a_new_penalty_restarts_the_minimum_period(world: World) -> None:
    r = penalty(world, world.op2, severity="moderate", on=months_ago(6))
    later = penalty(world, world.op2, severity="moderate", on=months_ago(1))
    check = services.repair_check(record=r, obligations_fulfilled=True)
    assert check.code == "new_penalty" and check.earliest_date == rules.add_months(later.occurred_on, 3)
    penalty(world, world.op3, severity="serious", on=months_ago(1))  # another operator's penalty does not count
    minor_later = penalty(world, world.op1, severity="minor", on=months_ago(1))
    first = penalty(world, world.op1, severity="moderate", on=months_ago(6))
    assert minor_later.severity == "minor" and services.repair_check(record=first, obligations_fulfilled=True).eligible


def test_positive_and_unpublished_records_cannot_be_repaired(world: World) -> None:
    c = services.record_create(operator=world.op1, kind="commitment", title="承诺", occurred_on=today())
    assert services.repair_check(record=c, obligations_fulfilled=True).code == "not_repairable"
    complaint = services.record_create(operator=world.op1, kind="complaint", severity="moderate", title="投诉", occurred_on=months_ago(5))
    assert services.repair_check(record=complaint, obligations_fulfilled=True).code == "not_published"
    ended = penalty(world, world.op1, severity="moderate", on=months_ago(13))
    assert services.repair_check(record=ended, obligations_fulfilled=True).code == "display_ended"


def test_apply_approve_and_effect(world: World) -> None:
    r = penalty(world, world.op2, severity="moderate", on=months_ago(4))
    assert selectors.profile(world.op2, public=False).standing.level == "B"
    app = services.repair_apply(record=r, obligations_fulfilled=True, evidence="罚款缴纳凭证", by=world.users["district_regulator"])
    assert app.due_on == add_working_days(app.applied_on, 7)
    with pytest.raises(Conflict):
        services.repair_apply(record=r, obligations_fulfilled=True)
    services.repair_decide(application=app, approve=True, by=world.users["district_regulator"])
    r.refresh_from_db()
    assert r.repaired and r.repaired_on == today()
    assert selectors.profile(world.op2, public=True).records == []  # off the public profile
    internal = selectors.profile(world.op2, public=False)
    assert [x.pk for x in internal.records] == [r.pk] and internal.standing.level == "A"  # still in the file
    assert set(AuditEntry.objects.filter(operator_id=world.op2.pk, action__startswith="credit.repair").values_list("action", flat=True)) == {
        "credit.repair_applied", "credit.repair_approved"}
    with pytest.raises(Conflict):
        services.repair_decide(application=app, approve=False, reason="x")


def test_refusal_needs_a_reason_and_keeps_the_record_displayed(world: World) -> None:
    r = penalty(world, world.op2, severity="moderate", on=months_ago(4))
    app = services.repair_apply(record=r, obligations_fulfilled=True)
    with pytest.raises(Invalid) as exc:
        services.repair_decide(application=app, approve=False)
    assert exc.value.field == "reason"
    later = today() + timedelta(days=30)
    services.repair_decide(application=app, approve=False, reason="罚款未缴清", earliest_date=later)
    app.refresh_from_db()
    assert (app.status, app.earliest_date) == ("refused", later)
    assert [x.pk for x in selectors.profile(world.op2, public=True).records] == [r.pk]


def test_decision_deadline_counts_working_days() -> None:
    # Friday 2026-03-06 + 7 working days (no holiday in March 2026) = Tuesday 2026-03-17.
    assert add_working_days(date(2026, 3, 6), rules.repair_decision_days()) == date(2026, 3, 17)


def test_shenzhen_deadline_configurable(world: World, settings: object) -> None:
    settings.SHIAN_CREDIT_REPAIR_DECISION_DAYS = 3  # type: ignore[attr-defined]
    r = penalty(world, world.op2, severity="moderate", on=months_ago(4))
    app = services.repair_apply(record=r, obligations_fulfilled=True)
    assert app.due_on == add_working_days(app.applied_on, 3)


def test_what_if(world: World) -> None:
    a = penalty(world, world.op2, severity="moderate", on=months_ago(4))
    b = penalty(world, world.op2, severity="moderate", on=months_ago(5))
    young = penalty(world, world.op2, severity="serious", on=months_ago(2))
    w = selectors.what_if(world.op2)
    assert w.before.level == "C"
    by_pk = {c.record.pk: c.eligibility for c in w.candidates}
    # The serious penalty two months ago is a new penalty for a and b: none may be repaired yet.
    assert by_pk[a.pk].code == "new_penalty" and by_pk[young.pk].code == "too_early"
    assert w.chosen == set() and w.after.level == "C"
    chosen = selectors.what_if(world.op2, {a.pk, b.pk, young.pk, 999})
    assert chosen.chosen == {a.pk, b.pk, young.pk}
    # Repair ends display, but three penalties within 12 months still count (Food Safety Law Art 134).
    assert (chosen.after.level, chosen.after.decided_by, chosen.shown_before, chosen.shown_after) == ("C", ["penalties_12m"], 3, 0)
    assert chosen.sanctions_after.triggers == ("level_C", "penalties_12m")


def test_what_if_shows_the_level_change(world: World) -> None:
    a = penalty(world, world.op2, severity="moderate", on=months_ago(4))
    b = penalty(world, world.op2, severity="moderate", on=months_ago(5))
    w = selectors.what_if(world.op2)
    assert w.chosen == {a.pk, b.pk}  # both eligible by date (obligations assumed fulfilled)
    assert (w.before.level, w.after.level, w.shown_before, w.shown_after) == ("C", "A", 2, 0)
    assert w.sanctions_before.extra_inspections == 1 and w.sanctions_after.extra_inspections == 0
    only_a = selectors.what_if(world.op2, {a.pk})
    assert only_a.after.level == "B"
