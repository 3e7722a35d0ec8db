"""Yearly inspection plans: from each operator's risk grade to planned inspections by month.

:func:`plan_items` is pure: given the operators (grade, types, categories, last full-checklist
inspection) it returns the items. :func:`load_operators` gathers that data for a jurisdiction in
a fixed number of queries (grades only through :mod:`shian.risk.grades`).

For each operator:

* ``n`` = inspections per year for its grade (the plan's frequencies) + credit extras
  (:func:`shian.inspection.hooks.extra_frequency`);
* the first is a full-checklist inspection when none was closed in the last
  ``FULL_CHECKLIST_YEARS - 1`` calendar years (Art 22: at least once every two years);
* operators Art 22 names (special-food producers, grade C/D producers, grade D operators, central
  kitchens, group-meal caterers) get at least one focused inspection; the rest are routine;
* the items are spread over the year, each operator starting at a month derived from its USCC,
  so that the load is even and the plan is the same whenever it is regenerated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet

from shian.inspection import hooks, rules
from shian.inspection.models import Inspection, Scope
from shian.registry.models import Operator
from shian.risk import grades


@dataclass(frozen=True)
class OperatorFacts:
    """What the plan needs to know about one operator."""

    id: int
    uscc: str
    grade: str
    grade_source: str
    types: frozenset[str]
    categories: frozenset[str]
    last_full_year: int | None
    extra: int = 0


@dataclass(frozen=True)
class Planned:
    operator_id: int
    uscc: str
    grade: str
    grade_source: str
    scope: str
    focus_reasons: tuple[str, ...]
    due_month: int

    @property
    def due_quarter(self) -> int:
        return (self.due_month - 1) // 3 + 1


def _offset(uscc: str) -> int:
    return int(hashlib.sha256(uscc.encode()).hexdigest()[:8], 16) % 12


def plan_items(operators: Iterable[OperatorFacts], *, year: int, frequencies: dict[str, int]) -> list[Planned]:
    """The planned inspections of a year (pure)."""
    out: list[Planned] = []
    for op in operators:
        n = max(0, int(frequencies.get(op.grade, 1))) + op.extra
        reasons = tuple(rules.focus_reasons(grade=op.grade, type_codes=set(op.types), categories=set(op.categories)))
        scopes: list[str] = []
        if op.last_full_year is None or op.last_full_year <= year - rules.FULL_CHECKLIST_YEARS:
            scopes.append(Scope.FULL)
        if reasons:
            scopes.append(Scope.FOCUSED)
        while len(scopes) < n:
            scopes.append(Scope.FOCUSED if reasons else Scope.ROUTINE)
        start = _offset(op.uscc)
        for i, scope in enumerate(scopes):
            month = (start + i * 12 // len(scopes)) % 12 + 1
            out.append(Planned(op.id, op.uscc, op.grade, op.grade_source, scope, reasons if scope == Scope.FOCUSED else (), month))
    return out


def digest(items: Iterable[Planned]) -> str:
    """SHA-256 over the sorted ``uscc:scope:month`` lines: the fingerprint recorded with the plan."""
    lines = sorted(f"{p.uscc}:{p.scope}:{p.due_month}" for p in items)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def operators_in(path: str) -> QuerySet[Operator]:
    """Active operators in a jurisdiction subtree."""
    from django.db.models import Q

    return Operator.objects.filter(Q(jurisdiction__path=path) | Q(jurisdiction__path__startswith=path + "/"), status=Operator.Status.ACTIVE)


def load_operators(ids: QuerySet[Any], *, year: int) -> list[OperatorFacts]:
    """The facts of the operators whose ids the queryset selects (five queries, whatever their number)."""
    usccs = dict(Operator.objects.filter(pk__in=ids).values_list("pk", "uscc"))
    infos = grades.grade_infos(ids)
    types: dict[int, set[str]] = {}
    for op_id, code in Operator.types.through.objects.filter(operator_id__in=ids).values_list("operator_id", "operatortype__code"):
        types.setdefault(op_id, set()).add(code)
    categories: dict[int, set[str]] = {}
    special = Operator.scope.through.objects.filter(operator_id__in=ids, foodcategory__code__in=rules.SPECIAL_FOOD_CATEGORIES)
    for op_id, code in special.values_list("operator_id", "foodcategory__code"):
        categories.setdefault(op_id, set()).add(code)
    last_full = dict(Inspection.objects.filter(operator_id__in=ids, status=Inspection.Status.CLOSED, scope=Scope.FULL)
                     .values("operator_id").annotate(last=Max("closed_at")).values_list("operator_id", "last"))
    extra = hooks.extra_frequency(list(usccs))
    out = []
    for pk, uscc in sorted(usccs.items()):
        info = infos.get(pk)
        last = last_full.get(pk)
        out.append(OperatorFacts(pk, uscc, info.grade if info else "B", info.source if info else "default", frozenset(types.get(pk, ())),
                                 frozenset(categories.get(pk, ())), last.year if last else None, extra.get(pk, 0)))
    return out
