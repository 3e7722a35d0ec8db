"""Inspection fixtures on top of the shared world: three qualified inspectors at the 环市 station
(the ``inspector`` persona is one of them), one at a 江海区 bureau, and helpers to draw and to
fill in a checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from shian.accounts import services as accounts
from shian.accounts.models import Organisation, User
from shian.core.access import Role
from shian.inspection import services
from shian.inspection.models import Answer, Draw, Inspection
from shian.inspection.services import AnswerIn, TargetFilters
from tests.conftest import PASSWORD, World

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


@dataclass
class InspWorld:
    world: World
    inspectors: list[User]  # inspector persona, inspector2, inspector3 (环市 station)
    far_inspector: User  # 江海区 bureau


def build_inspectors(w: World) -> InspWorld:
    station = Organisation.objects.get(code="ST-440703001")
    d2 = Organisation.objects.get(code="JM-JH")
    extra = [accounts.user_create(username=f"inspector{i}", password=PASSWORD, role=Role.INSPECTOR, organisation=station) for i in (2, 3)]
    far = accounts.user_create(username="inspector_jh", password=PASSWORD, role=Role.INSPECTOR, organisation=d2)
    inspectors = [w.users["inspector"], *extra]
    for i, user in enumerate(inspectors, start=1):
        services.inspector_profile_set(user=user, badge_number=f"JM{i:04d}")
    services.inspector_profile_set(user=far, badge_number="JH0001")
    return InspWorld(w, inspectors, far)


@pytest.fixture(autouse=True)
def _no_credit_hooks() -> Any:
    """These tests judge the inspection module alone: the credit module's hooks (if installed) are set aside."""
    from shian.inspection import hooks

    saved = (hooks._extra_frequency, hooks._credit_flags)
    hooks.set_extra_frequency(None)
    hooks.set_credit_flags(None)
    yield
    hooks.set_extra_frequency(saved[0])
    hooks.set_credit_flags(saved[1])


@pytest.fixture
def iw(world: World) -> InspWorld:
    return build_inspectors(world)


def draw(iw: InspWorld, *, count: int = 2, by: str = "district_regulator", **filters: Any) -> Draw:
    w = iw.world
    f = TargetFilters(jurisdiction=filters.pop("jurisdiction", w.d1), **filters)
    return services.draw_run(title="2026年第一季度双随机抽查", filters=f, count=count, by=w.users[by], ran_at=NOW)


def inspection_of(d: Draw, operator: Any) -> Inspection:
    return d.inspections.get(operator=operator)


def fill(inspection: Inspection, *, fail: tuple[str, ...] = (), by: User | None = None, key_only: bool = False) -> Inspection:
    """Answer every item (or only the key items): the numbers in ``fail`` do not conform, the rest conform."""
    assert inspection.template is not None
    items = [i for i in inspection.template.items.all() if i.key or not key_only]
    answers = [AnswerIn(i.pk, Answer.Outcome.FAIL if i.number in fail else Answer.Outcome.PASS, "发现问题" if i.number in fail else "")
               for i in items]
    return services.inspection_save(inspection=inspection, answers=answers, inspected_at=NOW, by=by)


def close(inspection: Inspection, *, fail: tuple[str, ...] = (), by: User | None = None, rectification_days: int | None = None) -> Inspection:
    fill(inspection, fail=fail, by=by)
    services.inspection_acknowledge(inspection=inspection, representative_name="李一", signature="已阅，无异议 李一", by=by)
    return services.inspection_close(inspection=inspection, rectification_days=rectification_days, closed_at=NOW, by=by)


def today() -> date:
    return NOW.date()
