"""Violation points (餐饮违法记分) of many operators at once, for other modules (the risk grade: a 丁 may
raise next year's risk grade by one or two levels, Shenzhen's measures)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shian.credit import rules
from shian.credit.models import ViolationPoint
from shian.registry.models import Licence


@dataclass(frozen=True)
class PointsGrade:
    """Points in the operator's current 12-month cycle and the grade they give (甲/乙/丙/丁)."""

    total: int
    grade: str
    cycle_start: date
    cycle_end: date


def points_for_many(operator_ids: Collection[int] | QuerySet[Any], today: date | None = None) -> dict[int, PointsGrade]:
    """The current points and grade of every operator (of the ids) that has points in its cycle (two queries).

    An operator not in the result has no points: grade 甲. The cycle runs from the anniversary of the
    newest licence issued by ``today`` (1 January without a licence), as :func:`rules.points_cycle`.
    """
    today = today or timezone.localdate()
    ids = operator_ids if isinstance(operator_ids, QuerySet) else list(operator_ids)
    rows = list(ViolationPoint.objects.filter(operator_id__in=ids, withdrawn=False, occurred_on__gt=rules.add_months(today, -12),
                                              occurred_on__lte=today).values_list("operator_id", "occurred_on", "points"))
    if not rows:
        return {}
    scored = sorted({op for op, _d, _n in rows})
    anchors: dict[int, date] = {}
    for op, issued in Licence.objects.filter(operator_id__in=scored, issued_on__lte=today).values_list("operator_id", "issued_on"):
        if op not in anchors or issued > anchors[op]:
            anchors[op] = issued
    cycles = {op: rules.points_cycle(anchors.get(op), today) for op in scored}
    totals = dict.fromkeys(scored, 0)
    for op, day, n in rows:
        start, end = cycles[op]
        if start <= day < end:
            totals[op] += n
    return {op: PointsGrade(n, rules.points_grade(n), *cycles[op]) for op, n in totals.items() if n}
