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


def test_rows_left_by_an_event_deleted_outside_the_platform_are_reported(captured) -> None:
    """The derived tables have no database foreign key; an event deleted behind the platform's back leaves rows
    that the verifier names (besides the capture digest that no longer matches)."""
    from django.db import connection

    victim = next(e for e in captured if e.identifiers.exists() and e.sources_destinations.exists())
    with connection.cursor() as cur:
        cur.execute("DELETE FROM epcis_epcisevent WHERE id = %s", [victim.pk])
    _checked, problems = verify_events()
    orphaned = [str(p) for p in problems if p.capture_id is None and p.event_id is None]
    assert len(orphaned) >= 2 and all(f"event keys {victim.pk}" in p for p in orphaned)
    assert any(t in orphaned[0] for t in ("epcis_eventidentifier", "epcis_eventtransaction", "epcis_sourcedest"))
    assert [p.capture_id for p in problems if p.capture_id] == [str(victim.capture_id)]


def test_verify_command_reports_intact_then_tampered(captured) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("epcis", "verify", stdout=out)
    assert f"已校验 {len(captured)} 个事件" in out.getvalue()
    EpcisEvent.objects.filter(pk=captured[0].pk).update(document={**captured[0].document, "bizStep": "destroying"})
    err = StringIO()
    with pytest.raises(CommandError, match="EPCIS 事件校验失败"):
        call_command("epcis", "verify", stderr=err)
    assert captured[0].event_id in err.getvalue()
