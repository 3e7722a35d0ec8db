"""Where credit facts come from: the one place that reads other modules' selectors.

Each function returns plain :class:`Fact` rows per operator, whatever shape the source module gives;
when the inspection or sampling selectors change, only this file changes. The rules that turn a fact
into a record (severity, periods, points, hygiene grades) live in :mod:`shian.credit.rules`.

Sources used:

* ``shian.inspection.selectors.closed_inspections(operator_ids, since, until)`` → ``ClosedInspection``
  (operator_id, inspection_id, inspected_on, result, scope, key_failures, general_failures, failed_items);
* ``shian.sampling.selectors.sample_results(operator_ids, since, until)`` → dicts (sample_id, number,
  operator_id, purpose, sampled_on, reported_on, conclusion, retested, nonconforming_items,
  disposal_status, disposal_closed_on).

Penalties (行政处罚) have no module yet: regulators enter them in the credit module itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import NoReverseMatch, reverse

# Operators per source query: bounds the IN lists when a sync covers the whole city.
CHUNK = 2000


@dataclass(frozen=True)
class Fact:
    """One credit-relevant fact about an operator, as the credit module reads it."""

    operator_id: int
    source_ref: str  # unique across sources: "inspection:<id>", "sample:<id>"
    kind: str  # "inspection" or "sampling" (a CreditRecord kind)
    occurred_on: date
    outcome: str  # inspection result (compliant / basically_compliant / non_compliant) or sample conclusion
    purpose: str = ""  # samples: enforcement / monitoring
    key_failures: int = 0
    general_failures: int = 0
    items: tuple[str, ...] = ()  # failed checklist items or non-conforming test items
    label: str = ""  # a human reference: the sample number, the inspection scope
    url: str = ""
    outcome_label: Any = ""  # the outcome's display label (lazy: rendered in the language active when used)


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the source's page was renamed: keep the fact, lose the link
        return ""


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _result_label(value: str) -> Any:
    from shian.inspection.models import Result

    try:
        return Result(value).label
    except ValueError:
        return value


def inspection_facts(operator_ids: Collection[int], since: date | None = None, until: date | None = None) -> list[Fact]:
    """Every closed inspection of the operators in [since, until] (compliant ones too: hygiene grades need them)."""
    from shian.inspection.selectors import closed_inspections

    out = []
    for chunk in _chunks(sorted(operator_ids)):
        for row in closed_inspections(chunk, since, until):
            out.append(Fact(row.operator_id, f"inspection:{row.inspection_id}", "inspection", row.inspected_on, row.result,
                            key_failures=row.key_failures, general_failures=row.general_failures, items=tuple(row.failed_items),
                            label=row.scope, url=_url("inspection-detail", row.inspection_id),
                            outcome_label=_result_label(row.result)))
    return out


def sampling_facts(operator_ids: Collection[int], since: date | None = None, until: date | None = None) -> list[Fact]:
    """Samples of the operators taken in [since, until] that have a final conclusion (conforming or not).

    The date of the fact is the report date (when the result became known), or the sampling date.
    Samples still pending are left out; a later sync picks them up.
    """
    from shian.sampling.selectors import sample_results

    out = []
    for chunk in _chunks(sorted(operator_ids)):
        for row in sample_results(chunk, since, until):
            if row["conclusion"] not in ("conforming", "nonconforming"):
                continue
            out.append(Fact(row["operator_id"], f"sample:{row['sample_id']}", "sampling", row["reported_on"] or row["sampled_on"],
                            row["conclusion"], purpose=row["purpose"], items=tuple(row["nonconforming_items"]), label=row["number"],
                            url=_url("sampling-sample-detail", row["sample_id"])))
    return out


def facts(operator_ids: Collection[int], since: date | None = None, until: date | None = None) -> list[Fact]:
    """All facts of the operators from every source, in date order."""
    rows = inspection_facts(operator_ids, since, until) + sampling_facts(operator_ids, since, until)
    rows.sort(key=lambda f: (f.operator_id, f.occurred_on, f.source_ref))
    return rows
