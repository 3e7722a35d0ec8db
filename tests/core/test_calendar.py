"""Working-day arithmetic with Chinese holidays and adjusted working days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shian.core import calendar
from shian.core.models import CalendarDay


@pytest.mark.django_db
def test_spring_festival_2026_is_skipped_and_adjusted_saturday_counts() -> None:
    assert calendar.covers(2026)
    assert not calendar.is_working_day(date(2026, 2, 16))  # Monday inside the Spring Festival holiday
    assert calendar.is_working_day(date(2026, 2, 14))  # Saturday made a working day
    # Friday 13 Feb + 1 working day = Saturday 14 Feb (adjusted), + 2 = Tuesday 24 Feb.
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert calendar.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


@pytest.mark.django_db
def test_national_day_2025() -> None:
    # 30 Sep 2025 (Tue) + 1 working day: 1–8 Oct are holidays, 9 Oct (Thu) is next.
    assert calendar.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert calendar.is_working_day(date(2025, 10, 11))  # adjusted Saturday


@pytest.mark.django_db
def test_twenty_working_days_and_counting_back() -> None:
    start = date(2026, 9, 21)
    end = calendar.add_working_days(start, 20)
    assert calendar.working_days_between(start, end) == 20
    assert calendar.add_working_days(end, -20) <= start


@pytest.mark.django_db
def test_admin_edits_take_effect() -> None:
    day = date(2027, 3, 3)  # a Wednesday in a year not seeded
    assert calendar.is_working_day(day)
    assert not calendar.covers(2027)
    CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.HOLIDAY, name="测试假日")
    assert not calendar.is_working_day(day)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)), n=st.integers(min_value=1, max_value=40))
def test_add_working_days_properties(start: date, n: int) -> None:
    end = calendar.add_working_days(start, n)
    assert calendar.is_working_day(end)
    assert calendar.working_days_between(start, end) == n
    assert end > start
    assert (end - start) <= timedelta(days=n * 2 + 20)
