"""Where the risk score's facts come from: the one place that reads other modules.

:func:`gather` builds an :class:`~shian.risk.scoring.OperatorFacts` for every operator asked for,
with one query (or one per slice of ids) per source, never one per operator:

* registry: name and scale; operator types; business scope and licensed scope (food categories);
* ``shian.inspection.selectors.closed_inspections(ids | None, since, until)``: results and key failures;
* ``shian.sampling.selectors.sample_results`` (final non-conforming conclusions, by purpose) and
  ``disposal_cases`` (closed late, or open past the due date);
* ``shian.credit``: penalties and verified complaints from the credit file (``CreditRecord``, kinds
  ``penalty`` and ``complaint``, not withdrawn), ``sanctions.sanctions_for_many`` (credit level,
  serious-violation list), ``points.points_for_many`` (violation-point grade);
* incidents and recalls: no module yet (the factors exist with their weights and read zero).

``operator_ids=None`` means every active operator; the sources that take no "all" are read in slices
of ``SLICE`` ids (SQLite's limit on parameters; a few queries for a whole city).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from django.db.models import QuerySet

from shian.registry.models import Licence, Operator
from shian.risk.scoring import OperatorFacts

SLICE = 20_000


def _slices(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), SLICE):
        yield list(ids[i:i + SLICE])


def active_ids(path: str | None = None) -> list[int]:
    """Ids of the active operators (in a jurisdiction subtree when ``path`` is given), ascending."""
    from django.db.models import Q

    qs = Operator.objects.filter(status=Operator.Status.ACTIVE)
    if path:
        qs = qs.filter(Q(jurisdiction__path=path) | Q(jurisdiction__path__startswith=path + "/"))
    return list(qs.order_by("pk").values_list("pk", flat=True))


def _id_filter(ids: Sequence[int], everyone: bool) -> Any:
    """What to pass to a source that takes ids: a subquery of the active operators when all are asked for."""
    if everyone:
        return Operator.objects.filter(status=Operator.Status.ACTIVE).values("pk")
    return list(ids)


def _registry(facts: dict[int, OperatorFacts], ids: Sequence[int], everyone: bool) -> None:
    chunks: list[list[int] | None] = [None] if everyone else list(_slices(ids))
    for chunk in chunks:
        qs: QuerySet[Any] = Operator.objects.filter(status=Operator.Status.ACTIVE) if chunk is None else Operator.objects.filter(pk__in=chunk)
        for pk, name, scale in qs.values_list("pk", "name", "scale").iterator(chunk_size=20_000):
            if pk in facts:
                facts[pk].name, facts[pk].scale = name, scale
    types: dict[int, set[str]] = {}
    cats: dict[int, set[str]] = {}
    through_types = Operator.types.through.objects
    through_scope = Operator.scope.through.objects
    licence_scope = Licence.scope.through.objects
    if everyone:
        t_rows = through_types.values_list("operator_id", "operatortype__code")
        s_rows = through_scope.values_list("operator_id", "foodcategory__code")
        l_rows = licence_scope.filter(licence__status=Licence.Status.VALID).values_list("licence__operator_id", "foodcategory__code")
        _collect(types, t_rows, facts)
        _collect(cats, s_rows, facts)
        _collect(cats, l_rows, facts)
    else:
        for chunk_ids in _slices(ids):
            _collect(types, through_types.filter(operator_id__in=chunk_ids).values_list("operator_id", "operatortype__code"), facts)
            _collect(cats, through_scope.filter(operator_id__in=chunk_ids).values_list("operator_id", "foodcategory__code"), facts)
            _collect(cats, licence_scope.filter(licence__operator_id__in=chunk_ids, licence__status=Licence.Status.VALID)
                     .values_list("licence__operator_id", "foodcategory__code"), facts)
    for pk, codes in types.items():
        facts[pk].types = frozenset(codes)
    for pk, codes in cats.items():
        facts[pk].categories = frozenset(codes)


def _collect(into: dict[int, set[str]], rows: Any, facts: dict[int, OperatorFacts]) -> None:
    for pk, code in rows.iterator(chunk_size=20_000):
        if pk in facts and code:
            into.setdefault(pk, set()).add(code)


def _inspections(facts: dict[int, OperatorFacts], ids: Sequence[int], everyone: bool, since: date, until: date) -> None:
    from shian.inspection.selectors import closed_inspections

    chunks: list[list[int] | None] = [None] if everyone else list(_slices(ids))
    for chunk in chunks:
        for row in closed_inspections(chunk, since, until):
            f = facts.get(row.operator_id)
            if f is not None and row.inspected_on <= until:
                f.inspections.append((row.result, row.key_failures))


def _sampling(facts: dict[int, OperatorFacts], ids: Sequence[int], since: date, until: date) -> None:
    from shian.sampling.selectors import disposal_cases, sample_results

    for chunk in _slices(ids):
        for row in sample_results(chunk, since, until):
            if row["conclusion"] != "nonconforming":
                continue
            known = row["reported_on"] or row["sampled_on"]
            if known is not None and known > until:
                continue  # not yet known on the day graded
            facts[row["operator_id"]].samples.append(row["purpose"])
        for row in disposal_cases(chunk, since, until):
            late = row["closed_late"] or (row["closed_on"] is None and row["due_on"] < until)
            if late:
                facts[row["operator_id"]].disposals_late += 1


def _credit(facts: dict[int, OperatorFacts], ids: Sequence[int], everyone: bool, since: date, until: date) -> None:
    from shian.credit.models import CreditRecord
    from shian.credit.points import points_for_many
    from shian.credit.sanctions import sanctions_for_many

    records = CreditRecord.objects.filter(kind__in=(CreditRecord.Kind.PENALTY, CreditRecord.Kind.COMPLAINT), withdrawn=False,
                                          occurred_on__gte=since, occurred_on__lte=until)
    chunks: list[list[int] | None] = [None] if everyone else list(_slices(ids))
    for chunk in chunks:
        qs = records if chunk is None else records.filter(operator_id__in=chunk)
        for op_id, kind, severity in qs.values_list("operator_id", "kind", "severity").iterator(chunk_size=20_000):
            f = facts.get(op_id)
            if f is None:
                continue
            if kind == CreditRecord.Kind.PENALTY:
                f.penalties.append(severity or "minor")
            else:
                f.complaints += 1
    target = _id_filter(ids, everyone)
    for op_id, s in sanctions_for_many(target, until).items():
        f = facts.get(op_id)
        if f is not None:
            f.credit_level, f.listed = s.level, s.listed
    for op_id, p in points_for_many(target, until).items():
        f = facts.get(op_id)
        if f is not None:
            f.points_grade = p.grade


def gather(operator_ids: Sequence[int] | None, *, since: date, until: date) -> dict[int, OperatorFacts]:
    """The facts of the operators (``None``: every active operator) for a grade on ``until``, dynamic facts from ``since``."""
    everyone = operator_ids is None
    ids = active_ids() if operator_ids is None else sorted(set(operator_ids))
    facts = {pk: OperatorFacts(pk) for pk in ids}
    if not facts:
        return facts
    _registry(facts, ids, everyone)
    _inspections(facts, ids, everyone, since, until)
    _sampling(facts, ids, since, until)
    _credit(facts, ids, everyone, since, until)
    return facts
