"""Back-test predictive targeting on real Chicago food-inspection history.

    python bench/chicago_backtest.py --data ../shared/data/chicago-train \\
        --train-until 2013-12-31 --test-from 2014-01-01 --test-until 2014-04-16 --out predictions.csv

The adapter below only maps the City of Chicago's tables (see the data folder's README) into the
platform's inspection-history form (:mod:`shian.risk.features`); training and scoring are the
product's own code, :mod:`shian.risk.targeting`, the same that orders the pending inspection
list. Hyperparameters are chosen by :func:`shian.risk.targeting.select_params` on a time-based
validation split *inside* the training period (its last 182 days), never on the test window.

It writes ``Inspection_ID,score`` for the canvass inspections in the test window and prints, for
the product model and — in the same run — for a reproduction of the published baseline (ridge
logistic regression on the published feature set of Chicago's food-inspections-evaluation,
``CODE/30_glmnet_model.R``), the AUC, the mean number of days earlier that critical violations
would have been found, and the share of critical violations found in the first half of the period.
The baseline lives here, not in the product.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shian.risk import targeting  # noqa: E402
from shian.risk.features import InspectionRecord  # noqa: E402

# 24_bus_features.csv: 0/1 columns for other licences held, mapped to licensed activities.
ACTIVITY_COLUMNS = (
    "consumption_on_premises_incidental_activity",
    "tobacco",
    "package_goods",
    "outdoor_patio",
    "public_place_of_amusement",
    "limited_business_license",
    "childrens_services_facility_license",
    "tavern",
    "regulated_business_license",
    "filling_station",
    "caterers_liquor_license",
    "mobile_food_license",
)
# 22_*_heat.csv → the platform's context names (shian.risk.targeting.CONTEXT_LABELS).
HEAT_FILES = {
    "22_burglary_heat.csv": "burglary_intensity",
    "22_garbageCarts_heat.csv": "garbage_request_intensity",
    "22_sanitationComplaints_heat.csv": "sanitation_complaint_intensity",
}
SKIPPED_RESULTS = {"Out of Business", "Business Not Located", "No Entry"}


def _num(value: str | None) -> float | None:
    if value is None or value in ("", "NA", "NaN", "nan"):
        return None
    try:
        out = float(value)
    except ValueError:
        return None
    return out if math.isfinite(out) else None


def _id(value: str) -> str:
    """Inspection ids are written as floats ("269961.0") in the files."""
    number = _num(value)
    return str(int(number)) if number is not None else value.strip()


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


@dataclass
class ChicagoData:
    """The mapped history plus, per inspection, the published baseline's raw columns."""

    records: list[InspectionRecord]
    baseline_raw: dict[str, dict[str, float | str | None]]
    # Inspections whose findings are not in the files (blank criticalCount): scored, but neither history nor outcome.
    unknown_outcome: set[str]

    @property
    def history(self) -> list[InspectionRecord]:
        return [r for r in self.records if r.record_id not in self.unknown_outcome]


def three_day_temperature(data: Path) -> dict[date, float]:
    """Mean of the three previous days' maximum temperature (as the published weather_3day_calc)."""
    daily: dict[date, float] = {}
    for row in _rows(data / "17_mongo_weather_update.csv"):
        day, value = _day(row.get("date")), _num(row.get("temperatureMax"))
        if day is not None and value is not None:
            daily[day] = value
    out: dict[date, float] = {}
    for day in daily:
        prev = [daily.get(day - timedelta(days=k)) for k in (1, 2, 3)]
        if all(v is not None for v in prev):
            out[day] = sum(v for v in prev if v is not None) / 3
    return out


def load_chicago(data: Path) -> ChicagoData:
    """Map the Chicago tables into :class:`InspectionRecord` rows (canvass inspections only).

    Mapping only: operator = business licence; purpose = inspection type; findings = the
    inspection's critical/serious/minor counts (critical = key items); failed = result "Fail";
    operator type = facility type; risk category = the City's static risk level; licensed since =
    earliest licence start; activities = other licences held; inspector group = the anonymised
    sanitarian cluster; context = burglary / garbage-cart / sanitation-complaint intensity around
    the premises and the previous three days' maximum temperature.
    """
    bus = {_id(r["Inspection_ID"]): r for r in _rows(data / "24_bus_features.csv")}
    inspector = {_id(r["inspectionID"]): r["sanitarian"] for r in _rows(data / "19_inspector_assignments.csv") if r.get("sanitarian")}
    heat: dict[str, dict[str, float]] = {}
    for name, key in HEAT_FILES.items():
        for r in _rows(data / name):
            value = _num(r.get("heat_values"))
            if value is not None:
                heat.setdefault(_id(r["Inspection_ID"]), {})[key] = value
    temperature = three_day_temperature(data)
    records: list[InspectionRecord] = []
    raw: dict[str, dict[str, float | str | None]] = {}
    unknown: set[str] = set()
    for r in _rows(data / "23_food_insp_features.csv"):
        day = _day(r.get("Inspection_Date"))
        licence = _num(r.get("License"))
        if day is None or not licence or r.get("Inspection_Type") != "Canvass" or r.get("Results") in SKIPPED_RESULTS:
            continue
        iid = _id(r["Inspection_ID"])
        b = bus.get(iid, {})
        context = dict(heat.get(iid, {}))
        if day in temperature:
            context["temperature_max"] = temperature[day]
        activities = frozenset(c for c in ACTIVITY_COLUMNS if _num(b.get(c)) == 1)
        if _num(r.get("criticalCount")) is None:
            unknown.add(iid)
        records.append(
            InspectionRecord(
                operator_key=str(int(licence)),
                date=day,
                purpose="canvass",
                operator_type=(r.get("Facility_Type") or "").strip(),
                risk_category=(r.get("Risk") or "").strip(),
                licensed_since=_day(b.get("minDate")),
                inspector_group=inspector.get(iid, ""),
                district=(b.get("WARD") or "").split(".")[0],
                latitude=_num(r.get("Latitude")),
                longitude=_num(r.get("Longitude")),
                activities=activities,
                context=context,
                record_id=iid,
                critical=int(_num(r.get("criticalCount")) or 0),
                serious=int(_num(r.get("seriousCount")) or 0),
                minor=int(_num(r.get("minorCount")) or 0),
                failed=r.get("Results") == "Fail",
            )
        )
        raw[iid] = {
            "Inspector": inspector.get(iid),
            "pastSerious": _num(r.get("pastSerious")),
            "pastCritical": _num(r.get("pastCritical")),
            "timeSinceLast": _num(r.get("timeSinceLast")),
            "ageAtInspection": _num(b.get("ageAtInspection")),
            "consumption_on_premises_incidental_activity": _num(b.get("consumption_on_premises_incidental_activity")),
            "tobacco_retail_over_counter": _num(b.get("tobacco")),
            "temperatureMax": temperature.get(day),
            "heat_burglary": heat.get(iid, {}).get("burglary_intensity"),
            "heat_sanitation": heat.get(iid, {}).get("sanitation_complaint_intensity"),
            "heat_garbage": heat.get(iid, {}).get("garbage_request_intensity"),
            "retail_food": 1.0 if b.get("LICENSE_DESCRIPTION") == "Retail Food Establishment" else 0.0,
        }
    records.sort(key=lambda rec: (rec.date, rec.record_id))
    return ChicagoData(records=records, baseline_raw=raw, unknown_outcome=unknown)


# --- the published baseline (reproduction) ------------------------------------------------------

BASELINE_NUMERIC = (
    "pastSerious",
    "pastCritical",
    "timeSinceLast",
    "ageAtInspection",
    "consumption_on_premises_incidental_activity",
    "tobacco_retail_over_counter",
    "temperatureMax",
    "heat_burglary",
    "heat_sanitation",
    "heat_garbage",
)


def _baseline_matrix(rows: list[dict], inspectors: list[str], fill: dict[str, float]) -> np.ndarray:
    """The published xmat: pmin(pastSerious,1), pmin(pastCritical,1), timeSinceLast, age>4, the two licence
    flags, 3-day temperatureMax, heat values capped at 70/70/50, and one dummy per inspector cluster."""
    out = np.zeros((len(rows), len(BASELINE_NUMERIC) + len(inspectors)))
    for i, r in enumerate(rows):
        v = {k: (r[k] if r[k] is not None else fill[k]) for k in BASELINE_NUMERIC}
        out[i, : len(BASELINE_NUMERIC)] = [
            min(v["pastSerious"], 1),
            min(v["pastCritical"], 1),
            v["timeSinceLast"],
            1.0 if v["ageAtInspection"] > 4 else 0.0,
            v["consumption_on_premises_incidental_activity"],
            v["tobacco_retail_over_counter"],
            v["temperatureMax"],
            min(v["heat_burglary"], 70),
            min(v["heat_sanitation"], 70),
            min(v["heat_garbage"], 50),
        ]
        if r["Inspector"] in inspectors:
            out[i, len(BASELINE_NUMERIC) + inspectors.index(r["Inspector"])] = 1.0
    return out


def baseline_scores(train_rows: list[dict], y_train: np.ndarray, test_rows: list[dict]) -> np.ndarray:
    """Ridge (L2, alpha = 0 in glmnet's terms) logistic regression on the published feature set.

    The published fit uses glmnet's 100th (smallest) lambda, i.e. almost no shrinkage; here a
    standardised L2 logistic regression with C = 1 on ~14k rows is likewise almost unpenalised.
    Missing values (no inspector, heat or weather) are filled with the training mean; the
    published code drops those rows instead (na.omit), which cannot be done for rows to be scored.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    fill = {}
    for k in BASELINE_NUMERIC:
        values = [r[k] for r in train_rows if r[k] is not None]
        fill[k] = float(np.mean(values)) if values else 0.0
    inspectors = sorted({r["Inspector"] for r in train_rows if r["Inspector"]})
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    model.fit(_baseline_matrix(train_rows, inspectors, fill), y_train)
    return model.predict_proba(_baseline_matrix(test_rows, inspectors, fill))[:, 1]


# --- the run ----------------------------------------------------------------------------------------


def _line(label: str, f: targeting.BacktestFigures) -> str:
    return (
        f"{label:<44} AUC {f.auc:.3f}   days earlier {f.days_earlier:5.2f}   "
        f"first half {f.first_half_share:.1%} (original order {f.first_half_share_original:.1%})   "
        f"n={f.inspections} critical={f.positives}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "chicago-train")
    parser.add_argument("--train-until", type=date.fromisoformat, default=date(2013, 12, 31))
    parser.add_argument("--test-from", type=date.fromisoformat, default=date(2014, 1, 1))
    parser.add_argument("--test-until", type=date.fromisoformat, default=date(2014, 4, 16))
    parser.add_argument("--out", type=Path, default=Path("predictions.csv"))
    parser.add_argument("--no-select", action="store_true", help="skip the validation search; use the default parameters")
    parser.add_argument("--no-baseline", action="store_true", help="skip the published baseline")
    parser.add_argument("--save-model", type=Path, help="also save the trained model (and its .json metadata) here")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    data = load_chicago(args.data)
    history = data.history
    train_targets = [r for r in history if r.date <= args.train_until]
    test_targets = [r for r in data.records if args.test_from <= r.date <= args.test_until]
    known = np.array([r.record_id not in data.unknown_outcome for r in test_targets], dtype=bool)
    print(
        f"data {args.data}: {len(data.records)} canvass inspections {data.records[0].date}..{data.records[-1].date}; "
        f"train ≤ {args.train_until}: {len(train_targets)}; test {args.test_from}..{args.test_until}: {len(test_targets)} "
        f"(loaded in {time.perf_counter() - t0:.1f} s)"
    )
    if not train_targets or not test_targets:
        print("nothing to train on or nothing to score", file=sys.stderr)
        return 2

    t1 = time.perf_counter()
    if args.no_select:
        params = targeting.TrainParams()
    else:
        selection = targeting.select_params(history, train_targets)
        params = selection.best
        for cand, figures in selection.tried:
            print(
                f"  validation {selection.validation_from}..{selection.validation_until}  {cand.label():<40} "
                f"AUC {figures.auc:.3f}  days earlier {figures.days_earlier:5.2f}"
            )
        print(f"chosen on the validation split inside the training period: {params.label()}")
    model = targeting.train(history, train_targets, params=params)
    scores = model.score(history, test_targets)
    # Figures over the test inspections whose findings are known (all of them in the published files).
    scored = [r for r, k in zip(test_targets, known, strict=True) if k]
    outcomes = [r.critical_found for r in scored]
    dates = [r.date for r in scored]
    ours = targeting.evaluate(dates, scores[known], outcomes)
    targeting.with_backtest(model, ours, test_from=args.test_from.isoformat(), test_until=args.test_until.isoformat(), data="Chicago")
    print(f"trained and scored in {time.perf_counter() - t1:.1f} s")

    with args.out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Inspection_ID", "score"])
        for r, s in zip(test_targets, scores, strict=True):
            w.writerow([r.record_id, f"{s:.6f}"])
    print(f"wrote {len(test_targets)} predictions to {args.out}")
    if args.save_model:
        model.save(args.save_model)
        print(f"saved model to {args.save_model}")

    print()
    print(f"test window {args.test_from}..{args.test_until}, all canvass inspections:")
    print(_line("shian.risk.targeting", ours))
    if not outcomes:
        print("no test inspection has known findings: figures skipped")
        return 0
    frozen = model.score(history, scored, as_of=args.test_from)
    print(_line("  same model, history frozen at test start", targeting.evaluate(dates, frozen, outcomes)))
    retail = np.array([data.baseline_raw[r.record_id]["retail_food"] == 1.0 for r in scored])
    base = np.zeros(0)
    if not args.no_baseline:
        y_train = np.array([r.critical_found for r in train_targets], dtype=int)
        base = baseline_scores([data.baseline_raw[r.record_id] for r in train_targets], y_train, [data.baseline_raw[r.record_id] for r in scored])
        print(_line("published baseline (ridge logistic, reproduced)", targeting.evaluate(dates, base, outcomes)))
    if retail.any() and not retail.all():
        sub_dates = [d for d, k in zip(dates, retail, strict=True) if k]
        sub_out = [o for o, k in zip(outcomes, retail, strict=True) if k]
        print(f"same window, Retail Food Establishment licences only (the published population): {int(retail.sum())} inspections")
        print(_line("shian.risk.targeting", targeting.evaluate(sub_dates, scores[known][retail], sub_out)))
        if not args.no_baseline:
            print(_line("published baseline (ridge logistic, reproduced)", targeting.evaluate(sub_dates, base[retail], sub_out)))
    print("published (Sep–Oct 2014): glmnet 7.44 days earlier; XGBoost 7.79 days, AUC 0.679")
    print(f"total {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
