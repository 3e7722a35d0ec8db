"""Risk pages and API: the grade page explains each factor (regulators of the jurisdiction, the operator its own),
overrides refused without a reason, band edits refused naming the bands (API, page and admin), warnings scoped by
jurisdiction, the regrade job, the dossier section."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from shian.risk import services
from shian.risk.models import GradeBand, RiskGrade, RiskWarning
from tests.conftest import World


@pytest.fixture
def graded(world: World) -> World:
    services.regrade(today=timezone.localdate())
    return world


@pytest.mark.django_db
def test_grade_page_explains_every_factor(graded: World) -> None:
    w = graded
    page = w.client("district_regulator").get(f"/risk/operators/{w.op1.pk}/").content.decode()
    for text in ("食品类别风险", "经营业态", "经营规模", "监督检查结果", "食品安全事故", "列入严重违法失信名单", "食药监食监一〔2016〕115号",
                 "热食类食品制售", "18.00"):
        assert text in page, text
    assert w.client("operator_user").get(f"/risk/operators/{w.op1.pk}/").status_code == 200  # its own
    assert w.client("operator_user").get(f"/risk/operators/{w.op2.pk}/").status_code == 404
    assert w.client("other_district_regulator").get(f"/risk/operators/{w.op1.pk}/").status_code == 404
    assert w.client("public_user").get(f"/risk/operators/{w.op1.pk}/").status_code == 403
    own = w.client("operator_user").get(f"/risk/operators/{w.op1.pk}/").content.decode()
    assert 'action="/risk/operators/' not in own  # no override form for the operator
    body = w.client("operator_user").get(f"/api/v1/risk/operators/{w.op1.pk}").json()
    assert body["grade"] == "A" and body["static"] == 18.0 and {f["code"] for f in body["factors"]} >= {"food_category", "listed"}
    assert next(f for f in body["factors"] if f["code"] == "food_category")["source"]["confidence"] == "U"


@pytest.mark.django_db
def test_override_page_and_api(graded: World) -> None:
    w = graded
    c = w.client("district_regulator")
    r = c.post(f"/risk/operators/{w.op1.pk}/override/", {"grade": "C", "reason": ""})
    assert r.status_code == 400
    r = c.post(f"/api/v1/risk/operators/{w.op1.pk}/override", json.dumps({"grade": "C"}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "reason_required" and r.json()["field"] == "reason"
    r = c.post(f"/risk/operators/{w.op1.pk}/override/", {"grade": "C", "reason": "专项整治对象"})
    assert r.status_code == 302
    assert RiskGrade.objects.get(operator=w.op1, is_current=True).grade == "C"
    history = c.get(f"/api/v1/risk/operators/{w.op1.pk}/history").json()
    assert [h["source"] for h in history] == ["manual", "assessment"] and history[0]["note"] == "专项整治对象"
    assert w.client("station_officer").post(f"/api/v1/risk/operators/{w.op1.pk}/override", json.dumps({"grade": "C", "reason": "x"}),
                                            content_type="application/json").status_code == 403


@pytest.mark.django_db
def test_band_edits_refused_naming_the_bands(graded: World) -> None:
    w = graded
    gap = {"bands": [{"grade": "A", "lower": 0, "upper": 30}, {"grade": "B", "lower": 32, "upper": 45}, {"grade": "C", "lower": 45, "upper": 60},
                     {"grade": "D", "lower": 60}]}
    r = w.client("admin").put("/api/v1/risk/rules/bands", json.dumps(gap), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "bands_gap" and r.json()["details"][0]["bands"] == ["A", "B"]
    assert w.client("city_regulator").put("/api/v1/risk/rules/bands", json.dumps(gap), content_type="application/json").status_code == 403
    form = {"A_lower": "0", "A_upper": "30", "B_lower": "30", "B_upper": "50", "C_lower": "45", "C_upper": "60", "D_lower": "60", "D_upper": ""}
    r = w.client("admin").post("/risk/rules/bands/", form)
    assert r.status_code == 400 and "B" in r.content.decode() and "C" in r.content.decode()
    form.update(B_upper="45")
    assert w.client("admin").post("/risk/rules/bands/", form).status_code == 302


@pytest.mark.django_db
def test_admin_band_forms_check_the_set(graded: World) -> None:
    w = graded
    c = w.client("admin")
    b = GradeBand.objects.get(grade="B")
    r = c.post(f"/admin/risk/gradeband/{b.pk}/change/", {"lower": "35", "upper": "45", "source": b.source, "confidence": "U"})
    assert r.status_code == 200 and "A" in r.content.decode() and "errornote" in r.content.decode()
    assert GradeBand.objects.get(grade="B").lower == 30
    bands = list(GradeBand.objects.order_by("grade"))
    data = {"form-TOTAL_FORMS": "4", "form-INITIAL_FORMS": "4", "_save": "Save"}
    for i, band in enumerate(bands):
        data[f"form-{i}-id"] = str(band.pk)
        data[f"form-{i}-lower"] = str(band.lower)
        data[f"form-{i}-upper"] = "" if band.upper is None else str(band.upper)
    data["form-0-upper"] = "25"  # A ends at 25 but B still starts at 30: a gap
    r = c.post("/admin/risk/gradeband/", data)
    assert r.status_code == 200 and GradeBand.objects.get(grade="A").upper == 30
    data["form-1-lower"] = "25"  # move both: accepted
    assert c.post("/admin/risk/gradeband/", data).status_code == 302
    assert GradeBand.objects.get(grade="A").upper == 25


@pytest.mark.django_db
def test_warnings_are_listed_for_their_regulator(graded: World) -> None:
    from tests.credit.conftest import penalty

    w = graded
    penalty(w, w.op2, severity="serious")
    services.regrade(today=timezone.localdate())
    warning = RiskWarning.objects.get(operator=w.op2)
    assert w.op2.name in w.client("district_regulator").get("/risk/warnings/").content.decode()
    assert w.op2.name not in w.client("other_district_regulator").get("/risk/warnings/").content.decode()
    assert [x["operator_id"] for x in w.client("city_regulator").get("/api/v1/risk/warnings").json()] == [w.op2.pk]
    assert w.client("other_district_regulator").get("/api/v1/risk/warnings").json() == []
    assert w.client("operator_user").get("/api/v1/risk/warnings").status_code == 403
    r = w.client("station_officer").post(f"/api/v1/risk/warnings/{warning.pk}/handle", json.dumps({"note": ""}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "note_required"
    r = w.client("station_officer").post(f"/risk/warnings/{warning.pk}/handle/", {"note": "约谈负责人"})
    assert r.status_code == 302
    warning.refresh_from_db()
    assert warning.status == "acknowledged" and warning.handling_note == "约谈负责人"


@pytest.mark.django_db
def test_regrade_job_from_the_page(world: World) -> None:
    r = world.client("city_regulator").post("/risk/regrade/")
    assert r.status_code == 302 and "/jobs/" in r["Location"]
    assert RiskGrade.objects.filter(is_current=True).count() == 3
    r = world.client("admin").post("/api/v1/risk/regrade")
    assert r.status_code == 202 and r.json()["status"] == "succeeded" and r.json()["result"]["graded"] == 3
    assert world.client("district_regulator").post("/api/v1/risk/regrade").status_code == 403


@pytest.mark.django_db
def test_overview_and_rules_pages(graded: World) -> None:
    w = graded
    page = w.client("district_regulator").get("/risk/").content.decode()
    assert w.op1.name in page and w.op2.name in page and w.op3.name not in page
    assert w.client("operator_user").get("/risk/").content.decode().count("/risk/operators/") == 1
    rules = w.client("inspector").get("/risk/rules/").content.decode()
    assert "食品生产经营风险分级管理办法" in rules and "/risk/rules/bands/" not in rules
    assert "/risk/rules/bands/" in w.client("admin").get("/risk/rules/").content.decode()
    assert w.client("admin").get("/risk/rules/factors/inspections/").status_code == 200
    assert w.client("admin").post("/risk/rules/factors/inspections/", {"weight": "1", "cap": "15", "points": "[1]"}).status_code == 400
    assert w.client("admin").post("/risk/rules/factors/inspections/", {"weight": "1", "cap": "20", "points": '{"non_compliant": 12}'}).status_code == 302
    assert w.client("admin").post("/risk/rules/parameters/warning_jump/", {"value": "8"}).status_code == 302


@pytest.mark.django_db
def test_dossier_section(graded: World) -> None:
    w = graded
    page = w.client("district_regulator").get(f"/operators/{w.op1.pk}/").content.decode()
    assert f"/risk/operators/{w.op1.pk}/" in page
    body = w.client("operator_user").get(f"/api/v1/operators/{w.op1.pk}").json()
    sections = body.get("sections") or {}
    risk = sections.get("risk") if isinstance(sections, dict) else next((s for s in sections if s.get("key") == "risk"), None)
    assert risk is not None
    services.grade_override(operator=w.op1, grade="C", reason="专项整治对象", by=w.users["district_regulator"])
    timeline = w.client("district_regulator").get(f"/api/v1/operators/{w.op1.pk}").json()["timeline"]
    titles = [e["title"] for e in timeline]
    from django.utils.translation import gettext

    assert gettext("Risk grade overridden") in titles and gettext("Risk grade changed") in titles  # typed events with the operator's id
