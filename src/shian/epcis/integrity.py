"""Tamper evidence for stored events.

Everything about an event is derived from its ``document``: the content hash, the event ID
when it had none, the query columns and the trace-graph rows. :func:`verify_events` recomputes
them in chunks and names each event whose stored values no longer match; then it recomputes each
capture's digest from its events' hashes and compares it with the digest in the capture's
``epcis.captured`` audit entry, which the audit hash chain protects. So an edited document, an
edited edge, a hash rewritten to match an edited document, and a deleted event are all found;
so are derived rows left behind by an event deleted outside the platform (those tables have no
database foreign key: see :mod:`shian.epcis.models`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef

from shian.core.models import AuditEntry
from shian.epcis.capture import digest_of
from shian.epcis.extract import extract
from shian.epcis.models import EpcisEvent, EventIdentifier, EventTransaction, SourceDest

_COLUMNS = ("event_id", "assigned_id", "event_type", "event_time", "event_time_zone_offset", "action", "biz_step", "disposition", "read_point", "biz_location")


@dataclass
class Problem:
    """One mismatch, naming the event (its eventID) or the capture."""

    event_id: str | None
    reason: str
    capture_id: str | None = None

    def __str__(self) -> str:
        if self.event_id:
            return f"event {self.event_id}: {self.reason}"
        return f"capture {self.capture_id}: {self.reason}" if self.capture_id else self.reason


def _rows(model: type[Any], ids: list[int], fields: tuple[str, ...]) -> dict[int, list[tuple[Any, ...]]]:
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in model.objects.filter(event_id__in=ids).values_list("event_id", *fields):
        out[row[0]].append(tuple(row[1:]))
    return out


def _check_chunk(batch: list[EpcisEvent], problems: list[Problem]) -> None:
    ids = [e.pk for e in batch]
    idents = _rows(EventIdentifier, ids, ("identifier", "kind", "role", "quantity", "uom"))
    txs = _rows(EventTransaction, ids, ("type", "value"))
    sds = _rows(SourceDest, ids, ("kind", "type", "value"))
    for e in batch:
        doc = e.document
        if not isinstance(doc, dict) or "eventTime" not in doc or "type" not in doc:
            problems.append(Problem(e.event_id, "the stored document is not an event"))
            continue
        x = extract(doc, record_time=e.record_time)
        if x.event is None:
            problems.append(Problem(e.event_id, "the stored document can no longer be read"))
            continue
        if x.event.content_hash != e.content_hash:
            problems.append(Problem(e.event_id, "the document does not match its content hash: it was edited"))
            continue
        changed = [c for c in _COLUMNS if getattr(x.event, c) != getattr(e, c)]
        if changed:
            problems.append(Problem(e.event_id, f"columns differ from the document: {', '.join(changed)}"))
        if sorted(idents.get(e.pk, []), key=str) != sorted(((i.identifier, i.kind, i.role, i.quantity, i.uom) for i in x.identifiers), key=str):
            problems.append(Problem(e.event_id, "its identifier (trace-graph) rows differ from the document"))
        if sorted(txs.get(e.pk, [])) != sorted((t.type, t.value) for t in x.transactions):
            problems.append(Problem(e.event_id, "its business transaction rows differ from the document"))
        if sorted(sds.get(e.pk, [])) != sorted((s.kind, s.type, s.value) for s in x.sources_destinations):
            problems.append(Problem(e.event_id, "its source/destination rows differ from the document"))


def verify_events(*, chunk: int = 2000) -> tuple[int, list[Problem]]:
    """Recompute every stored event and every capture digest; return (events checked, problems)."""
    problems: list[Problem] = []
    checked = 0
    last = 0
    hashes: dict[str, list[str]] = defaultdict(list)
    while True:
        batch = list(EpcisEvent.objects.filter(pk__gt=last).order_by("pk")[:chunk])
        if not batch:
            break
        _check_chunk(batch, problems)
        for e in batch:
            if e.capture_id is not None:
                hashes[str(e.capture_id)].append(e.content_hash)
        checked += len(batch)
        last = batch[-1].pk
    entries = AuditEntry.objects.filter(action="epcis.captured", model="epcis.capture").values_list("object_pk", "data")
    for capture_id, data in entries.iterator(chunk_size=2000):
        expected = (data or {}).get("digest")
        if expected and digest_of(hashes.pop(capture_id, [])) != expected:
            problems.append(Problem(None, "its events no longer match the digest in the audit trail (an event was edited or deleted)",
                                    capture_id=capture_id))
    for capture_id in hashes:
        problems.append(Problem(None, "has events but no audit entry", capture_id=capture_id))
    problems += _orphans()
    return checked, problems


def _orphans() -> list[Problem]:
    """Derived rows whose event is gone (one anti-join per table), naming up to ten missing event keys."""
    problems = []
    for model in (EventIdentifier, EventTransaction, SourceDest):
        orphans = model.objects.filter(~Exists(EpcisEvent.objects.filter(pk=OuterRef("event_id"))))
        missing = sorted(set(orphans.values_list("event_id", flat=True)[:1000]))
        if missing:
            problems.append(Problem(None, f"{model._meta.db_table}: rows of deleted events (event keys {', '.join(map(str, missing[:10]))})"))
    return problems
