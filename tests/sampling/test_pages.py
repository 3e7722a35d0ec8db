"""Sampling pages: the forms work end to end, errors are shown in place, lists keep their query budgets."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shian.accounts.models import Organisation
from shian.sampling import rapid, services
from shian.sampling.models import Disposal, Notification, Retest, Sample, TestRequest
from tests.sampling.conftest import Labs, chlorpyrifos

pytestmark = pytest.mark.django_db


def _sample_form(labs: Labs, **over: Any) -> dict[str, Any]:
    w = labs.world
    return {"operator": str(w.op1.pk), "purpose": "enforcement", "number": "", "place": "江门市蓬江区建设路1号", "product_name": "菜心",
            "food_group": "veg_brassica", "trace_code": "", "lot_code": "20260301", "sampled_on": "2026-03-02",
            "samplers": [w.users["district_regulator"].pk, w.users["station_officer"].pk], "seal_number": "FZ-7", "quantity": "2",
            "quantity_unit": "kg", "price_paid": "10", "lab": labs.lab1.pk, "note": "", **over}


def test_take_a_sample_on_the_page(labs: Labs) -> None:
    client = labs.world.client("district_regulator")
    page = client.get("/sampling/new/")
    assert page.status_code == 200 and "samplers" in page.content.decode()
    r = client.post("/sampling/new/", _sample_form(labs, number="PG-1"))
    assert r.status_code == 302, r.content.decode()[:2000]
    sample = Sample.objects.get(number="PG-1")
    assert r["Location"] == f"/sampling/{sample.pk}/" and sample.samplers.count() == 2
    dup = client.post("/sampling/new/", _sample_form(labs, number="PG-1"))
    assert dup.status_code == 400 and "PG-1" in dup.content.decode()
    few = client.post("/sampling/new/", _sample_form(labs, number="PG-2", samplers=[labs.world.users["district_regulator"].pk]))
    assert few.status_code == 400 and not Sample.objects.filter(number="PG-2").exists()
    elsewhere = client.post("/sampling/new/", _sample_form(labs, number="PG-3", operator=labs.world.op3.uscc))
    assert elsewhere.status_code == 400 and not Sample.objects.filter(number="PG-3").exists()


def test_positive_rapid_test_prefills_official_sampling(labs: Labs) -> None:
    w = labs.world
    station = w.client("station_officer")
    r = station.post("/sampling/rapid/new/", {"tested_on": "2026-03-02", "item": "克伦特罗（瘦肉精）", "product_name": "猪肉", "result": "positive",
                                              "operator": w.op1.uscc, "vendor_name": "", "trace_code": "", "lot_code": "", "method": "胶体金试纸",
                                              "note": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    test = w.op1.rapid_tests.get()
    detail = station.get(f"/sampling/rapid/{test.pk}/").content.decode()
    assert f"/sampling/new/?rapid_test={test.pk}" in detail
    form = station.get(f"/sampling/new/?rapid_test={test.pk}").content.decode()
    assert f'value="{w.op1.pk}"' in form and 'value="猪肉"' in form and f'name="rapid_test" value="{test.pk}"' in form
    r = station.post("/sampling/new/", {**_sample_form(labs, number="RT-1", product_name="猪肉", food_group="meat"), "rapid_test": test.pk,
                                        "samplers": [w.users["station_officer"].pk, w.users["inspector"].pk]})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert Sample.objects.get(number="RT-1").rapid_test_id == test.pk


def test_lab_receives_and_posts_results_on_pages(labs: Labs) -> None:
    sample = labs.take(labs.world.op1)
    lab = labs.world.client("lab_user")
    detail = lab.get(f"/sampling/{sample.pk}/").content.decode()
    assert f"/sampling/{sample.pk}/receive/" in detail
    assert lab.post(f"/sampling/{sample.pk}/receive/", {"received_on": "2026-03-03"}).status_code == 302
    page = lab.get(f"/sampling/{sample.pk}/results/")
    assert page.status_code == 200 and "毒死蜱" in page.content.decode()  # the limits for this food are listed
    rows = {"items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "60", "reported_on": "2026-03-09",
            "items-0-item": "毒死蜱", "items-0-value": "零点一", "items-0-unit": "mg/kg", "items-0-method_standard": "GB 23200.113-2018",
            "items-1-item": "铅", "items-1-value": "0.05", "items-1-unit": "mg/kg", "items-1-method_standard": "GB 5009.12-2017"}
    bad = lab.post(f"/sampling/{sample.pk}/results/", rows)
    assert bad.status_code == 400 and "毒死蜱" in bad.content.decode() and not sample.reports.exists()
    ok = lab.post(f"/sampling/{sample.pk}/results/", {**rows, "items-0-value": "0.01"})
    assert ok.status_code == 302
    sample.refresh_from_db()
    assert sample.conclusion == "conforming" and sample.reports.get().results.count() == 2
    assert "GB 2763-2021" in lab.get(f"/sampling/{sample.pk}/").content.decode()


def test_retest_refused_late_on_the_page_then_applied(labs: Labs) -> None:
    w = labs.world
    sample = labs.failed(w.op1)
    op = w.client("operator_user")
    page = op.get(f"/sampling/{sample.pk}/").content.decode()
    assert "2026-03-19" in page and f"/sampling/{sample.pk}/retest/" in page
    late = op.post(f"/sampling/{sample.pk}/retest/", {"requested_on": "2026-03-20", "reason": ""})
    assert late.status_code == 400 and "2026-03-19" in late.content.decode() and not Retest.objects.exists()
    assert op.post(f"/sampling/{sample.pk}/retest/", {"requested_on": "2026-03-18", "reason": "异议"}).status_code == 302
    retest = Retest.objects.get()
    draw = op.get(f"/sampling/retests/{retest.pk}/draw/").content.decode()
    assert retest.seed in draw and retest.pool_hash in draw


def test_paper_delivery_and_disposal_on_pages(labs: Labs) -> None:
    w = labs.world
    sample = labs.failed(w.op2)
    note = Notification.objects.get(sample=sample, recipient="operator")
    regulator = w.client("district_regulator")
    assert f"/sampling/notifications/{note.pk}/deliver/" in regulator.get(f"/sampling/{sample.pk}/").content.decode()
    assert regulator.post(f"/sampling/notifications/{note.pk}/deliver/", {"delivered_on": "2026-03-11"}).status_code == 302
    case = Disposal.objects.get(sample=sample)
    url = f"/sampling/disposals/{case.pk}/"
    assert regulator.post(url + "close/", {"closed_on": "2026-03-20"}).status_code == 409  # not verified yet
    assert regulator.post(url + "respond/", {"withdrawal": "", "cause_analysis": ""}).status_code == 400
    assert regulator.post(url + "respond/", {"withdrawal": "已下架封存", "cause_analysis": "原料把关不严"}).status_code == 302  # entered from paper
    assert regulator.post(url + "verify/", {"verification": "现场核查", "penalty_case_ref": "罚2026-3"}).status_code == 302
    assert regulator.post(url + "close/", {"closed_on": "2026-03-20"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.penalty_case_ref == "罚2026-3"
    assert "罚2026-3" in regulator.get(url).content.decode()


def test_requests_and_public_results_on_pages(labs: Labs) -> None:
    w = labs.world
    resident = w.client("public_user")
    r = resident.post("/sampling/requests/", {"street": "440703001", "product_name": "豆芽", "bought_at": "环市市场", "bought_on": "2026-03-05",
                                              "items": "6-苄基腺嘌呤", "phone": ""})
    assert r.status_code == 302
    req = TestRequest.objects.get()
    station = w.client("station_officer")
    assert station.post(f"/sampling/requests/{req.pk}/", {"item": "甲醛", "result": "positive", "tested_on": "2026-03-06", "method": "", "note": ""}
                        ).status_code == 302
    public = w.client(None).get("/sampling/public/")
    assert public.status_code == 200 and "豆芽" in public.content.decode() and "环市市场" in public.content.decode()


def test_plans_indicators_deadlines_limits_pages(labs: Labs) -> None:
    w = labs.world
    city = w.client("city_regulator")
    r = city.post("/sampling/plans/", {"jurisdiction": "440703", "year": "2026", "target_batches": "", "note": ""})
    assert r.status_code == 302
    labs.failed(w.op2)
    plan_page = city.get(r["Location"]).content.decode()
    assert "5894" in plan_page and w.op2.name not in plan_page  # the producer is covered
    assert "蓬江区" in city.get("/sampling/indicators/?since=2026-01-01&until=2026-12-31").content.decode()
    assert city.get("/sampling/indicators/?jurisdiction=999999").status_code == 404
    assert w.client("district_regulator").get("/sampling/deadlines/").status_code == 200
    assert "GB 29921-2021" in w.client("lab_user").get("/sampling/limits/").content.decode()
    assert w.client("station_officer").get("/sampling/plans/").status_code == 200


def test_list_pages_query_budgets(labs: Labs, django_assert_max_num_queries: Any) -> None:
    w = labs.world
    for n in range(12):
        sample = labs.take(w.op1 if n % 2 else w.op2)
        labs.receive(sample)
        labs.report(sample, [chlorpyrifos("0.5" if n % 3 == 0 else "0.01")])
    station = Organisation.objects.get(code="ST-440703001")
    for n in range(10):
        rapid.rapid_test_record(station=station, tested_on=date(2026, 3, 3), item="甲醛", product_name=f"鱿鱼{n}", result="negative", operator=w.op1)
    services.plan_create(jurisdiction=w.d1, year=2026)
    for persona, url, budget in (("district_regulator", "/sampling/", 8), ("lab_user", "/sampling/", 8), ("operator_user", "/sampling/", 8),
                                 ("district_regulator", "/sampling/disposals/", 8), ("district_regulator", "/sampling/deadlines/", 14),
                                 ("station_officer", "/sampling/rapid/", 8), ("city_regulator", "/sampling/indicators/", 12),
                                 ("district_regulator", "/sampling/plans/", 8)):
        client = w.client(persona)
        client.get(url)
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200, url
    sample = Sample.objects.filter(conclusion="nonconforming").first()
    client = w.client("district_regulator")
    client.get(f"/sampling/{sample.pk}/")
    with django_assert_max_num_queries(16):
        assert client.get(f"/sampling/{sample.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/sampling/samples?limit=50").status_code == 200
