"""Predictive targeting: which due inspection is most likely to find a failed key item.

A model trained on the platform's own inspection history (the form in
:mod:`shian.risk.features`) estimates, for each pending inspection, the probability that it finds
at least one failed key item (重点项, "critical" in the Chicago data), orders the pending list by it
and names the top reasons per operator. The code knows nothing about Django models: the inspection
module's rows are mapped into the form by :mod:`shian.risk.history`, and the retraining job
(:mod:`shian.risk.retrain`) and the pending-inspection page call the functions here.

The model is a blend, in log-odds, of gradient-boosted trees (LightGBM) and an L2 logistic
regression on the same features: ``raw = w·trees + (1 − w)·linear``. Both parts are additive per
feature — LightGBM's TreeSHAP contributions (``pred_contrib``) and the linear terms ``coef × (z −
training mean)`` — so a score's explanation is exact and cheap: each feature's share of the
log-odds above the training average. :func:`select_params` chooses the few hyperparameters on a
time-based validation split inside the training period (the last 182 days), never on the
period it will be judged on.

``bench/chicago_backtest.py`` back-tests this code on real Chicago outcomes; its figures and the
method are in ``bench/RESULTS.md``.

Saved models are plain JSON (LightGBM's text model plus the linear part's arrays): loading one
runs no pickled code. :func:`default_model_path` is ``VAR_DIR/models/targeting.json``; the
metadata alone (training date, data window, validation and back-test figures) is written next to
it as ``targeting.meta.json`` for pages that only show it.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shian.risk.features import (
    ACTIVITY_PREFIX,
    CATEGORICAL_FEATURES,
    CONTEXT_PREFIX,
    Features,
    FeatureSchema,
    InspectionRecord,
    PendingInspection,
    build_features,
    infer_schema,
)

__all__ = [
    "CONTEXT_LABELS",
    "DEFAULT_CANDIDATES",
    "BacktestFigures",
    "InspectionRecord",
    "PendingInspection",
    "RankedInspection",
    "Reason",
    "Selection",
    "TargetingModel",
    "TrainParams",
    "TrainingMetadata",
    "build_features",
    "days_earlier",
    "default_model_path",
    "evaluate",
    "feature_label",
    "first_half_share",
    "fit",
    "select_params",
    "train",
    "train_with_backtest",
    "with_backtest",
]

FORMAT = "shian.risk.targeting/1"

# Labels of the features, shown to regulators as reasons (plain Chinese through the catalog).
FEATURE_LABELS: dict[str, Promise] = {
    "prior_inspections": _("Number of earlier inspections"),
    "first_record": _("No earlier inspection on record"),
    "years_since_last": _("Time since the last inspection"),
    "last_critical": _("Key items failed at the last inspection"),
    "last_serious": _("General items failed at the last inspection"),
    "last_minor": _("Minor problems at the last inspection"),
    "last_failed": _("The last inspection failed"),
    "prior_fail_share": _("Share of earlier inspections failed"),
    "prior_critical_share": _("Share of earlier inspections with failed key items"),
    "recent_critical_inspections": _("Inspections with failed key items in the past year"),
    "licence_age_years": _("Years since first licensed"),
    "operator_type": _("Type of operator"),
    "risk_category": _("Static risk category"),
    "inspector_group": _("Assigned inspection team"),
    "purpose": _("Purpose of the inspection"),
}
# The platform's names for numeric context, with their labels; other keys are shown by name.
CONTEXT_LABELS: dict[str, Promise] = {
    "complaint_intensity": _("Complaints about food in the neighbourhood"),
    "sanitation_complaint_intensity": _("Sanitation complaints in the neighbourhood"),
    "garbage_request_intensity": _("Refuse collection requests in the neighbourhood"),
    "burglary_intensity": _("Burglaries in the neighbourhood"),
    "temperature_max": _("Recent maximum temperature"),
    "nonconforming_samples_365d": _("Non-conforming samples in the past year"),
}


# A reason must add at least this much to the log-odds (smaller ones are noise to a reader).
MIN_REASON = 0.01
FLAG_FEATURES = frozenset({"first_record", "last_failed"})


def _is_flag(name: str) -> bool:
    return name in FLAG_FEATURES or name.startswith(ACTIVITY_PREFIX)


def feature_label(name: str) -> str:
    """The plain-language (translated) label of a feature name from :attr:`FeatureSchema.names`."""
    if name in FEATURE_LABELS:
        return str(FEATURE_LABELS[name])
    if name.startswith(CONTEXT_PREFIX):
        key = name[len(CONTEXT_PREFIX) :]
        return str(CONTEXT_LABELS[key]) if key in CONTEXT_LABELS else str(_("Local conditions: %(name)s") % {"name": key})
    if name.startswith(ACTIVITY_PREFIX):
        return str(_("Licensed activity: %(activity)s") % {"activity": name[len(ACTIVITY_PREFIX) :]})
    return name


# --- parameters and metadata ---------------------------------------------------------------------


@dataclass(frozen=True)
class TrainParams:
    """Hyperparameters. ``blend`` is the trees' weight in log-odds (1: trees only, 0: linear only)."""

    learning_rate: float = 0.05
    n_trees: int = 150
    num_leaves: int = 7
    min_leaf: int = 100
    subsample: float = 0.8
    colsample: float = 0.8
    l2_trees: float = 1.0
    linear_c: float = 0.1
    blend: float = 0.5
    seed: int = 0

    def label(self) -> str:
        parts = []
        if self.blend > 0:
            parts.append(f"trees lr={self.learning_rate} n={self.n_trees} leaves={self.num_leaves} min_leaf={self.min_leaf}")
        if self.blend < 1:
            parts.append(f"linear C={self.linear_c}")
        return " + ".join(parts) + (f" (w={self.blend})" if 0 < self.blend < 1 else "")


# Candidates tried by select_params: a small, fixed grid (not tuned to any test window).
DEFAULT_CANDIDATES: tuple[TrainParams, ...] = (
    TrainParams(),
    TrainParams(learning_rate=0.03, n_trees=300),
    TrainParams(num_leaves=15, min_leaf=50, n_trees=200),
    TrainParams(linear_c=1.0),
    TrainParams(blend=1.0),
    TrainParams(blend=0.0),
)


@dataclass(frozen=True)
class BacktestFigures:
    """How well an ordering by score would have done on finished inspections.

    ``days_earlier``: the inspections are re-ordered by score and given the original sequence of
    dates (the same number per day); the mean of (original date − new date) over those that found
    a failed key item. ``first_half_share``: the share of those found on the days that make up the
    first half of the inspections, by score order; ``first_half_share_original`` in the original
    order. Method of Chicago's food-inspections-evaluation.
    """

    auc: float
    days_earlier: float
    first_half_share: float
    first_half_share_original: float
    inspections: int
    positives: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TrainingMetadata:
    """What regulators are shown about the model in use."""

    trained_at: str
    data_from: str | None
    data_until: str | None
    examples: int
    positives: int
    params: dict[str, Any]
    features: list[str]
    versions: dict[str, str]
    validation: dict[str, Any] | None = None
    backtest: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TrainingMetadata:
        values: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__}
        return cls(**values)


@dataclass(frozen=True)
class Reason:
    """One feature's contribution to a score (log-odds above the training average)."""

    feature: str
    contribution: float
    value: float | str | None

    @property
    def label(self) -> str:
        return feature_label(self.feature)


@dataclass(frozen=True)
class RankedInspection:
    target: PendingInspection
    probability: float
    reasons: tuple[Reason, ...]


# --- the linear part -------------------------------------------------------------------------------


@dataclass
class _Linear:
    """L2 logistic regression on standardised features: numeric columns clipped to the training 1st–99th
    percentile with NaN → median plus a missing-indicator column, categorical columns one-hot."""

    columns: list[tuple[str, int, float]]  # (kind, feature index, code): kind num | miss | cat
    median: list[float]
    low: list[float]
    high: list[float]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    @staticmethod
    def _layout(X: np.ndarray, cat_mask: np.ndarray, schema: FeatureSchema) -> list[tuple[str, int, float]]:
        names = schema.names
        columns: list[tuple[str, int, float]] = []
        for j, name in enumerate(names):
            if cat_mask[j]:
                columns.extend(("cat", j, float(code)) for code in range(len(schema.categories.get(name, ()))))
            else:
                columns.append(("num", j, 0.0))
                if np.isnan(X[:, j]).any() and not np.isnan(X[:, j]).all():
                    columns.append(("miss", j, 0.0))
        return columns

    def _design(self, X: np.ndarray) -> np.ndarray:
        D = np.zeros((X.shape[0], len(self.columns)))
        for c, (kind, j, code) in enumerate(self.columns):
            col = X[:, j]
            if kind == "num":
                D[:, c] = np.clip(np.where(np.isnan(col), self.median[j], col), self.low[j], self.high[j])
            elif kind == "miss":
                D[:, c] = np.isnan(col)
            else:
                D[:, c] = col == code
        return (D - np.asarray(self.mean)) / np.asarray(self.scale)

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, schema: FeatureSchema, c: float, seed: int) -> _Linear:
        from sklearn.linear_model import LogisticRegression

        cat_mask = schema.categorical_mask
        with warnings.catch_warnings():  # all-NaN columns (e.g. a context nobody has) give NaN → 0
            warnings.simplefilter("ignore", RuntimeWarning)
            median = np.nan_to_num(np.nanmedian(X, axis=0))
            low = np.nan_to_num(np.nanpercentile(X, 1, axis=0))
            high = np.nan_to_num(np.nanpercentile(X, 99, axis=0))
        part = cls(cls._layout(X, cat_mask, schema), median.tolist(), low.tolist(), high.tolist(), [], [], [], 0.0)
        part.mean = [0.0] * len(part.columns)
        part.scale = [1.0] * len(part.columns)
        D = part._design(X)
        mean, std = D.mean(axis=0), D.std(axis=0)
        part.mean = mean.tolist()
        part.scale = np.where(std > 0, std, 1.0).tolist()
        D = (D - mean) / np.asarray(part.scale)
        model = LogisticRegression(C=c, max_iter=5000, random_state=seed)
        model.fit(D, y)
        part.coef = model.coef_[0].tolist()
        part.intercept = float(model.intercept_[0])
        return part

    def contributions(self, X: np.ndarray, n_features: int) -> tuple[np.ndarray, np.ndarray]:
        """Per-feature log-odds terms (relative to the training mean) and the constant."""
        terms = self._design(X) * np.asarray(self.coef)
        out = np.zeros((X.shape[0], n_features))
        for c, (_kind, j, _code) in enumerate(self.columns):
            out[:, j] += terms[:, c]
        return out, np.full(X.shape[0], self.intercept)


# --- the model ----------------------------------------------------------------------------------------


class TargetingModel:
    """A trained targeting model: score, explain, rank, save and load."""

    def __init__(self, schema: FeatureSchema, params: TrainParams, metadata: TrainingMetadata, trees: Any = None, linear: _Linear | None = None) -> None:
        self.schema = schema
        self.params = params
        self.metadata = metadata
        self.trees = trees  # lightgbm.Booster or None
        self.linear = linear

    # features and raw scores
    def features(self, history: Iterable[InspectionRecord], targets: Sequence[PendingInspection], *, as_of: date | None = None) -> Features:
        return build_features(history, targets, schema=self.schema, as_of=as_of)

    def _parts(self, X: np.ndarray, *, contributions: bool) -> tuple[np.ndarray, np.ndarray]:
        """(per-feature contributions or empty, constant) in log-odds, already weighted by the blend."""
        n, f = X.shape
        contrib = np.zeros((n, f)) if contributions else np.zeros((n, 0))
        const = np.zeros(n)
        w = self.params.blend
        if self.trees is not None and w > 0:
            if contributions:
                tc = self.trees.predict(X, pred_contrib=True)
                contrib += w * tc[:, :f]
                const += w * tc[:, f]
            else:
                const += w * self.trees.predict(X, raw_score=True)
        if self.linear is not None and w < 1:
            lc, lconst = self.linear.contributions(X, f)
            if contributions:
                contrib += (1 - w) * lc
                const += (1 - w) * lconst
            else:
                const += (1 - w) * (lc.sum(axis=1) + lconst)
        return contrib, const

    def score_features(self, features: Features) -> np.ndarray:
        """Probability of at least one failed key item, per row of ``features``."""
        _, raw = self._parts(features.X, contributions=False)
        return 1.0 / (1.0 + np.exp(-raw))

    def score(self, history: Iterable[InspectionRecord], targets: Sequence[PendingInspection], *, as_of: date | None = None) -> np.ndarray:
        """Probabilities for ``targets`` from ``history`` before each target's date (and ``as_of``)."""
        if not targets:
            return np.zeros(0)
        return self.score_features(self.features(history, targets, as_of=as_of))

    def contributions(self, features: Features) -> np.ndarray:
        """Per-feature log-odds contributions (rows sum to the score's log-odds minus the average)."""
        contrib, _ = self._parts(features.X, contributions=True)
        return contrib

    def _value(self, name: str, x: float) -> float | str | None:
        if math.isnan(x):
            return None
        if name in CATEGORICAL_FEATURES:
            vocab = self.schema.categories.get(name, ())
            return vocab[int(x)] if 0 <= int(x) < len(vocab) else None
        return float(x)

    def reasons_for(self, features: Features, *, k: int = 3) -> list[tuple[Reason, ...]]:
        """The ``k`` features that raise each row's score most: contributions of at least ``MIN_REASON``,
        leaving out flags that are off (an activity not held, a last inspection not failed)."""
        contrib = self.contributions(features)
        names = features.names
        out: list[tuple[Reason, ...]] = []
        for i in range(contrib.shape[0]):
            row = contrib[i]
            reasons: list[Reason] = []
            for j in np.argsort(-row, kind="stable"):
                if len(reasons) == k or row[j] < MIN_REASON:
                    break
                if features.X[i, j] == 0 and _is_flag(names[j]):
                    continue  # "not licensed for X" / "the last inspection did not fail" is no reason to go first
                reasons.append(Reason(names[j], float(row[j]), self._value(names[j], features.X[i, j])))
            out.append(tuple(reasons))
        return out

    def top_reasons(
        self, history: Iterable[InspectionRecord], targets: Sequence[PendingInspection], *, k: int = 3, as_of: date | None = None
    ) -> list[tuple[Reason, ...]]:
        """Per target, the top ``k`` reasons raising its score, largest first."""
        if not targets:
            return []
        return self.reasons_for(self.features(history, targets, as_of=as_of), k=k)

    def rank(
        self, history: Iterable[InspectionRecord], pending: Sequence[PendingInspection], *, as_of: date | None = None, k: int = 3
    ) -> list[RankedInspection]:
        """The pending inspections ordered by probability (highest first), with their reasons."""
        if not pending:
            return []
        features = self.features(history, pending, as_of=as_of)
        probabilities = self.score_features(features)
        reasons = self.reasons_for(features, k=k)
        order = np.argsort(-probabilities, kind="stable")
        return [RankedInspection(pending[i], float(probabilities[i]), reasons[i]) for i in order]

    # persistence
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "schema": self.schema.to_json(),
            "params": asdict(self.params),
            "metadata": self.metadata.to_json(),
            "trees": self.trees.model_to_string() if self.trees is not None else None,
            "linear": asdict(self.linear) if self.linear is not None else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TargetingModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a targeting model: {data.get('format')!r}")
        trees = None
        if data.get("trees"):
            import lightgbm

            trees = lightgbm.Booster(model_str=data["trees"])
        linear = None
        if data.get("linear"):
            lin = dict(data["linear"])
            lin["columns"] = [tuple(c) for c in lin["columns"]]
            linear = _Linear(**lin)
        return cls(FeatureSchema.from_json(data["schema"]), TrainParams(**data["params"]), TrainingMetadata.from_json(data["metadata"]), trees, linear)

    def save(self, path: Path | str) -> Path:
        """Write the model to ``path`` (JSON) and its metadata to ``<stem>.meta.json`` beside it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json()), encoding="utf-8")
        tmp.replace(path)
        metadata_path(path).write_text(json.dumps(self.metadata.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path | str) -> TargetingModel:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def metadata_path(model_path: Path | str) -> Path:
    model_path = Path(model_path)
    return model_path.with_name(model_path.stem + ".meta.json")


def default_model_path() -> Path:
    """Where the retraining job keeps the production model: ``VAR_DIR/models/targeting.json``."""
    from django.conf import settings

    return Path(settings.VAR_DIR) / "models" / "targeting.json"


def load_metadata(model_path: Path | str | None = None) -> TrainingMetadata | None:
    """The metadata of the saved model (``None`` if none is saved), without loading the model."""
    path = metadata_path(model_path or default_model_path())
    if not path.exists():
        return None
    return TrainingMetadata.from_json(json.loads(path.read_text(encoding="utf-8")))


# --- training ------------------------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    import lightgbm
    import sklearn

    return {"lightgbm": lightgbm.__version__, "scikit-learn": sklearn.__version__, "numpy": np.__version__}


def train(history: Iterable[InspectionRecord], targets: Sequence[InspectionRecord], *, params: TrainParams | None = None) -> TargetingModel:
    """Train on finished inspections ``targets`` (their outcome: a failed key item), with features
    from ``history`` before each target's date. ``history`` usually holds the targets too."""
    return fit(build_features(history, targets, schema=infer_schema(targets)), params=params)


def fit(features: Features, *, params: TrainParams | None = None) -> TargetingModel:
    """Train on already built features (their targets must be :class:`InspectionRecord`)."""
    params = params or TrainParams()
    targets = features.targets
    y = np.array([getattr(t, "critical_found", False) for t in targets], dtype=np.int64)
    if len(targets) == 0 or y.min() == y.max():
        raise ValueError("training needs inspections both with and without failed key items")
    X = features.X
    trees = None
    if params.blend > 0:
        import lightgbm

        cat_idx = [int(i) for i in np.flatnonzero(features.schema.categorical_mask)]
        config = {
            "objective": "binary",
            "learning_rate": params.learning_rate,
            "num_leaves": params.num_leaves,
            "min_data_in_leaf": params.min_leaf,
            "bagging_fraction": params.subsample,
            "bagging_freq": 1 if params.subsample < 1 else 0,
            "feature_fraction": params.colsample,
            "lambda_l2": params.l2_trees,
            "seed": params.seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 1,
            "verbose": -1,
        }
        dataset = lightgbm.Dataset(X, label=y, feature_name=[f"f{i}" for i in range(X.shape[1])], categorical_feature=cat_idx, params={"verbose": -1})
        trees = lightgbm.train(config, dataset, num_boost_round=params.n_trees)
    linear = _Linear.fit(X, y, features.schema, params.linear_c, params.seed) if params.blend < 1 else None
    dates = [t.date for t in targets]
    metadata = TrainingMetadata(
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        data_from=min(dates).isoformat(),
        data_until=max(dates).isoformat(),
        examples=len(targets),
        positives=int(y.sum()),
        params=asdict(params),
        features=list(features.names),
        versions=_versions(),
    )
    return TargetingModel(features.schema, params, metadata, trees, linear)


@dataclass
class Selection:
    best: TrainParams
    tried: list[tuple[TrainParams, BacktestFigures]]
    validation_from: date
    validation_until: date


def _split(targets: Sequence[InspectionRecord], days: int) -> tuple[list[InspectionRecord], list[InspectionRecord], date, date]:
    until = max(t.date for t in targets)
    start = until - timedelta(days=days - 1)
    early = [t for t in targets if t.date < start]
    late = [t for t in targets if t.date >= start]
    return early, late, start, until


def select_params(
    history: Iterable[InspectionRecord],
    targets: Sequence[InspectionRecord],
    *,
    candidates: Sequence[TrainParams] = DEFAULT_CANDIDATES,
    validation_days: int = 182,
) -> Selection:
    """Choose parameters on a time-based split inside ``targets``: train each candidate on all but the
    last ``validation_days``, score those, keep the best AUC (ties: more days earlier)."""
    history = list(history)
    early, late, start, until = _split(targets, validation_days)
    tried: list[tuple[TrainParams, BacktestFigures]] = []
    if not early or not late or len({t.critical_found for t in early}) < 2:
        return Selection(candidates[0], tried, start, until)
    train_features = build_features(history, early, schema=infer_schema(early))
    late_features = build_features(history, late, schema=train_features.schema)
    for cand in candidates:
        scores = fit(train_features, params=cand).score_features(late_features)
        tried.append((cand, evaluate([t.date for t in late], scores, [t.critical_found for t in late])))
    best = max(tried, key=lambda pair: (np.nan_to_num(pair[1].auc), pair[1].days_earlier))[0]
    return Selection(best, tried, start, until)


def train_with_backtest(
    history: Iterable[InspectionRecord],
    targets: Sequence[InspectionRecord] | None = None,
    *,
    holdout_days: int = 182,
    validation_days: int = 182,
    candidates: Sequence[TrainParams] = DEFAULT_CANDIDATES,
) -> TargetingModel:
    """What the retraining job runs: back-test, then train the production model on everything.

    1. Hold out the last ``holdout_days`` of ``targets`` (default: every record in ``history``).
    2. On the earlier part, choose parameters with :func:`select_params` (its own validation split)
       and train; score the held-out inspections: these are the back-test figures.
    3. Train with the chosen parameters on all targets; its metadata carries the validation and
       back-test figures with their windows.
    """
    history = list(history)
    targets = list(targets) if targets is not None else history
    early, late, start, until = _split(targets, holdout_days)
    selection = select_params(history, early, candidates=candidates, validation_days=validation_days)
    backtest: dict[str, Any] | None = None
    if late and len({t.critical_found for t in early}) == 2:
        scores = train(history, early, params=selection.best).score(history, late)
        figures = evaluate([t.date for t in late], scores, [t.critical_found for t in late])
        backtest = figures.to_json() | {"test_from": start.isoformat(), "test_until": until.isoformat(), "train_until": (start - timedelta(days=1)).isoformat()}
    model = train(history, targets, params=selection.best)
    chosen = next((f for p, f in selection.tried if p == selection.best), None)
    model.metadata.validation = {
        "from": selection.validation_from.isoformat(),
        "until": selection.validation_until.isoformat(),
        "chosen": selection.best.label(),
        "figures": chosen.to_json() if chosen else None,
        "candidates": len(selection.tried),
    }
    model.metadata.backtest = backtest
    return model


# --- evaluation -----------------------------------------------------------------------------------------


def _simulated_days(dates: Sequence[date], scores: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    days = np.array([d.toordinal() for d in dates], dtype=np.int64)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    simulated = np.empty_like(days)
    simulated[order] = np.sort(days, kind="stable")
    return days, simulated


def days_earlier(dates: Sequence[date], scores: Sequence[float] | np.ndarray, outcomes: Sequence[bool] | np.ndarray) -> float:
    """Mean (original date − date when ordered by score) in days, over inspections with the outcome.

    Ordering gives the highest score the earliest original date, keeping the number of inspections
    per day; ties keep the input order.
    """
    positive = np.asarray(outcomes, dtype=bool)
    if not positive.any():
        return math.nan
    days, simulated = _simulated_days(dates, scores)
    return float(np.mean(days[positive] - simulated[positive]))


def first_half_share(dates: Sequence[date], scores: Sequence[float] | np.ndarray, outcomes: Sequence[bool] | np.ndarray) -> tuple[float, float]:
    """(share by score order, share in the original order) of positives found on the days that lie
    wholly in the first half of the inspections (days whose running count is below half the total)."""
    positive = np.asarray(outcomes, dtype=bool)
    total = int(positive.sum())
    if total == 0:
        return math.nan, math.nan
    days, simulated = _simulated_days(dates, scores)
    unique, counts = np.unique(days, return_counts=True)
    first_days = set(unique[np.cumsum(counts) < len(days) / 2].tolist())
    by_score = sum(1 for d in simulated[positive].tolist() if d in first_days)
    original = sum(1 for d in days[positive].tolist() if d in first_days)
    return by_score / total, original / total


def evaluate(dates: Sequence[date], scores: Sequence[float] | np.ndarray, outcomes: Sequence[bool] | np.ndarray) -> BacktestFigures:
    """AUC, mean days earlier and first-half shares for an ordering of finished inspections."""
    y = np.asarray(outcomes, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    if 0 < y.sum() < len(y):
        from sklearn.metrics import roc_auc_score

        auc = float(roc_auc_score(y, s))
    else:
        auc = math.nan
    share, share_original = first_half_share(dates, s, y)
    return BacktestFigures(
        auc=auc,
        days_earlier=days_earlier(dates, s, y),
        first_half_share=share,
        first_half_share_original=share_original,
        inspections=len(y),
        positives=int(y.sum()),
    )


def with_backtest(model: TargetingModel, figures: BacktestFigures, **window: str) -> TargetingModel:
    """Attach back-test figures (and their window, e.g. ``test_from=...``) to a model's metadata."""
    model.metadata = replace(model.metadata, backtest=figures.to_json() | dict(window))
    return model
