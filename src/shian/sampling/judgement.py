"""The judgement of a test item (符合 / 不符合), computed from the value and the limit, never typed.

Pure functions over data, so they are tested on their own and run fast in bulk:

* a **maximum** (pesticide residues, contaminants): the value, converted to the limit's unit,
  conforms if it is at most the limit; "not detected" (未检出, ND, "<LOD") always conforms;
* a **sampling plan** n/c/m/M (pathogens, GB 29921): ``n`` units are tested; the lot fails if any
  unit exceeds ``M``, or if more than ``c`` units exceed ``m`` (two-class plan when ``M`` is not
  set). A plan with ``m = 0`` per test portion ("/25g") is presence/absence: a unit exceeds ``m``
  when the pathogen is detected. A lab may post one overall "not detected" for such a plan;
* no limit (risk monitoring of an item without a national limit): the value is kept, not judged.

Problems raise :class:`ItemProblem` with a machine code; the service names the item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shian.sampling import units

CONFORMING = "conforming"
NONCONFORMING = "nonconforming"
NOT_JUDGED = "not_judged"

_NOT_DETECTED = {"nd", "n.d.", "n.d", "未检出", "notdetected", "阴性", "negative", "neg", "-"}
_DETECTED = {"检出", "detected", "阳性", "positive", "pos", "+"}
_BELOW = re.compile(r"^[<＜](.+)$")
_MAX_DIGITS = 20


class ItemProblem(ValueError):
    """A value or unit the platform cannot judge."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Limit:
    """What a result is judged against (a row of the limits table, as plain data)."""

    unit: str
    value: Decimal | None = None  # a maximum
    n: int | None = None  # a sampling plan
    c: int | None = None
    m: Decimal | None = None
    M: Decimal | None = None
    density: Decimal | None = None  # kg/L, to convert mg/L to mg/kg

    @property
    def is_plan(self) -> bool:
        return self.n is not None


@dataclass
class Judged:
    judgement: str
    value: Decimal | None  # the number as posted (None: not detected / presence only)
    detected: bool
    value_in_limit_unit: Decimal | None = None
    unit_values: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Parsed:
    value: Decimal | None
    detected: bool
    below: Decimal | None = None  # "<0.01": below the limit of detection/quantification


def parse_value(text: str) -> Parsed:
    """A posted value: a number, "not detected" (未检出, ND, "<0.01") or "detected" (检出, 阳性)."""
    raw = (text or "").strip()
    key = raw.replace(" ", "").lower()
    if not key:
        raise ItemProblem(_("The value is missing."), "value_missing")
    if key in _NOT_DETECTED:
        return Parsed(None, False)
    if key in _DETECTED:
        return Parsed(None, True)
    below = _BELOW.match(key)
    if below:
        return Parsed(None, False, _number(below.group(1), raw))
    return Parsed(_number(key, raw), True)


def _number(key: str, raw: str) -> Decimal:
    # A comma is refused rather than guessed: "0,05" is 0.05 in some labs' notation and 5 in others'.
    try:
        value = Decimal(key) if "," not in key and "，" not in key else Decimal("x")
    except InvalidOperation:
        raise ItemProblem(_("“%(value)s” is not a number (write a number, or “not detected”).") % {"value": raw}, "value_not_number") from None
    if not value.is_finite() or len(value.as_tuple().digits) > _MAX_DIGITS:
        raise ItemProblem(_("“%(value)s” is not a number (write a number, or “not detected”).") % {"value": raw}, "value_not_number")
    if value < 0:
        raise ItemProblem(_("The value cannot be negative."), "value_negative")
    return value


def _convert(value: Decimal, unit: str, limit: Limit) -> Decimal:
    if not unit.strip():
        raise ItemProblem(_("Give the unit of the value."), "unit_missing")
    try:
        return units.convert(value, unit, limit.unit, density=limit.density)
    except units.UnitError as exc:
        raise ItemProblem(exc.message, exc.code) from None


def judge(limit: Limit | None, value_text: str, unit: str, unit_values: list[str] | None = None) -> Judged:
    """The judgement of one test item (see the module docstring)."""
    values = [v for v in (unit_values or []) if str(v).strip()]
    if limit is not None and limit.is_plan:
        return _judge_plan(limit, value_text, unit, values)
    if values:
        raise ItemProblem(_("Per-unit values are only for sampling plans (n/c/m/M); give one value."), "unit_values_unexpected")
    parsed = parse_value(value_text)
    if unit.strip():
        try:
            units.unit_of(unit)
        except units.UnitError as exc:
            raise ItemProblem(exc.message, exc.code) from None
    if limit is None:
        return Judged(NOT_JUDGED, parsed.value, parsed.detected)
    if parsed.value is None:
        if parsed.detected:
            raise ItemProblem(_("This limit needs a measured value, not only “detected”."), "value_not_number")
        return Judged(CONFORMING, None, False)
    assert limit.value is not None
    converted = _convert(parsed.value, unit, limit)
    return Judged(NONCONFORMING if converted > limit.value else CONFORMING, parsed.value, True, converted)


def _judge_plan(limit: Limit, value_text: str, unit: str, values: list[str]) -> Judged:
    n, c = limit.n or 0, limit.c or 0
    presence = limit.m is not None and limit.m == 0 and units.unit_of(limit.unit).dimension == units.PRESENCE
    if not values:
        overall = parse_value(value_text)
        if presence and overall.value is None:
            # One overall answer for the n test portions: none detected, or at least one detected.
            positives = 1 if overall.detected else 0
            return Judged(NONCONFORMING if positives > c else CONFORMING, None, overall.detected, unit_values=[])
        raise ItemProblem(_("This sampling plan tests %(n)s units: give %(n)s values.") % {"n": n}, "unit_values_count")
    if len(values) != n:
        raise ItemProblem(_("This sampling plan tests %(n)s units: give %(n)s values, not %(k)s.") % {"n": n, "k": len(values)},
                          "unit_values_count")
    parsed = [parse_value(str(v)) for v in values]
    if presence:
        over_m = sum(1 for p in parsed if p.detected)
        return Judged(NONCONFORMING if over_m > c else CONFORMING, None, over_m > 0, unit_values=[str(v) for v in values])
    counts = [Decimal(0) if p.value is None else _convert(p.value, unit, limit) for p in parsed]
    if any(p.value is None and p.detected for p in parsed):
        raise ItemProblem(_("This sampling plan needs counts, not only “detected”."), "value_not_number")
    assert limit.m is not None
    over_big = limit.M is not None and any(x > limit.M for x in counts)
    over_m = sum(1 for x in counts if x > limit.m)
    failed = over_big or over_m > c
    return Judged(NONCONFORMING if failed else CONFORMING, None, any(x > 0 for x in counts), max(counts), unit_values=[str(v) for v in values])
