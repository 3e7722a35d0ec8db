"""Inspection benchmark (PostgreSQL, >=100k operators).

Measures, on the large demo city:
* the yearly plan for the whole city (every operator, from its risk grade) plus a double-random
  draw over the whole city (target pool of every active operator, inspector pool of every
  qualified inspector, 5% drawn, recusal, inspections and audit written), in one transaction that is
  rolled back (target <= 10 s together);
* the inspection form page (the checklist an inspector opens on a phone) server time
  (target p95 <= 150 ms), with the trivial /healthz through the same client stack as reference.

    python bench/inspection.py [--operators 100000] [--requests 300] [--percent 5]

The database ``shian_bench_inspection`` is created and filled on first use (the large demo city's
registry, without the supply-network simulation, plus the demo's inspectors) and reused.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, pct, setup_django, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operators", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--percent", type=Decimal, default=Decimal(5))
    parser.add_argument("--db", default="shian_bench_inspection")
    args = parser.parse_args()
    setup_django(args.db)

    from django.db import transaction
    from django.test import Client

    from shian.accounts.models import User
    from shian.core.context import acting_as
    from shian.core.db import refresh_planner_statistics
    from shian.core.models import Jurisdiction
    from shian.demo.generator import generate
    from shian.inspection import demo, services, verification
    from shian.inspection.models import Inspection, InspectorProfile
    from shian.registry.models import Operator

    have = Operator.objects.count()
    if have < args.operators:
        # Inspections need the registry (operators, types, jurisdictions, organisations, logins), not the supply
        # network: the trade simulation is left out here to keep the first run short.
        from shian.trace import demo as trace_demo

        trace_demo.generate = lambda **kw: {"lots": 0, "shipments": 0, "transformations": 0}  # type: ignore[assignment]
        t0 = time.perf_counter()
        generate(scale=args.operators, stdout=sys.stdout)
        print(f"generated demo city with {args.operators} operators in {time.perf_counter() - t0:.1f} s")
    if InspectorProfile.objects.count() < 10:
        with acting_as(None, label="bench"), transaction.atomic():
            demo._inspectors(random.Random(1))
        refresh_planner_statistics()
    total = Operator.objects.count()
    print(f"command: python bench/inspection.py --operators {args.operators} --requests {args.requests} --percent {args.percent}")
    print(f"machine: {machine()}")
    print(f"database: PostgreSQL {args.db}, {total} operators, {InspectorProfile.objects.count()} qualified inspectors")

    city = Jurisdiction.objects.get(level="city")
    regulator = User.objects.get(username="city_regulator")

    # 1. Yearly plan + double-random draw for the whole city, rolled back.
    year = 2099
    with transaction.atomic():
        t0 = time.perf_counter()
        plan = services.plan_generate(jurisdiction=city, year=year, by=regulator)
        plan_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        draw = services.draw_run(title="基准：全市双随机抽查", filters=services.TargetFilters(jurisdiction=city), proportion=args.percent, by=regulator)
        draw_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        problems = verification.verify(draw)
        verify_s = time.perf_counter() - t2
        assert problems == [], problems
        items, drawn, pool, inspectors = plan.item_count, draw.count, draw.target_pool_size, draw.inspector_pool_size
        transaction.set_rollback(True)

    # 2. The inspection form page: a persistent draw for the persona's station gives the inspector open inspections.
    inspector = User.objects.get(username="inspector")
    station = inspector.organisation.jurisdiction
    open_ids = list(Inspection.objects.filter(assignments__inspector=inspector).exclude(status="closed").values_list("pk", flat=True)[:50])
    if len(open_ids) < 10:
        services.draw_run(title="基准：环市街道检查", filters=services.TargetFilters(jurisdiction=station), count=60, by=regulator)
        open_ids = list(Inspection.objects.filter(assignments__inspector=inspector).exclude(status="closed").values_list("pk", flat=True)[:50])
    assert open_ids, "the persona's station drew no inspection for the persona"
    client = Client()
    client.force_login(inspector)
    rng = random.Random(7)

    def ok(response) -> None:
        assert response.status_code == 200, response.status_code

    for _ in range(20):  # warm up: the first GET also assigns each inspection its checklist
        ok(client.get("/healthz"))
    for pk in open_ids:
        ok(client.get(f"/inspections/{pk}/form/"))
    n = args.requests
    reference = timed(lambda: ok(client.get("/healthz")), n)
    form = timed(lambda: ok(client.get(f"/inspections/{rng.choice(open_ids)}/form/")), n)
    mine = timed(lambda: ok(client.get("/inspections/mine/")), n)

    print()
    print(f"yearly plan, whole city      {plan_s:7.2f} s   ({items} planned inspections for {total} operators)")
    print(f"double-random draw, city     {draw_s:7.2f} s   ({drawn} of {pool} operators drawn, {inspectors} inspectors in the pool, 2 each)")
    print(f"plan + draw                  {plan_s + draw_s:7.2f} s   target <= 10 s")
    print(f"re-running the draw (verify) {verify_s:7.2f} s")
    print(f"reference /healthz           {summary(reference)}")
    print(f"inspection form page         {summary(form)}   p95/ref {pct(form, 95) / pct(reference, 95):5.1f}x  target p95 <= 150 ms")
    print(f"my assignments page          {summary(mine)}   p95/ref {pct(mine, 95) / pct(reference, 95):5.1f}x")
    print(f"run on {date.today().isoformat()}")


if __name__ == "__main__":
    main()
