"""Working-day calendar for legal deadlines (Chinese public holidays and adjusted working days).

A day is a working day if it is Monday–Friday and not a public holiday, or if it is an
adjusted working day (调休). Holidays are admin-editable data (:class:`CalendarDay`), seeded
from the State Council's yearly notices (:mod:`shian.core.holidays`). Years without a
complete entry fall back to weekends only; :func:`covers` tells which years are complete.
"""

from __future__ import annotations

from datetime import date, timedelta

from shian.core.models import CalendarDay, CalendarYear

# The longest stretch of consecutive non-working days we expect (Spring Festival ~9 days);
# used to size the look-ahead window so that one query serves a whole computation.
_SLACK_DAYS = 20


def _overrides(start: date, end: date) -> dict[date, str]:
    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))


def _is_working(day: date, overrides: dict[date, str]) -> bool:
    kind = overrides.get(day)
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    return _is_working(day, _overrides(day, day))


def add_working_days(start: date, n: int, *, _overrides_hint: dict[date, str] | None = None) -> date:
    """The date ``n`` working days after ``start`` (the start day itself is not counted).

    This is how Chinese administrative deadlines count ("within 20 working days of ..."):
    a deadline of 20 working days from a Friday notice ends on the 20th working day after it.
    ``n`` may be 0 (the next working day on or after ``start``) or negative (counting back).
    """
    step = 1 if n >= 0 else -1
    span = abs(n) * 2 + _SLACK_DAYS
    lo, hi = (start, start + timedelta(days=span)) if step > 0 else (start - timedelta(days=span), start)
    overrides = _overrides_hint if _overrides_hint is not None else _overrides(lo, hi)
    day = start
    if n == 0:
        while not _is_working(day, overrides):
            day += timedelta(days=1)
        return day
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if not (lo <= day <= hi):  # extraordinarily long holiday run: widen the window
            lo, hi = min(lo, day - timedelta(days=span)), max(hi, day + timedelta(days=span))
            overrides = _overrides(lo, hi)
        if _is_working(day, overrides):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if _is_working(day, overrides):
            count += 1
    return count


def covers(year: int) -> bool:
    """True if the holidays of ``year`` have been entered completely."""
    return CalendarYear.objects.filter(year=year).exists()


def add_working_days_many(starts: list[date], n: int) -> list[date]:
    """:func:`add_working_days` for many dates with one query (list pages)."""
    if not starts:
        return []
    span = abs(n) * 2 + _SLACK_DAYS
    overrides = _overrides(min(starts) - timedelta(days=span), max(starts) + timedelta(days=span))
    return [add_working_days(s, n, _overrides_hint=overrides) for s in starts]
