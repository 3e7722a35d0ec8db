"""From a validated event to its rows: content hash, event ID, columns and trace-graph edges.

Canonicalisation (our own, in the spirit of the standard's event hash, CBV 2.0 §8.9):

1. drop ``eventID`` (the hash identifies content whatever the ID), ``recordTime`` (set by the
   repository) and ``@context`` (inside a document an event inherits the document's);
2. write ``eventTime`` as the UTC instant with microseconds (``2005-04-04T02:33:31.116000Z``), so
   the same instant written with another offset or fraction hashes the same;
3. sort the EPC lists (``epcList``, ``childEPCs``, ``inputEPCList``, ``outputEPCList``), whose
   order carries no meaning; other lists keep their order;
4. write a float with an integral value as an integer (``200.0`` → ``200``): PostgreSQL's
   ``jsonb`` may give ``1e+22`` back as ``10000000000000000000000``, and the hash must survive
   the round trip through either database;
5. serialise as JSON with sorted keys, no spaces, UTF-8, and hash with SHA-256.

The GS1 algorithm itself (a pre-hash string of normalised fields) is not implemented: an
``eventID`` we assign is ours, ``ni:///sha-256;<hex>?ver=CBV2.0`` of this hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from shian.epcis import vocab
from shian.epcis.formats import parse_time
from shian.epcis.models import URI_MAX, EpcisEvent, EventIdentifier, EventTransaction, SourceDest, assigned_event_id

_HASH_EXCLUDED = frozenset({"eventID", "recordTime", "@context"})
_EPC_LISTS = tuple(vocab.EPC_FIELDS)
_SIX_PLACES = Decimal("0.000001")
# Plain strings (not the TextChoices members) go into the row tuples: they are compared and copied as they are.
_EPC_FIELDS = tuple((key, (str(kind), str(role))) for key, (kind, role) in vocab.EPC_FIELDS.items())
_QUANTITY_FIELDS = tuple((key, (str(kind), str(role))) for key, (kind, role) in vocab.QUANTITY_FIELDS.items())
_EPC, _PARENT = str(EventIdentifier.Kind.EPC), str(EventIdentifier.Role.PARENT)
_SOURCE_DEST_FIELDS = (("sourceList", str(SourceDest.Kind.SOURCE), "source"), ("destinationList", str(SourceDest.Kind.DESTINATION), "destination"))


def _integral_floats(value: Any) -> Any:
    t = type(value)
    if t is float:
        return int(value) if value.is_integer() else value
    if t is dict:
        return {k: _integral_floats(v) for k, v in value.items()}
    if t is list:
        return [_integral_floats(v) for v in value]
    return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in k or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


# Cheap test for the only cases the float normalisation changes anything: an integral float
# (``200.0``) or an exponent (``1e+22``) in the text. Strings that happen to contain these only cost the slow path.
_MAYBE_FLOAT = (".0,", ".0}", ".0]", "e+", "e-")


def _canonical(ev: dict[str, Any]) -> tuple[str, datetime | None]:
    content = {k: v for k, v in ev.items() if k not in _HASH_EXCLUDED}
    when = parse_time(ev["eventTime"]) if isinstance(ev.get("eventTime"), str) else None
    if when is not None:
        content["eventTime"] = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for key in _EPC_LISTS:
        value = content.get(key)
        if isinstance(value, list) and all(isinstance(x, str) for x in value):
            content[key] = sorted(value)
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    if any(m in text for m in _MAYBE_FLOAT):
        text = json.dumps(_integral_floats(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text, when


def canonical_json(ev: dict[str, Any]) -> str:
    """The canonical text of an event's content (see the module docstring)."""
    return _canonical(ev)[0]


def content_hash(ev: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(ev).encode()).hexdigest()


# Column order of the edge-table rows in :attr:`Extracted.identifier_rows` and its siblings
# (without ``event_id``, which is known only once the event has its primary key).
IDENTIFIER_COLUMNS = ("identifier", "kind", "role", "quantity", "uom")
TRANSACTION_COLUMNS = ("type", "value")
SOURCE_DEST_COLUMNS = ("kind", "type", "value")


@dataclass(slots=True)
class Extracted:
    """The unsaved rows of one event, or the reasons it cannot be stored.

    The event is an unsaved :class:`EpcisEvent`; its identifiers, transactions and
    sources/destinations are plain tuples in the column order above, which capture writes
    with COPY without building a model instance per row (:func:`shian.core.db.copy_rows`).
    The properties give them as unsaved model instances (for verification and tests).
    """

    event: EpcisEvent | None = None
    identifier_rows: list[tuple[str, str, str, Decimal | None, str]] = field(default_factory=list)
    transaction_rows: list[tuple[str, str]] = field(default_factory=list)
    source_dest_rows: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def identifiers(self) -> list[EventIdentifier]:
        return [EventIdentifier(**dict(zip(IDENTIFIER_COLUMNS, row, strict=True))) for row in self.identifier_rows]

    @property
    def transactions(self) -> list[EventTransaction]:
        return [EventTransaction(**dict(zip(TRANSACTION_COLUMNS, row, strict=True))) for row in self.transaction_rows]

    @property
    def sources_destinations(self) -> list[SourceDest]:
        return [SourceDest(**dict(zip(SOURCE_DEST_COLUMNS, row, strict=True))) for row in self.source_dest_rows]


def _new_event(**values: Any) -> EpcisEvent:
    """A fast constructor of an unsaved event: fills the instance's attributes as ``Model.__init__``
    would, without its per-field descriptor calls and init signals (the model has no field that
    needs them). About 4x faster than ``EpcisEvent(...)``, which counts at thousands of events per capture."""
    obj = object.__new__(EpcisEvent)
    obj.__dict__.update(_BLANK_EVENT)
    obj.__dict__.update(values)
    obj._state = ModelState()
    return obj


_BLANK_EVENT = {f.attname: None for f in EpcisEvent._meta.concrete_fields}


def _too_long(problems: list[tuple[str, str]], path: str) -> None:
    problems.append((path, _("is longer than %(n)s characters") % {"n": URI_MAX}))


def _quantity(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return Decimal(str(value)).quantize(_SIX_PLACES)


def extract(ev: dict[str, Any], *, record_time: datetime | None = None, with_rows: bool = True) -> Extracted:
    """Derive the rows of a *validated* event. Problems here are platform rules that the
    schema does not know: text that cannot be stored (a NUL character, a lone surrogate, a
    number that is not finite) and values too long for an indexed column."""
    out = Extracted()
    problems = out.problems
    try:
        text, when = _canonical(ev)
        if "\\u0000" in text and _has_nul(ev):
            problems.append(("", _("contains a NUL character, which cannot be stored")))
            return out
        digest = hashlib.sha256(text.encode()).hexdigest()
    except ValueError:  # a NaN or infinite number (allow_nan=False), or a lone surrogate (encode)
        problems.append(("", _("contains a number that is not finite or text that is not valid Unicode")))
        return out
    if when is None:
        problems.append(("eventTime", _("must convert to UTC within years 1 to 9999")))
        return out
    read_point = ev.get("readPoint")
    biz_location = ev.get("bizLocation")
    columns = {
        "eventID": ev.get("eventID") or assigned_event_id(digest),
        "type": ev["type"],
        "bizStep": ev.get("bizStep", ""),
        "disposition": ev.get("disposition", ""),
        "readPoint.id": read_point.get("id", "") if isinstance(read_point, dict) else "",
        "bizLocation.id": biz_location.get("id", "") if isinstance(biz_location, dict) else "",
    }
    for path, value in columns.items():
        if len(value) > URI_MAX:
            _too_long(problems, path)
    row = _new_event(
        event_id=columns["eventID"], assigned_id=not ev.get("eventID"), event_type=columns["type"], event_time=when,
        event_time_zone_offset=ev["eventTimeZoneOffset"],
        record_time=record_time or datetime.now(UTC), action=ev.get("action", ""), biz_step=columns["bizStep"],
        disposition=columns["disposition"], read_point=columns["readPoint.id"], biz_location=columns["bizLocation.id"],
        document=ev, content_hash=digest, source=EpcisEvent.Source.CAPTURE,
    )
    out.event = row
    if not with_rows or ev["type"] not in vocab.EVENT_TYPES:  # an extension event's fields have no defined meaning
        return out
    ids = out.identifier_rows
    for key, (kind, role) in _EPC_FIELDS:
        values = ev.get(key)
        if values:
            for i, epc in enumerate(values):
                if len(epc) > URI_MAX:
                    _too_long(problems, f"{key}[{i}]")
                ids.append((epc, kind, role, None, ""))
    for key, (kind, role) in _QUANTITY_FIELDS:
        values = ev.get(key)
        if values:
            for i, q in enumerate(values):
                epc_class = q["epcClass"]
                if len(epc_class) > URI_MAX:
                    _too_long(problems, f"{key}[{i}].epcClass")
                ids.append((epc_class, kind, role, _quantity(q.get("quantity")), q.get("uom", "")))
    parent = ev.get("parentID")
    if parent:
        if len(parent) > URI_MAX:
            _too_long(problems, "parentID")
        ids.append((parent, _EPC, _PARENT, None, ""))
    for i, bt in enumerate(ev.get("bizTransactionList") or ()):
        type_, value = bt.get("type", ""), bt["bizTransaction"]
        if len(type_) > URI_MAX or len(value) > URI_MAX:
            _too_long(problems, f"bizTransactionList[{i}]")
        out.transaction_rows.append((type_, value))
    for key, kind, attr in _SOURCE_DEST_FIELDS:
        for i, sd in enumerate(ev.get(key) or ()):
            if len(sd["type"]) > URI_MAX or len(sd[attr]) > URI_MAX:
                _too_long(problems, f"{key}[{i}]")
            out.source_dest_rows.append((kind, sd["type"], sd[attr]))
    return out


def edges_of(ev: dict[str, Any]) -> set[tuple[str, str, str, Decimal | None, str]]:
    """The identifier edges an event yields, as comparable tuples (for verification and tests)."""
    return set(extract(ev).identifier_rows)
