"""The minimal risk app: grades read through risk.grades in one query, defaults by operator type."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shian.core.models import AuditEntry
from shian.risk import grades, services
from shian.risk.models import RiskGrade
from tests.conftest import World


@pytest.mark.django_db
def test_defaults_then_recorded_grades_in_one_query(world: World) -> None:
    ids = [world.op1.pk, world.op2.pk, world.op3.pk]
    with CaptureQueriesContext(connection) as q:
        infos = grades.grade_infos(ids)
    assert len(q.captured_queries) == 1
    # restaurant B, producer B, retailer A (static risk by type; source "default")
    assert {pk: (i.grade, i.source) for pk, i in infos.items()} == {world.op1.pk: ("B", "default"), world.op2.pk: ("B", "default"),
                                                                    world.op3.pk: ("A", "default")}
    services.grade_set(operator=world.op2, grade="C", since=date(2026, 1, 1), by=world.users["admin"])
    services.grade_set(operator=world.op2, grade="D", since=date(2026, 2, 1), note="抽检不合格")
    assert grades.grades_for(ids) == {world.op1.pk: "B", world.op2.pk: "D", world.op3.pk: "A"}
    assert grades.grade_of(world.op2) == "D"
    assert RiskGrade.objects.filter(operator=world.op2).count() == 2
    assert RiskGrade.objects.filter(operator=world.op2, is_current=True).get().grade == "D"
    assert AuditEntry.objects.filter(action="risk.grade_set", operator_id=world.op2.pk).count() == 2


@pytest.mark.django_db
def test_queryset_of_ids_and_bad_grade(world: World) -> None:
    from shian.core.errors import Invalid
    from shian.registry.models import Operator

    assert set(grades.grades_for(Operator.objects.values("pk"))) == {world.op1.pk, world.op2.pk, world.op3.pk}
    with pytest.raises(Invalid) as exc:
        services.grade_set(operator=world.op1, grade="E", since=date(2026, 1, 1))
    assert exc.value.code == "grade_invalid"


def test_default_table_is_overridable(settings: object) -> None:
    from shian.risk import rules

    settings.SHIAN_RISK_DEFAULT_GRADES = {"retailer": "C"}  # type: ignore[attr-defined]
    assert rules.default_for_types(["retailer", "vendor"]) == "C"
    assert rules.default_for_types([]) == rules.DEFAULT_GRADE
