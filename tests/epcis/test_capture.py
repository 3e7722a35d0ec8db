"""Capture through the REST binding: asynchronous jobs, synchronous events, all or nothing, idempotence, limits."""

from __future__ import annotations

import copy
import json

import pytest

from shian.core.models import AuditEntry
from shian.epcis.models import Capture, EpcisEvent, EventIdentifier
from tests.conftest import World
from tests.epcis.conformance import all_events, events_of, example_files, load, wrap
from tests.epcis.conftest import key_client, post_json

EXAMPLES = example_files()
pytestmark = pytest.mark.django_db


def _good_event(i: int = 0) -> dict:
    ev = copy.deepcopy(next(e for _n, _i, e in all_events() if e["type"] == "ObjectEvent"))
    ev.pop("eventID", None)
    ev["epcList"] = [f"urn:epc:id:sgtin:0614141.107346.{9000 + i}"]
    return ev


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_is_accepted_by_async_capture(world: World, city, path) -> None:
    doc = load(path)
    response = post_json(city, "/epcis/capture", doc)
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == f"/epcis/capture/{body['captureID']}"
    job = city.get(response["Location"]).json()
    assert job["running"] is False and job["success"] is True and job["errors"] == [], job
    assert job["eventCount"] + job["duplicateCount"] == len(events_of(doc))
    assert EpcisEvent.objects.count() == job["eventCount"] == len({e.get("eventID") or json.dumps(e, sort_keys=True) for e in events_of(doc)})


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_is_accepted_by_sync_events(world: World, city, path) -> None:
    doc = load(path)
    response = post_json(city, "/epcis/events", doc)
    assert response.status_code == 201, response.content
    assert response.json()["eventCount"] == EpcisEvent.objects.count() >= 1


def test_a_single_event_with_context_is_captured_synchronously(world: World, city) -> None:
    ev = {"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", **_good_event()}
    response = post_json(city, "/epcis/events", ev)
    assert response.status_code == 201, response.content
    event_id = response.json()["eventIDs"][0]
    assert event_id.startswith("ni:///sha-256;") and event_id.endswith("?ver=CBV2.0")
    stored = city.get(response["Location"]).json()
    assert stored["eventID"] == event_id and stored["epcList"] == ev["epcList"] and "recordTime" in stored


def test_all_examples_into_one_repository(world: World, city) -> None:
    """Examples reuse eventIDs (an error declaration repeats its event's ID): later ones are duplicates, with a warning if different."""
    total = stored = warned = 0
    for path in EXAMPLES:
        body = post_json(city, "/epcis/events", load(path)).json()
        total += len(events_of(load(path)))
        stored += body["eventCount"]
        warned += len(body["warnings"])
    assert EpcisEvent.objects.count() == stored < total
    assert warned >= 3


def test_invalid_event_gives_400_with_per_event_errors_and_stores_nothing(world: World, city) -> None:
    doc = wrap([_good_event(0), {**_good_event(1), "action": "observe"}, {**_good_event(2), "eventTime": "2024-13-01T00:00:00Z"}])
    response = post_json(city, "/epcis/events", doc)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "epcis_invalid" and body["field"] == "action"
    assert [(e["index"], e["field"]) for e in body["details"]] == [(1, "action"), (2, "eventTime")]
    assert EpcisEvent.objects.count() == 0 and EventIdentifier.objects.count() == 0


def test_async_capture_is_all_or_nothing(world: World, city) -> None:
    events = [_good_event(i) for i in range(5)]
    events[3]["epcList"] = "urn:epc:id:sgtin:0614141.107346.1"
    response = post_json(city, "/epcis/capture", wrap(events))
    assert response.status_code == 202
    job = city.get(response["Location"]).json()
    assert job["running"] is False and job["success"] is False and job["status"] == "failed"
    assert job["errors"] == [{"index": 3, "field": "epcList", "reason": job["errors"][0]["reason"]}]
    assert EpcisEvent.objects.count() == 0
    assert Capture.objects.get(pk=job["captureID"]).payload is None


def test_recapture_is_idempotent(world: World, city) -> None:
    doc = load(next(p for p in EXAMPLES if p.name == "Example_9.6.1-ObjectEvent.jsonld"))
    no_id = wrap([_good_event(7)])
    for _ in range(2):
        post_json(city, "/epcis/capture", doc)
        post_json(city, "/epcis/capture", no_id)
    assert EpcisEvent.objects.count() == 3
    again = post_json(city, "/epcis/events", doc)
    assert again.status_code == 200
    assert again.json()["duplicateCount"] == 2 and again.json()["eventCount"] == 0
    # the same content with the offset written differently and the EPCs reordered is the same event
    ev = _good_event(7)
    ev["eventTime"] = "2005-04-04T02:33:31.116Z"
    assert post_json(city, "/epcis/events", wrap([ev])).json()["duplicates"][0]["reason"] == "content"
    # repeated inside one document
    body = post_json(city, "/epcis/events", wrap([_good_event(8), _good_event(8)])).json()
    assert body["eventCount"] == 1 and body["duplicates"] == [{"index": 1, "eventID": body["eventIDs"][0], "reason": "content", "sameAs": 0}]


def test_one_audit_entry_per_capture(world: World, city) -> None:
    before = AuditEntry.objects.count()
    post_json(city, "/epcis/capture", wrap([_good_event(i) for i in range(50)]))
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [e.action for e in entries] == ["epcis.captured"]
    assert entries[0].data["events"] == 50 and len(entries[0].data["digest"]) == 64


def test_oversized_capture_is_413_naming_the_limit(world: World, city, settings) -> None:
    settings.SHIAN_EPCIS_MAX_BYTES = 2000
    response = post_json(city, "/epcis/capture", wrap([_good_event(i) for i in range(20)]))
    assert response.status_code == 413
    assert response.json()["code"] == "capture_too_large" and "2000" in response.json()["message"]
    assert response["GS1-EPCIS-Capture-File-Size-Limit"] == "2000"
    settings.SHIAN_EPCIS_MAX_BYTES = 20 * 1024 * 1024
    settings.SHIAN_EPCIS_MAX_EVENTS = 10
    for url in ("/epcis/capture", "/epcis/events"):
        response = post_json(city, url, wrap([_good_event(i) for i in range(11)]))
        assert response.status_code == 413 and response.json()["details"]["limit_events"] == 10
    assert EpcisEvent.objects.count() == 0 and Capture.objects.filter(status="running").count() == 0


@pytest.mark.parametrize(("data", "content_type", "status", "code"), [
    ("{not json", "application/json", 400, "malformed_body"),
    ('{"a": NaN}', "application/json", 400, "malformed_body"),
    ('{"a": 1e400}', "application/json", 400, "malformed_body"),
    ("[]", "application/json", 400, "epcis_not_document"),
    ('{"type": "ObjectEvent"}', "application/json", 400, "epcis_not_document"),
    ("{}", "text/plain", 415, "unsupported_media_type"),
])
def test_bad_capture_bodies(world: World, city, data, content_type, status, code) -> None:
    response = city.post("/epcis/capture", data=data, content_type=content_type)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and set(response.json()) >= {"code", "message", "field"}


def test_unstorable_text_is_a_per_event_error(world: World, city) -> None:
    ev = {**_good_event(), "example:note": "a\u0000b"}
    response = post_json(city, "/epcis/events", wrap([ev]))
    assert response.status_code == 400 and response.json()["details"][0]["index"] == 0
    long_epc = "urn:epc:id:sgtin:0614141.107346." + "9" * 1100
    response = post_json(city, "/epcis/events", wrap([{**_good_event(), "epcList": [long_epc]}]))
    assert response.status_code == 400 and response.json()["details"][0]["field"] == "epcList[0]"


def test_operator_and_recorder_are_set(world: World, op1_system, city) -> None:
    post_json(op1_system, "/epcis/events", wrap([_good_event(1)]))
    post_json(city, "/epcis/events", wrap([_good_event(2)]))
    mine, theirs = EpcisEvent.objects.order_by("id")
    assert mine.operator_id == world.op1.pk and mine.recorded_by.code == "OP-1" and mine.source == "capture"
    assert theirs.operator_id is None and theirs.recorded_by.code == "JM-SJ"


def test_capture_job_of_another_organisation_is_404(world: World, city, op1_system) -> None:
    location = post_json(op1_system, "/epcis/capture", wrap([_good_event()]))["Location"]
    assert op1_system.get(location).status_code == 200
    assert city.get(location).status_code == 200  # the city bureau sees every capture
    assert key_client("JM-PJ").get(location).status_code == 404
    assert op1_system.get("/epcis/capture/not-a-uuid").status_code == 404


def test_capture_restores_the_garbage_collector_and_dedups_against_stored_rows(world: World, city, monkeypatch) -> None:
    """Capture pauses Python's cyclic collector while it builds rows (a speed measure) and must leave it
    as it found it, after success and after a failure; stored events are found by ID and by content."""
    import gc

    assert gc.isenabled()
    first = post_json(city, "/epcis/events", wrap([_good_event(i) for i in range(3)])).json()
    assert first["eventCount"] == 3 and gc.isenabled()
    again = post_json(city, "/epcis/events", wrap([_good_event(i) for i in range(4)])).json()
    assert again["eventCount"] == 1 and {d["reason"] for d in again["duplicates"]} == {"content"} and gc.isenabled()
    assert EventIdentifier.objects.filter(event__in=EpcisEvent.objects.all()).count() == EventIdentifier.objects.count() == 4

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("shian.epcis.capture.extract", broken)
    with pytest.raises(RuntimeError):
        post_json(city, "/epcis/events", wrap([_good_event(9)]))
    assert gc.isenabled()


@pytest.fixture
def small_parts(monkeypatch):
    """Captures of more than 4 events go through the pipelined path (parts of 4)."""
    monkeypatch.setattr("shian.epcis.capture.PART", 4)


def test_pipelined_capture_stores_every_part_with_one_audit_entry(world: World, city, small_parts) -> None:
    before = AuditEntry.objects.count()
    events = [_good_event(i) for i in range(10)] + [_good_event(2)]  # a repeat of the first part, in the last part
    body = post_json(city, "/epcis/capture", wrap(events))
    job = city.get(body["Location"]).json()
    assert job["success"] is True
    assert EpcisEvent.objects.count() == 10 and EventIdentifier.objects.count() == 10
    capture = Capture.objects.get(pk=job["captureID"])
    assert (capture.event_count, capture.duplicate_count) == (10, 1)
    assert [e.action for e in AuditEntry.objects.order_by("id")[before:]] == ["epcis.captured"]
    again = post_json(city, "/epcis/events", wrap([_good_event(9 - i) for i in range(10)] + [_good_event(20), _good_event(20)])).json()
    assert again["eventCount"] == 1 and len(again["duplicates"]) == 11
    assert again["duplicates"][-1] == {"index": 11, "eventID": again["eventIDs"][0], "reason": "content", "sameAs": 10}


def test_pipelined_capture_reports_every_part_and_stores_nothing(world: World, city, small_parts) -> None:
    events = [_good_event(i) for i in range(12)]
    events[5]["action"] = "observe"  # the second part: the first part is written by then, and rolled back
    events[10]["eventTime"] = "2024-13-01T00:00:00Z"  # the third part is checked all the same
    response = post_json(city, "/epcis/events", wrap(events))
    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["details"]] == [(5, "action"), (10, "eventTime")]
    assert EpcisEvent.objects.count() == 0 and EventIdentifier.objects.count() == 0
    assert not AuditEntry.objects.filter(action="epcis.captured", data__events__gt=0).exists()


def test_pipelined_capture_checks_in_the_request_language(world: World, city, small_parts) -> None:
    events = [_good_event(i) for i in range(6)]
    events[5]["action"] = "observe"
    zh = post_json(city, "/epcis/events", wrap(events)).json()["details"][0]["reason"]
    en = city.post("/epcis/events", data=json.dumps(wrap(events)), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert zh != en["details"][0]["reason"] and any("\u4e00" <= c <= "\u9fff" for c in zh)


def test_pipelined_capture_retries_whole_after_a_race(world: World, city, small_parts, monkeypatch) -> None:
    """A unique-constraint race in the second part rolls the first back; the retry writes all parts at once."""
    from django.db import IntegrityError

    from shian.epcis import capture as capture_module

    real = capture_module._insert
    calls = []

    def racing(fresh):
        calls.append(len(fresh))
        if len(calls) == 2:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(fresh)

    monkeypatch.setattr(capture_module, "_insert", racing)
    body = post_json(city, "/epcis/events", wrap([_good_event(i) for i in range(10)])).json()
    assert body["eventCount"] == 10 and calls == [4, 4, 10]
    assert EpcisEvent.objects.count() == 10 and EventIdentifier.objects.count() == 10


def _assigned_id(ev: dict) -> str:
    from shian.epcis.extract import extract
    from shian.epcis.models import assigned_event_id

    x = extract({"@context": wrap([ev])["@context"], **ev})
    assert x.event is not None
    return assigned_event_id(x.event.content_hash)


def test_a_declared_id_equal_to_an_assigned_one_is_a_duplicate_either_way(world: World, city) -> None:
    """Only declared IDs are indexed. An event without an eventID still finds a stored event that declared the very
    ID the repository would assign it, and an event declaring an assigned ID finds the event stored under it: both are
    duplicates with a warning (other content), so an eventID names one event."""
    plain, squatter = _good_event(40), {**_good_event(41), "eventID": _assigned_id(_good_event(40))}
    assert post_json(city, "/epcis/events", wrap([squatter])).json()["eventCount"] == 1
    body = post_json(city, "/epcis/events", wrap([plain])).json()
    assert body["eventCount"] == 0 and body["duplicates"] == [{"index": 0, "eventID": _assigned_id(plain), "reason": "content"}]
    assert len(body["warnings"]) == 1

    stored = _good_event(42)
    assert post_json(city, "/epcis/events", wrap([stored])).json()["eventCount"] == 1
    assert EpcisEvent.objects.get(event_id=_assigned_id(stored)).assigned_id
    claimant = {**_good_event(43), "eventID": _assigned_id(stored)}
    body = post_json(city, "/epcis/events", wrap([claimant])).json()
    assert body["eventCount"] == 0 and body["duplicates"] == [{"index": 0, "eventID": _assigned_id(stored), "reason": "eventID"}]
    assert len(body["warnings"]) == 1 and EpcisEvent.objects.count() == 2
    assert not EpcisEvent.objects.get(event_id=_assigned_id(plain)).assigned_id  # the squatter declared it


def test_migration_marks_existing_assigned_ids(world: World, city) -> None:
    """Events stored before the flag existed: an ID of the assigned form for the event's own content is assigned."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shian.epcis.migrations.0003_declared_ids_indexed")
    own = _good_event(50)
    declared = {**_good_event(51), "eventID": "urn:uuid:6d3e0c1e-5a43-4c3e-9f45-0f8a1c1f7b51"}
    assert post_json(city, "/epcis/events", wrap([own, declared])).json()["eventCount"] == 2
    EpcisEvent.objects.update(assigned_id=False)
    migration.mark_assigned(apps, None)
    assert dict(EpcisEvent.objects.values_list("event_id", "assigned_id")) == {_assigned_id(own): True, declared["eventID"]: False}
