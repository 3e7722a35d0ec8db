"""Pure rules: months, levels, sanction triggers, points cycles and grades, hygiene scores."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from shian.credit import rules, standing
from shian.credit.sanctions import combine


def test_add_months_keeps_month_ends() -> None:
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert rules.add_months(date(2026, 3, 10), -12) == date(2025, 3, 10)
    assert rules.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_periods_follow_order_107_and_order_45() -> None:
    minor, moderate, serious = (rules.period_for("penalty", s) for s in ("minor", "moderate", "serious"))
    assert (minor.display_months, minor.repair_after_months) == (3, None)
    assert (moderate.display_months, moderate.repair_after_months) == (12, 3)
    assert (serious.display_months, serious.repair_after_months) == (36, 12)
    assert rules.period_for("complaint", "minor").display_months is None  # internal only
    assert rules.period_key("inspection", "moderate") == "*/moderate"
    assert rules.period_key("listing", "serious") == "listing/serious"


def test_period_override_by_setting(settings: object) -> None:
    settings.SHIAN_CREDIT_PERIODS = {"*/moderate": [6, 6, 2]}  # type: ignore[attr-defined]
    p = rules.period_for("penalty", "moderate")
    assert (p.effect_months, p.display_months, p.repair_after_months, p.source.confidence) == (6, 6, 2, "U")


@pytest.mark.parametrize(("counts", "level", "why"), [
    ({}, "A", []),
    ({"minor": 1}, "A", []),
    ({"minor": 2}, "B", ["minor"]),
    ({"moderate": 1}, "B", ["moderate"]),
    ({"moderate": 2}, "C", ["moderate"]),
    ({"serious": 1}, "C", ["serious"]),
    ({"penalties_12m": 3}, "C", ["penalties_12m"]),
    ({"listing": 1, "serious": 1}, "D", ["listing"]),
])
def test_levels(counts: dict[str, int], level: str, why: list[str]) -> None:
    assert rules.level_for(counts) == (level, why)


def test_sanction_measures_combine() -> None:
    listed = combine(7, {"listing": 1, "serious": 1})
    assert listed.level == "D" and listed.listed
    assert listed.triggers == ("listed", "level_D")
    assert (listed.no_instant_approval, listed.extra_inspections, listed.excluded_from_quality_brand, listed.excluded_from_honours,
            listed.public_flag) == (True, 2, True, True, True)
    c = combine(7, {"serious": 1})
    assert (c.level, c.extra_inspections, c.no_instant_approval, c.excluded_from_quality_brand, c.public_flag) == ("C", 1, False, True, False)
    art134 = combine(7, {"penalties_12m": 3, "minor": 3})
    assert set(art134.triggers) == {"level_C", "penalties_12m"} and art134.no_instant_approval
    clean = combine(7, {})
    assert not clean.any and clean.extra_inspections == 0
    assert {s.confidence for s in listed.sources()} == {"S", "U"}


def test_extra_inspections_configurable(settings: object) -> None:
    settings.SHIAN_CREDIT_EXTRA_INSPECTIONS = {"listed": 4}  # type: ignore[attr-defined]
    assert combine(1, {"listing": 1}).extra_inspections == 4


def _rec(**kw: object) -> SimpleNamespace:
    base = {"pk": 1, "kind": "penalty", "severity": "moderate", "occurred_on": date(2026, 1, 1), "effect_until": date(2027, 1, 1),
            "display_until": date(2027, 1, 1), "public": True, "repaired": False, "withdrawn": False}
    base.update(kw)
    ns = SimpleNamespace(**base)
    ns.is_positive = ns.kind in rules.POSITIVE_KINDS
    return ns


def test_counts_and_display() -> None:
    day = date(2026, 6, 1)
    records = [_rec(), _rec(pk=2, kind="inspection", severity="minor", occurred_on=date(2026, 5, 1), effect_until=date(2026, 8, 1)),
               _rec(pk=3, repaired=True), _rec(pk=4, withdrawn=True), _rec(pk=5, kind="commitment", severity="")]
    counts = standing.counts_of(records, day)
    assert counts == {"listing": 0, "serious": 0, "moderate": 1, "minor": 1, "penalties_12m": 2}  # a repaired penalty was still decided
    assert standing.displayed(records[0], day) and not standing.displayed(records[2], day)
    assert not standing.displayed(records[0], date(2027, 1, 1))
    st = standing.standing_of(records, day)
    assert st.level == "B" and st.decided_by == ["moderate"]
    assert standing.standing_if_repaired(records, {1}, day).level == "A"


def test_points_cycle_and_grades() -> None:
    assert rules.points_cycle(date(2022, 1, 10), date(2026, 3, 10)) == (date(2026, 1, 10), date(2027, 1, 10))
    assert rules.points_cycle(date(2022, 5, 10), date(2026, 3, 10)) == (date(2025, 5, 10), date(2026, 5, 10))
    assert rules.points_cycle(None, date(2026, 3, 10)) == (date(2026, 1, 1), date(2027, 1, 1))
    assert [rules.points_grade(n) for n in (0, 9, 10, 19, 20, 24, 25, 40)] == ["甲", "甲", "乙", "乙", "丙", "丙", "丁", "丁"]
    assert rules.GRADE_CONSEQUENCES["丁"][1].confidence == "S" and rules.GRADE_CONSEQUENCES["乙"][1].confidence == "U"


def test_hygiene_scores_and_cutoffs() -> None:
    assert [rules.inspection_score(r, k) for r, k in (("compliant", 0), ("basically_compliant", 0), ("non_compliant", 2))] == [100, 85, 60]
    assert [rules.annual_grade(s) for s in (95, 90, 89.9, 75, 74, 60, 59.9)] == ["A", "A", "B", "B", "C", "C", ""]
    assert rules.ANNUAL_SOURCE.confidence == "S" and rules.INSPECTION_SCORE_SOURCE.confidence == "U"
