"""Credit benchmark (PostgreSQL, >=100k operators).

Measures, on a large demo city with a year of credit data (``shian.credit.demo``):
* the credit profile page, regulator view (``/credit/operators/{id}/``) and public view (``/credit/p/{uscc}/``),
  server time through Django's test client, p95 target <= 100 ms, for random operators and for operators
  that have credit records;
* ``sanctions_for_many`` over every operator of the city (the one query the inspection plan makes);
each with the reference measured in the same run: the trivial ``/healthz`` through the same client stack.

    python bench/credit.py [--operators 100000] [--requests 300] [--db shian_bench_credit]

The database is created and filled on first use and reused. The demo city is generated without its
supply-network trade (not needed here, and the slowest part of the demo at this scale).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, pct, setup_django, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operators", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--db", default="shian_bench_credit")
    args = parser.parse_args()
    setup_django(args.db)

    from django.test import Client

    from shian.accounts.models import User
    from shian.core.db import refresh_planner_statistics
    from shian.credit import demo as credit_demo
    from shian.credit.models import CreditRecord, HygieneGrade, ViolationPoint
    from shian.credit.sanctions import sanctions_for_many
    from shian.demo import generator
    from shian.registry.models import Operator

    if Operator.objects.count() < args.operators:
        generator.trace_demo.generate = lambda **kw: {"lots": 0, "shipments": 0, "transformations": 0}  # type: ignore[assignment]
        t0 = time.perf_counter()
        generator.generate(scale=args.operators, stdout=sys.stdout)
        print(f"generated demo city with {args.operators} operators in {time.perf_counter() - t0:.1f} s")
    if not CreditRecord.objects.exists():
        t0 = time.perf_counter()
        counts = credit_demo.generate(generator.DEFAULT_SEED, generator.REFERENCE_DATE - timedelta(days=365), generator.REFERENCE_DATE)
        refresh_planner_statistics()
        print(f"generated credit data in {time.perf_counter() - t0:.1f} s: {counts}")
    total = Operator.objects.count()
    print(f"command: python bench/credit.py --operators {args.operators} --requests {args.requests} --db {args.db}")
    print(f"machine: {machine()}")
    print(f"database: PostgreSQL {args.db}, {total} operators, {CreditRecord.objects.count()} credit records, "
          f"{ViolationPoint.objects.count()} violation points, {HygieneGrade.objects.count()} hygiene grades")

    rng = random.Random(7)
    ops = list(Operator.objects.values_list("id", "uscc"))
    with_records = list(Operator.objects.filter(pk__in=CreditRecord.objects.values("operator_id")).values_list("id", "uscc"))
    city = Client()
    city.force_login(User.objects.get(username="city_regulator"))
    anonymous = Client()

    def ok(response) -> None:  # type: ignore[no-untyped-def]
        assert response.status_code == 200, response.status_code

    n = args.requests
    for _ in range(20):  # warm up connections and caches
        ok(city.get(f"/credit/operators/{rng.choice(ops)[0]}/"))
        ok(city.get("/healthz"))
    reference = timed(lambda: ok(city.get("/healthz")), n)
    regulator = timed(lambda: ok(city.get(f"/credit/operators/{rng.choice(ops)[0]}/")), n)
    regulator_rec = timed(lambda: ok(city.get(f"/credit/operators/{rng.choice(with_records)[0]}/")), n)
    public = timed(lambda: ok(anonymous.get(f"/credit/p/{rng.choice(ops)[1]}/")), n)
    public_rec = timed(lambda: ok(anonymous.get(f"/credit/p/{rng.choice(with_records)[1]}/")), n)
    api = timed(lambda: ok(city.get(f"/api/v1/credit/operators/{rng.choice(with_records)[0]}/profile")), n)
    ids = [pk for pk, _u in ops]
    bulk = timed(lambda: sanctions_for_many(ids), 5)

    ref95 = pct(reference, 95)
    print()
    print(f"reference /healthz              {summary(reference)}")
    print(f"profile page, regulator         {summary(regulator)}   p95/ref {pct(regulator, 95) / ref95:5.1f}x  target p95 <= 100 ms")
    print(f"  operators with records        {summary(regulator_rec)}   p95/ref {pct(regulator_rec, 95) / ref95:5.1f}x  target p95 <= 100 ms")
    print(f"profile page, public (QR)       {summary(public)}   p95/ref {pct(public, 95) / ref95:5.1f}x  target p95 <= 100 ms")
    print(f"  operators with records        {summary(public_rec)}   p95/ref {pct(public_rec, 95) / ref95:5.1f}x  target p95 <= 100 ms")
    print(f"profile API, with records       {summary(api)}   p95/ref {pct(api, 95) / ref95:5.1f}x")
    print(f"sanctions_for_many({len(ids)} ids)  {summary(bulk)}")


if __name__ == "__main__":
    main()
