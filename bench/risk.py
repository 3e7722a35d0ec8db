"""Risk benchmark (PostgreSQL, >=100k operators).

Measures, on the large demo city with a year of inspections, sampling and credit (the modules' demos):
* the yearly regrade of every active operator (``shian.risk.services.regrade``: bulk reads, COPY writes, change
  log, events and warnings; target <= 60 s), a first grading and a regrade on top of it;
* retraining the targeting model on the city's inspection history (``shian.risk.retrain.retrain``, what the job
  ``risk.retrain_targeting`` runs, with the six candidate parameter sets; target <= 5 min);
* the pending-inspection ranking of the whole city (cold, then cached) and the grade page (server time), with the
  trivial ``/healthz`` through the same client stack as reference.

    python bench/risk.py [--operators 100000] [--requests 200] [--db shian_bench_risk] [--template shian_bench_inspection]

The database is created on first use: copied from ``--template`` when that database exists and holds the large
city's registry (the inspection benchmark's), otherwise generated (without the supply-network trade); then the
inspection, sampling and credit demos add their year. It is reused afterwards.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, pct, setup_django, summary, timed


def _psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql], capture_output=True, text=True, check=False).stdout.strip()


def _clone(db: str, template: str, operators: int) -> None:
    """Copy the template database (a registry of ``operators``) when the target does not exist yet."""
    if _psql(f"SELECT 1 FROM pg_database WHERE datname='{db}'") or not _psql(f"SELECT 1 FROM pg_database WHERE datname='{template}'"):
        return
    have = _psql("SELECT count(*) FROM registry_operator", template)
    if not have.isdigit() or int(have) < operators:
        return
    t0 = time.perf_counter()
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f'CREATE DATABASE "{db}" TEMPLATE "{template}"'],
                         capture_output=True, text=True, check=False)
    if out.returncode == 0:
        print(f"copied {template} ({have} operators) to {db} in {time.perf_counter() - t0:.1f} s")
    else:
        print(f"could not copy {template} ({out.stderr.strip()}); generating instead")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operators", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", default="shian_bench_risk")
    parser.add_argument("--template", default="shian_bench_inspection")
    args = parser.parse_args()
    _clone(args.db, args.template, args.operators)
    setup_django(args.db)

    from django.db import transaction
    from django.test import Client

    from shian.accounts.models import User
    from shian.core.context import acting_as
    from shian.core.db import refresh_planner_statistics
    from shian.credit import demo as credit_demo
    from shian.demo import generator
    from shian.inspection import demo as inspection_demo
    from shian.inspection.models import Inspection, InspectorProfile
    from shian.registry.models import Operator
    from shian.risk import ranking, retrain, services
    from shian.risk.models import RiskGrade
    from shian.sampling import demo as sampling_demo
    from shian.sampling.models import Sample

    ref = generator.REFERENCE_DATE
    year_ago = ref - timedelta(days=365)
    if Operator.objects.count() < args.operators:
        generator.trace_demo.generate = lambda **kw: {"lots": 0, "shipments": 0, "transformations": 0}  # type: ignore[assignment]
        generator._module_demos = lambda seed, count: {}  # type: ignore[assignment]  # the year below, one module at a time
        t0 = time.perf_counter()
        generator.generate(scale=args.operators, stdout=sys.stdout)
        print(f"generated demo city with {args.operators} operators in {time.perf_counter() - t0:.1f} s")
    if InspectorProfile.objects.count() < 10:
        with acting_as(None, label="bench"), transaction.atomic():
            inspection_demo._inspectors(random.Random(1))
    if not Inspection.objects.filter(status="closed").exists():
        t0 = time.perf_counter()
        counts = inspection_demo.generate(seed=generator.DEFAULT_SEED, start=year_ago, end=ref)
        print(f"inspection demo in {time.perf_counter() - t0:.1f} s: {counts}")
    if not Sample.objects.exists():
        t0 = time.perf_counter()
        counts = sampling_demo.generate(generator.DEFAULT_SEED, year_ago, ref)
        print(f"sampling demo in {time.perf_counter() - t0:.1f} s: {counts}")
    t0 = time.perf_counter()
    counts = credit_demo.generate(generator.DEFAULT_SEED, year_ago, ref)
    print(f"credit demo in {time.perf_counter() - t0:.1f} s: {counts}")
    refresh_planner_statistics()

    total = Operator.objects.count()
    active = Operator.objects.filter(status=Operator.Status.ACTIVE).count()
    closed = Inspection.objects.filter(status="closed").count()
    print(f"command: python bench/risk.py --operators {args.operators} --requests {args.requests} --db {args.db}")
    print(f"machine: {machine()}")
    print(f"database: PostgreSQL {args.db}, {total} operators ({active} active), {closed} closed inspections, {Sample.objects.count()} samples, "
          f"{RiskGrade.objects.count()} grade rows before the run")

    # 1. The yearly regrade of every active operator, twice (the second compares with the first: warnings).
    regrades = []
    for day in (ref - timedelta(days=1), ref):
        t0 = time.perf_counter()
        result = services.regrade(today=day, reason="基准：年度评定")
        regrades.append((time.perf_counter() - t0, result))
        refresh_planner_statistics()
    # 2. Retraining the targeting model on the city's history (the job's code and candidates).
    t0 = time.perf_counter()
    version = retrain.retrain(until=ref)
    retrain_s = time.perf_counter() - t0
    # 3. The pending-inspection ranking of the whole city, and pages.
    regulator = User.objects.get(username="city_regulator")
    from django.core.cache import cache

    cache.clear()
    t0 = time.perf_counter()
    _v, ranked = ranking.ranked_pending(regulator.principal, today=ref, quarter=4)
    rank_cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    ranking.ranked_pending(regulator.principal, today=ref, quarter=4)
    rank_warm = time.perf_counter() - t0

    client = Client()
    client.force_login(regulator)
    rng = random.Random(7)
    ops = list(Operator.objects.filter(status=Operator.Status.ACTIVE).values_list("pk", flat=True))

    def ok(response) -> None:  # type: ignore[no-untyped-def]
        assert response.status_code == 200, response.status_code

    for _ in range(20):
        ok(client.get("/healthz"))
        ok(client.get(f"/risk/operators/{rng.choice(ops)}/"))
    n = args.requests
    reference = timed(lambda: ok(client.get("/healthz")), n)
    grade_page = timed(lambda: ok(client.get(f"/risk/operators/{rng.choice(ops)}/")), n)
    grade_api = timed(lambda: ok(client.get(f"/api/v1/risk/operators/{rng.choice(ops)}")), n)
    t0 = time.perf_counter()
    ok(client.get("/risk/targeting/?quarter=4"))  # the page ranks for today's date: its first request builds the list
    targeting_cold = time.perf_counter() - t0
    targeting_page = timed(lambda: ok(client.get("/risk/targeting/?quarter=4")), max(10, n // 10))

    ref95 = pct(reference, 95)
    print()
    for label, (secs, result) in zip(("regrade, first grading", "regrade on top of it"), regrades, strict=True):
        print(f"{label:34s} {secs:7.1f} s  graded {result.graded}, changed {result.changed}, warnings {result.warnings}, "
              f"by grade {dict(sorted(result.by_grade.items()))}  target <= 60 s")
    print(f"retrain targeting model            {retrain_s:7.1f} s  {version.examples} inspections ({version.positives} with failed key items), "
          f"{version.data_from}..{version.data_until}, back-test {version.backtest}  target <= 300 s")
    print(f"pending ranking, whole city, Q4    cold {rank_cold:6.2f} s, cached {rank_warm * 1000:6.1f} ms, {len(ranked)} operators due")
    print(f"reference /healthz                 {summary(reference)}")
    print(f"grade page (/risk/operators/id/)   {summary(grade_page)}   p95/ref {pct(grade_page, 95) / ref95:5.1f}x")
    print(f"grade API                          {summary(grade_api)}   p95/ref {pct(grade_api, 95) / ref95:5.1f}x")
    print(f"targeting page, first request      {targeting_cold * 1000:7.1f} ms (ranks the whole list)")
    print(f"targeting page, cached ranking     {summary(targeting_page)}   p95/ref {pct(targeting_page, 95) / ref95:5.1f}x")


if __name__ == "__main__":
    main()
