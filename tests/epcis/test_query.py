"""GET /epcis/events: the standard's parameters, paging, the query document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote, urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shian.epcis.models import EpcisEvent
from shian.epcis.validator import validate_body
from tests.conftest import World
from tests.epcis.conformance import example_files, load
from tests.epcis.conftest import post_json

pytestmark = pytest.mark.django_db
EPC_FIELDS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
Q_FIELDS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


@pytest.fixture
def repo(world: World, city) -> dict[str, dict[str, Any]]:
    """Every example captured; returns eventID -> stored document (the oracle's data)."""
    for path in example_files():
        assert post_json(city, "/epcis/events", load(path)).status_code in (200, 201)
    return {e.event_id: e.document for e in EpcisEvent.objects.all()}


def _ids(client, params: dict[str, str]) -> set[str]:
    response = client.get("/epcis/events?" + urlencode({**params, "perPage": 1000}))
    assert response.status_code == 200, response.content
    return {e["eventID"] for e in response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]}


def _classes(ev: dict[str, Any], fields=Q_FIELDS) -> set[str]:
    return {q["epcClass"] for f in fields for q in ev.get(f, [])}


CASES: list[tuple[dict[str, str], Callable[[dict[str, Any]], bool]]] = [
    ({"MATCH_epc": "urn:epc:id:sgtin:0614141.107346.2018"},
     lambda e: "urn:epc:id:sgtin:0614141.107346.2018" in e.get("epcList", []) + e.get("childEPCs", [])),
    ({"MATCH_epc": "urn:epc:idpat:sgtin:0614141.107346.*"},
     lambda e: any(x.startswith("urn:epc:id:sgtin:0614141.107346.") for x in e.get("epcList", []) + e.get("childEPCs", []))),
    ({"MATCH_anyEPC": "urn:epc:id:sgtin:4012345.011122.25|urn:epc:id:sscc:0614141.1234567890"},
     lambda e: bool({"urn:epc:id:sgtin:4012345.011122.25", "urn:epc:id:sscc:0614141.1234567890"}
                    & {*(x for f in EPC_FIELDS for x in e.get(f, [])), e.get("parentID")})),
    ({"MATCH_inputEPC": "urn:epc:id:sgtin:4012345.011122.25"}, lambda e: "urn:epc:id:sgtin:4012345.011122.25" in e.get("inputEPCList", [])),
    ({"MATCH_outputEPC": "urn:epc:id:sgtin:4012345.077889.25"}, lambda e: "urn:epc:id:sgtin:4012345.077889.25" in e.get("outputEPCList", [])),
    ({"MATCH_anyEPCClass": "urn:epc:class:lgtin:4012345.012345.998877"},
     lambda e: "urn:epc:class:lgtin:4012345.012345.998877" in _classes(e)),
    ({"MATCH_epcClass": "urn:epc:class:lgtin:4012345.012345.998877"},
     lambda e: "urn:epc:class:lgtin:4012345.012345.998877" in _classes(e, ("quantityList", "childQuantityList"))),
    ({"MATCH_inputEPCClass": "urn:epc:class:lgtin:4012345.011111.4444"},
     lambda e: "urn:epc:class:lgtin:4012345.011111.4444" in _classes(e, ("inputQuantityList",))),
    ({"MATCH_outputEPCClass": "urn:epc:idpat:sgtin:4012345.044444.*"},
     lambda e: "urn:epc:idpat:sgtin:4012345.044444.*" in _classes(e, ("outputQuantityList",))),
    ({"EQ_bizStep": "shipping"}, lambda e: e.get("bizStep") == "shipping"),
    ({"EQ_bizStep": "receiving,shipping"}, lambda e: e.get("bizStep") in ("shipping", "receiving")),
    ({"EQ_bizStep": "urn:epcglobal:cbv:bizstep:receiving"}, lambda e: e.get("bizStep") == "receiving"),
    ({"EQ_disposition": "in_transit"}, lambda e: e.get("disposition") == "in_transit"),
    ({"EQ_action": "ADD|DELETE"}, lambda e: e.get("action") in ("ADD", "DELETE")),
    ({"eventType": "TransformationEvent|AssociationEvent"}, lambda e: e["type"] in ("TransformationEvent", "AssociationEvent")),
    ({"EQ_readPoint": "urn:epc:id:sgln:0012345.11111.400"}, lambda e: e.get("readPoint", {}).get("id") == "urn:epc:id:sgln:0012345.11111.400"),
    ({"EQ_bizLocation": "urn:epc:id:sgln:0012345.11111.0"}, lambda e: e.get("bizLocation", {}).get("id") == "urn:epc:id:sgln:0012345.11111.0"),
    ({"GE_eventTime": "2005-04-04T00:00:00Z", "LT_eventTime": "2014-01-01T00:00:00+08:00"},
     lambda e: "2005-04-04T00:00:00" <= _utc(e["eventTime"]) < "2013-12-31T16:00:00"),
    ({"EQ_bizTransaction_po": "http://transaction.acme.com/po/12345678"},
     lambda e: {"type": "po", "bizTransaction": "http://transaction.acme.com/po/12345678"} in e.get("bizTransactionList", [])),
    ({"EQ_source_location": "urn:epc:id:sgln:4012345.00225.0"},
     lambda e: {"type": "location", "source": "urn:epc:id:sgln:4012345.00225.0"} in e.get("sourceList", [])),
    ({"EQ_destination_owning_party": "urn:epc:id:pgln:0614141.00777"},
     lambda e: {"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00777"} in e.get("destinationList", [])),
    ({"MATCH_epc": "urn:epc:id:sgtin:0614141.107346.2018", "EQ_bizStep": "receiving"},
     lambda e: "urn:epc:id:sgtin:0614141.107346.2018" in e.get("epcList", []) + e.get("childEPCs", []) and e.get("bizStep") == "receiving"),
]


def _utc(text: str) -> str:
    from shian.epcis.formats import parse_time

    when = parse_time(text)
    assert when is not None
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")


@pytest.mark.parametrize(("params", "predicate"), CASES, ids=[urlencode(c[0])[:60] for c in CASES])
def test_query_parameters_match_an_independent_oracle(repo, city, params, predicate) -> None:
    expected = {i for i, doc in repo.items() if predicate(doc)}
    assert expected, "the case must select something"
    assert expected != set(repo), "the case must leave something out"
    assert _ids(city, params) == expected


def test_event_id_and_record_time(repo, city) -> None:
    some = sorted(repo)[:2]
    assert _ids(city, {"EQ_eventID": "|".join(some)}) == set(some)
    assert _ids(city, {"eventID": some[0]}) == {some[0]}
    assert _ids(city, {"GE_recordTime": "2000-01-01T00:00:00Z"}) == set(repo)
    assert _ids(city, {"LT_recordTime": "2000-01-01T00:00:00Z"}) == set()


def test_assigned_and_declared_ids_are_found(repo, city) -> None:
    """An assigned ID (not indexed as such) is found through the content hash it names, with declared ones."""
    assigned = sorted(i for i in repo if i.startswith("ni:///sha-256;"))
    declared = sorted(i for i in repo if not i.startswith("ni:///sha-256;"))
    assert assigned and declared
    assert _ids(city, {"EQ_eventID": f"{assigned[0]}|{declared[0]}"}) == {assigned[0], declared[0]}
    response = city.get(f"/epcis/events/{quote(assigned[0], safe=':/;')}")  # "?ver=CBV2.0" is part of the ID
    assert response.status_code == 200 and response.json()["eventID"] == assigned[0]
    assert city.get(f"/epcis/events/ni:///sha-256;{'0' * 64}%3Fver=CBV2.0").status_code == 404


def test_response_is_a_valid_query_document(repo, city) -> None:
    response = city.get("/epcis/events?perPage=1000")
    doc = response.json()
    assert response["GS1-EPCIS-Version"] == "2.0.0"
    assert doc["type"] == "EPCISQueryDocument" and doc["@context"]
    assert validate_body(doc).ok, validate_body(doc).errors
    events = doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert len(events) == len(repo) and all("recordTime" in e and "eventID" in e for e in events)


def test_paging_across_three_pages(repo, city) -> None:
    assert len(repo) > 40
    seen: list[str] = []
    url = "/epcis/events?perPage=20&EQ_action=ADD|OBSERVE|DELETE"
    pages = 0
    while url:
        response = city.get(url)
        assert response.status_code == 200, response.content
        pages += 1
        seen += [e["eventID"] for e in response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]
        link = response.headers.get("Link")
        if link is None:
            assert "GS1-Next-Page-Token" not in response.headers
            break
        assert link.endswith('>; rel="next"')
        url = link[1:link.index(">")]
        assert response["GS1-Next-Page-Token"] in unquote(url)
    with_action = {i for i, d in repo.items() if "action" in d}
    assert pages == -(-len(with_action) // 20) >= 3
    assert len(seen) == len(set(seen)) and set(seen) == with_action


def test_tampered_or_foreign_page_token_is_400(repo, city) -> None:
    token = city.get("/epcis/events?perPage=5")["GS1-Next-Page-Token"]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" + token, "garbage"):
        response = city.get("/epcis/events?" + urlencode({"perPage": 5, "nextPageToken": bad}))
        assert response.status_code == 400 and response.json()["code"] == "query_parameter" and response.json()["field"] == "nextPageToken"
    other = city.get("/epcis/events?" + urlencode({"perPage": 5, "nextPageToken": token, "EQ_bizStep": "shipping"}))
    assert other.status_code == 400


@pytest.mark.parametrize("query", ["foo=1", "EQ_action=observe", "GE_eventTime=yesterday", "perPage=0", "perPage=1001", "perPage=x",
                                   "MATCH_epc=urn:epc:idpat:sgtin:*.107346.1", "EQ_bizTransaction_=x", "EQ_bizStep="])
def test_bad_parameters_are_400(repo, city, query: str) -> None:
    response = city.get(f"/epcis/events?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "query_parameter" and response.json()["field"]


def test_default_page_size_is_30(repo, city) -> None:
    events = city.get("/epcis/events").json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert len(events) == 30


def test_admin_finds_an_event_by_either_form_of_id(repo, world: World) -> None:
    admin = world.client("admin")
    assigned = next(i for i in repo if i.startswith("ni:///sha-256;"))
    declared = next(i for i in repo if not i.startswith("ni:///sha-256;"))
    for event_id in (assigned, declared):
        with CaptureQueriesContext(connection) as queries:
            page = admin.get("/admin/epcis/epcisevent/", {"q": event_id}).content.decode()
        assert '<p class="paginator">\n\n1 EPCIS事件' in page, event_id
        assert any('content_hash" IN' in q["sql"] for q in queries) is (event_id == assigned)  # the assigned form by its hash
    assert admin.get("/admin/epcis/epcisevent/", {"q": "urn:uuid:no-such-event"}).status_code == 200
