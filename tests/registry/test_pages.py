"""Registry pages: search and filters, dossier, expiry list, exports, query budgets, i18n."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from shian.registry import services
from tests.conftest import World, dossier_budget, make_uscc


@pytest.mark.django_db
def test_operator_search_and_filters(world: World) -> None:
    client = world.client("city_regulator")
    page = client.get("/operators/", {"q": "甲餐饮"}).content.decode()
    assert world.op1.name in page and world.op2.name not in page
    page = client.get("/operators/", {"jurisdiction": "440704"}).content.decode()
    assert world.op3.name in page and world.op1.name not in page
    page = client.get("/operators/", {"type": "producer"}).content.decode()
    assert world.op2.name in page and world.op1.name not in page
    page = client.get("/operators/", {"q": "no such", "page": "abc"}).content.decode()
    assert world.op1.name not in page


@pytest.mark.django_db
def test_list_page_query_budget(world: World, django_assert_max_num_queries) -> None:
    for n in range(40):
        services.operator_create(name=f"批量餐馆{n}", uscc=make_uscc(2000 + n), legal_representative="某", type_codes=["restaurant", "retailer"],
                                 address="江门市蓬江区某路", jurisdiction=world.s1)
    client = world.client("district_regulator")
    client.get("/operators/")
    with django_assert_max_num_queries(10):
        response = client.get("/operators/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_dossier_query_budget(world: World, django_assert_max_num_queries) -> None:
    for n in range(10):
        services.staff_add(operator=world.op1, name=f"员工{n}")
    client = world.client("district_regulator")
    client.get(f"/operators/{world.op1.pk}/")
    with django_assert_max_num_queries(dossier_budget()):
        response = client.get(f"/operators/{world.op1.pk}/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_dossier_page_shows_everything(world: World) -> None:
    services.staff_add(operator=world.op1, name="陈经理", is_safety_manager=True, certificate_number="JMSA-001")
    page = world.client("operator_user").get(f"/operators/{world.op1.pk}/").content.decode()
    for text in (world.op1.name, world.op1.uscc, "JY14407030000011", "陈经理", "JMSA-001"):
        assert text in page


@pytest.mark.django_db
def test_licence_expiry_page_and_export(world: World) -> None:
    client = world.client("city_regulator")
    page = client.get("/operators/licences/expiring/", {"within_days": "3650"}).content.decode()
    assert "JY14407040000031" in page and "2026-11-19" in page
    assert client.get("/operators/licences/expiring/", {"within_days": "x"}).status_code == 200
    ws = load_workbook(io.BytesIO(client.get("/operators/licences/expiring.xlsx", {"within_days": "3650"}).content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "JY14407040000031"


@pytest.mark.django_db
def test_unknown_dossier_is_a_friendly_404(world: World) -> None:
    response = world.client("city_regulator").get("/operators/999999/")
    assert response.status_code == 404
    assert "<html" in response.content.decode()


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(world: World) -> None:
    client = world.client("city_regulator")
    assert "经营者" in client.get("/operators/").content.decode()
    # a browser asking for English still gets Chinese pages; the language switch (a cookie) changes it
    assert "经营者" in client.get("/operators/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/operators/"})
    english = client.get("/operators/").content.decode()
    assert "Operators" in english
    # API clients may ask for English error messages with Accept-Language
    assert world.client(None).get("/api/v1/operators", HTTP_ACCEPT_LANGUAGE="en").json()["message"].startswith("Log in")


@pytest.mark.django_db
def test_home_is_role_aware(world: World) -> None:
    regulator = world.client("district_regulator").get("/").content.decode()
    assert "/operators/licences/expiring/" in regulator
    lab = world.client("lab_user").get("/").content.decode()
    assert "/operators/licences/expiring/" not in lab


@pytest.mark.django_db
def test_operator_maintains_its_dossier_from_the_page(world: World) -> None:
    client = world.client("operator_user")
    dossier = client.get(f"/operators/{world.op1.pk}/").content.decode()
    assert f"/operators/{world.op1.pk}/staff/" in dossier and f"/operators/{world.op1.pk}/status/" not in dossier
    r = client.post(f"/operators/{world.op1.pk}/staff/", {"name": "刘管理", "is_safety_manager": "on", "certificate_number": ""})
    assert r.status_code == 400
    assert world.op1.staff.count() == 0
    r = client.post(f"/operators/{world.op1.pk}/staff/", {"name": "刘管理", "is_safety_manager": "on", "certificate_number": "JMSA-9"})
    assert r.status_code == 302
    assert world.op1.staff.get().name == "刘管理"
    r = client.post(f"/operators/{world.op1.pk}/self_inspections/", {"inspected_on": "2026-11-01", "result": "compliant", "issues_found": "0"})
    assert r.status_code == 302 and world.op1.self_inspections.count() == 1
    r = client.post(f"/operators/{world.op1.pk}/insurance/", {"insurer": "保险", "policy_number": "P9", "coverage_yuan": "100000",
                                                              "starts_on": "2026-02-01", "ends_on": "2026-01-01"})
    assert r.status_code == 400 and world.op1.insurance_policies.count() == 0
    assert client.get(f"/operators/{world.op1.pk}/nonsense/").status_code == 404


@pytest.mark.django_db
def test_regulator_changes_status_from_the_page(world: World) -> None:
    client = world.client("district_regulator")
    assert client.post(f"/operators/{world.op2.pk}/status/", {"status": "suspended", "reason": ""}).status_code == 400
    r = client.post(f"/operators/{world.op2.pk}/status/", {"status": "suspended", "reason": "无证经营，责令停业"})
    assert r.status_code == 302
    world.op2.refresh_from_db()
    assert world.op2.status == "suspended"


@pytest.mark.django_db
def test_search_treats_wildcards_literally_and_ignores_ascii_case(world: World) -> None:
    services.operator_create(name="ABC_100%餐厅", uscc=make_uscc(3000), legal_representative="某", type_codes=["restaurant"],
                             address="江门市蓬江区某路", jurisdiction=world.s1)
    client = world.client("city_regulator")
    assert client.get("/api/v1/operators", {"q": "c_100%"}).json()["count"] == 1
    assert client.get("/api/v1/operators", {"q": "%"}).json()["count"] == 1
    assert client.get("/api/v1/operators", {"q": "_"}).json()["count"] == 1


@pytest.mark.django_db
def test_counts_stop_at_the_cap(world: World, monkeypatch) -> None:
    from shian.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    monkeypatch.setattr(pagination.capped_count, "__defaults__", (2,))
    client = world.client("city_regulator")
    body = client.get("/api/v1/operators").json()
    assert body["count"] == 2 and body["count_exact"] is False and len(body["items"]) == 3
    assert client.get("/api/v1/operators", {"jurisdiction": "440704"}).json()["count_exact"] is True


@pytest.mark.django_db
def test_history_and_timeline_are_readable(world: World) -> None:
    services.operator_set_status(operator=world.op1, status="suspended", reason="整改", by=world.users["district_regulator"])
    page = world.client("district_regulator").get(f"/operators/{world.op1.pk}/").content.decode()
    assert "经营者停业" in page and "operator.suspended" not in page
    assert "联系电话" in page or "法定代表人" in page  # field labels, not column names


@pytest.mark.django_db
def test_unknown_url_gets_the_chinese_404_page(world: World) -> None:
    response = world.client("city_regulator").get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() or "不存在" in response.content.decode()
