"""Who sees which samples, cases and rapid tests: labs their own, operators their own, districts their district,
stations their street. (Every route and persona is in tests/core/test_access_matrix.py; these check the lists.)"""

from __future__ import annotations

from datetime import date

import pytest

from shian.accounts import services as accounts
from shian.accounts.models import Organisation
from shian.core.access import Role
from shian.sampling import rapid
from tests.conftest import PASSWORD
from tests.sampling.conftest import Labs

pytestmark = pytest.mark.django_db


def _numbers(client, url: str = "/api/v1/sampling/samples") -> set[str]:  # type: ignore[no-untyped-def]
    return {s["number"] for s in client.get(url).json()["items"]}


def test_sample_lists_are_scoped(labs: Labs) -> None:
    w = labs.world
    op1 = labs.take(w.op1, number="S-OP1")
    op2 = labs.take(w.op2, number="S-OP2", lab=labs.lab2)
    op3 = labs.take(w.op3, number="S-OP3")
    expected = {
        "city_regulator": {"S-OP1", "S-OP2", "S-OP3"}, "district_regulator": {"S-OP1", "S-OP2"}, "other_district_regulator": {"S-OP3"},
        "station_officer": {"S-OP1", "S-OP2"}, "inspector": {"S-OP1", "S-OP2"}, "operator_user": {"S-OP1"}, "other_operator_user": {"S-OP3"},
        "lab_user": {"S-OP1", "S-OP3"}, "admin": {"S-OP1", "S-OP2", "S-OP3"},
    }
    for persona, numbers in expected.items():
        client = w.client(persona)
        assert _numbers(client) == numbers, persona
        page = client.get("/sampling/").content.decode()
        assert {n for n in ("S-OP1", "S-OP2", "S-OP3") if n in page} == numbers, persona
    lab2 = w.client(None)
    lab2.force_login(labs.users["lab-2"])
    assert _numbers(lab2) == {"S-OP2"}
    assert lab2.get(f"/sampling/{op1.pk}/").status_code == 404 and lab2.get(f"/sampling/{op2.pk}/").status_code == 200
    assert w.client("cdc_user").get("/api/v1/sampling/samples").status_code == 403
    assert w.client("other_operator_user").get(f"/sampling/{op1.pk}/").status_code == 404
    assert w.client("operator_user").get(f"/sampling/{op3.pk}/").status_code == 404


def test_retest_lab_sees_the_sample_drawn_to_it_and_the_first_lab_keeps_its_view(labs: Labs) -> None:
    from shian.sampling import services

    w = labs.world
    sample = labs.failed(w.op1)
    retest = services.retest_request(sample=sample, requested_on=date(2026, 3, 11))
    drawn, other = (labs.users["lab-2"], labs.users["lab-3"]) if retest.lab.code == "LAB-2" else (labs.users["lab-3"], labs.users["lab-2"])
    seen, unseen = w.client(None), w.client(None)
    seen.force_login(drawn)
    unseen.force_login(other)
    assert seen.get(f"/api/v1/sampling/samples/{sample.pk}").status_code == 200
    assert unseen.get(f"/api/v1/sampling/samples/{sample.pk}").status_code == 404
    assert w.client("lab_user").get(f"/api/v1/sampling/samples/{sample.pk}").status_code == 200
    # Laboratories see the testing, never the notifications or the disposal case.
    assert w.client("lab_user").get(f"/api/v1/sampling/samples/{sample.pk}").json()["notifications"] == []
    assert w.client("lab_user").get("/api/v1/sampling/disposals").json() == []
    assert seen.get(f"/api/v1/sampling/disposals/{sample.disposal.pk}").status_code == 404


def test_disposal_and_deadline_lists_are_scoped(labs: Labs) -> None:
    w = labs.world
    labs.failed(w.op1, number="F-OP1")
    labs.failed(w.op3, number="F-OP3")
    for persona, numbers in {"district_regulator": {"F-OP1"}, "other_district_regulator": {"F-OP3"}, "operator_user": {"F-OP1"},
                             "other_operator_user": {"F-OP3"}, "city_regulator": {"F-OP1", "F-OP3"}}.items():
        cases = w.client(persona).get("/api/v1/sampling/disposals").json()
        assert {c["sample_number"] for c in cases} == numbers, persona


def test_rapid_tests_are_scoped_to_the_street(labs: Labs) -> None:
    w = labs.world
    s1_station = Organisation.objects.get(code="ST-440703001")
    s2_station = accounts.organisation_create(code="ST-440704001", name="外海市场监管所", kind=Organisation.Kind.STATION, jurisdiction=w.s2)
    s2_officer = accounts.user_create(username="s2_officer", password=PASSWORD, role=Role.STATION_OFFICER, organisation=s2_station)
    mine = rapid.rapid_test_record(station=s1_station, tested_on=date(2026, 3, 3), item="甲醛", product_name="鱿鱼", result="negative", operator=w.op1)
    theirs = rapid.rapid_test_record(station=s2_station, tested_on=date(2026, 3, 3), item="甲醛", product_name="鱿鱼", result="positive",
                                     operator=w.op3)
    for persona, ids in {"station_officer": {mine.pk}, "district_regulator": {mine.pk}, "other_district_regulator": {theirs.pk},
                         "operator_user": {mine.pk}, "other_operator_user": {theirs.pk}, "city_regulator": {mine.pk, theirs.pk}}.items():
        assert {t["id"] for t in w.client(persona).get("/api/v1/sampling/rapid-tests").json()} == ids, persona
    other = w.client(None)
    other.force_login(s2_officer)
    assert other.get(f"/sampling/rapid/{mine.pk}/").status_code == 404
    # A station records only for operators of its street.
    r = other.post("/api/v1/sampling/rapid-tests", data={"tested_on": "2026-03-04", "item": "甲醛", "product_name": "x", "result": "negative",
                                                         "operator_id": w.op1.pk}, content_type="application/json")
    assert r.status_code == 404
    assert w.client("lab_user").get("/api/v1/sampling/rapid-tests").status_code == 403


def test_residents_see_only_their_own_requests(labs: Labs) -> None:
    w = labs.world
    mine = rapid.request_submit(by=w.users["public_user"], street=w.s1, product_name="豆芽", bought_at="环市市场", bought_on=date(2026, 3, 3), items="甲醛")
    neighbour = accounts.user_create(username="neighbour", password=PASSWORD, role=Role.PUBLIC, organisation=None)
    theirs = rapid.request_submit(by=neighbour, street=w.s2, product_name="米粉", bought_at="外海市场", bought_on=date(2026, 3, 3), items="硼砂")
    assert {r["id"] for r in w.client("public_user").get("/api/v1/sampling/requests").json()} == {mine.pk}
    assert w.client("public_user").get(f"/sampling/requests/{theirs.pk}/").status_code == 404
    assert {r["id"] for r in w.client("district_regulator").get("/api/v1/sampling/requests").json()} == {mine.pk}
    assert {r["id"] for r in w.client("other_district_regulator").get("/api/v1/sampling/requests").json()} == {theirs.pk}


def test_dossier_section_only_for_those_who_see_the_samples(labs: Labs) -> None:
    w = labs.world
    labs.failed(w.op1)
    data = w.client("district_regulator").get(f"/api/v1/operators/{w.op1.pk}").json()
    section = next(s for s in data["sections"] if s["key"] == "sampling")
    assert section["data"]["nonconforming"] == 1 and section["data"]["open_disposals"] == 1
    assert {"sample", "sample_nonconforming"} <= {e["kind"] for e in data["timeline"]}
    history = next(s for s in data["sections"] if s["key"] == "history")["data"]
    assert {"sample.taken", "sample.result_posted", "sample.nonconforming", "disposal.opened"} <= {e["action"] for e in history}
    op = w.client("operator_user").get(f"/api/v1/operators/{w.op1.pk}").json()
    assert any(s["key"] == "sampling" for s in op["sections"])
    cdc = w.client("cdc_user").get(f"/api/v1/operators/{w.op1.pk}").json()
    assert all(s["key"] != "sampling" for s in cdc["sections"])
