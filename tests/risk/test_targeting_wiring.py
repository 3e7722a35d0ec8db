"""Predictive targeting wired into the platform: the adapter maps closed inspections and operator facts into the
model's form; retraining is a job that saves the model with its figures and SHA-256; the pending inspections of a
jurisdiction are ordered by the model with reasons; refused without enough history."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from shian.core import jobs
from shian.core.errors import Invalid
from shian.risk import history, ranking, retrain
from shian.risk.features import InspectionRecord
from shian.risk.models import TargetingModelVersion
from tests.conftest import World
from tests.risk.conftest import close_inspection, key_items


@pytest.mark.django_db
def test_adapter_maps_inspections_and_facts(world: World) -> None:
    from tests.sampling.conftest import build_labs

    build_labs(world).failed(world.op2)  # reported 2026-03-10, the day of the inspection: not before it
    insp = close_inspection(world, world.op2, fail=key_items(world.op2)[:1])
    records = history.load_history()
    assert len(records) == 1
    r = records[0]
    assert r.operator_key == str(world.op2.pk) and r.record_id == str(insp.pk)
    assert r.critical == 1 and r.failed is True and r.critical_found and r.purpose == insp.scope
    assert r.operator_type == "producer" and r.risk_category == "III" and r.activities == frozenset({"104"})  # static 25: tier III
    assert r.context == {history.SAMPLES_CONTEXT: 0.0}
    later = history.pending_of(world.op2.pk, r.date + timedelta(days=30), "routine", history.target_facts([world.op2.pk])[world.op2.pk],
                               history.nonconforming_days([world.op2.pk]).get(world.op2.pk))
    assert later.context[history.SAMPLES_CONTEXT] == 1.0


@pytest.mark.django_db
def test_retraining_refused_without_enough_history(world: World) -> None:
    with pytest.raises(Invalid) as exc:
        retrain.retrain()
    assert exc.value.code == "too_few_examples"
    job = jobs.submit("risk.retrain_targeting", by=world.users["admin"])
    assert job.status == "failed" and "shian.core.errors.Invalid" in job.error
    assert not TargetingModelVersion.objects.exists()


def synthetic(ops: list[int], today: date, n_other: int = 300, seed: int = 3) -> list[InspectionRecord]:
    """Two years of quarterly inspections: a badly run operator fails key items often; ``ops[-1]`` is bad, the rest good."""
    rng = random.Random(seed)
    out = []
    keys = [(f"s{i}", rng.random()) for i in range(n_other)] + [(str(op), 0.05) for op in ops[:-1]] + [(str(ops[-1]), 0.9)]
    for key, badness in keys:
        day = today - timedelta(days=730 - rng.randint(0, 60))
        k = 0
        while day < today - timedelta(days=5):
            critical = 1 if rng.random() < badness else 0
            out.append(InspectionRecord(operator_key=key, date=day, purpose="routine", operator_type="restaurant", risk_category="II",
                                        record_id=f"{key}-{k}", critical=critical, serious=rng.randint(0, 3), failed=bool(critical)))
            day += timedelta(days=rng.randint(70, 110))
            k += 1
    return out


@pytest.fixture
def trained(world: World, monkeypatch: Any) -> TargetingModelVersion:
    from shian.risk.targeting import DEFAULT_CANDIDATES

    today = timezone.localdate()
    records = synthetic([world.op1.pk, world.op2.pk], today)
    monkeypatch.setattr(history, "load_history", lambda operator_ids=None, since=None, until=None: [
        r for r in records if operator_ids is None or r.operator_key in {str(i) for i in operator_ids}])
    return retrain.retrain(by=world.users["admin"], candidates=DEFAULT_CANDIDATES[:2])


@pytest.mark.django_db
def test_retrain_saves_the_model_with_its_figures(world: World, trained: TargetingModelVersion) -> None:
    v = trained
    assert v.active and v.examples > 1000 and 0 < v.positives < v.examples and v.trained_by == world.users["admin"]
    assert Path(v.file_path).exists() and retrain.sha256_of(Path(v.file_path)) == v.sha256
    assert v.backtest["auc"] > 0.7 and v.backtest["test_from"] and v.validation["chosen"]
    json.dumps(v.backtest)  # no NaN
    version, model = retrain.active_model()
    assert version == v and model is not None
    second = retrain.retrain(candidates=retrain.targeting.DEFAULT_CANDIDATES[:1])
    assert list(TargetingModelVersion.objects.filter(active=True)) == [second]
    Path(second.file_path).write_text("{}", encoding="utf-8")  # altered on disk: not used
    retrain._CACHE.clear()
    assert retrain.active_model() == (second, None)


@pytest.mark.django_db
def test_pending_inspections_ranked_with_reasons(world: World, trained: TargetingModelVersion) -> None:
    from shian.inspection import services as inspection

    inspection.plan_generate(jurisdiction=world.d1, year=timezone.localdate().year, by=world.users["district_regulator"])
    version, rows = ranking.ranked_pending(world.users["district_regulator"].principal, today=timezone.localdate(), quarter=4)
    assert version == trained
    assert [r.pending.operator_id for r in rows] == [world.op2.pk, world.op1.pk]  # op2 fails key items far more often
    assert rows[0].probability is not None and rows[0].probability > rows[1].probability  # type: ignore[operator]
    assert rows[0].reasons and all(r.label for r in rows[0].reasons)
    page = world.client("district_regulator").get("/risk/targeting/?quarter=4").content.decode()
    assert page.index(world.op2.name) < page.index(world.op1.name)
    assert "AUC" in page and trained.data_from.isoformat() in page  # type: ignore[union-attr]
    body = world.client("district_regulator").get("/api/v1/risk/targeting/pending?quarter=4").json()
    assert body["model"]["sha256"] == trained.sha256 and [i["operator_id"] for i in body["items"]] == [world.op2.pk, world.op1.pk]
    assert body["items"][0]["reasons"][0]["label"]
    assert world.client("other_district_regulator").get("/api/v1/risk/targeting/pending?quarter=4").json()["items"] == []


@pytest.mark.django_db
def test_cached_ranking_drops_an_inspection_closed_since(world: World, trained: TargetingModelVersion, monkeypatch) -> None:
    """A second call is served whole from the cache (no pending query); an inspection closed after the list was
    built leaves it at once; the role is still checked on a hit."""
    from shian.core.errors import Forbidden
    from shian.inspection import services as inspection
    from shian.inspection.models import Inspection
    from shian.risk import selectors
    from tests.risk.conftest import close_inspection

    today = timezone.localdate()
    inspection.plan_generate(jurisdiction=world.d1, year=today.year, by=world.users["district_regulator"])
    principal = world.users["district_regulator"].principal
    first = ranking.ranked_pending(principal, today=today, quarter=4)[1]
    real, calls = selectors.pending_inspections, []
    monkeypatch.setattr(selectors, "pending_inspections", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert list(ranking.ranked_pending(principal, today=today, quarter=4)[1]) == list(first) and calls == []
    item = next(r.pending.plan_item_id for r in first if r.pending.operator_id == world.op2.pk)
    closed = close_inspection(world, world.op2)
    # as if the planned inspection was the one closed, just now (the helper backdates its closing)
    Inspection.objects.filter(pk=closed.pk).update(plan_item_id=item, closed_at=timezone.now())
    assert [r.pending.operator_id for r in ranking.ranked_pending(principal, today=today, quarter=4)[1]] == [world.op1.pk]
    assert calls == []
    with pytest.raises(Forbidden):
        ranking.ranked_pending(world.users["operator_user"].principal, today=today, quarter=4)
