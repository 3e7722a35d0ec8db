"""Predictive targeting (shian.risk.targeting): features use only earlier history, a model trained on a
history with a signal ranks well and survives save/load, reasons are named, the days-earlier metric
matches a hand computation, and the Chicago back-test script runs on a small slice of the real data."""

from __future__ import annotations

import csv
import importlib.util
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from shian.risk import targeting
from shian.risk.features import HISTORY_FEATURES, InspectionRecord, PendingInspection, build_features

ROOT = Path(__file__).resolve().parents[2]
CHICAGO = ROOT.parent / "shared" / "data" / "chicago-train"


def rec(op: str, day: date, critical: int = 0, *, serious: int = 0, minor: int = 0, failed: bool | None = None, **kw: object) -> InspectionRecord:
    kw.setdefault("record_id", f"{op}-{day}")
    return InspectionRecord(operator_key=op, date=day, critical=critical, serious=serious, minor=minor, failed=failed, **kw)  # type: ignore[arg-type]


def feature_row(history: list[InspectionRecord], target: PendingInspection, **kw: object) -> dict[str, float]:
    f = build_features(history, [target], **kw)  # type: ignore[arg-type]
    return dict(zip(f.names, f.X[0].tolist(), strict=True))


# --- features -----------------------------------------------------------------------------------------


def test_features_from_earlier_history() -> None:
    history = [
        rec("A", date(2024, 1, 10), 2, serious=1, minor=3, failed=True),
        rec("A", date(2024, 6, 10), 0, minor=1, failed=False),
        rec("B", date(2024, 5, 1), 5, failed=True),  # another operator: never counted for A
    ]
    target = PendingInspection("A", date(2025, 1, 5), licensed_since=date(2020, 1, 10))
    row = feature_row(history, target)
    assert row["prior_inspections"] == 2
    assert row["first_record"] == 0
    assert row["last_critical"] == 0 and row["last_minor"] == 1 and row["last_failed"] == 0
    assert row["prior_fail_share"] == 0.5
    assert row["prior_critical_share"] == 0.5
    assert row["recent_critical_inspections"] == 1  # 2024-01-10 lies within 365 days of 2025-01-05
    assert row["years_since_last"] == pytest.approx((date(2025, 1, 5) - date(2024, 6, 10)).days / 365)
    assert row["licence_age_years"] == pytest.approx((date(2025, 1, 5) - date(2020, 1, 10)).days / 365)
    assert feature_row(history, PendingInspection("A", date(2025, 1, 11)))["recent_critical_inspections"] == 0

    first = feature_row(history, PendingInspection("C", date(2025, 1, 10)))
    assert first["prior_inspections"] == 0 and first["first_record"] == 1
    assert np.isnan(first["last_critical"]) and np.isnan(first["years_since_last"])


def test_later_records_do_not_change_earlier_features() -> None:
    early = [rec("A", date(2024, 1, 10), 0), rec("A", date(2024, 3, 1), 1, failed=True)]
    target = rec("A", date(2024, 6, 1), 3, failed=True)
    later = [
        target,  # the target's own record: its findings are the outcome, not a feature
        rec("A", date(2024, 6, 1), 9, failed=True, record_id="same-day"),
        rec("A", date(2024, 9, 1), 7, failed=True),
        rec("A", date(2025, 1, 1), 4, failed=True),
    ]
    before = build_features(early, [target])
    after = build_features(early + later, [target], schema=before.schema)
    np.testing.assert_array_equal(before.X, after.X)
    # as_of cuts history earlier still: a record between as_of and the target's date is ignored
    cut = feature_row([*early, *later], rec("A", date(2024, 12, 1), 0), as_of=date(2024, 6, 1))
    assert cut["prior_inspections"] == 2 and cut["last_critical"] == 1
    assert cut["years_since_last"] == pytest.approx(275 / 365)  # still counted to the target's date


def test_schema_fixes_columns_for_scoring() -> None:
    train_targets = [rec(f"op{i}", date(2024, 1, 1) + timedelta(days=i), operator_type="restaurant", context={"temperature_max": 30.0}) for i in range(12)]
    schema = build_features(train_targets, train_targets).schema
    assert "ctx:temperature_max" in schema.names
    assert schema.categories["operator_type"] == ("restaurant",)
    pending = PendingInspection("new", date(2025, 1, 1), operator_type="canteen", context={"unknown": 1.0})
    row = feature_row([], pending, schema=schema)
    assert np.isnan(row["operator_type"])  # not in the vocabulary: missing
    assert np.isnan(row["ctx:temperature_max"])
    assert "ctx:unknown" not in row


# --- a synthetic history with a signal -------------------------------------------------------------------

GROUPS = {"strict": 1.6, "normal": 0.0, "lenient": -1.6}


def synthetic_history(operators: int = 500, seed: int = 7) -> list[InspectionRecord]:
    """Operators with a hidden hygiene level that persists between inspections (so past findings
    predict future ones), inspected by teams of different strictness, in warmer or cooler weeks."""
    rng = random.Random(seed)
    out: list[InspectionRecord] = []
    start = date(2022, 1, 1)
    for i in range(operators):
        hygiene = rng.gauss(0, 1.2)
        kind = rng.choice(["restaurant", "canteen", "retail"])
        day = start + timedelta(days=rng.randrange(0, 120))
        while day < date(2025, 1, 1):
            group = rng.choice(list(GROUPS))
            temperature = 20 + 12 * rng.random()
            logit = -2.0 + hygiene + GROUPS[group] + 0.08 * (temperature - 26) + (0.5 if kind == "restaurant" else 0)
            critical = rng.random() < 1 / (1 + np.exp(-logit))
            n_critical = 1 + rng.randrange(3) if critical else 0
            out.append(
                rec(
                    f"op{i}",
                    day,
                    n_critical,
                    serious=rng.randrange(3) if hygiene > 0 else 0,
                    failed=critical,
                    operator_type=kind,
                    inspector_group=group,
                    context={"temperature_max": temperature},
                    licensed_since=start - timedelta(days=rng.randrange(0, 3000)),
                )
            )
            day += timedelta(days=rng.randrange(90, 300))
    out.sort(key=lambda r: (r.date, r.record_id))
    return out


@pytest.fixture(scope="module")
def history() -> list[InspectionRecord]:
    return synthetic_history()


FAST = targeting.TrainParams(n_trees=60, min_leaf=20)


def test_train_score_save_load_round_trip(history: list[InspectionRecord], tmp_path: Path) -> None:
    train_targets = [r for r in history if r.date < date(2024, 1, 1)]
    test_targets = [r for r in history if r.date >= date(2024, 1, 1)]
    model = targeting.train(history, train_targets, params=FAST)
    scores = model.score(history, test_targets)
    assert scores.shape == (len(test_targets),) and ((scores > 0) & (scores < 1)).all()
    figures = targeting.evaluate([r.date for r in test_targets], scores, [r.critical_found for r in test_targets])
    assert figures.auc > 0.7
    assert figures.days_earlier > 0
    assert figures.first_half_share > figures.first_half_share_original

    meta = model.metadata
    assert meta.data_from == train_targets[0].date.isoformat() and meta.data_until == train_targets[-1].date.isoformat()
    assert meta.examples == len(train_targets) and meta.positives == sum(r.critical_found for r in train_targets)
    assert meta.versions["lightgbm"] and meta.versions["scikit-learn"]

    path = model.save(tmp_path / "models" / "targeting.json")
    assert targeting.metadata_path(path).exists()
    loaded = targeting.TargetingModel.load(path)
    np.testing.assert_allclose(loaded.score(history, test_targets), scores, rtol=1e-9, atol=1e-12)
    assert targeting.load_metadata(path) == meta

    # contributions add up to the score's log-odds (relative to a constant per model)
    features = model.features(history, test_targets[:50])
    contrib = model.contributions(features)
    _, raw = model._parts(features.X, contributions=False)
    _, const = model._parts(features.X, contributions=True)
    np.testing.assert_allclose(contrib.sum(axis=1) + const, raw, rtol=1e-6, atol=1e-6)


def test_top_reasons_and_ranking(history: list[InspectionRecord]) -> None:
    model = targeting.train(history, [r for r in history if r.date < date(2024, 1, 1)], params=FAST)
    pending = [
        PendingInspection("op1", date(2025, 2, 1), operator_type="restaurant", inspector_group="strict", context={"temperature_max": 31.0}),
        PendingInspection("op2", date(2025, 2, 1), operator_type="retail", inspector_group="lenient", context={"temperature_max": 20.0}),
        PendingInspection("never-seen", date(2025, 2, 1), operator_type="canteen", inspector_group="normal"),
    ]
    ranked = model.rank(history, pending, as_of=date(2025, 1, 15))
    assert ranked[0].target.operator_key == "op1"
    assert ranked[0].probability > ranked[-1].probability
    reasons = ranked[0].reasons
    assert 1 <= len(reasons) <= 3
    assert [r.contribution for r in reasons] == sorted((r.contribution for r in reasons), reverse=True)
    assert all(r.contribution >= targeting.MIN_REASON for r in reasons)
    # a flag that is off ("did not fail last time") is never given as a reason to go first
    assert not any(r.value == 0 and r.feature in targeting.FLAG_FEATURES for x in ranked for r in x.reasons)
    assert "inspector_group" in {r.feature for r in reasons}
    group = next(r for r in reasons if r.feature == "inspector_group")
    assert group.value == "strict"
    assert all(isinstance(r.label, str) and r.label for r in reasons)
    assert model.top_reasons(history, pending, k=2, as_of=date(2025, 1, 15))[0] == reasons[:2]


def test_labels() -> None:
    assert targeting.feature_label("last_critical") == str(targeting.FEATURE_LABELS["last_critical"])
    assert targeting.feature_label("ctx:temperature_max") == str(targeting.CONTEXT_LABELS["temperature_max"])
    assert "rodent_reports" in targeting.feature_label("ctx:rodent_reports")
    assert "热食类" in targeting.feature_label("act:热食类食品制售")
    assert set(HISTORY_FEATURES) <= set(targeting.FEATURE_LABELS)


def test_select_params_and_train_with_backtest(history: list[InspectionRecord]) -> None:
    candidates = (FAST, targeting.TrainParams(blend=0.0))
    model = targeting.train_with_backtest(history, holdout_days=180, validation_days=180, candidates=candidates)
    meta = model.metadata
    assert meta.backtest is not None and meta.backtest["auc"] > 0.65
    assert meta.backtest["test_until"] == history[-1].date.isoformat()
    assert meta.validation is not None and meta.validation["candidates"] == 2
    assert meta.validation["until"] < meta.backtest["test_from"]  # chosen before the back-test window
    assert meta.data_until == history[-1].date.isoformat()  # the production model uses everything


def test_train_refuses_one_class() -> None:
    with pytest.raises(ValueError):
        targeting.train([], [rec("A", date(2024, 1, 1), 0), rec("B", date(2024, 1, 2), 0)])


# --- the metric -------------------------------------------------------------------------------------------


def test_days_earlier_by_hand() -> None:
    d = [date(2024, 1, day) for day in (1, 1, 2, 2, 3, 3)]
    scores = [0.1, 0.2, 0.3, 0.4, 0.9, 0.8]
    found = [False, False, True, False, True, False]
    # by score: 0.9 (orig 3rd) → day 1, 0.8 → day 1, 0.4 → day 2, 0.3 (orig 2nd) → day 2, 0.2 → day 3, 0.1 → day 3
    # positives: 2nd → 2nd (0 days), 3rd → 1st (2 days): mean 1.0
    assert targeting.days_earlier(d, scores, found) == 1.0
    # ordering by the outcome itself puts both positives on 1 January: (2 − 1 + 3 − 1) / 2
    assert targeting.days_earlier(d, [float(f) for f in found], found) == 1.5
    # the reverse order puts the positives on 2 and 3 January, where they were
    assert targeting.days_earlier(d, [-s for s in scores], found) == 0.0
    # ties keep the input order: equal scores change nothing
    assert targeting.days_earlier(d, [0.5] * 6, found) == 0.0
    # first half: 6 inspections, days whose running count is below 3 → only 1 January (count 2)
    by_score, original = targeting.first_half_share(d, scores, found)
    assert (by_score, original) == (0.5, 0.0)
    figures = targeting.evaluate(d, scores, found)
    assert figures.inspections == 6 and figures.positives == 2
    assert figures.auc == pytest.approx(6 / 8)  # 8 positive-negative pairs; 0.3 is below 0.4 and 0.8


# --- the Chicago back-test script on a slice ------------------------------------------------------------------


def _slice_chicago(dest: Path, until: str) -> set[str]:
    """Copy the canvass inspections up to ``until`` and the matching rows of the other tables."""
    dest.mkdir()
    ids: set[str] = set()
    with (CHICAGO / "23_food_insp_features.csv").open(newline="") as src, (dest / "23_food_insp_features.csv").open("w", newline="") as out:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(out, reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            if row["Inspection_Date"] <= until:
                writer.writerow(row)
                ids.add(row["Inspection_ID"])
    heat = ("22_burglary_heat.csv", "22_garbageCarts_heat.csv", "22_sanitationComplaints_heat.csv")
    keyed = {"24_bus_features.csv": "Inspection_ID", "19_inspector_assignments.csv": "inspectionID"} | dict.fromkeys(heat, "Inspection_ID")
    for name, key in keyed.items():
        with (CHICAGO / name).open(newline="") as src, (dest / name).open("w", newline="") as out:
            reader = csv.DictReader(src)
            writer = csv.DictWriter(out, reader.fieldnames or [])
            writer.writeheader()
            writer.writerows(row for row in reader if row[key] in ids)
    (dest / "17_mongo_weather_update.csv").write_bytes((CHICAGO / "17_mongo_weather_update.csv").read_bytes())
    return ids


@pytest.mark.skipif(not CHICAGO.exists(), reason="shared Chicago data not present")
def test_chicago_backtest_smoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _slice_chicago(tmp_path / "data", "2012-06-30")
    spec = importlib.util.spec_from_file_location("chicago_backtest", ROOT / "bench" / "chicago_backtest.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["chicago_backtest"] = bench
    spec.loader.exec_module(bench)

    out = tmp_path / "predictions.csv"
    args = ["--data", str(tmp_path / "data"), "--train-until", "2012-04-30", "--test-from", "2012-05-01", "--test-until", "2012-06-30", "--out", str(out)]
    assert bench.main([*args, "--no-select", "--save-model", str(tmp_path / "m.json")]) == 0
    printed = capsys.readouterr().out
    assert "shian.risk.targeting" in printed and "published baseline" in printed and "days earlier" in printed

    data = bench.load_chicago(tmp_path / "data")
    expected = {r.record_id for r in data.records if date(2012, 5, 1) <= r.date <= date(2012, 6, 30)}
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["Inspection_ID"] for r in rows} == expected and len(rows) == len(expected)
    assert all(0 < float(r["score"]) < 1 for r in rows)
    saved = targeting.load_metadata(tmp_path / "m.json")
    assert saved is not None and saved.backtest is not None and saved.backtest["test_from"] == "2012-05-01"
    # the adapter only maps: findings, operator, inspector group and context come straight from the files
    sample = next(r for r in data.records if r.inspector_group and r.context)
    assert sample.purpose == "canvass" and sample.operator_key.isdigit()
    assert set(sample.context) <= {"burglary_intensity", "garbage_request_intensity", "sanitation_complaint_intensity", "temperature_max"}
