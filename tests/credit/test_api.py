"""The credit API: records, profile, sanctions, repair with its refusals, listings, points, public endpoints."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shian.credit.models import CreditRecord
from tests.conftest import World
from tests.credit.conftest import listed, months_ago, penalty, today

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_record_create_and_read(world: World) -> None:
    client = world.client("district_regulator")
    body = {"operator_id": world.op1.pk, "kind": "penalty", "severity": "serious", "title": "使用非食品原料", "occurred_on": months_ago(1).isoformat(),
            "legal_ground": "《食品安全法》第一百二十三条", "decision_number": "江蓬市监罚〔2026〕5号"}
    created = _post(client, "/api/v1/credit/records", body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["kind"], out["severity"], out["displayed"], out["in_effect"], out["period_source"]["confidence"]) == ("penalty", "serious", True, True, "S")
    dup = _post(client, "/api/v1/credit/records", body)
    assert dup.status_code == 409 and dup.json()["code"] == "decision_number_duplicate" and dup.json()["field"] == "decision_number"
    missing = _post(client, "/api/v1/credit/records", {**body, "decision_number": ""})
    assert missing.status_code == 400 and missing.json()["field"] == "decision_number"
    unknown = _post(client, "/api/v1/credit/records", {**body, "kind": "listing"})
    assert unknown.status_code == 422
    assert client.get(f"/api/v1/credit/records/{out['id']}").json()["decision_number"] == "江蓬市监罚〔2026〕5号"
    assert [r["id"] for r in client.get("/api/v1/credit/records?kind=penalty").json()] == [out["id"]]
    far = _post(world.client("other_district_regulator"), "/api/v1/credit/records", {**body, "decision_number": "X"})
    assert far.status_code == 404
    own = _post(world.client("operator_user"), "/api/v1/credit/records", {**body, "decision_number": "Y"})
    assert own.status_code == 403  # an operator records commitments, not penalties


def test_profile_and_sanctions(world: World) -> None:
    listed(world, world.op2)
    client = world.client("city_regulator")
    profile = client.get(f"/api/v1/credit/operators/{world.op2.pk}/profile").json()
    assert profile["level"] == "D" and profile["sanctions"]["listed"] and profile["listing"]["status"] == "listed"
    assert profile["public_url"].endswith(f"/credit/p/{world.op2.uscc}/")
    sanctions = client.get(f"/api/v1/credit/operators/{world.op2.pk}/sanctions").json()
    assert (sanctions["no_instant_approval"], sanctions["extra_inspections"], sanctions["excluded_from_quality_brand"],
            sanctions["excluded_from_honours"], sanctions["public_flag"]) == (True, 2, True, True, True)
    assert world.client("other_district_regulator").get(f"/api/v1/credit/operators/{world.op2.pk}/sanctions").status_code == 404
    assert world.client("lab_user").get(f"/api/v1/credit/operators/{world.op2.pk}/profile").status_code == 403


def test_public_endpoints_need_no_login(world: World) -> None:
    listed(world, world.op2)
    penalty(world, world.op2, severity="moderate", withhold=True, title="不公示的处罚")
    anonymous = world.client(None)
    public = anonymous.get(f"/api/v1/credit/public/operators/{world.op2.uscc}")
    assert public.status_code == 200
    body = public.json()
    assert body["serious_violation"] and body["level"] is None
    assert "不公示的处罚" not in {r["title"] for r in body["records"]}
    assert "source_ref" not in body["records"][0]  # no internal fields
    assert anonymous.get("/api/v1/credit/public/operators/NOPE").status_code == 404
    assert [x["uscc"] for x in anonymous.get("/api/v1/credit/public/listings").json()] == [world.op2.uscc]


def test_ineligible_repair_is_refused_with_reason_and_earliest_date(world: World) -> None:
    r = penalty(world, world.op1, severity="moderate", on=months_ago(1))
    client = world.client("operator_user")
    response = _post(client, f"/api/v1/credit/records/{r.pk}/repair", {"obligations_fulfilled": True})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "too_early" and body["field"] == "record_id"
    assert r.repair_from is not None and body["details"]["earliest_date"] == r.repair_from.isoformat()
    check = client.get(f"/api/v1/credit/records/{r.pk}/repair-eligibility?obligations_fulfilled=true").json()
    assert (check["eligible"], check["code"], check["earliest_date"]) == (False, "too_early", r.repair_from.isoformat())


def test_repair_without_fulfilled_obligations_is_refused(world: World) -> None:
    r = penalty(world, world.op1, on=months_ago(4))
    unfulfilled = _post(world.client("operator_user"), f"/api/v1/credit/records/{r.pk}/repair", {"obligations_fulfilled": False})
    assert unfulfilled.status_code == 400
    assert (unfulfilled.json()["code"], unfulfilled.json()["field"]) == ("obligations_unfulfilled", "obligations_fulfilled")


def test_repair_and_decision(world: World) -> None:
    r = penalty(world, world.op1, severity="moderate", on=months_ago(4))
    applied = _post(world.client("operator_user"), f"/api/v1/credit/records/{r.pk}/repair", {"obligations_fulfilled": True, "evidence": "缴款凭证"})
    assert applied.status_code == 201
    app = applied.json()
    assert app["status"] == "pending" and app["due_on"] > today().isoformat()
    assert _post(world.client("operator_user"), f"/api/v1/credit/repairs/{app['id']}/decide", {"approve": True}).status_code == 403
    refused = _post(world.client("district_regulator"), f"/api/v1/credit/repairs/{app['id']}/decide", {"approve": False})
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    ok = _post(world.client("district_regulator"), f"/api/v1/credit/repairs/{app['id']}/decide", {"approve": True})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert CreditRecord.objects.get(pk=r.pk).repaired
    assert [a["id"] for a in world.client("operator_user").get("/api/v1/credit/repairs").json()] == [app["id"]]
    assert world.client("other_operator_user").get("/api/v1/credit/repairs").json() == []


def test_listing_api(world: World) -> None:
    p = penalty(world, world.op1, severity="serious")
    client = world.client("station_officer")
    proposed = _post(client, "/api/v1/credit/listings", {"penalty_id": p.pk, "ground": "closure", "facts": "责令停业"})
    assert proposed.status_code == 201
    listing_id = proposed.json()["id"]
    assert _post(client, f"/api/v1/credit/listings/{listing_id}/decide", {"approve": True}).status_code == 403  # stations propose only
    decided = _post(world.client("district_regulator"), f"/api/v1/credit/listings/{listing_id}/decide", {"approve": True})
    assert decided.status_code == 200 and decided.json()["status"] == "listed" and decided.json()["record_id"]


def test_what_if_and_points(world: World) -> None:
    r = penalty(world, world.op1, severity="moderate", on=months_ago(4))
    client = world.client("operator_user")
    w = client.get(f"/api/v1/credit/operators/{world.op1.pk}/what-if").json()
    assert (w["level_before"], w["level_after"]) == ("B", "A") and w["candidates"][0]["record_id"] == r.pk
    none = client.get(f"/api/v1/credit/operators/{world.op1.pk}/what-if?record_ids=").json()
    assert none["level_after"] == "A"
    bad = client.get(f"/api/v1/credit/operators/{world.op1.pk}/what-if?record_ids=a,b")
    assert bad.status_code == 400 and bad.json()["field"] == "record_ids"
    pts = _post(world.client("district_regulator"), f"/api/v1/credit/operators/{world.op1.pk}/points",
                {"points": 5, "violation": "超范围经营", "occurred_on": today().isoformat()})
    assert pts.status_code == 201
    wrong = _post(world.client("district_regulator"), f"/api/v1/credit/operators/{world.op2.pk}/points",
                  {"points": 5, "violation": "x", "occurred_on": today().isoformat()})
    assert wrong.status_code == 400 and wrong.json()["code"] == "not_catering"
    three = _post(world.client("district_regulator"), f"/api/v1/credit/operators/{world.op1.pk}/points",
                  {"points": 3, "violation": "x", "occurred_on": today().isoformat()})
    assert three.status_code == 422
    profile = world.client("district_regulator").get(f"/api/v1/credit/operators/{world.op1.pk}/profile").json()
    assert profile["points"]["total"] == 7 and profile["points"]["grade"] == "甲"  # 2 from the moderate penalty + 5
