"""The judgement is computed, never typed: maxima with unit conversion, "not detected", sampling plans."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shian.sampling import units
from shian.sampling.judgement import CONFORMING, NONCONFORMING, NOT_JUDGED, ItemProblem, Limit, judge, parse_value

MAX = Limit(unit="mg/kg", value=Decimal("0.05"))
S_AUREUS = Limit(unit="CFU/g", n=5, c=1, m=Decimal(100), M=Decimal(1000))
SALMONELLA = Limit(unit="/25g", n=5, c=0, m=Decimal(0))


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("0.05", "mg/kg", CONFORMING), ("0.051", "mg/kg", NONCONFORMING), ("50", "μg/kg", CONFORMING), ("51", "ug/kg", NONCONFORMING),
    ("51", "µg/kg", NONCONFORMING), ("0.00005", "g/kg", CONFORMING), ("0.06", "MG/KG", NONCONFORMING), ("50", "ng/g", CONFORMING),
    ("未检出", "", CONFORMING), ("ND", "mg/kg", CONFORMING), ("<0.01", "mg/kg", CONFORMING), ("not detected", "", CONFORMING),
])
def test_maximum_with_unit_conversion(value: str, unit: str, expected: str) -> None:
    assert judge(MAX, value, unit).judgement == expected


def test_value_in_the_limits_unit_is_kept() -> None:
    judged = judge(MAX, "51", "μg/kg")
    assert judged.value == Decimal(51) and judged.value_in_limit_unit == Decimal("0.051") and judged.detected


@pytest.mark.parametrize(("value", "unit", "code"), [
    ("abc", "mg/kg", "value_not_number"), ("0,0.5", "mg/kg", "value_not_number"), ("", "mg/kg", "value_missing"),
    ("-1", "mg/kg", "value_negative"), ("0.1", "CFU/g", "unit_not_convertible"), ("0.1", "furlongs", "unit_unknown"),
    ("0.1", "", "unit_missing"), ("0.1", "mg/L", "unit_not_convertible"), ("检出", "mg/kg", "value_not_number"), ("NaN", "mg/kg", "value_not_number"),
])
def test_bad_values_and_units(value: str, unit: str, code: str) -> None:
    with pytest.raises(ItemProblem) as exc:
        judge(MAX, value, unit)
    assert exc.value.code == code and exc.value.message


def test_mass_concentration_converts_only_with_a_density() -> None:
    liquid = Limit(unit="mg/kg", value=Decimal("0.05"), density=Decimal("1.030"))
    assert judge(liquid, "0.05", "mg/L").judgement == CONFORMING  # 0.05 mg/L = 0.0485 mg/kg
    assert judge(liquid, "0.0515", "mg/L").judgement == CONFORMING  # exactly 0.05 mg/kg
    assert judge(liquid, "0.052", "mg/L").judgement == NONCONFORMING
    assert judge(liquid, "0.052", "mg/L").value_in_limit_unit == Decimal("0.052") / Decimal("1.030")


@pytest.mark.parametrize(("values", "expected"), [
    (["10", "20", "<10", "未检出", "90"], CONFORMING),
    (["10", "150", "20", "30", "40"], CONFORMING),  # one unit above m, c = 1
    (["10", "150", "200", "30", "40"], NONCONFORMING),  # two above m
    (["10", "1500", "20", "30", "40"], NONCONFORMING),  # one above M
    (["0.01", "0.02", "0", "0", "0"], CONFORMING),
])
def test_three_class_plan(values: list[str], expected: str) -> None:
    assert judge(S_AUREUS, "", "CFU/g", values).judgement == expected


def test_plan_converts_counts_and_needs_n_values() -> None:
    assert judge(S_AUREUS, "", "CFU/kg", ["150000", "0", "0", "0", "0"]).judgement == CONFORMING
    with pytest.raises(ItemProblem) as exc:
        judge(S_AUREUS, "", "CFU/g", ["1", "2"])
    assert exc.value.code == "unit_values_count"
    with pytest.raises(ItemProblem) as exc:
        judge(S_AUREUS, "120", "CFU/g")
    assert exc.value.code == "unit_values_count"
    with pytest.raises(ItemProblem) as exc:
        judge(S_AUREUS, "", "MPN/g", ["1"] * 5)
    assert exc.value.code == "unit_not_convertible"


def test_presence_absence_plan() -> None:
    assert judge(SALMONELLA, "未检出", "/25g").judgement == CONFORMING
    assert judge(SALMONELLA, "检出", "/25g").judgement == NONCONFORMING
    assert judge(SALMONELLA, "", "/25g", ["未检出"] * 5).judgement == CONFORMING
    assert judge(SALMONELLA, "", "/25g", ["未检出"] * 4 + ["阳性"]).judgement == NONCONFORMING
    lenient = Limit(unit="/25g", n=5, c=1, m=Decimal(0))
    assert judge(lenient, "", "/25g", ["检出", "ND", "ND", "ND", "ND"]).judgement == CONFORMING


def test_no_limit_is_not_judged_but_still_checked() -> None:
    assert judge(None, "0.3", "mg/kg").judgement == NOT_JUDGED
    with pytest.raises(ItemProblem):
        judge(None, "x", "mg/kg")
    with pytest.raises(ItemProblem):
        judge(None, "1", "bananas")


def test_parse_value() -> None:
    assert parse_value(" 0.05 ").value == Decimal("0.05")
    assert parse_value("<0.01").below == Decimal("0.01")
    assert parse_value("阳性").detected and parse_value("阳性").value is None
    with pytest.raises(ItemProblem):
        parse_value("1,200")  # a comma is never guessed (decimal or thousands separator)


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=4, allow_nan=False, allow_infinity=False))
def test_judging_in_micrograms_agrees_with_milligrams(value: Decimal) -> None:
    """The same quantity written in μg/kg or mg/kg gets the same judgement."""
    assert judge(MAX, str(value), "mg/kg").judgement == judge(MAX, str(value * 1000), "μg/kg").judgement


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3, allow_nan=False, allow_infinity=False),
       st.sampled_from(units.symbols()), st.sampled_from(units.symbols()))
def test_conversion_round_trip(value: Decimal, a: str, b: str) -> None:
    try:
        there = units.convert(value, a, b, density=Decimal("1.03"))
    except units.UnitError:
        assert units.unit_of(a).dimension != units.unit_of(b).dimension
        return
    assert abs(units.convert(there, b, a, density=Decimal("1.03")) - value) <= value * Decimal("1e-20")
