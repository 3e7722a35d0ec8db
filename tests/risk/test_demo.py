"""The risk demo: the city graded twice from its events (history and warnings), idempotent, targeting skipped
when the history is too small."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shian.risk import demo
from shian.risk.models import RiskGrade
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_demo_grades_the_city(world: World) -> None:
    from tests.credit.conftest import penalty

    penalty(world, world.op2, severity="serious", on=timezone.localdate() - timedelta(days=20))
    end = timezone.localdate()
    counts = demo.generate(1, end - timedelta(days=365), end)
    assert counts["risk_graded"] == 3 and counts["risk_targeting_skipped"] == 1
    assert RiskGrade.objects.filter(operator=world.op2).count() == 2
    assert counts["risk_warnings"] == 1  # the penalty came after the mid-year assessment
    assert sum(v for k, v in counts.items() if k.startswith("risk_grade_") and len(k) == 12) == 3
    assert demo.generate(1, end - timedelta(days=365), end) == {"risk_graded": 3}
