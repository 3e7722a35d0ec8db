"""Sampling benchmark (PostgreSQL, >=100k operators).

Measures, on the large demo city:
* posting 10,000 laboratory results (2,000 samples x 5 items: judged against the limits table, units
  converted, reports, results and audit entries written, non-conforming ones notified with disposal
  cases) through the bulk API ``POST /api/v1/sampling/results`` (target <= 10 s), and through the
  service alone;
* the sample page and the sample list (page and API) server time (target p95 <= 150 ms), with the
  trivial /healthz endpoint through the same client stack as the reference.

    python bench/sampling.py [--operators 100000] [--samples 40000] [--requests 300]

The database ``shian_bench_sampling`` is created and filled on first use (large demo city, then samples
inserted in bulk, awaiting results) and reused; each run posts results for samples still awaiting them.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, pct, setup_django, summary, timed

ITEMS_VEG = [("毒死蜱", "mg/kg", "GB 23200.113-2018"), ("omethoate", "mg/kg", "GB 23200.113-2018"), ("lead", "mg/kg", "GB 5009.12-2017"),
             ("cadmium", "μg/kg", "GB 5009.15-2014"), ("mercury", "mg/kg", "GB 5009.17-2021")]


def _items(rng: random.Random) -> list[dict[str, str]]:
    """Five results for a leafy vegetable: mostly not detected or low, about 2% of samples with chlorpyrifos over its limit."""
    out = []
    fail = rng.random() < 0.02
    for i, (item, unit, method) in enumerate(ITEMS_VEG):
        if i == 0 and fail:
            value = "0.35"
        elif rng.random() < 0.5:
            value, unit = "未检出", ""
        else:
            value = f"{rng.uniform(0.001, 0.009):.4f}" if unit == "mg/kg" else f"{rng.uniform(1, 40):.1f}"
        out.append({"item": item, "value": value, "unit": unit, "method_standard": method})
    return out


def _seed_samples(total: int, rng: random.Random) -> None:
    """Insert samples awaiting results in bulk (bench set-up only: no audit entries for these rows)."""
    from shian.accounts.models import Organisation, User
    from shian.core.calendar import add_working_days_many
    from shian.core.db import bulk_insert, refresh_planner_statistics
    from shian.registry.models import Operator
    from shian.sampling.models import FoodGroup, QualifiedLab, Sample

    have = Sample.objects.count()
    if have >= total:
        return
    labs = list(Organisation.objects.filter(kind=Organisation.Kind.LAB).order_by("code"))
    for lab in labs:
        QualifiedLab.objects.get_or_create(organisation=lab)
    lab = Organisation.objects.get(code="LAB-JM1")
    samplers = list(User.objects.filter(username__in=["city_regulator", "district_regulator"]))
    groups = [FoodGroup.objects.get(code="veg_leafy"), FoodGroup.objects.get(code="veg_celery"), FoodGroup.objects.get(code="veg_bok_choy")]
    ops = list(Operator.objects.values_list("id", flat=True))
    start = date(2026, 1, 5)
    days = [start + timedelta(days=rng.randrange(280)) for _ in range(total - have)]
    received = [d + timedelta(days=2) for d in days]
    receive_due = add_working_days_many(days, 5)
    report_due = add_working_days_many(received, 20)
    t0 = time.perf_counter()
    rows = [Sample(number=f"BENCH{have + i:08d}", operator_id=rng.choice(ops), place="基准抽样地点", product_name="小白菜", food_group=rng.choice(groups),
                   sampled_on=d, seal_number=f"FZ{i:08d}", quantity=Decimal("1.5"), price_paid=Decimal("12.00"), lab=lab, receive_due=receive_due[i],
                   received_on=received[i], report_due=report_due[i], status=Sample.Status.RECEIVED)
            for i, d in enumerate(days)]
    for start_at in range(0, len(rows), 10_000):
        chunk = rows[start_at:start_at + 10_000]
        bulk_insert(Sample, chunk)
        Sample.samplers.through.objects.bulk_create([Sample.samplers.through(sample_id=s.pk, user_id=u.pk) for s in chunk for u in samplers],
                                                    batch_size=5000)
    refresh_planner_statistics()
    print(f"inserted {len(rows)} samples awaiting results in {time.perf_counter() - t0:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operators", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=40_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--db", default="shian_bench_sampling")
    args = parser.parse_args()
    setup_django(args.db)

    from django.db import connection
    from django.test import Client

    from shian.accounts.models import User
    from shian.core.db import refresh_planner_statistics
    from shian.demo.generator import generate
    from shian.registry.models import Operator
    from shian.sampling import services
    from shian.sampling.models import Report, Sample, TestResult

    if Operator.objects.count() < args.operators:
        from shian.demo import generator

        # The sampling benchmark needs operators, not trade: skip the other modules' demo data (at 100k operators the
        # trace demo stopped on a receipt correction equal to the shipment, 2026-11-25; reported to the lead).
        generator.trace_demo.generate = lambda **kw: {"lots": 0, "shipments": 0, "transformations": 0}  # type: ignore[assignment]
        generator._module_demos = lambda seed, count: {}  # type: ignore[assignment]
        t0 = time.perf_counter()
        generate(scale=args.operators, stdout=sys.stdout)
        print(f"generated demo city with {args.operators} operators in {time.perf_counter() - t0:.1f} s")
    rng = random.Random(11)
    _seed_samples(args.samples, rng)
    print(f"command: python bench/sampling.py --operators {args.operators} --samples {args.samples} --requests {args.requests}")
    print(f"machine: {machine()}")
    print(f"database: PostgreSQL {args.db}, {Operator.objects.count()} operators, {Sample.objects.count()} samples, "
          f"{Report.objects.count()} reports, {TestResult.objects.count()} results")

    lab = Client()
    lab.force_login(User.objects.get(username="lab"))
    waiting = list(Sample.objects.filter(status=Sample.Status.RECEIVED, lab__code="LAB-JM1").order_by("id").values_list("id", flat=True)[:4000])
    assert len(waiting) >= 4000, "not enough samples awaiting results: raise --samples"
    for _ in range(3):  # warm up: URL configuration, connections, the limits table
        assert lab.get("/api/v1/sampling/food-groups").status_code == 200
    # 1. Through the API: one request with 2,000 samples x 5 items = 10,000 results.
    body = {"reports": [{"sample_id": i, "items": _items(rng), "reported_on": "2026-11-20"} for i in waiting[:2000]]}
    payload = json.dumps(body, ensure_ascii=False)
    t0 = time.perf_counter()
    response = lab.post("/api/v1/sampling/results", data=payload, content_type="application/json")
    api_s = time.perf_counter() - t0
    assert response.status_code == 201, response.content[:500]
    api_failed = len(response.json()["nonconforming_sample_ids"])
    # 2. The service alone (no HTTP, no JSON), the next 2,000 samples.
    by = User.objects.get(username="lab")
    samples = Sample.objects.in_bulk(waiting[2000:4000])
    reports = [services.ReportIn(sample=samples[i], items=[services.ItemIn(**item) for item in _items(rng)], reported_on=date(2026, 11, 20))
               for i in waiting[2000:4000]]
    t0 = time.perf_counter()
    services.reports_post(reports=reports, by=by)
    service_s = time.perf_counter() - t0
    refresh_planner_statistics()

    # Pages: the sample page (a reported sample, with its results) and the lists, against /healthz.
    city, district = Client(), Client()
    city.force_login(User.objects.get(username="city_regulator"))
    district.force_login(User.objects.get(username="district_regulator"))
    reported = list(Sample.objects.filter(status=Sample.Status.REPORTED).order_by("?").values_list("id", flat=True)[:500])
    district_reported = list(Sample.objects.filter(status=Sample.Status.REPORTED, operator__jurisdiction__path__startswith="440700/440703")
                             .order_by("?").values_list("id", flat=True)[:500])

    def ok(response) -> None:
        assert response.status_code == 200, response.status_code

    n = args.requests
    for _ in range(20):
        ok(city.get(f"/sampling/{rng.choice(reported)}/"))
        ok(city.get("/healthz"))
    reference = timed(lambda: ok(city.get("/healthz")), n)
    detail = timed(lambda: ok(city.get(f"/sampling/{rng.choice(reported)}/")), n)
    detail_district = timed(lambda: ok(district.get(f"/sampling/{rng.choice(district_reported)}/")), n)
    detail_lab = timed(lambda: ok(lab.get(f"/sampling/{rng.choice(reported)}/")), n)
    filters = [{}, {"conclusion": "nonconforming"}, {"status": "reported"}, {"q": "BENCH0001"}, {"purpose": "enforcement"}]
    listing = timed(lambda: ok(district.get("/sampling/", rng.choice(filters))), n)
    listing_api = timed(lambda: ok(city.get("/api/v1/sampling/samples", rng.choice(filters))), n)
    connection.close()

    ref = pct(reference, 95)
    print()
    print(f"reference /healthz            {summary(reference)}")
    print(f"sample page (city)            {summary(detail)}   p95/ref {pct(detail, 95) / ref:5.1f}x  target p95 <= 150 ms")
    print(f"sample page (district)        {summary(detail_district)}   p95/ref {pct(detail_district, 95) / ref:5.1f}x")
    print(f"sample page (laboratory)      {summary(detail_lab)}   p95/ref {pct(detail_lab, 95) / ref:5.1f}x")
    print(f"sample list page (district)   {summary(listing)}   p95/ref {pct(listing, 95) / ref:5.1f}x")
    print(f"sample list API (city)        {summary(listing_api)}   p95/ref {pct(listing_api, 95) / ref:5.1f}x")
    print(f"post 10,000 results, API      {api_s:6.2f} s ({10_000 / api_s:,.0f} results/s, {api_failed} samples non-conforming)  target <= 10 s")
    print(f"post 10,000 results, service  {service_s:6.2f} s ({10_000 / service_s:,.0f} results/s)")


if __name__ == "__main__":
    main()
