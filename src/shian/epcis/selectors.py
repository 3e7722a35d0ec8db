"""Reads of the EPCIS repository: scoped event queries, capture jobs, and the event lists other
modules (trace back/forward, recall scope) build on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core.access import Principal
from shian.core.errors import NotFound
from shian.epcis import query, rules
from shian.epcis.models import Capture, EpcisEvent, EventIdentifier, event_id_q

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SCHEMA_VERSION = "2.0"


def events_visible(principal: Principal | None) -> QuerySet[EpcisEvent]:
    """The events the principal may see (401/403 first if it may see none)."""
    rules.require_view(principal)
    return rules.restrict(EpcisEvent.objects.all(), principal)


def event_query(principal: Principal | None, params: dict[str, list[str]]) -> tuple[list[EpcisEvent], str | None]:
    """One page of ``GET /epcis/events``: the principal's events matching the standard's parameters."""
    qs = events_visible(principal)
    return query.run(qs, query.parse(params))


def event_for(principal: Principal | None, event_id: str) -> EpcisEvent:
    """One event by its eventID, if the principal may see it (404 otherwise)."""
    event = events_visible(principal).filter(event_id_q([event_id])).first()
    if event is None:
        raise NotFound(_("No such event, or it is outside your view."))
    return event


def capture_for(principal: Principal | None, capture_id: Any) -> Capture:
    """A capture job of the principal's organisation (all of them for the city bureau and administrators)."""
    rules.require_capture(principal)
    assert principal is not None
    capture = Capture.objects.filter(pk=capture_id).first()
    if capture is None or (rules.view_scope(principal) != "all" and capture.created_by_org_id != principal.organisation_id):
        raise NotFound(_("No such capture job."))
    return capture


def events_for_identifiers(identifiers: Iterable[str], roles: Iterable[str] | None = None) -> QuerySet[EpcisEvent]:
    """Events naming any of ``identifiers`` (exactly) in any of ``roles`` (every role if ``None``),
    in event-time order. Not scoped: callers (trace, recall) apply their own access rules,
    for instance with :func:`shian.epcis.rules.restrict`."""
    edges = EventIdentifier.objects.filter(identifier__in=list(identifiers))
    if roles is not None:
        edges = edges.filter(role__in=list(roles))
    return EpcisEvent.objects.filter(pk__in=edges.values("event_id")).order_by("event_time", "id")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def as_epcis(event: EpcisEvent) -> dict[str, Any]:
    """The event as the repository returns it: as captured, with its ``eventID`` (assigned
    when it had none) and the repository's ``recordTime``."""
    return {**event.document, "eventID": event.event_id, "recordTime": _iso(event.record_time)}


def query_document(events: Iterable[EpcisEvent]) -> dict[str, Any]:
    """An EPCISQueryDocument (a ``SimpleEventQuery`` result) holding ``events``."""
    return {
        "@context": [CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": _iso(timezone.now()),
        "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": [as_epcis(e) for e in events]}}},
    }


def export_document(identifiers: Iterable[str], roles: Iterable[str] | None = None) -> dict[str, Any]:
    """An EPCISDocument of every event touching ``identifiers``, ready to capture elsewhere:
    capturing it into an empty repository reproduces the same events and trace edges."""
    events = events_for_identifiers(identifiers, roles)
    return {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": _iso(timezone.now()),
        "epcisBody": {"eventList": [as_epcis(e) for e in events.iterator(chunk_size=2000)]},
    }
