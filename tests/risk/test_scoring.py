"""The score (pure): each factor's contribution with its weight and cap, static plus dynamic, the bands (edges
included), adjustments raising whole levels, and the band checks that name the conflicting bands."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shian.risk import rules, scoring
from shian.risk.scoring import Band, OperatorFacts


def table() -> scoring.RuleTable:
    return scoring.seed_table()


def parts(s: scoring.Scored) -> dict[str, float]:
    return {c.code: c.points for c in s.contributions}


def test_seed_table_is_static_40_plus_dynamic_60_with_sources() -> None:
    t = table()
    assert t.max_static == 40 and t.max_dynamic == 60
    assert all(f.source for f in t.factors)
    assert {f.code for f in t.factors} >= {"food_category", "operator_type", "scale", "special_population", "inspections", "sampling",
                                           "penalties", "complaints", "credit_level", "violation_points", "incidents", "recalls", "listed"}
    assert not scoring.band_problems(t.bands)


def test_static_factors_school_canteen_versus_retailer() -> None:
    canteen = scoring.score(OperatorFacts(1, name="江门市第一中学食堂", scale="large", types=frozenset({"school_canteen"}),
                                          categories=frozenset({"B04", "B05"})), table())
    p = parts(canteen)
    assert p["food_category"] == 13  # cold food B05 is the riskiest category held
    assert p["operator_type"] == 8 and p["scale"] == 5 and p["special_population"] == 10
    assert canteen.static == 36 and canteen.dynamic == 0 and canteen.score == 36 and canteen.grade == "B"
    shop = scoring.score(OperatorFacts(2, name="便利店", types=frozenset({"retailer"}), categories=frozenset({"B01"})), table())
    assert shop.score == 3 + 3 + 1 and shop.grade == "A"
    elderly = scoring.score(OperatorFacts(3, name="蓬江区敬老院食堂", types=frozenset({"canteen"})), table())
    assert parts(elderly)["special_population"] == 10  # elderly care recognised by name


def test_dynamic_factors_caps_and_weights() -> None:
    f = OperatorFacts(1, types=frozenset({"restaurant"}), categories=frozenset({"B04"}),
                      inspections=[("non_compliant", 2), ("basically_compliant", 0), ("compliant", 0)],
                      samples=["enforcement"], penalties=["moderate"], complaints=1, credit_level="C", points_grade="乙")
    s = scoring.score(f, table())
    p = parts(s)
    assert p["inspections"] == 15  # 10 + 3 + 2×2 = 17, capped at 15
    assert p["sampling"] == 8 and p["penalties"] == 6 and p["complaints"] == 2 and p["credit_level"] == 4 and p["violation_points"] == 2
    assert p["incidents"] == 0 and p["recalls"] == 0  # no module yet: zero input
    assert s.dynamic == 37 and s.static == 10 + 7 + 1
    assert s.score == 55 and s.grade == "C"
    halved = replace(table(), factors=tuple(replace(x, weight=0.5) if x.code == "inspections" else x for x in table().factors))
    assert parts(scoring.score(f, halved))["inspections"] == 8.5  # weight × raw (17) = 8.5, under the cap


def test_band_edges_follow_the_2016_measures() -> None:
    t = table()
    assert [t.grade_for(x) for x in (0, 30, 30.01, 45, 45.5, 60, 60.01, 100)] == ["A", "A", "B", "B", "C", "C", "D", "D"]


def test_listing_and_points_ding_raise_whole_levels() -> None:
    base = OperatorFacts(1, types=frozenset({"retailer"}), categories=frozenset({"B01"}))
    assert scoring.score(base, table()).grade == "A"
    listed = scoring.score(replace(base, listed=True, credit_level="D"), table())
    assert listed.score_grade == "A" and listed.levels == 2 and listed.grade == "C"
    both = scoring.score(replace(base, listed=True, points_grade="丁", credit_level="D"), table())
    assert both.grade == "D"  # capped at D
    assert scoring.raise_grade("D", 2) == "D"


@pytest.mark.parametrize(("bands", "code", "named"), [
    ([("A", 0, 30), ("B", 35, 45), ("C", 45, 60), ("D", 60, None)], "bands_gap", ("A", "B")),
    ([("A", 0, 30), ("B", 30, 50), ("C", 45, 60), ("D", 60, None)], "bands_overlap", ("B", "C")),
    ([("A", 0, 30), ("B", 30, 45), ("C", 45, 60), ("D", 60, 100)], "bands_open_end", ("D",)),
    ([("A", 5, 30), ("B", 30, 45), ("C", 45, 60), ("D", 60, None)], "bands_start", ("A",)),
    ([("A", 0, 30), ("B", 30, 45), ("D", 60, None)], "bands_missing", ("C",)),
])
def test_band_problems_name_the_conflicting_bands(bands: list[tuple[str, float, float | None]], code: str, named: tuple[str, ...]) -> None:
    problems = scoring.band_problems([Band(g, lo, hi) for g, lo, hi in bands])
    assert problems and problems[0].code == code and problems[0].bands == named
    for g in named:
        assert g in problems[0].message


def test_describe_speaks_plainly() -> None:
    assert "2" in scoring.describe("inspections", {"non_compliant": 2, "basically_compliant": 0, "compliant": 1, "key_failures": 3})
    assert scoring.describe("food_category", {"categories": ["B04"], "riskiest": "B04"}, {"B04": "热食类食品制售"}).count("热食类食品制售") == 2
    assert rules.static_tier(5) == "I" and rules.static_tier(36) == "IV"
