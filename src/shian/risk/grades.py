"""The one way other modules read risk grades (the inspection plan, draws, later credit).

``grades_for(ids)`` answers with one query: the current recorded grade of each operator, or the
default of its operator types (:mod:`shian.risk.rules`) when none is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import FilteredRelation, Q, QuerySet

from shian.registry.models import Operator
from shian.risk import rules


@dataclass(frozen=True)
class GradeInfo:
    """An operator's grade and where it comes from (``default`` when no grade is recorded)."""

    grade: str
    source: str
    since: date | None


def grade_infos(operator_ids: Iterable[int] | QuerySet[Any]) -> dict[int, GradeInfo]:
    """Grade, source and date for each operator id (a list, or a queryset of ids used as a subquery)."""
    ids = operator_ids if isinstance(operator_ids, QuerySet) else list(operator_ids)
    rows = (Operator.objects.filter(pk__in=ids)
            .annotate(current=FilteredRelation("risk_grades", condition=Q(risk_grades__is_current=True)))
            .values_list("pk", "current__grade", "current__source", "current__since", "types__code"))
    recorded: dict[int, GradeInfo] = {}
    types: dict[int, list[str]] = {}
    for pk, grade, source, since, type_code in rows:
        if grade:
            recorded[pk] = GradeInfo(grade, source, since)
        types.setdefault(pk, [])
        if type_code:
            types[pk].append(type_code)
    table = rules.default_grades()
    out = {pk: recorded.get(pk) or GradeInfo(rules.default_for_types(codes, table), "default", None) for pk, codes in types.items()}
    return out


def grades_for(operator_ids: Iterable[int] | QuerySet[Any]) -> dict[int, str]:
    """The grade (A/B/C/D) of each operator, in one query."""
    return {pk: info.grade for pk, info in grade_infos(operator_ids).items()}


def grade_of(operator: Operator | int) -> str:
    """The grade of one operator."""
    pk = operator if isinstance(operator, int) else operator.pk
    return grades_for([pk]).get(pk, rules.DEFAULT_GRADE)
