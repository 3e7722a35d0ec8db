"""The adapter from the platform's rows to the targeting model's inspection-history form.

It only maps fields (:mod:`shian.risk.features` defines the form; :mod:`shian.risk.targeting`
trains and ranks):

* ``shian.inspection.selectors.closed_inspections`` rows → :class:`InspectionRecord`: operator key =
  the operator's id; date = the inspection day; purpose = the inspection's scope (full / focused /
  routine); critical = failed key items (重点项); serious = failed general items; failed = 不符合;
* the operator's facts → both forms: operator type (its riskiest type by the factor table), static
  risk category (tier Ⅰ–Ⅳ of its static score), licensed since (first licence issued), district,
  coordinates, licensed activities (business scope and licensed food categories);
* context known before the visit: ``nonconforming_samples_365d``, the operator's non-conforming
  sampling results reported in the 365 days before the day (``shian.sampling.selectors.sample_results``).

The inspector group is left empty: the inspection selectors do not expose the team. All reads are
one query per source (sliced by ids), never per operator.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shian.registry.models import Licence, Operator
from shian.risk import rules, ruletable, scoring, sources
from shian.risk.features import InspectionRecord, PendingInspection

SAMPLES_CONTEXT = "nonconforming_samples_365d"
CONTEXT_DAYS = 365


@dataclass(frozen=True)
class TargetFacts:
    """What the model knows about an operator besides its inspections."""

    operator_type: str = ""
    risk_category: str = ""
    licensed_since: date | None = None
    district: str = ""
    latitude: float | None = None
    longitude: float | None = None
    activities: frozenset[str] = frozenset()


def target_facts(operator_ids: Sequence[int] | None) -> dict[int, TargetFacts]:
    """Facts of the operators (``None``: every active operator) in a fixed number of queries."""
    everyone = operator_ids is None
    ids = sources.active_ids() if operator_ids is None else sorted(set(operator_ids))
    facts = {pk: scoring.OperatorFacts(pk) for pk in ids}
    if not facts:
        return {}
    sources._registry(facts, ids, everyone)
    table = ruletable.load()
    static_only = scoring.RuleTable(tuple(f for f in table.factors if f.kind == rules.STATIC), table.bands)
    type_points = next((dict(f.points) for f in table.factors if f.code == "operator_type"), {})
    place: dict[int, tuple[str, float | None, float | None]] = {}
    lat: Any
    lon: Any
    licensed: dict[int, date] = {}
    for chunk in sources._slices(ids):
        for pk, path, lat, lon in Operator.objects.filter(pk__in=chunk).values_list("pk", "jurisdiction__path", "latitude", "longitude"):
            parts = (path or "").split("/")
            place[pk] = (parts[1] if len(parts) > 1 else parts[0], float(lat) if lat is not None else None, float(lon) if lon is not None else None)
        for pk, issued in Licence.objects.filter(operator_id__in=chunk).values_list("operator_id", "issued_on"):
            if pk not in licensed or issued < licensed[pk]:
                licensed[pk] = issued
    out = {}
    for pk, f in facts.items():
        static = scoring.score(f, static_only).static
        riskiest = max(sorted(f.types), key=lambda t: float(type_points.get(t, type_points.get("*", 0)) or 0)) if f.types else ""
        district, latitude, longitude = place.get(pk, ("", None, None))
        out[pk] = TargetFacts(riskiest, rules.static_tier(static), licensed.get(pk), district, latitude, longitude, f.categories)
    return out


def nonconforming_days(operator_ids: Sequence[int], since: date | None = None, until: date | None = None) -> dict[int, list[int]]:
    """Per operator, the sorted ordinal days on which a non-conforming sampling result became known."""
    from shian.sampling.selectors import sample_results

    out: dict[int, list[int]] = {}
    for chunk in sources._slices(sorted(set(operator_ids))):
        for row in sample_results(chunk, since, until):
            if row["conclusion"] == "nonconforming":
                day = row["reported_on"] or row["sampled_on"]
                out.setdefault(row["operator_id"], []).append(day.toordinal())
    for days in out.values():
        days.sort()
    return out


def _context(days: list[int] | None, day: date) -> dict[str, float]:
    if not days:
        return {SAMPLES_CONTEXT: 0.0}
    end = day.toordinal()
    return {SAMPLES_CONTEXT: float(bisect_left(days, end) - bisect_left(days, end - CONTEXT_DAYS))}


def record_of(row: object, facts: TargetFacts, days: list[int] | None) -> InspectionRecord:
    """One closed inspection (a ``ClosedInspection`` row) as an :class:`InspectionRecord`."""
    day: date = row.inspected_on  # type: ignore[attr-defined]
    return InspectionRecord(
        operator_key=str(row.operator_id), date=day, purpose=row.scope,  # type: ignore[attr-defined]
        operator_type=facts.operator_type, risk_category=facts.risk_category, licensed_since=facts.licensed_since,
        district=facts.district, latitude=facts.latitude, longitude=facts.longitude, activities=facts.activities,
        context=_context(days, day), record_id=str(row.inspection_id),  # type: ignore[attr-defined]
        critical=int(row.key_failures), serious=int(row.general_failures), minor=0,  # type: ignore[attr-defined]
        failed=row.result == "non_compliant",  # type: ignore[attr-defined]
    )


def pending_of(operator_id: int, day: date, purpose: str, facts: TargetFacts, days: list[int] | None, *, record_id: str = "") -> PendingInspection:
    """A due inspection of an operator (a plan item) as a :class:`PendingInspection`."""
    return PendingInspection(
        operator_key=str(operator_id), date=day, purpose=purpose, operator_type=facts.operator_type, risk_category=facts.risk_category,
        licensed_since=facts.licensed_since, district=facts.district, latitude=facts.latitude, longitude=facts.longitude,
        activities=facts.activities, context=_context(days, day), record_id=record_id,
    )


def load_history(operator_ids: Sequence[int] | None = None, *, since: date | None = None, until: date | None = None) -> list[InspectionRecord]:
    """Every closed inspection (of the operators; ``None``: all) in the window, as the model's history, in date order."""
    from shian.inspection.selectors import closed_inspections

    rows: list[object] = []
    if operator_ids is None:
        rows.extend(closed_inspections(None, since, until))
    else:
        for chunk in sources._slices(sorted(set(operator_ids))):
            rows.extend(closed_inspections(chunk, since, until))
    ids = sorted({r.operator_id for r in rows})  # type: ignore[attr-defined]
    facts = target_facts(ids)
    days = nonconforming_days(ids, (since - timedelta(days=2 * CONTEXT_DAYS)) if since else None, until)
    records = [record_of(r, facts.get(r.operator_id, TargetFacts()), days.get(r.operator_id)) for r in rows]  # type: ignore[attr-defined]
    records.sort(key=lambda r: (r.date, r.record_id))
    return records


def pending_list(items: Iterable[tuple[int, str, str]], *, today: date) -> tuple[list[PendingInspection], list[InspectionRecord]]:
    """Pending inspections for ``(operator_id, purpose, record_id)`` rows dated ``today``, and the history they are scored from."""
    items = list(items)
    ids = sorted({op for op, _p, _r in items})
    facts = target_facts(ids)
    days = nonconforming_days(ids, today - timedelta(days=CONTEXT_DAYS), today)
    pending = [pending_of(op, today, purpose, facts.get(op, TargetFacts()), days.get(op), record_id=ref) for op, purpose, ref in items]
    return pending, load_history(ids, until=today)
