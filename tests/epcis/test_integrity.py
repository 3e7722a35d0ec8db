"""Tamper evidence: an edited stored event, edge or hash is found and named."""

from __future__ import annotations

import pytest

from shian.epcis.integrity import verify_events
from shian.epcis.models import EpcisEvent, EventIdentifier
from tests.conftest import World
from tests.epcis.conformance import example_files, load
from tests.epcis.conftest import post_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured(world: World, city) -> list[EpcisEvent]:
    for path in example_files()[:12]:
        post_json(city, "/epcis/capture", load(path))
    return list(EpcisEvent.objects.order_by("id"))


def test_a_clean_repository_verifies(captured) -> None:
    checked, problems = verify_events(chunk=5)
    assert checked == len(captured) and problems == []


def test_an_edited_document_is_detected_and_named(captured) -> None:
    victim = captured[3]
    doc = dict(victim.document)
    doc["eventTime"] = "2001-01-01T00:00:00Z"
    EpcisEvent.objects.filter(pk=victim.pk).update(document=doc)  # an edit behind the platform's back
    _checked, problems = verify_events()
    assert [p.event_id for p in problems if p.event_id] == [victim.event_id]
    assert "edited" in str(problems[0])


def test_a_flipped_assigned_flag_is_detected(captured) -> None:
    victim = next(e for e in captured if not e.assigned_id)
    EpcisEvent.objects.filter(pk=victim.pk).update(assigned_id=True)
    _checked, problems = verify_events()
    assert [p.event_id for p in problems] == [victim.event_id] and "assigned_id" in problems[0].reason


def test_a_rewritten_hash_is_caught_by_the_audited_digest(captured) -> None:
    from shian.epcis.extract import content_hash

    victim = captured[2]
    doc = {**victim.document, "bizStep": "destroying"}
    EpcisEvent.objects.filter(pk=victim.pk).update(document=doc, content_hash=content_hash(doc), biz_step="destroying")
    _checked, problems = verify_events()
    assert [p.capture_id for p in problems] == [str(victim.capture_id)]


def test_an_edited_edge_or_a_deleted_event_is_detected(captured) -> None:
    edge = EventIdentifier.objects.order_by("id").first()
    assert edge is not None
    EventIdentifier.objects.filter(pk=edge.pk).update(identifier="urn:epc:id:sgtin:0000000.000000.0")
    _checked, problems = verify_events()
    assert any(p.event_id == edge.event.event_id and "identifier" in p.reason for p in problems)
    EventIdentifier.objects.filter(pk=edge.pk).update(identifier=edge.identifier)
    gone = captured[-1]
    EpcisEvent.objects.filter(pk=gone.pk).delete()
    _checked, problems = verify_events()
    assert [p.capture_id for p in problems] == [str(gone.capture_id)]
