"""A fast validator of EPCIS 2.0 JSON-LD documents and events, equivalent to the GS1 JSON Schema.

Why hand-written: plain ``jsonschema`` against ``EPCIS-JSON-Schema.json`` validates about 270
events per second per core, because the schema dispatches on the event type with ``if/then``
over every type and checks each key against ``anyOf`` name lists. Here each event type is a
table of field checkers, so an event costs one dictionary lookup and one small function per
field, and its errors name the field precisely (``sensorElementList[0].sensorReport[1].type``)
with a message people can read. ``tests/epcis/test_validator.py`` proves the two agree: every
GS1 example passes both, and systematic mutations of every example event (a field removed,
given the wrong type, a bad time, a bad action, an unknown type…) get the same verdict from
this module and from ``jsonschema`` with format checking.

What it checks, as the schema does: the document envelope (EPCISDocument or
EPCISQueryDocument, header master data), each event's type, required fields, allowed field
names (a name outside the type's list must be a URI, such as ``example:myField``), date-times
(RFC 3339), URIs (RFC 3986), ``action``, the CBV words for business step, disposition,
transaction, source/destination, error reason and sensor types, ``uom``, quantity elements,
persistent dispositions, sensor elements and the "at least one of" rules of each type.

Platform rules, stricter than the schema (:data:`PLATFORM_RULES`): a quantity must not be
negative and must be below 10^18, because recall scope sums quantities; a time must convert to
UTC within years 1–9999.

Errors are ``(field, reason)`` pairs; :func:`validate_events` numbers them by event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from shian.epcis import vocab
from shian.epcis.formats import is_uri, parse_time

Out = list[tuple[str, str]]
Checker = Callable[[Any, str, Out], None]

PLATFORM_RULES = ("quantity >= 0", "quantity < 1e18", "times within years 1-9999 in UTC")
MAX_ERRORS_PER_EVENT = 20
QUANTITY_LIMIT = 10**18


# --- leaf checks ------------------------------------------------------------------------------

def _msg_uri() -> str:
    return _("must be a URI (for example urn:epc:id:sgtin:… or https://…)")


def _uri(v: Any, path: str, out: Out) -> None:
    if not (isinstance(v, str) and is_uri(v)):
        out.append((path, _msg_uri()))


def _time(v: Any, path: str, out: Out) -> None:
    if not (isinstance(v, str) and parse_time(v) is not None):
        out.append((path, _("must be a date-time such as 2024-05-01T08:30:00+08:00")))


def _string(v: Any, path: str, out: Out) -> None:
    if not isinstance(v, str):
        out.append((path, _("must be text")))


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _number(v: Any, path: str, out: Out) -> None:
    if not _is_number(v):
        out.append((path, _("must be a number")))


def _boolean(v: Any, path: str, out: Out) -> None:
    if not isinstance(v, bool):
        out.append((path, _("must be true or false")))


def _word_or_uri(words: frozenset[str], excluded: Any) -> Checker:
    """A CBV word, or a URI outside the namespace ``excluded`` (a compiled pattern)."""

    def check(v: Any, path: str, out: Out) -> None:
        if isinstance(v, str) and (v in words or (is_uri(v) and not excluded.match(v))):
            return
        out.append((path, _("must be a standard value (such as %(example)s) or a URI outside the CBV namespace")
                    % {"example": sorted(words)[0]}))

    return check


_biz_step = _word_or_uri(vocab.BIZ_STEPS, vocab.CBV_NAMESPACE)
_disposition = _word_or_uri(vocab.DISPOSITIONS, vocab.CBV_NAMESPACE)
_biz_tx_type = _word_or_uri(vocab.BIZ_TRANSACTION_TYPES, vocab.CBV_NAMESPACE)
_source_dest_type = _word_or_uri(vocab.SOURCE_DEST_TYPES, vocab.CBV_NAMESPACE)
_error_reason = _word_or_uri(vocab.ERROR_REASONS, vocab.CBV_NAMESPACE)
_component = _word_or_uri(vocab.COMPONENTS, vocab.CBV_NAMESPACE)
_measurement_type = _word_or_uri(vocab.MEASUREMENT_TYPES, vocab.GS1_WEB_VOC)
_alert_type = _word_or_uri(vocab.SENSOR_ALERT_TYPES, vocab.GS1_WEB_VOC)


def _action(v: Any, path: str, out: Out) -> None:
    if not (isinstance(v, str) and v in vocab.ACTIONS):
        out.append((path, _("must be ADD, OBSERVE or DELETE")))


def _tz_offset(v: Any, path: str, out: Out) -> None:
    if not (isinstance(v, str) and vocab.TZ_OFFSET.fullmatch(v)):
        out.append((path, _("must be a time zone offset such as +08:00")))


def _hex(v: Any, path: str, out: Out) -> None:
    if not (isinstance(v, str) and vocab.HEX_BINARY.fullmatch(v)):
        out.append((path, _("must be hexadecimal digits")))


def _uom(v: Any, path: str, out: Out) -> None:
    if not (isinstance(v, str) and vocab.UOM.fullmatch(v)):
        out.append((path, _("must be a UN/CEFACT unit code of 2 or 3 capital letters or digits, such as KGM")))


def _hashable_key(item: Any) -> Any:
    return item if isinstance(item, str) else json.dumps(item, sort_keys=True)


def _unique(items: list[Any], path: str, out: Out) -> None:
    keys = [_hashable_key(i) for i in items]
    if len(set(keys)) != len(keys):
        out.append((path, _("must not list the same value twice")))


# --- structures -------------------------------------------------------------------------------

def _list_of(item: Checker, *, unique: bool = False, min_items: int = 0) -> Checker:
    def check(v: Any, path: str, out: Out) -> None:
        if not isinstance(v, list):
            out.append((path, _("must be a list")))
            return
        if len(v) < min_items:
            out.append((path, _("must not be empty")))
        for i, x in enumerate(v):
            item(x, f"{path}[{i}]", out)
        if unique and len(v) > 1:
            _unique(v, path, out)

    return check


_uri_list = _list_of(_uri)
_epc_list = _list_of(_uri, unique=True)


def _object_with(fields: dict[str, Checker], *, required: tuple[str, ...] = (), names: str = "open") -> Checker:
    """An object whose known ``fields`` are checked. ``names``: ``open`` (any other key),
    ``uri`` (other keys must be URIs) or ``closed`` (no other key)."""

    def check(v: Any, path: str, out: Out) -> None:
        if not isinstance(v, dict):
            out.append((path, _("must be an object")))
            return
        for key, value in v.items():
            checker = fields.get(key)
            if checker is not None:
                checker(value, f"{path}.{key}", out)
            elif names == "closed" or (names == "uri" and not is_uri(key)):
                out.append((f"{path}.{key}", _("is not an accepted field here")))
        for key in required:
            if key not in v:
                out.append((f"{path}.{key}", _("is required")))

    return check


def _quantity(v: Any, path: str, out: Out) -> None:
    _quantity_element(v, path, out)
    if isinstance(v, dict):
        q = v.get("quantity")
        if isinstance(q, (int, float)) and not isinstance(q, bool) and not (0 <= q < QUANTITY_LIMIT):  # platform rule (PLATFORM_RULES)
            out.append((f"{path}.quantity", _("must be zero or more and less than 10^18")))


_quantity_element = _object_with({"epcClass": _uri, "quantity": _number, "uom": _uom}, required=("epcClass",), names="closed")
_quantity_list = _list_of(_quantity)
_location = _object_with({"id": _uri}, required=("id",))
_biz_tx_list = _list_of(_object_with({"type": _biz_tx_type, "bizTransaction": _uri}, required=("bizTransaction",), names="closed"))
_biz_tx_list_required = _list_of(_object_with({"type": _biz_tx_type, "bizTransaction": _uri}, required=("bizTransaction",), names="closed"),
                                 min_items=1)
_source_list = _list_of(_object_with({"type": _source_dest_type, "source": _uri}, required=("type", "source"), names="closed"))
_destination_list = _list_of(_object_with({"type": _source_dest_type, "destination": _uri}, required=("type", "destination"), names="closed"))
_disposition_set = _list_of(_disposition, unique=True, min_items=1)


def _persistent_disposition(v: Any, path: str, out: Out) -> None:
    _object_with({"set": _disposition_set, "unset": _disposition_set}, names="closed")(v, path, out)
    if isinstance(v, dict) and "set" not in v and "unset" not in v:
        out.append((path, _("needs set or unset")))


_sensor_metadata = _object_with({
    "time": _time, "startTime": _time, "endTime": _time, "deviceID": _uri, "deviceMetadata": _uri, "rawData": _uri,
    "dataProcessingMethod": _uri, "bizRules": _uri,
}, names="uri")
_sensor_report = _object_with({
    "type": _measurement_type, "exception": _alert_type, "deviceID": _uri, "deviceMetadata": _uri, "rawData": _uri,
    "dataProcessingMethod": _uri, "bizRules": _uri, "time": _time, "microorganism": _uri, "chemicalSubstance": _uri,
    "coordinateReferenceSystem": _uri, "value": _number, "component": _component, "stringValue": _string,
    "booleanValue": _boolean, "hexBinaryValue": _hex, "uriValue": _uri, "minValue": _number, "maxValue": _number,
    "meanValue": _number, "sDev": _number, "percRank": _number, "percValue": _number, "uom": _string,
}, required=("type",), names="uri")
_sensor_element = _object_with({"sensorMetadata": _sensor_metadata, "sensorReport": _list_of(_sensor_report, min_items=1)},
                               required=("sensorReport",), names="uri")
_sensor_list = _list_of(_sensor_element)


def _ilmd(v: Any, path: str, out: Out) -> None:
    if not isinstance(v, dict):
        out.append((path, _("must be an object")))
        return
    for key in v:
        if not is_uri(key):
            out.append((f"{path}.{key}", _("must be a URI or a prefixed name such as example:batch")))


def _context(v: Any, path: str, out: Out) -> None:
    if isinstance(v, dict) or (isinstance(v, str) and is_uri(v)):
        return
    if isinstance(v, list):
        for i, item in enumerate(v):
            if not (isinstance(item, dict) or (isinstance(item, str) and is_uri(item))):
                out.append((f"{path}[{i}]", _("must be a context URI or object")))
        if len(v) > 1:
            _unique(v, path, out)
        return
    out.append((path, _("must be a context URI, object or list")))


def _certification_info(v: Any, path: str, out: Out) -> None:
    if isinstance(v, list):
        _uri_list(v, path, out)
    else:
        _uri(v, path, out)


_error_declaration = _object_with({"declarationTime": _time, "reason": _error_reason, "correctiveEventIDs": _uri_list},
                                  required=("declarationTime",), names="uri")

COMMON: dict[str, Checker] = {
    "@context": _context, "eventTime": _time, "recordTime": _time, "eventTimeZoneOffset": _tz_offset, "eventID": _uri,
    "certificationInfo": _certification_info, "errorDeclaration": _error_declaration,
}
_WHERE_WHY: dict[str, Checker] = {
    "bizStep": _biz_step, "disposition": _disposition, "readPoint": _location, "bizLocation": _location,
    "bizTransactionList": _biz_tx_list, "sourceList": _source_list, "destinationList": _destination_list,
    "sensorElementList": _sensor_list,
}
_AGGREGATION: dict[str, Checker] = {**COMMON, **_WHERE_WHY, "action": _action, "parentID": _uri, "childEPCs": _uri_list,
                                    "childQuantityList": _quantity_list}
FIELDS: dict[str, dict[str, Checker]] = {
    "ObjectEvent": {**COMMON, **_WHERE_WHY, "action": _action, "epcList": _epc_list, "quantityList": _quantity_list,
                    "persistentDisposition": _persistent_disposition, "ilmd": _ilmd},
    "AggregationEvent": _AGGREGATION,
    "AssociationEvent": _AGGREGATION,
    "TransactionEvent": {**COMMON, **_WHERE_WHY, "action": _action, "bizTransactionList": _biz_tx_list_required, "parentID": _uri,
                         "epcList": _uri_list, "quantityList": _quantity_list},
    "TransformationEvent": {**COMMON, **_WHERE_WHY, "inputEPCList": _epc_list, "inputQuantityList": _quantity_list,
                            "outputEPCList": _epc_list, "outputQuantityList": _quantity_list, "transformationID": _uri,
                            "persistentDisposition": _persistent_disposition, "ilmd": _ilmd},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "ObjectEvent": ("action",),
    "AggregationEvent": ("action",),
    "AssociationEvent": ("action", "parentID"),
    "TransactionEvent": ("action", "bizTransactionList"),
    "TransformationEvent": (),
}


def _nonempty(ev: dict[str, Any], key: str) -> bool:
    v = ev.get(key)
    return isinstance(v, list) and len(v) > 0


def _what_rules(etype: str, ev: dict[str, Any], out: Out) -> None:
    """The "at least one of" rules of each event type (the schema's ``anyOf`` blocks)."""
    action = ev.get("action")
    if etype == "ObjectEvent":
        sensors = _nonempty(ev, "sensorElementList") and "readPoint" in ev
        if "epcList" not in ev and not _nonempty(ev, "quantityList") and not sensors:
            out.append(("epcList", _("an ObjectEvent needs epcList, a non-empty quantityList, or sensorElementList with a readPoint")))
        if "ilmd" in ev and action in ("OBSERVE", "DELETE"):
            out.append(("ilmd", _("is allowed only with action ADD")))
    elif etype in ("AggregationEvent", "AssociationEvent"):
        if action != "DELETE" and not _nonempty(ev, "childEPCs") and not _nonempty(ev, "childQuantityList"):
            out.append(("childEPCs", _("needs childEPCs or childQuantityList unless the action is DELETE")))
    elif etype == "TransactionEvent":
        if action != "DELETE" and "epcList" not in ev and not _nonempty(ev, "quantityList"):
            out.append(("epcList", _("a TransactionEvent needs epcList or quantityList unless the action is DELETE")))
    elif etype == "TransformationEvent":
        has_in = _nonempty(ev, "inputEPCList") or _nonempty(ev, "inputQuantityList")
        has_out = _nonempty(ev, "outputEPCList") or _nonempty(ev, "outputQuantityList")
        if not (has_in and has_out) and not ("transformationID" in ev and (has_in or has_out)):
            out.append(("inputEPCList", _("a TransformationEvent needs inputs and outputs, or a transformationID with inputs or outputs")))


def check_event(ev: Any, *, standalone: bool = False) -> Out:
    """The problems of one event as ``(field, reason)``; empty if it is valid.

    ``standalone``: the event is a request body on its own (``POST /events``), so it must carry
    its own ``@context``; inside a document the document's context applies.
    """
    out: Out = []
    if not isinstance(ev, dict):
        out.append(("", _("an event must be a JSON object")))
        return out
    etype = ev.get("type")
    fields = FIELDS.get(etype) if isinstance(etype, str) else None
    if fields is not None:
        for key, value in ev.items():
            checker = fields.get(key)
            if checker is not None:
                checker(value, key, out)
            elif key != "type" and not is_uri(key):
                out.append((key, _("is not a field of %(type)s (an extension field must be a URI or prefixed name such as example:myField)")
                            % {"type": etype}))
        for key in REQUIRED[etype]:  # type: ignore[index]
            if key not in ev:
                out.append((key, _("is required")))
        _what_rules(etype, ev, out)  # type: ignore[arg-type]
    else:
        if "type" not in ev:
            out.append(("type", _("is required")))
        elif not (isinstance(etype, str) and is_uri(etype)):
            out.append(("type", _("unknown event type: use ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, "
                                  "AssociationEvent or the URI of an extension event type")))
        for key, value in ev.items():  # an extension event type: only the common fields are defined
            checker = COMMON.get(key)
            if checker is not None:
                checker(value, key, out)
    for key in ("eventTime", "eventTimeZoneOffset"):
        if key not in ev:
            out.append((key, _("is required")))
    if standalone and "@context" not in ev:
        out.append(("@context", _("is required")))
    return out[:MAX_ERRORS_PER_EVENT]


# --- documents --------------------------------------------------------------------------------

_attribute = _object_with({"id": _uri, "attribute": lambda v, p, o: None if (_is_number(v) or isinstance(v, (str, dict)))
                           else o.append((p, _("must be a number, text or an object")))}, required=("id",))
_vocabulary = _object_with({"type": _uri, "vocabularyElementList": _list_of(
    _object_with({"id": _uri, "attributes": _list_of(_attribute), "children": _uri_list}, required=("id",)))}, required=("type",))
_vocabulary_list = _list_of(_vocabulary)
_header = _object_with({"epcisMasterData": _object_with({"vocabularyList": _vocabulary_list})}, names="uri")
_query_results = _object_with({"queryName": _string, "subscriptionID": _string, "resultsBody": lambda v, p, o: None},
                              required=("queryName", "resultsBody"), names="uri")


def _schema_version(v: Any, path: str, out: Out) -> None:
    if not (isinstance(v, str) and vocab.VERSION.fullmatch(v)):
        out.append((path, _("must be a version number such as 2.0")))


_DOCUMENT: dict[str, Checker] = {
    "@context": _context, "id": _uri, "schemaVersion": _schema_version, "creationDate": _time, "instanceIdentifier": _string,
    "sender": _string, "receiver": _string, "epcisHeader": _header,
}
_QUERY_DOCUMENT: dict[str, Checker] = {"@context": _context, "id": _uri, "schemaVersion": _schema_version, "creationDate": _time}


@dataclass
class Result:
    """The outcome of validating a request body: its events and every problem found.

    ``errors`` are ``{"index", "field", "reason"}``; ``index`` is the event's position in the
    event list, or ``None`` for a problem of the document itself.
    """

    events: list[Any] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    kind: str = ""  # EPCISDocument, EPCISQueryDocument or event
    context: Any = None
    deferred: bool = False  # the events themselves are not checked yet: the store checks each as it goes

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, index: int | None, problems: Out) -> None:
        self.errors.extend({"index": index, "field": f or None, "reason": r} for f, r in problems)


def _document_envelope(doc: dict[str, Any], result: Result) -> list[Any] | None:
    """Check the envelope of an EPCISDocument or EPCISQueryDocument; return its event list."""
    out: Out = []
    kind = doc["type"]
    query = kind == "EPCISQueryDocument"
    fields = _QUERY_DOCUMENT if query else _DOCUMENT
    for key, value in doc.items():
        checker = fields.get(key)
        if checker is not None:
            checker(value, key, out)
        elif key not in ("type", "epcisBody") and not is_uri(key):
            out.append((key, _("is not a field of %(type)s") % {"type": kind}))
    required = ("@context", "epcisBody") if query else ("@context", "schemaVersion", "creationDate", "epcisBody")
    for key in required:
        if key not in doc:
            out.append((key, _("is required")))
    events: Any = None
    body = doc.get("epcisBody")
    if isinstance(body, dict):
        if query:
            for key in body:
                if key != "queryResults" and not is_uri(key):
                    out.append((f"epcisBody.{key}", _("is not an accepted field here")))
            qr = body.get("queryResults")
            if not isinstance(qr, dict):
                out.append(("epcisBody.queryResults", _("is required") if qr is None else _("must be an object")))
            else:
                _query_results(qr, "epcisBody.queryResults", out)
                rb = qr.get("resultsBody")
                if isinstance(rb, dict):
                    for key in rb:
                        if key not in ("eventList", "vocabularyList") and not is_uri(key):
                            out.append((f"epcisBody.queryResults.resultsBody.{key}", _("is not an accepted field here")))
                    if "vocabularyList" in rb:
                        _vocabulary_list(rb["vocabularyList"], "epcisBody.queryResults.resultsBody.vocabularyList", out)
                    events = rb.get("eventList")
                    if events is None:
                        out.append(("epcisBody.queryResults.resultsBody.eventList", _("is required")))
                elif "resultsBody" in qr:
                    out.append(("epcisBody.queryResults.resultsBody", _("must be an object")))
        else:
            events = body.get("eventList")
            if events is None:
                out.append(("epcisBody.eventList", _("is required")))
    elif "epcisBody" in doc:
        out.append(("epcisBody", _("must be an object")))
    if events is not None and not isinstance(events, list):
        out.append(("eventList", _("must be a list")))
        events = None
    result.add(None, out)
    return events


def validate_body(body: Any, *, allow_single_event: bool = False, defer_events: bool = False) -> Result:
    """Validate a request body: an EPCISDocument, an EPCISQueryDocument or (when
    ``allow_single_event``) one event with its own ``@context``. Collects every problem.

    With ``defer_events`` a document whose envelope is valid comes back with its events unchecked
    (``Result.deferred``): :func:`shian.epcis.capture.store` checks each with :func:`check_event`
    while it writes, so validating one part overlaps with storing the previous one. An invalid
    envelope still has every event checked, so all problems are reported at once.
    """
    result = Result()
    if not isinstance(body, dict):
        result.add(None, [("", _("the body must be a JSON object (an EPCISDocument)"))])
        return result
    kind = body.get("type")
    if kind in vocab.DOCUMENT_TYPES:
        result.kind = str(kind)
        result.context = body.get("@context")
        events = _document_envelope(body, result)
        if events is not None:
            result.events = events
            if defer_events and result.ok:
                result.deferred = True
            else:
                validate_events(events, result)
        return result
    if not allow_single_event:
        result.add(None, [("type", _("must be EPCISDocument or EPCISQueryDocument"))])
        return result
    result.kind = "event"
    result.context = body.get("@context")
    result.events = [body]
    result.add(0, check_event(body, standalone=True))
    return result


def validate_events(events: list[Any], result: Result | None = None) -> Result:
    """Validate each event of a list (the events of a document, or events the platform made)."""
    result = result or Result(events=events)
    for i, ev in enumerate(events):
        problems = check_event(ev)
        if problems:
            result.add(i, problems)
    return result


def event_time(ev: dict[str, Any]) -> datetime:
    """The UTC event time of a validated event."""
    when = parse_time(ev["eventTime"])
    assert when is not None
    return when
