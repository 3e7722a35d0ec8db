"""The sampling API: the whole life of a sample, bulk results, bad input in the one error shape."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from shian.sampling.models import Disposal, Report, Sample, TestResult
from tests.sampling.conftest import Labs, chlorpyrifos

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: object) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _body(labs: Labs, **over: Any) -> dict[str, Any]:
    w = labs.world
    return {"operator_id": w.op1.pk, "place": "江门市蓬江区建设路1号", "product_name": "芹菜", "food_group": "veg_celery", "sampled_on": "2026-03-02",
            "sampler_ids": [w.users["district_regulator"].pk, w.users["station_officer"].pk], "seal_number": "FZ-1", "quantity": "2",
            "price_paid": "8.60", "lab_id": labs.lab1.pk, "number": "JM-2026-0001", **over}


ITEMS = [{"item": "毒死蜱", "value": "80", "unit": "μg/kg", "method_standard": "GB 23200.113-2018"},
         {"item": "cadmium", "value": "0.05", "unit": "mg/kg", "method_standard": "GB 5009.15-2014"},
         {"item": "lead", "value": "ND", "method_standard": "GB 5009.12-2017"}]


def test_life_of_a_sample_through_the_api(labs: Labs) -> None:
    w = labs.world
    regulator, lab, op = w.client("district_regulator"), w.client("lab_user"), w.client("operator_user")
    r = _post(regulator, "/api/v1/sampling/samples", _body(labs))
    assert r.status_code == 201, r.content
    sample = r.json()
    assert sample["receive_due"] == "2026-03-09" and sample["status"] == "sampled"
    dup = _post(regulator, "/api/v1/sampling/samples", _body(labs))
    assert dup.status_code == 409 and dup.json()["code"] == "sample_number_duplicate" and dup.json()["field"] == "number"
    sid = sample["id"]
    assert _post(lab, f"/api/v1/sampling/samples/{sid}/receive", {"received_on": "2026-03-03"}).status_code == 200
    r = _post(lab, f"/api/v1/sampling/samples/{sid}/results", {"items": ITEMS, "reported_on": "2026-03-10"})
    assert r.status_code == 201, r.content
    report = r.json()
    assert report["conclusion"] == "nonconforming"
    by_item = {x["item_code"]: x for x in report["results"]}
    assert by_item["chlorpyrifos"]["judgement"] == "nonconforming" and by_item["chlorpyrifos"]["limit"] == "≤ 0.05 mg/kg"
    assert by_item["chlorpyrifos"]["value_in_limit_unit"] == "0.080000000" or float(by_item["chlorpyrifos"]["value_in_limit_unit"]) == 0.08
    assert by_item["cadmium"]["judgement"] == "conforming" and by_item["lead"]["judgement"] == "conforming"
    detail = op.get(f"/api/v1/sampling/samples/{sid}").json()
    assert detail["retest_last_allowed_on"] == "2026-03-19" and {n["recipient"] for n in detail["notifications"]} == {"operator", "regulator"}
    late = _post(op, f"/api/v1/sampling/samples/{sid}/retest", {"requested_on": "2026-03-20"})
    assert late.status_code == 400 and late.json()["code"] == "retest_too_late"
    assert ("88" in late.json()["message"] or "第八十八条" in late.json()["message"]) and "2026-03-19" in late.json()["message"]
    r = _post(op, f"/api/v1/sampling/samples/{sid}/retest", {"requested_on": "2026-03-19", "reason": "样品运输不当"})
    assert r.status_code == 201, r.content
    retest = r.json()
    draw = op.get(f"/api/v1/sampling/retests/{retest['id']}/draw").json()
    assert draw["verified"] and draw["drawn"] == retest["drawn"] and draw["ranking"][0]["key"] == retest["drawn"] and draw["first_lab"] == "LAB-1"
    retest_lab = w.client(None)
    retest_lab.force_login(labs.users[retest["lab_code"].lower()])
    assert _post(lab, f"/api/v1/sampling/samples/{sid}/results", {"items": ITEMS, "round": "retest"}).status_code == 403  # LAB-1 is not drawn
    assert _post(retest_lab, f"/api/v1/sampling/samples/{sid}/receive", {"received_on": "2026-03-20"}).status_code == 200
    r = _post(retest_lab, f"/api/v1/sampling/samples/{sid}/results", {"items": ITEMS, "reported_on": "2026-03-25"})
    assert r.status_code == 201 and r.json()["round"] == "retest" and r.json()["conclusion"] == "nonconforming"
    final = regulator.get(f"/api/v1/sampling/samples/{sid}").json()
    assert final["status"] == "retested" and final["conclusion"] == "nonconforming" and len(final["reports"]) == 2
    case_id = final["disposal_id"]
    assert _post(op, f"/api/v1/sampling/disposals/{case_id}/verify", {"verification": "x"}).status_code == 403
    assert _post(op, f"/api/v1/sampling/disposals/{case_id}/respond", {"withdrawal": "下架10公斤", "cause_analysis": "供货商用药"}).status_code == 200
    assert _post(regulator, f"/api/v1/sampling/disposals/{case_id}/verify", {"verification": "核查属实", "penalty_case_ref": "P-2026-9"}).status_code == 200
    r = _post(regulator, f"/api/v1/sampling/disposals/{case_id}/close", {"closed_on": "2026-04-20"})
    assert r.status_code == 200 and r.json()["status"] == "closed" and not r.json()["closed_late"]


@pytest.mark.parametrize(("item", "code"), [
    ({"item": "毒死蜱", "value": "约0.1", "unit": "mg/kg", "method_standard": "GB 23200.113"}, "value_not_number"),
    ({"item": "毒死蜱", "value": "0.1", "unit": "CFU/g", "method_standard": "GB 23200.113"}, "unit_not_convertible"),
    ({"item": "毒死蜱", "value": "0.1", "unit": "斤", "method_standard": "GB 23200.113"}, "unit_unknown"),
    ({"item": "氯霉素", "value": "0.1", "unit": "μg/kg", "method_standard": "GB/T 22338"}, "limit_unknown"),
    ({"item": "毒死蜱", "value": "0.1", "unit": "mg/kg", "method_standard": "GB 23200.113", "limit_id": 999999}, "limit_unknown"),
])
def test_bad_results_are_refused_naming_the_item(labs: Labs, item: dict[str, Any], code: str) -> None:
    sample = labs.take()
    labs.receive(sample)
    r = _post(labs.world.client("lab_user"), f"/api/v1/sampling/samples/{sample.pk}/results", {"items": [ITEMS[2], item]})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == code and body["field"] == "items[1].item" if code.startswith("limit") else body["field"] == "items[1].value"
    assert sample.number in body["message"]
    assert not Report.objects.exists()


def test_schema_errors_and_unknown_fields(labs: Labs) -> None:
    r = _post(labs.world.client("district_regulator"), "/api/v1/sampling/samples", _body(labs, colour="red"))
    assert r.status_code == 422 and r.json()["field"] == "colour"
    r = _post(labs.world.client("district_regulator"), "/api/v1/sampling/samples", _body(labs, sampler_ids=[labs.world.users["district_regulator"].pk]))
    assert r.status_code == 422 and r.json()["field"] == "sampler_ids"
    r = _post(labs.world.client("district_regulator"), "/api/v1/sampling/samples", _body(labs, food_group="nope"))
    assert r.status_code == 404


def test_bulk_results_all_or_nothing(labs: Labs) -> None:
    samples = [labs.take() for _ in range(5)]
    for s in samples:
        labs.receive(s)
    lab = labs.world.client("lab_user")
    reports = [{"sample_number": s.number, "items": [ITEMS[1], ITEMS[2]], "reported_on": "2026-03-10"} for s in samples]
    reports[3]["items"] = [{**ITEMS[1], "value": "n/a"}]
    r = _post(lab, "/api/v1/sampling/results", {"reports": reports})
    assert r.status_code == 400 and r.json()["details"][0]["sample"] == samples[3].number and not TestResult.objects.exists()
    reports[3]["items"] = [{**ITEMS[1], "value": "0.5"}]  # cadmium above 0.2 in a leafy vegetable
    r = _post(lab, "/api/v1/sampling/results", {"reports": reports})
    assert r.status_code == 201, r.content
    assert r.json() == {"reports": 5, "results": 9, "nonconforming_sample_ids": [samples[3].pk]}
    assert Sample.objects.filter(conclusion="conforming").count() == 4 and Disposal.objects.get().sample_id == samples[3].pk
    again = _post(lab, "/api/v1/sampling/results", {"reports": reports[:1]})
    assert again.status_code == 400 and again.json()["code"] == "already_reported"
    unknown = _post(lab, "/api/v1/sampling/results", {"reports": [{"sample_number": "NOPE", "items": ITEMS}]})
    assert unknown.status_code == 404


def test_a_lab_posts_only_for_samples_sent_to_it(labs: Labs) -> None:
    sample = labs.take(lab=labs.lab2)
    lab1 = labs.world.client("lab_user")
    assert _post(lab1, f"/api/v1/sampling/samples/{sample.pk}/receive", {}).status_code == 404
    assert _post(lab1, "/api/v1/sampling/results", {"reports": [{"sample_id": sample.pk, "items": ITEMS}]}).status_code == 404
    assert lab1.get(f"/api/v1/sampling/samples/{sample.pk}").status_code == 404
    assert [s["id"] for s in lab1.get("/api/v1/sampling/samples").json()["items"]] == []


def test_plans_progress_and_indicators(labs: Labs) -> None:
    w = labs.world
    city = w.client("city_regulator")
    r = _post(city, "/api/v1/sampling/plans", {"jurisdiction": "440703", "year": 2026})
    assert r.status_code == 201 and r.json()["target_batches"] == 5894
    assert _post(city, "/api/v1/sampling/plans", {"jurisdiction": "440703", "year": 2026}).status_code == 409
    labs.failed(w.op2)  # op2 is the district's only producer
    ok = labs.take(w.op1)
    labs.receive(ok)
    labs.report(ok, [chlorpyrifos("0.01")])
    progress = city.get(f"/api/v1/sampling/plans/{r.json()['id']}").json()
    assert progress["batches"] == 2 and progress["producers_total"] == 1 and progress["producers_sampled"] == 1
    assert progress["markets_total"] == 0 and progress["pass_rate"] == "50.0"
    data = city.get("/api/v1/sampling/indicators?since=2026-01-01&until=2026-12-31").json()
    rows = {row["jurisdiction"]: row for row in data["rows"]}
    assert rows["440700"]["batches"] == 2 and rows["440703"]["batches"] == 2 and rows["440704"]["batches"] == 0
    assert rows["440703"]["per_1000"] == "0.00" and rows["440703"]["pass_rate"] == "50.0"
    assert rows["440703"]["disposals_opened"] == 1 and rows["440703"]["completion_rate"] == "0.0"
    district = w.client("other_district_regulator").get("/api/v1/sampling/indicators?jurisdiction=440703")
    assert district.status_code == 404


def test_rapid_tests_requests_and_public_results(labs: Labs) -> None:
    w = labs.world
    station = w.client("station_officer")
    r = _post(station, "/api/v1/sampling/rapid-tests", {"tested_on": "2026-03-05", "item": "克伦特罗（瘦肉精）", "product_name": "猪肉", "result": "positive",
                                                       "operator_id": w.op1.pk})
    assert r.status_code == 201 and r.json()["sampling_url"].endswith(f"?rapid_test={r.json()['id']}")
    assert _post(station, "/api/v1/sampling/rapid-tests", {"tested_on": "2026-03-05", "item": "甲醛", "product_name": "x", "result": "negative",
                                                           "operator_id": w.op3.pk}).status_code == 404  # op3 is in another street
    assert _post(station, "/api/v1/sampling/rapid-tests", {"tested_on": "2026-03-05", "item": "甲醛", "product_name": "x", "result": "negative"}
                 ).json()["code"] == "vendor_required"
    resident = w.client("public_user")
    r = _post(resident, "/api/v1/sampling/requests", {"street": "440703001", "product_name": "豆芽", "bought_at": "环市市场", "bought_on": "2026-03-05",
                                                      "items": "6-苄基腺嘌呤", "phone": "13800000000"})
    assert r.status_code == 201
    rid = r.json()["id"]
    assert w.client(None).get("/api/v1/sampling/public/requests").json() == []
    assert _post(w.client("other_district_regulator"), f"/api/v1/sampling/requests/{rid}/answer",
                 {"item": "甲醛", "result": "negative", "tested_on": "2026-03-06"}).status_code == 404
    r = _post(station, f"/api/v1/sampling/requests/{rid}/answer", {"item": "甲醛", "result": "negative", "tested_on": "2026-03-06"})
    assert r.status_code == 200 and r.json()["status"] == "published"
    public = w.client(None).get("/api/v1/sampling/public/requests").json()
    assert public[0]["product"] == "豆芽" and public[0]["result"] == "negative" and "13800000000" not in json.dumps(public)
    assert [x["id"] for x in resident.get("/api/v1/sampling/requests").json()] == [rid]
    again = _post(station, f"/api/v1/sampling/requests/{rid}/answer", {"item": "甲醛", "result": "negative", "tested_on": "2026-03-06"})
    assert again.status_code == 409


def test_deadlines_list_what_is_late(labs: Labs) -> None:
    w = labs.world
    late = labs.take(w.op1, on=date(2026, 3, 2))
    labs.failed(w.op2)  # paper notification due 12 March, not delivered
    data = w.client("district_regulator").get("/api/v1/sampling/deadlines").json()
    assert late.pk in data["not_received"] and len(data["notifications_pending"]) == 1 and data["disposals_open"] == 1
    lab = w.client("lab_user").get("/api/v1/sampling/deadlines").json()
    assert late.pk in lab["not_received"] and lab["notifications_pending"] == [] and lab["disposals_open"] == 0


def test_a_judgement_cannot_be_typed(labs: Labs) -> None:
    sample = labs.take()
    labs.receive(sample)
    item = {**ITEMS[0], "judgement": "conforming"}
    r = _post(labs.world.client("lab_user"), f"/api/v1/sampling/samples/{sample.pk}/results", {"items": [item]})
    assert r.status_code == 422 and r.json()["field"] == "items.0.judgement"
