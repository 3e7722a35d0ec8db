"""Storing a batch of events: validate, derive, deduplicate, insert — all or nothing.

One capture writes its events with :func:`shian.core.db.bulk_insert` (COPY on PostgreSQL) and
**one** audit entry, ``epcis.captured``, with the counts and a digest: SHA-256 over the sorted
content hashes of the events it stored. A change-log row per event (the registry's pattern)
would add an audit entry per event behind the audit chain's single lock and cap capture far
below the 5,000 events/s target; the events are tamper-evident anyway, since each row's
``content_hash`` is recomputable from its ``document`` and each capture's digest sits in the
audit hash chain (:func:`shian.epcis.integrity.verify_events` checks both).

Duplicates (an ``eventID`` or a content hash already stored, or repeated within the batch) are
not errors: they are counted and listed, and the stored event is kept. When the ``eventID`` is
the same but the content differs (an EPCIS error declaration reuses the ID), a warning says so.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.db import bulk_insert, copy_rows
from shian.epcis import hooks
from shian.epcis.extract import IDENTIFIER_COLUMNS, SOURCE_DEST_COLUMNS, TRANSACTION_COLUMNS, Extracted, extract
from shian.epcis.models import Capture, EpcisEvent, EventIdentifier, EventTransaction, SourceDest, hash_of_assigned
from shian.epcis.validator import Result, check_event

log = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 1000
def _chunk() -> int:
    """Values per ``IN (...)`` lookup: SQLite limits query parameters; PostgreSQL takes thousands at once."""
    return 5000 if connection.vendor == "postgresql" else 500


@dataclass
class Outcome:
    """What a capture did: the events it stored, the duplicates it skipped, or why it failed."""

    capture: Capture
    stored: list[EpcisEvent] = field(default_factory=list)
    stored_index: list[int] = field(default_factory=list)  # the event-list index of each stored event
    duplicates: list[dict[str, Any]] = field(default_factory=list)  # {index, eventID, reason}
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    existing: dict[int, int] = field(default_factory=dict)  # event index -> id of the stored event it duplicates

    @property
    def ok(self) -> bool:
        return not self.errors


def operator_of_org(org_id: int | None) -> int | None:
    """The operator whose system recorded events: the organisation's operator if it owns exactly one."""
    if org_id is None:
        return None
    from shian.registry.models import Operator

    ids = list(Operator.objects.filter(owner_org_id=org_id).values_list("id", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def _with_context(ev: dict[str, Any], context: Any) -> dict[str, Any]:
    """The event as captured, carrying the document's ``@context`` when it has none of its own
    (its compact names, such as ``example:myField``, mean nothing without it)."""
    if context is None or "@context" in ev:
        return ev
    return {"@context": context, **ev}


def _existing(event_ids: list[str], hashes: list[str]) -> tuple[dict[str, tuple[int, str, str]], dict[str, tuple[int, str, str]]]:
    """Stored events with one of ``event_ids`` or one of ``hashes``: (by event ID, by content hash),
    each value -> (id, event_id, content_hash).

    IDs are probed in the declared-ID index and, when of the assigned form, through the content
    hash they name (:func:`shian.epcis.models.event_id_q`). On PostgreSQL one query per batch,
    each list bound as a single array parameter and joined to the table (a nested loop of
    unique-index probes, in key order). An ``IN`` list of thousands of placeholders costs more
    to compile and plan than the probes themselves, and ``col = ANY(array) OR …`` turns into a
    sequential scan while the table is small (a few hundred thousand rows: 4x slower).
    Elsewhere ``IN`` chunks that fit SQLite's parameter limit.
    """
    by_id: dict[str, tuple[int, str, str]] = {}
    by_hash: dict[str, tuple[int, str, str]] = {}
    probed = sorted(set(hashes).union(h for h in map(hash_of_assigned, event_ids) if h is not None))
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(EpcisEvent._meta.db_table)
        with connection.cursor() as cur:
            cur.execute(f"SELECT e.id, e.event_id, e.content_hash FROM unnest(%s::text[]) AS k(v) JOIN {table} e "  # noqa: S608
                        f"ON e.event_id = k.v AND NOT e.assigned_id "
                        f"UNION ALL SELECT e.id, e.event_id, e.content_hash FROM unnest(%s::text[]) AS k(v) JOIN {table} e ON e.content_hash = k.v",
                        [sorted(event_ids), probed])
            found = cur.fetchall()
    else:
        found = []
        size = _chunk()
        for field_name, values, declared in (("event_id", event_ids, {"assigned_id": False}), ("content_hash", probed, {})):
            for start in range(0, len(values), size):
                found += (EpcisEvent.objects.filter(**{f"{field_name}__in": values[start:start + size]}, **declared)
                          .values_list("id", "event_id", "content_hash"))
    wanted_ids, wanted_hashes = set(event_ids), set(hashes)
    for row in found:
        if row[1] in wanted_ids:
            by_id[row[1]] = row
        if row[2] in wanted_hashes:
            by_hash[row[2]] = row
    return by_id, by_hash


@dataclass
class _Seen:
    """The events a capture has kept so far, by eventID and content hash -> their event-list index."""

    ids: dict[str, int] = field(default_factory=dict)
    hashes: dict[str, int] = field(default_factory=dict)


def _deduplicate(rows: list[tuple[int, Extracted]], outcome: Outcome, seen: _Seen) -> list[tuple[int, Extracted]]:
    """Drop events already stored or repeated in the capture; record them as duplicates.

    ``seen`` carries the capture's kept events from one part to the next. It is asked first: an
    earlier part of the same capture is already in the table (same transaction), but a repeat of
    it is a repeat within the capture (``sameAs``), as if the capture were written in one go.

    An event without an ``eventID`` gets one made from its content hash. Its ID is still probed, in
    the declared-ID index only (small unless clients send IDs), to find a stored event that
    declared that very ID with other content; a declared ID of that form is also looked up through
    the content hash it names (:func:`_existing`). Either is reported as a duplicate with a warning.
    """
    by_id, by_hash = _existing(list({x.event.event_id for _i, x in rows if x.event is not None}),
                               list({x.event.content_hash for _i, x in rows if x.event is not None}))
    fresh = []
    for index, x in rows:
        ev = x.event
        assert ev is not None
        first = seen.ids.get(ev.event_id, seen.hashes.get(ev.content_hash))
        hit = by_id.get(ev.event_id) if first is None else None
        reason = None
        if first is not None:
            reason = "eventID" if ev.event_id in seen.ids and "eventID" in ev.document else "content"
        elif hit is not None:
            reason = "eventID" if "eventID" in ev.document else "content"  # an assigned ID is the content hash
            if hit[2] != ev.content_hash:
                outcome.warnings.append({"index": index, "eventID": ev.event_id,
                                         "reason": _("An event with this eventID but different content is already stored; it was kept and "
                                                     "this one was not stored (error declarations are not applied yet).")})
        elif ev.content_hash in by_hash:
            hit = by_hash[ev.content_hash]
            reason = "content"
        if reason is not None:
            entry: dict[str, Any] = {"index": index, "eventID": ev.event_id, "reason": reason}
            if first is not None:
                entry["sameAs"] = first
            outcome.duplicates.append(entry)
            if hit is not None:
                outcome.existing[index] = hit[0]
            continue
        seen.ids[ev.event_id] = index
        seen.hashes[ev.content_hash] = index
        fresh.append((index, x))
    return fresh


def _insert(fresh: list[tuple[int, Extracted]]) -> list[EpcisEvent]:
    """COPY the events (their ids reserved from the sequence), then their edge-table rows as tuples."""
    events = [x.event for _i, x in fresh if x.event is not None]
    bulk_insert(EpcisEvent, events)
    identifiers: list[tuple[Any, ...]] = []
    transactions: list[tuple[Any, ...]] = []
    sources_destinations: list[tuple[Any, ...]] = []
    for ev, (_i, x) in zip(events, fresh, strict=True):
        pk = ev.pk
        identifiers += [(pk, *row) for row in x.identifier_rows]
        transactions += [(pk, *row) for row in x.transaction_rows]
        sources_destinations += [(pk, *row) for row in x.source_dest_rows]
    copy_rows(EventIdentifier, ("event_id", *IDENTIFIER_COLUMNS), identifiers)
    copy_rows(EventTransaction, ("event_id", *TRANSACTION_COLUMNS), transactions)
    copy_rows(SourceDest, ("event_id", *SOURCE_DEST_COLUMNS), sources_destinations)
    return events


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a capture builds its rows.

    A capture keeps tens of thousands of new objects alive until its COPY (events, documents,
    row tuples); each time enough of them survive, CPython 3.11 runs a full collection that
    walks every object in the process. Measured on 5,000-event captures, that doubled the cost of
    deriving the rows and of the deduplication lookup. None of these objects forms a reference
    cycle, so reference counting still frees them; collection resumes (and catches up) afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def digest_of(hashes: list[str]) -> str:
    """A capture's digest: SHA-256 over its stored events' content hashes, sorted, one per line."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


def store(result: Result, *, capture: Capture, recorded_by_id: int | None, operator_id: int | None, source: str) -> Outcome:
    """Store the events of a validated body (``result``) under ``capture``; all or nothing.

    On failure nothing is written but the capture's status and errors. Runs its writes in
    one transaction; a concurrent capture of the same event (a unique-constraint race) makes
    it retry, and the retry counts that event as a duplicate. A body whose events are not checked
    yet (``result.deferred``) has them checked here, part by part (:func:`_pipelined`).
    """
    outcome = Outcome(capture=capture)
    if not result.ok:
        outcome.errors = result.errors[:MAX_REPORTED_ERRORS]
        return _finish(outcome)
    context = _Context(result=result, capture_id=capture.pk, recorded_by_id=recorded_by_id, operator_id=operator_id, source=source,
                       now=timezone.now())
    with _cyclic_gc_paused():
        if result.deferred and len(result.events) > PART:
            return _pipelined(context, outcome)
        rows = _prepare(context, 0, len(result.events), outcome.errors)
        if outcome.errors:
            outcome.errors = outcome.errors[:MAX_REPORTED_ERRORS]
            return _finish(outcome)
        return _write(rows, outcome, context)


PART = 1000  # events a pipelined capture checks and derives while the previous part is written


@dataclass(frozen=True)
class _Context:
    result: Result
    capture_id: Any
    recorded_by_id: int | None
    operator_id: int | None
    source: str
    now: Any


def _prepare(context: _Context, start: int, stop: int, errors: list[dict[str, Any]]) -> list[tuple[int, Extracted]]:
    """Check (when deferred) and derive the rows of events ``start..stop``; problems go to ``errors``."""
    result = context.result
    rows: list[tuple[int, Extracted]] = []
    for index in range(start, stop):
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
        ev = result.events[index]
        if result.deferred:
            problems = check_event(ev)
            if problems:
                errors.extend({"index": index, "field": f or None, "reason": r} for f, r in problems)
                continue
        x = extract(_with_context(ev, result.context), record_time=context.now)
        if x.problems:
            errors.extend({"index": index, "field": f or None, "reason": r} for f, r in x.problems)
            continue
        assert x.event is not None
        x.event.capture_id = context.capture_id
        x.event.recorded_by_id = context.recorded_by_id
        x.event.operator_id = context.operator_id
        x.event.source = context.source
        rows.append((index, x))
    return rows


class _Invalid(Exception):
    """A part of a pipelined capture had invalid events: roll back what was written."""


def _pipelined(context: _Context, outcome: Outcome) -> Outcome:
    """Check and derive part k+1 in a second thread while this one deduplicates and COPYs part k.

    The parts are written in one transaction, so the capture stays all or nothing: the first
    invalid event stops the writing and rolls it back, and the remaining parts are still checked so
    that every problem is reported. The second thread runs only Python (no database connection);
    it gets the CPU while this thread waits for PostgreSQL, which is about half a capture's time.
    """
    total = len(context.result.events)
    bounds = [(start, min(start + PART, total)) for start in range(0, total, PART)]
    language = translation.get_language()
    parts: list[list[tuple[int, Extracted]]] = []

    def prepare(start: int, stop: int) -> tuple[list[tuple[int, Extracted]], list[dict[str, Any]]]:
        errors: list[dict[str, Any]] = []
        with translation.override(language):
            return _prepare(context, start, stop, errors), errors

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="epcis-capture") as pool, _quick_handover():
        # One worker: it prepares the parts in order, running ahead of the writes whenever this thread waits.
        futures = [pool.submit(prepare, start, stop) for start, stop in bounds]
        try:
            with transaction.atomic():
                seen = _Seen()
                for future in futures:
                    rows, errors = future.result()
                    parts.append(rows)
                    outcome.errors.extend(errors)
                    if outcome.errors:
                        raise _Invalid
                    fresh = _deduplicate(rows, outcome, seen)
                    outcome.stored += _insert(fresh)
                    outcome.stored_index += [i for i, _x in fresh]
                _complete(outcome, context)
                return _finish(outcome)
        except _Invalid:
            for future in futures[len(parts):]:
                if len(outcome.errors) >= MAX_REPORTED_ERRORS:
                    future.cancel()
                    continue
                outcome.errors.extend(future.result()[1])
            outcome.stored, outcome.stored_index = [], []
            outcome.duplicates, outcome.warnings, outcome.existing = [], [], {}  # of parts rolled back
            outcome.errors = outcome.errors[:MAX_REPORTED_ERRORS]
            return _finish(outcome)
        except IntegrityError:
            log.info("capture %s raced another capture of the same event; retrying", outcome.capture.pk)
            parts += [future.result()[0] for future in futures[len(parts):]]
    all_rows = [row for rows in parts for row in rows]
    _reset(all_rows)
    return _write(all_rows, outcome, context, attempts=2)


@contextlib.contextmanager
def _quick_handover() -> Iterator[None]:
    """Let this thread take the interpreter back within 0.5 ms of PostgreSQL answering.

    While the second thread computes, a thread whose query has returned waits for it to give up the
    GIL, by default after up to 5 ms; a part makes about six round trips, so the default interval
    would cost more than the overlap gains. The interval is process-wide and restored afterwards.
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, 0.0005))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _reset(rows: list[tuple[int, Extracted]]) -> None:
    """Forget the primary keys a rolled-back attempt assigned."""
    for _i, x in rows:
        if x.event is not None:
            x.event.pk = None
            x.event._state.adding = True


def _complete(outcome: Outcome, context: _Context) -> None:
    """After the inserts, in the capture's transaction: the hooks, the counts, the digest and the one audit entry."""
    capture = outcome.capture
    hooks.events_stored(outcome.stored)
    capture.event_count = len(outcome.stored)
    capture.duplicate_count = len(outcome.duplicates)
    capture.digest = digest_of([e.content_hash for e in outcome.stored])
    audit.record_event("epcis.captured", obj=capture, operator_id=context.operator_id,
                       data={"events": capture.event_count, "duplicates": capture.duplicate_count, "digest": capture.digest,
                             "source": context.source, "recorded_by": context.recorded_by_id})


def _write(rows: list[tuple[int, Extracted]], outcome: Outcome, context: _Context, *, attempts: int = 3) -> Outcome:
    """Deduplicate and insert prepared rows in one transaction, retrying after a unique-constraint race."""
    for attempt in range(attempts):
        outcome.duplicates, outcome.warnings, outcome.existing, outcome.stored, outcome.stored_index = [], [], {}, [], []
        try:
            with transaction.atomic():
                fresh = _deduplicate(rows, outcome, _Seen())
                outcome.stored = _insert(fresh)
                outcome.stored_index = [i for i, _x in fresh]
                _complete(outcome, context)
                return _finish(outcome)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            log.info("capture %s raced another capture of the same event; retrying", outcome.capture.pk)
            _reset(rows)
    raise AssertionError("unreachable")


def _finish(outcome: Outcome) -> Outcome:
    capture = outcome.capture
    capture.status = Capture.Status.SUCCEEDED if outcome.ok else Capture.Status.FAILED
    capture.errors = outcome.errors
    capture.warnings = outcome.warnings
    capture.finished_at = timezone.now()
    capture.payload = None
    capture.save(update_fields=["status", "errors", "warnings", "finished_at", "payload", "event_count", "duplicate_count", "digest"])
    return outcome
