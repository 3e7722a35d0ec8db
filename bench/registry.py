"""Registry benchmark (PostgreSQL, >=100k operators).

Measures, on the large demo city:
* dossier page server time (p95 target <= 100 ms),
* operator search server time, page and API (p95 target <= 150 ms),
* Excel import throughput (target >= 2,000 rows/s),
each with a reference measured in the same run: the trivial /healthz endpoint through the
same client stack (for page times) and openpyxl's bare read of the same file (for import).

    python bench/registry.py [--operators 100000] [--requests 300] [--import-rows 20000]

The database ``shian_bench`` is created and filled on first use (large demo city) and reused.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, pct, setup_django, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operators", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--db", default="shian_bench")
    args = parser.parse_args()
    setup_django(args.db)

    from django.db import transaction
    from django.test import Client

    from shian.accounts.models import User
    from shian.demo.generator import generate
    from shian.registry.imports import COLUMNS, import_operators
    from shian.registry.models import Operator

    have = Operator.objects.count()
    if have < args.operators:
        t0 = time.perf_counter()
        generate(scale=args.operators, stdout=sys.stdout)
        print(f"generated demo city with {args.operators} operators in {time.perf_counter() - t0:.1f} s")
    total = Operator.objects.count()
    print(f"command: python bench/registry.py --operators {args.operators} --requests {args.requests} --import-rows {args.import_rows}")
    print(f"machine: {machine()}")
    print(f"database: PostgreSQL {args.db}, {total} operators")

    rng = random.Random(7)
    ids = list(Operator.objects.values_list("id", flat=True))
    names = list(Operator.objects.order_by("?").values_list("name", flat=True)[:500])
    usccs = list(Operator.objects.order_by("?").values_list("uscc", flat=True)[:200])
    city = Client()
    city.force_login(User.objects.get(username="city_regulator"))
    district = Client()
    district.force_login(User.objects.get(username="district_regulator"))

    def ok(response) -> None:
        assert response.status_code == 200, response.status_code

    n = args.requests
    for _ in range(20):  # warm up connections and caches
        ok(city.get(f"/operators/{rng.choice(ids)}/"))
        ok(city.get("/healthz"))
    reference = timed(lambda: ok(city.get("/healthz")), n)
    dossier = timed(lambda: ok(city.get(f"/operators/{rng.choice(ids)}/")), n)
    dossier_api = timed(lambda: ok(city.get(f"/api/v1/operators/{rng.choice(ids)}")), n)

    def fragment() -> str:
        name = rng.choice(names)
        start = rng.randrange(0, max(1, len(name) - 3))
        return name[start:start + rng.choice((2, 3, 4))]

    queries = [lambda: {"q": fragment()}, lambda: {"q": rng.choice(usccs)}, lambda: {"type": rng.choice(["restaurant", "retailer", "producer"])},
               lambda: {"q": fragment(), "status": "active"}, lambda: {"jurisdiction": rng.choice(["440703", "440705", "440781"])}]
    search_city = timed(lambda: ok(city.get("/operators/", rng.choice(queries)())), n)
    search_district = timed(lambda: ok(district.get("/operators/", rng.choice(queries)())), n)
    search_api = timed(lambda: ok(city.get("/api/v1/operators", rng.choice(queries)())), n)

    # Excel import: build a file of new operators, import it in a transaction that is rolled back.
    from openpyxl import Workbook, load_workbook

    from shian.core.ids import uscc_with_check

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([h for h, _k, _r in COLUMNS])
    for i in range(args.import_rows):
        body = f"{9_000_000 + i:08d}"
        weights = (3, 7, 9, 10, 5, 8, 4, 2)
        check = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
        org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
        ws.append([f"基准导入餐饮店{i}", uscc_with_check("92440703" + org), "基准", "restaurant", "B04", f"江门市蓬江区基准路{i}号",
                   "440703001", "小型", "", "经营", f"JY2440703{8_000_000 + i:07d}", "2025-01-01", "2030-01-01", "蓬江区市场监督管理局"])
    buf = io.BytesIO()
    wb.save(buf)
    content = buf.getvalue()
    t0 = time.perf_counter()
    parsed = sum(1 for _ in load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True)) - 1
    parse_s = time.perf_counter() - t0
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    calamine_rows = len(CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()) - 1
    calamine_s = time.perf_counter() - t0
    principal = User.objects.get(username="city_regulator").principal
    t0 = time.perf_counter()
    with transaction.atomic():
        report = import_operators(content, "bench.xlsx", principal=principal)
        import_s = time.perf_counter() - t0
        transaction.set_rollback(True)
    assert report.imported == args.import_rows, report.errors[:3]

    print()
    print(f"reference /healthz          {summary(reference)}")
    print(f"dossier page                {summary(dossier)}   p95/ref {pct(dossier, 95) / pct(reference, 95):5.1f}x  target p95 <= 100 ms")
    print(f"dossier API                 {summary(dossier_api)}   p95/ref {pct(dossier_api, 95) / pct(reference, 95):5.1f}x")
    print(f"search page (city)          {summary(search_city)}   p95/ref {pct(search_city, 95) / pct(reference, 95):5.1f}x  target p95 <= 150 ms")
    print(f"search page (district)      {summary(search_district)}   p95/ref {pct(search_district, 95) / pct(reference, 95):5.1f}x")
    print(f"search API (city)           {summary(search_api)}   p95/ref {pct(search_api, 95) / pct(reference, 95):5.1f}x")
    print(f"import                      {args.import_rows / import_s:8.0f} rows/s ({args.import_rows} rows in {import_s:.2f} s)  target >= 2000 rows/s")
    print(f"reference openpyxl read     {parsed / parse_s:8.0f} rows/s   import/read ratio {(args.import_rows / import_s) / (parsed / parse_s):.2f}")
    print(f"reference calamine read     {calamine_rows / calamine_s:8.0f} rows/s   (the reader the import uses)")


if __name__ == "__main__":
    main()
