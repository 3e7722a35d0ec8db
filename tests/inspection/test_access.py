"""Who sees what: inspectors only their assignments, operators only their own (closed) inspections
and orders, district regulators only their district, the public only published results; and the
API flow with its error shape."""

from __future__ import annotations

import json

import pytest

from shian.accounts import services as accounts
from shian.core.access import Role
from shian.inspection import services
from shian.inspection.models import Inspection
from shian.rectification.models import RectificationOrder
from tests.conftest import PASSWORD
from tests.inspection.conftest import InspWorld, close, draw


def post(client: object, url: str, body: dict[str, object]) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_inspectors_see_only_their_assignments(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    mine = {i.pk for i in Inspection.objects.filter(assignments__inspector=w.users["inspector"])}
    c = w.client("inspector")
    assert {i["id"] for i in c.get("/api/v1/inspections").json()} == mine
    assert {i["id"] for i in c.get("/api/v1/inspections/assignments").json()} == mine
    for insp in d.inspections.all():
        expected = 200 if insp.pk in mine else 404
        assert c.get(f"/api/v1/inspections/{insp.pk}").status_code == expected
        assert c.get(f"/inspections/{insp.pk}/form/").status_code == expected
    # an inspector of the same station not on the team, and a station officer who is not assigned
    outsider = accounts.user_create(username="inspector9", password=PASSWORD, role=Role.INSPECTOR, organisation=iw.inspectors[0].organisation)
    c9 = w.client(None)
    c9.force_login(outsider)
    assert c9.get("/api/v1/inspections").json() == []
    some = d.inspections.first()
    assert c9.get(f"/api/v1/inspections/{some.pk}").status_code == 404
    officer = w.client("station_officer")
    assert officer.get(f"/api/v1/inspections/{some.pk}").status_code == 200  # a regulator views its jurisdiction
    r = post(officer, f"/api/v1/inspections/{some.pk}/findings", {"answers": []})
    assert r.status_code == 403 and r.json()["code"] == "forbidden_action"  # but only the assigned inspectors fill it in


@pytest.mark.django_db
def test_operators_see_their_own_closed_inspections_and_orders(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    op1_insp = d.inspections.get(operator=w.op1)
    op = w.client("operator_user")
    assert op.get("/api/v1/inspections").json() == []  # announced visits are not shown before they happen
    assert op.get(f"/api/v1/inspections/{op1_insp.pk}").status_code == 404
    close(op1_insp, fail=("3.2",), by=iw.inspectors[0], rectification_days=5)
    close(d.inspections.get(operator=w.op2), fail=("3.1",), by=iw.inspectors[0], rectification_days=5)
    assert [i["id"] for i in op.get("/api/v1/inspections").json()] == [op1_insp.pk]
    assert op.get(f"/inspections/{op1_insp.pk}/").status_code == 200
    assert op.get(f"/inspections/{op1_insp.pk}/record.pdf").status_code == 200
    orders = op.get("/api/v1/rectifications").json()
    assert [o["operator_id"] for o in orders] == [w.op1.pk]
    other = RectificationOrder.objects.get(operator=w.op2)
    assert op.get(f"/api/v1/rectifications/{other.pk}").status_code == 404
    assert w.client("other_operator_user").get(f"/api/v1/rectifications/{orders[0]['id']}").status_code == 404
    assert w.client("other_operator_user").get(f"/inspections/{op1_insp.pk}/").status_code == 404


@pytest.mark.django_db
def test_district_regulators_see_only_their_district(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    close(d.inspections.get(operator=w.op1), by=iw.inspectors[0])
    other = w.client("other_district_regulator")
    assert other.get("/api/v1/inspections").json() == []
    assert other.get(f"/api/v1/inspections/draws/{d.pk}").status_code == 404
    assert other.get(f"/inspections/draws/{d.pk}/").status_code == 404
    assert other.get(f"/inspections/draws/{d.pk}/pool-targets.txt").status_code == 404
    r = post(other, "/api/v1/inspections/draws", {"title": "越权", "jurisdiction": "440703", "count": 1})
    assert r.status_code == 404
    r = post(other, "/api/v1/inspections/plans", {"jurisdiction": "440703", "year": 2026})
    assert r.status_code == 404
    assert len(w.client("district_regulator").get("/api/v1/inspections").json()) == 2
    assert len(w.client("city_regulator").get("/api/v1/inspections").json()) == 2


@pytest.mark.django_db
def test_public_sees_only_published(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    insp = close(d.inspections.get(operator=w.op1), by=iw.inspectors[0])
    anon = w.client(None)
    assert anon.get("/api/v1/inspections/public/results").json() == []
    assert anon.get(f"/api/v1/inspections/draws/{d.pk}/verify").status_code == 404
    assert anon.get(f"/inspections/public/draws/{d.pk}/").status_code == 404
    assert anon.get(f"/inspections/draws/{d.pk}/pool-targets.txt").status_code == 404
    assert anon.get("/api/v1/inspections").status_code == 401
    assert w.client("public_user").get(f"/inspections/{insp.pk}/").status_code == 403
    services.draw_publish(draw=d, by=w.users["district_regulator"])
    results = anon.get("/api/v1/inspections/public/results").json()
    assert [(r["operator_name"], r["result"]) for r in results] == [(w.op1.name, "compliant")]
    check = anon.get(f"/api/v1/inspections/draws/{d.pk}/verify").json()
    assert check["ok"] is True and check["seed"] == d.seed and w.op1.uscc in check["target_keys"]
    assert anon.get(f"/inspections/draws/{d.pk}/pool-inspectors.txt").status_code == 200


@pytest.mark.django_db
def test_api_flow_and_bad_input(iw: InspWorld) -> None:
    w = iw.world
    reg = w.client("district_regulator")
    r = post(reg, "/api/v1/inspections/draws", {"title": "空池", "jurisdiction": "440703", "types": ["farm"], "count": 1})
    assert r.status_code == 400 and r.json()["code"] == "draw_pool_empty" and r.json()["field"] == "filters"
    r = post(reg, "/api/v1/inspections/draws", {"title": "人不够", "jurisdiction": "440703", "count": 1, "per_inspection": 5})
    assert r.status_code == 400 and r.json()["code"] == "draw_too_few_inspectors"
    r = post(reg, "/api/v1/inspections/draws", {"title": "第二季度", "jurisdiction": "440703", "count": 2})
    assert r.status_code == 201, r.json()
    draw_json = r.json()
    assert len(draw_json["drawn"]) == 2 and all(len(x["inspectors"]) == 2 for x in draw_json["drawn"])
    assert reg.get(f"/api/v1/inspections/draws/{draw_json['id']}/verify").json()["ok"] is True
    target = next(x for x in draw_json["drawn"] if x["target"] == w.op1.uscc)
    inspector = next(u for u in iw.inspectors if u.inspector_profile.badge_number in target["inspectors"])
    c = w.client(None)
    c.force_login(inspector)
    detail = c.get(f"/api/v1/inspections/{target['inspection_id']}").json()
    answers = [{"item_id": i["id"], "outcome": "fail" if i["number"] == "5.1" else "pass"} for i in detail["items"]]
    r = post(c, f"/api/v1/inspections/{target['inspection_id']}/findings", {"answers": answers, "place": "后厨", "latitude": "22.58", "longitude": "113.08"})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = post(c, f"/api/v1/inspections/{target['inspection_id']}/close", {})
    assert r.status_code == 400 and r.json()["code"] == "acknowledgement_required"
    assert post(c, f"/api/v1/inspections/{target['inspection_id']}/acknowledge", {"representative_name": "李一", "signature": "李一"}).status_code == 200
    r = post(c, f"/api/v1/inspections/{target['inspection_id']}/close", {"rectification_working_days": 7})
    assert r.status_code == 200 and r.json()["result"] == "non_compliant" and r.json()["verify_code"]
    r = post(c, f"/api/v1/inspections/{target['inspection_id']}/findings", {"answers": answers})
    assert r.status_code == 409 and r.json()["code"] == "inspection_closed"
    item = next(i for i in detail["items"] if i["number"] == "5.1")
    r = post(c, f"/api/v1/inspections/{target['inspection_id']}/amendments", {"answers": [{"item_id": item["id"], "outcome": "pass"}],
                                                                               "reason": "消毒记录当场补查合格"})
    assert r.status_code == 201 and r.json()["result_after"] == "compliant"
    # the rectification loop through the API
    order = w.client("operator_user").get("/api/v1/rectifications").json()[0]
    r = w.client("operator_user").post(f"/api/v1/rectifications/{order['id']}/responses", {"notes": "已整改"})
    assert r.status_code == 201, r.json()
    r = post(w.client("district_regulator"), f"/api/v1/rectifications/{order['id']}/review", {"decision": "accept"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = post(c, f"/api/v1/rectifications/{order['id']}/review", {"decision": "accept"})
    assert r.status_code == 409
    r = post(w.client("other_district_regulator"), "/api/v1/rectifications", {"operator_id": w.op1.pk, "source_app": "complaint", "source_id": "1",
                                                                              "source_title": "投诉", "findings": "x"})
    assert r.status_code == 404
