"""The service other modules call, the selectors, and the export → re-capture round trip."""

from __future__ import annotations

import pytest

from shian.core.errors import Invalid
from shian.epcis import selectors, services
from shian.epcis.models import Capture, EpcisEvent, EventIdentifier
from tests.conftest import World
from tests.epcis.conformance import example_files, load
from tests.epcis.conftest import post_json

pytestmark = pytest.mark.django_db


def _shipment(lot: str, to: str = "urn:epc:id:sgln:0614141.00777.0") -> dict:
    return {"type": "ObjectEvent", "eventTime": "2026-03-01T09:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
            "bizStep": "shipping", "disposition": "in_transit", "readPoint": {"id": "urn:epc:id:sgln:0614141.00001.0"},
            "quantityList": [{"epcClass": f"urn:epc:class:lgtin:0614141.107346.{lot}", "quantity": 12.5, "uom": "KGM"}],
            "destinationList": [{"type": "location", "destination": to}]}


def test_record_platform_events_stores_once_and_returns_one_row_per_input(world: World) -> None:
    admin = world.users["admin"]
    rows = services.record_platform_events([_shipment("L1"), _shipment("L2"), _shipment("L1")], operator=world.op2, by=admin)
    assert len(rows) == 3 and rows[0].pk == rows[2].pk != rows[1].pk
    assert EpcisEvent.objects.count() == 2
    assert {e.source for e in EpcisEvent.objects.all()} == {"platform"} and rows[1].operator_id == world.op2.pk
    again = services.record_platform_events([_shipment("L2")], operator=world.op2, by=admin)
    assert [e.pk for e in again] == [rows[1].pk] and EpcisEvent.objects.count() == 2
    edge = EventIdentifier.objects.get(identifier="urn:epc:class:lgtin:0614141.107346.L1")
    assert (edge.kind, edge.role, str(edge.quantity), edge.uom) == ("epc_class", "object", "12.500000", "KGM")
    assert Capture.objects.filter(source="platform", status="succeeded").count() == 2


def test_record_platform_events_refuses_invalid_events(world: World) -> None:
    with pytest.raises(Invalid) as exc:
        services.record_platform_events([_shipment("L1"), {**_shipment("L2"), "bizStep": "teleporting"}], operator=world.op1)
    assert exc.value.details == [{"index": 1, "field": "bizStep", "reason": exc.value.details[0]["reason"]}]
    assert EpcisEvent.objects.count() == 0


def test_events_for_identifiers_by_role(world: World, city) -> None:
    post_json(city, "/epcis/events", load(next(p for p in example_files() if p.name == "Example_9.6.4-TransformationEvent.jsonld")))
    post_json(city, "/epcis/events", load(next(p for p in example_files() if p.name == "Example_9.6.1-ObjectEvent.jsonld")))
    epc = "urn:epc:id:sgtin:4012345.077889.25"
    assert selectors.events_for_identifiers([epc]).count() == 1
    assert selectors.events_for_identifiers([epc], roles=["input"]).count() == 0
    assert selectors.events_for_identifiers(["urn:epc:id:sgtin:0614141.107346.2018"], roles=["object"]).count() == 2


def _edges(event_ids: set[str]) -> set[tuple]:
    return set(EventIdentifier.objects.filter(event__event_id__in=event_ids)
               .values_list("event__event_id", "identifier", "kind", "role", "quantity", "uom"))


def test_export_and_recapture_reproduces_the_trace(world: World, city) -> None:
    for path in example_files():
        post_json(city, "/epcis/events", load(path))
    identifiers = ["urn:epc:id:sgtin:0614141.107346.2018", "urn:epc:class:lgtin:4012345.012345.998877", "urn:epc:id:sgtin:4012345.011122.25"]
    exported = selectors.export_document(identifiers)
    event_ids = {e["eventID"] for e in exported["epcisBody"]["eventList"]}
    assert len(event_ids) >= 5
    before = _edges(event_ids)
    hashes = set(EpcisEvent.objects.filter(event_id__in=event_ids).values_list("event_id", "content_hash"))
    EpcisEvent.objects.all().delete()  # a fresh repository
    response = post_json(city, "/epcis/capture", exported)
    assert city.get(response["Location"]).json()["eventCount"] == len(event_ids)
    assert _edges(event_ids) == before
    assert set(EpcisEvent.objects.values_list("event_id", "content_hash")) == hashes
    again = selectors.export_document(identifiers)
    strip = lambda doc: [{k: v for k, v in e.items() if k != "recordTime"} for e in doc["epcisBody"]["eventList"]]  # noqa: E731
    assert strip(again) == strip(exported)
