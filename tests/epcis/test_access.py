"""Who may capture and who sees which events, for every persona and by API key."""

from __future__ import annotations

import copy

import pytest

from shian.accounts.models import Organisation
from shian.accounts.services import organisation_create
from shian.epcis import services
from shian.epcis.models import EpcisEvent
from tests.conftest import World
from tests.epcis.conformance import all_events, wrap
from tests.epcis.conftest import key_client, post_json

pytestmark = pytest.mark.django_db
CAPTURERS = {"city_regulator", "district_regulator", "other_district_regulator", "station_officer", "operator_user", "other_operator_user", "admin"}
PERSONAS = ["city_regulator", "district_regulator", "other_district_regulator", "station_officer", "inspector", "operator_user",
            "other_operator_user", "lab_user", "cdc_user", "public_user", "admin"]


def _event(n: int) -> dict:
    ev = copy.deepcopy(next(e for _n, _i, e in all_events() if e["type"] == "ObjectEvent"))
    ev.pop("eventID", None)
    ev["epcList"] = [f"urn:epc:id:sgtin:0614141.107346.{n}"]
    return ev


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_who_may_capture(world: World, persona: str | None) -> None:
    client = world.client(persona)
    doc = wrap([_event(1)])
    expected = 401 if persona is None else 201 if persona in CAPTURERS else 403
    for url, ok in (("/epcis/events", expected), ("/epcis/capture", 202 if expected == 201 else expected)):
        response = post_json(client, url, doc)
        assert response.status_code == ok, (url, response.content)
        if ok >= 400:
            assert set(response.json()) >= {"code", "message", "field"}


def test_lab_key_may_not_capture_and_platform_key_may(world: World) -> None:
    assert post_json(key_client("LAB-1"), "/epcis/capture", wrap([_event(1)])).status_code == 403
    assert post_json(key_client("CDC-JM"), "/epcis/events", wrap([_event(1)])).status_code == 403
    organisation_create(code="SZ-TRACE", name="深圳市追溯平台", kind=Organisation.Kind.PLATFORM, jurisdiction=None)
    other_city = key_client("SZ-TRACE")
    assert post_json(other_city, "/epcis/capture", wrap([_event(2)])).status_code == 202
    events = other_city.get("/epcis/events").json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["epcList"] for e in events] == [["urn:epc:id:sgtin:0614141.107346.2"]]


def test_other_city_reads_this_citys_events_about_goods_it_handled(world: World) -> None:
    """Goods shipped to another city: its system captures their arrival and then reads this city's history of them."""
    services.record_platform_events([_event(7), _event(8)], operator=world.op2, by=None)
    organisation_create(code="FS-TRACE", name="佛山市追溯平台", kind=Organisation.Kind.PLATFORM, jurisdiction=None)
    other_city = key_client("FS-TRACE")
    assert other_city.get("/epcis/events").json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []
    arrival = {**_event(7), "eventTime": "2026-06-01T08:00:00+08:00"}
    assert post_json(other_city, "/epcis/events", wrap([arrival])).status_code == 201
    events = other_city.get("/epcis/events").json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert sorted(e["epcList"][0] for e in events) == ["urn:epc:id:sgtin:0614141.107346.7"] * 2  # ours and its own; not lot 8


def test_anonymous_and_bad_keys_are_401(world: World) -> None:
    from django.test import Client

    for client in (Client(), Client(HTTP_AUTHORIZATION="Bearer shk_wrong")):
        for response in (client.get("/epcis/events"), post_json(client, "/epcis/capture", wrap([_event(1)]))):
            assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


@pytest.fixture
def scoped(world: World) -> dict[str, str]:
    """Events recorded by op1's system, by op3's system, by the city bureau, and by the platform for op2."""
    post_json(key_client("OP-1"), "/epcis/events", wrap([_event(1)]))
    post_json(key_client("OP-3"), "/epcis/events", wrap([_event(3)]))
    post_json(key_client("JM-SJ"), "/epcis/events", wrap([_event(9)]))
    services.record_platform_events([_event(2)], operator=world.op2, by=None)
    return {e.document["epcList"][0].rsplit(".", 1)[1]: e.event_id for e in EpcisEvent.objects.all()}


@pytest.mark.parametrize(("persona", "visible"), [
    ("city_regulator", {"1", "2", "3", "9"}),
    ("admin", {"1", "2", "3", "9"}),
    ("district_regulator", {"1", "2"}),
    ("station_officer", {"1", "2"}),
    ("inspector", {"1", "2"}),
    ("other_district_regulator", {"3"}),
    ("cdc_user", {"1", "2", "3"}),
    ("operator_user", {"1"}),
    ("other_operator_user", {"3"}),
])
def test_query_is_scoped(world: World, scoped, persona: str, visible: set[str]) -> None:
    client = world.client(persona)
    events = client.get("/epcis/events").json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert {e["epcList"][0].rsplit(".", 1)[1] for e in events} == visible
    hidden = set(scoped) - visible
    for n in hidden:
        assert client.get(f"/epcis/events/{scoped[n]}").status_code == 404


@pytest.mark.parametrize("persona", ["lab_user", "public_user"])
def test_lab_and_public_may_not_query(world: World, scoped, persona: str) -> None:
    assert world.client(persona).get("/epcis/events").status_code == 403


def test_district_key_sees_its_district_and_own_captures(world: World, scoped) -> None:
    district = key_client("JM-PJ")
    post_json(district, "/epcis/events", wrap([_event(5)]))  # no operator: visible as the district's own record
    events = district.get("/epcis/events").json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert {e["epcList"][0].rsplit(".", 1)[1] for e in events} == {"1", "2", "5"}
    assert {e["epcList"][0].rsplit(".", 1)[1] for e in key_client("JM-JH").get("/epcis/events").json()["epcisBody"]["queryResults"]
            ["resultsBody"]["eventList"]} == {"3"}
