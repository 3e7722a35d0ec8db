"""The inspection-history form and the features that predictive targeting learns from.

The form is plain dataclasses, independent of Django models: the platform's inspection module
(or, for the back-test, ``bench/chicago_backtest.py``) maps its own rows into them and nothing
else. :mod:`shian.risk.history` is the platform's adapter from the inspection selectors' rows (and
the operators' facts) into :class:`InspectionRecord` and :class:`PendingInspection`; it only maps fields.

* :class:`PendingInspection` is an inspection that is due: who, when (planned date), why
  (purpose), what the operator is (type, static risk category, licence date, licensed
  activities), who will inspect (inspector group), where, and numeric context known in advance
  (neighbourhood complaint intensity, recent temperature, ...).
* :class:`InspectionRecord` is a finished inspection: the same facts plus its findings — the
  number of key items (关键项, "critical") that failed, of serious/general items and of minor
  items, and whether the inspection failed overall.

:func:`build_features` turns targets (pending inspections, or finished ones when training) into a
numeric matrix. **A target's features come only from history strictly before its date** (and
before ``as_of`` when given), so a record on or after the target's date — including the target's
own record, whose findings are the outcome — never changes them.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# Cap for "time since the last inspection" (the Chicago model caps it at two years too).
MAX_YEARS_SINCE_LAST = 2.0
# Window for "inspections with key-item failures in the last year".
RECENT_DAYS = 365
# A licensed activity becomes a feature when at least this many training targets hold it.
MIN_ACTIVITY_SUPPORT = 20
# At most this many activity features (the most common ones).
MAX_ACTIVITIES = 40
# A category value is kept when at least this many training targets have it; rarer ones become "other".
MIN_CATEGORY_SUPPORT = 10


@dataclass(frozen=True)
class PendingInspection:
    """An inspection that is due (or, in :class:`InspectionRecord`, one that took place).

    ``operator_key`` identifies the operator (or premises) across inspections. ``context`` holds
    numeric facts known before the visit, keyed by a stable name (see ``CONTEXT_LABELS`` in
    :mod:`shian.risk.targeting` for the platform's names); ``activities`` the licensed business
    activities or other licences held (经营项目), by name.
    """

    operator_key: str
    date: dt.date
    purpose: str = "routine"
    operator_type: str = ""
    risk_category: str = ""
    licensed_since: dt.date | None = None
    inspector_group: str = ""
    district: str = ""
    latitude: float | None = None
    longitude: float | None = None
    activities: frozenset[str] = frozenset()
    context: Mapping[str, float] = field(default_factory=dict)
    record_id: str = ""


@dataclass(frozen=True)
class InspectionRecord(PendingInspection):
    """A finished inspection with its findings.

    ``critical`` counts failed key items (关键项), ``serious`` failed general/serious items and
    ``minor`` minor ones. ``failed`` is the overall result (不合格 / 限期整改 counts as failed);
    ``None`` means "not recorded" and is then taken as ``critical > 0``.
    """

    critical: int = 0
    serious: int = 0
    minor: int = 0
    failed: bool | None = None

    @property
    def critical_found(self) -> bool:
        """The outcome predictive targeting estimates: at least one key item failed."""
        return self.critical > 0

    @property
    def did_fail(self) -> bool:
        return self.failed if self.failed is not None else self.critical > 0


# Numeric history features, in matrix order.
HISTORY_FEATURES = (
    "prior_inspections",
    "first_record",
    "years_since_last",
    "last_critical",
    "last_serious",
    "last_minor",
    "last_failed",
    "prior_fail_share",
    "prior_critical_share",
    "recent_critical_inspections",
    "licence_age_years",
)
# Categorical features, in matrix order (after the history features).
CATEGORICAL_FEATURES = ("operator_type", "risk_category", "inspector_group", "purpose")
CONTEXT_PREFIX = "ctx:"
ACTIVITY_PREFIX = "act:"


@dataclass(frozen=True)
class FeatureSchema:
    """What a trained model expects: category vocabularies, context keys and activity columns."""

    categories: Mapping[str, tuple[str, ...]]
    context_keys: tuple[str, ...]
    activities: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (
            HISTORY_FEATURES + CATEGORICAL_FEATURES + tuple(CONTEXT_PREFIX + k for k in self.context_keys) + tuple(ACTIVITY_PREFIX + a for a in self.activities)
        )

    @property
    def categorical_mask(self) -> np.ndarray:
        names = self.names
        return np.array([n in CATEGORICAL_FEATURES for n in names], dtype=bool)

    def to_json(self) -> dict:
        return {"categories": {k: list(v) for k, v in self.categories.items()}, "context_keys": list(self.context_keys), "activities": list(self.activities)}

    @classmethod
    def from_json(cls, data: Mapping) -> FeatureSchema:
        return cls(
            categories={k: tuple(v) for k, v in data["categories"].items()},
            context_keys=tuple(data["context_keys"]),
            activities=tuple(data["activities"]),
        )


@dataclass
class Features:
    """A feature matrix: one row per target, columns named by ``schema.names``.

    Categorical columns hold the category's index in ``schema.categories[name]`` (NaN when empty
    or not in the vocabulary, which the models treat as "missing"); undefined history values
    (no earlier inspection) are NaN too.
    """

    schema: FeatureSchema
    X: np.ndarray
    targets: Sequence[PendingInspection]

    @property
    def names(self) -> tuple[str, ...]:
        return self.schema.names


def infer_schema(targets: Sequence[PendingInspection]) -> FeatureSchema:
    """Learn vocabularies from training targets: categories and activities with enough support."""
    categories: dict[str, tuple[str, ...]] = {}
    for name in CATEGORICAL_FEATURES:
        counts = Counter(getattr(t, name) for t in targets if getattr(t, name))
        categories[name] = tuple(sorted(v for v, n in counts.items() if n >= MIN_CATEGORY_SUPPORT))
    context_keys = tuple(sorted({k for t in targets for k in t.context}))
    activity_counts = Counter(a for t in targets for a in t.activities)
    common = [a for a, n in activity_counts.most_common() if n >= MIN_ACTIVITY_SUPPORT][:MAX_ACTIVITIES]
    return FeatureSchema(categories=categories, context_keys=context_keys, activities=tuple(sorted(common)))


class _OperatorHistory:
    """One operator's finished inspections in date order, with prefix sums for O(log n) look-ups."""

    __slots__ = ("critical_prefix", "days", "fail_prefix", "records")

    def __init__(self, records: list[InspectionRecord]) -> None:
        records.sort(key=lambda r: (r.date, r.record_id))
        self.records = records
        self.days = [r.date.toordinal() for r in records]
        self.fail_prefix = [0]
        self.critical_prefix = [0]
        for r in records:
            self.fail_prefix.append(self.fail_prefix[-1] + int(r.did_fail))
            self.critical_prefix.append(self.critical_prefix[-1] + int(r.critical_found))


def _index_history(history: Iterable[InspectionRecord]) -> dict[str, _OperatorHistory]:
    grouped: dict[str, list[InspectionRecord]] = defaultdict(list)
    for r in history:
        grouped[r.operator_key].append(r)
    return {k: _OperatorHistory(v) for k, v in grouped.items()}


def _history_row(hist: _OperatorHistory | None, day: int) -> list[float]:
    """The history features for a target on ordinal ``day`` from records strictly before it."""
    n = bisect_left(hist.days, day) if hist is not None else 0
    if hist is None or n == 0:
        nan = math.nan
        return [0.0, 1.0, nan, nan, nan, nan, nan, nan, nan, 0.0]
    last = hist.records[n - 1]
    years = min((day - hist.days[n - 1]) / 365.0, MAX_YEARS_SINCE_LAST)
    recent_start = bisect_left(hist.days, day - RECENT_DAYS)
    recent = hist.critical_prefix[n] - hist.critical_prefix[min(recent_start, n)]
    return [
        float(n),
        0.0,
        years,
        float(last.critical),
        float(last.serious),
        float(last.minor),
        float(last.did_fail),
        hist.fail_prefix[n] / n,
        hist.critical_prefix[n] / n,
        float(recent),
    ]


def build_features(
    history: Iterable[InspectionRecord],
    targets: Sequence[PendingInspection],
    *,
    schema: FeatureSchema | None = None,
    as_of: dt.date | None = None,
) -> Features:
    """Features for each target from ``history`` strictly before the target's date.

    ``history`` may contain the targets themselves and later records: only records of the same
    operator dated before the target (and before ``as_of``, when given — e.g. today, for a list
    of inspections planned in the coming weeks) are read. ``schema`` is the trained model's;
    without it one is inferred from ``targets`` (training).
    """
    if schema is None:
        schema = infer_schema(targets)
    index = _index_history(history)
    cat_index = {name: {v: i for i, v in enumerate(schema.categories.get(name, ()))} for name in CATEGORICAL_FEATURES}
    activity_index = {a: i for i, a in enumerate(schema.activities)}
    n_hist = len(HISTORY_FEATURES)
    n_cat = len(CATEGORICAL_FEATURES)
    n_ctx = len(schema.context_keys)
    X = np.full((len(targets), len(schema.names)), np.nan, dtype=np.float64)
    cutoff = as_of.toordinal() if as_of is not None else None
    for row, t in enumerate(targets):
        day = t.date.toordinal()
        day_hist = min(day, cutoff) if cutoff is not None else day
        values = _history_row(index.get(t.operator_key), day_hist)
        if cutoff is not None and not math.isnan(values[2]):  # time since the last inspection runs to the target date
            values[2] = min(values[2] + (day - day_hist) / 365.0, MAX_YEARS_SINCE_LAST)
        licence_age = (day - t.licensed_since.toordinal()) / 365.0 if t.licensed_since is not None else math.nan
        X[row, : n_hist - 1] = values
        X[row, n_hist - 1] = licence_age
        for j, name in enumerate(CATEGORICAL_FEATURES):
            code = cat_index[name].get(getattr(t, name))
            if code is not None:
                X[row, n_hist + j] = code
        base = n_hist + n_cat
        for j, key in enumerate(schema.context_keys):
            value = t.context.get(key)
            if value is not None:
                X[row, base + j] = float(value)
        base += n_ctx
        if activity_index:
            X[row, base : base + len(activity_index)] = 0.0
            for a in t.activities:
                k = activity_index.get(a)
                if k is not None:
                    X[row, base + k] = 1.0
    return Features(schema=schema, X=X, targets=targets)
