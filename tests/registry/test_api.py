"""API behaviour: one error shape for bad input, the dossier resource, pagination and filters."""

from __future__ import annotations

import json
from datetime import date

import pytest

from shian.core import dossier
from shian.core.dossier import Section, TimelineEntry
from shian.registry.models import Operator
from tests.conftest import World, make_uscc


def _post(client, url: str, body: object):
    return client.post(url, data=json.dumps(body) if not isinstance(body, str) else body, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ("{not json", 400, "malformed_body", None),
    ({}, 422, "validation_error", "name"),
    ({"name": "x", "uscc": "91440703MA00000000", "legal_representative": "a", "types": ["restaurant"], "address": "a",
      "jurisdiction": "440703001", "color": "red"}, 422, "validation_error", "color"),
    ({"name": "x", "uscc": "12345", "legal_representative": "a", "types": ["restaurant"], "address": "a", "jurisdiction": "440703001"},
     400, "uscc_length", "uscc"),
    ({"name": "x", "uscc": "USE_OP1", "legal_representative": "a", "types": ["restaurant"], "address": "a", "jurisdiction": "440703001"},
     409, "uscc_duplicate", "uscc"),
    ({"name": "x", "uscc": "NEW", "legal_representative": "a", "types": ["restaurant"], "address": "a", "jurisdiction": "999999"},
     400, "jurisdiction_unknown", "jurisdiction"),
    ({"name": "x", "uscc": "NEW", "legal_representative": "a", "types": [], "address": "a", "jurisdiction": "440703001"},
     422, "validation_error", "types"),
    ({"name": "x", "uscc": "NEW", "legal_representative": "a", "types": ["restaurant"], "address": "a", "jurisdiction": "440703001",
      "latitude": 123}, 422, "validation_error", "latitude"),
])
def test_bad_operator_input_gets_error_shape_and_writes_nothing(world: World, body, status, code, field) -> None:
    if isinstance(body, dict) and body.get("uscc") == "USE_OP1":
        body["uscc"] = world.op1.uscc
    if isinstance(body, dict) and body.get("uscc") == "NEW":
        body["uscc"] = make_uscc(77)
    before = Operator.objects.count()
    response = _post(world.client("district_regulator"), "/api/v1/operators", body)
    assert response.status_code == status, response.content
    data = response.json()
    assert data["code"] == code
    assert data["field"] == field
    assert data["message"]
    assert Operator.objects.count() == before


@pytest.mark.django_db
def test_create_operator_and_read_its_dossier(world: World) -> None:
    client = world.client("station_officer")
    response = _post(client, "/api/v1/operators", {"name": "江门市新开饭店", "uscc": make_uscc(78), "legal_representative": "吴七",
                                                   "types": ["restaurant"], "scope": ["B04", "B05"], "address": "江门市蓬江区新路1号",
                                                   "jurisdiction": "440703001", "latitude": "22.58", "longitude": "113.08"})
    assert response.status_code == 201, response.content
    op_id = response.json()["id"]
    r = _post(client, f"/api/v1/operators/{op_id}/licences", {"kind": "business", "number": "JY14407030000078", "issued_on": "2026-01-05",
                                                               "expires_on": "2031-01-04", "authority": "蓬江区市场监督管理局", "scope": ["B04"]})
    assert r.status_code == 201, r.content
    r = _post(client, f"/api/v1/operators/{op_id}/insurance", {"insurer": "某保险公司", "policy_number": "P-1", "coverage_yuan": "500000",
                                                                "starts_on": "2026-01-01", "ends_on": "2026-12-31"})
    assert r.status_code == 201, r.content
    r = _post(client, f"/api/v1/operators/{op_id}/self-inspections", {"inspected_on": "2026-03-01", "result": "issues_fixed",
                                                                       "issues_found": 2, "summary": "冰箱温度记录缺失，已整改"})
    assert r.status_code == 201, r.content
    body = client.get(f"/api/v1/operators/{op_id}").json()
    assert body["operator"]["name"] == "江门市新开饭店"
    keys = [s["key"] for s in body["sections"]]
    assert keys[:5] == ["licences", "premises", "staff", "insurance", "self_inspections"]
    licences = body["sections"][0]["data"]
    assert licences[0]["number"] == "JY14407030000078" and licences[0]["scope"] == ["B04"]
    kinds = {e["kind"] for e in body["timeline"]}
    assert {"licence", "insurance", "self_inspection", "event"} <= kinds


@pytest.mark.django_db
def test_other_modules_extend_the_dossier_without_the_registry_importing_them(world: World) -> None:
    def provider(op, principal):
        return Section("inspections", "监督检查", [{"n": 1}], "registry/sections/premises.html", 1,
                       [TimelineEntry(date(2026, 5, 1), "inspection", "日常检查")], {"premises": []})

    dossier.register_section("inspections", provider, order=60)
    try:
        body = world.client("district_regulator").get(f"/api/v1/operators/{world.op1.pk}").json()
        assert "inspections" in [s["key"] for s in body["sections"]]
        assert any(e["title"] == "日常检查" for e in body["timeline"])
        page = world.client("district_regulator").get(f"/operators/{world.op1.pk}/")
        assert "监督检查" in page.content.decode()
    finally:
        dossier._SECTIONS.pop("inspections")


@pytest.mark.django_db
def test_pagination_and_filters(world: World) -> None:
    client = world.client("city_regulator")
    page = client.get("/api/v1/operators?limit=2&offset=0").json()
    assert page["count"] == 3 and len(page["items"]) == 2
    page2 = client.get("/api/v1/operators?limit=2&offset=2").json()
    assert len(page2["items"]) == 1
    assert client.get("/api/v1/operators?jurisdiction=440704").json()["count"] == 1
    assert client.get("/api/v1/operators?type=producer").json()["items"][0]["name"] == world.op2.name
    assert client.get(f"/api/v1/operators?q={world.op3.uscc}").json()["count"] == 1
    assert client.get("/api/v1/operators?q=JY14407030000011").json()["items"][0]["name"] == world.op1.name
    assert client.get("/api/v1/operators?q=甲餐饮").json()["count"] == 1
    assert client.get("/api/v1/operators?limit=abc").status_code == 422


@pytest.mark.django_db
def test_unknown_operator_is_404_json(world: World) -> None:
    r = world.client("city_regulator").get("/api/v1/operators/999999")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


@pytest.mark.django_db
def test_expiring_licences_with_renewal_deadline(world: World) -> None:
    rows = world.client("city_regulator").get("/api/v1/licences/expiring?within_days=3650").json()
    numbers = [r["number"] for r in rows]
    assert numbers == ["JY14407040000031", "JY14407030000011"]  # soonest first
    # 31 Dec 2026 minus 30 working days (with 2026 National Day etc. not in range): 2026-11-19.
    assert rows[0]["renewal_deadline"] == "2026-11-19"
    assert world.client("district_regulator").get("/api/v1/licences/expiring?within_days=3650").json()[0]["number"] == "JY14407030000011"
    assert world.client("city_regulator").get("/api/v1/licences/expiring?within_days=-1").status_code == 400


@pytest.mark.django_db
def test_openapi_document_is_served(world: World) -> None:
    spec = world.client(None).get("/api/v1/openapi.json").json()
    assert "/api/v1/operators" in spec["paths"]
    assert world.client(None).get("/api/docs").status_code == 302
    docs = world.client(None).get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()
