"""The fast validator against the GS1 examples and JSON Schema."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shian.epcis.formats import is_uri, parse_time
from shian.epcis.validator import check_event, validate_body
from tests.epcis.conformance import SCHEMA, all_events, event_mutations, example_files, load, wrap

EXAMPLES = example_files()


def test_the_conformance_examples_are_all_found() -> None:
    names = {p.name for p in EXAMPLES}
    assert len(EXAMPLES) >= 45
    for expected in ("AssociationEvent-a.jsonld", "SensorDataExample1.jsonld", "object_event_all_possible_fields.jsonld",
                     "Example_9.6.1-ObjectEventWithDigitalLink.jsonld", "ErrorDeclarationAndCorrectiveEvent.jsonld",
                     "PersistentDisposition-example.jsonld", "Example_9.6.4-TransformationEvent.jsonld", "EPCISQueryDocument.jsonld"):
        assert expected in names


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_is_valid(path) -> None:
    result = validate_body(load(path))
    assert result.ok, result.errors
    assert result.events


def _first(kind: str) -> dict[str, Any]:
    return copy.deepcopy(next(e for _n, _i, e in all_events() if e["type"] == kind))


@pytest.mark.parametrize(("kind", "mutate", "field"), [
    ("ObjectEvent", lambda e: e.pop("eventTime"), "eventTime"),
    ("ObjectEvent", lambda e: e.__setitem__("action", "UPDATE"), "action"),
    ("ObjectEvent", lambda e: e.__setitem__("eventTime", "2005-04-03 20:33:31"), "eventTime"),
    ("ObjectEvent", lambda e: e.__setitem__("eventTime", "2005-02-30T20:33:31Z"), "eventTime"),
    ("ObjectEvent", lambda e: e.__setitem__("type", "FooEvent"), "type"),
    ("ObjectEvent", lambda e: e.__setitem__("epcList", "urn:epc:id:sgtin:0614141.107346.2017"), "epcList"),
    ("ObjectEvent", lambda e: e.__setitem__("epcList", ["not a uri"]), "epcList[0]"),
    ("ObjectEvent", lambda e: e.__setitem__("eventTimeZoneOffset", "+15:00"), "eventTimeZoneOffset"),
    ("ObjectEvent", lambda e: e.__setitem__("bizStep", "urn:epcglobal:cbv:bizstep:shipping"), "bizStep"),
    ("ObjectEvent", lambda e: e.__setitem__("actoin", "ADD"), "actoin"),
    ("ObjectEvent", lambda e: e.__setitem__("readPoint", {"name": "gate"}), "readPoint.id"),
    ("ObjectEvent", lambda e: e.__setitem__("quantityList", [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": -5}]),
     "quantityList[0].quantity"),
    ("ObjectEvent", lambda e: e.__setitem__("quantityList", [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 5, "uom": "kg"}]),
     "quantityList[0].uom"),
    ("ObjectEvent", lambda e: e.__setitem__("sensorElementList", [{"sensorReport": []}]), "sensorElementList[0].sensorReport"),
    ("ObjectEvent", lambda e: e.__setitem__("sensorElementList", [{"sensorReport": [{"value": 3}]}]), "sensorElementList[0].sensorReport[0].type"),
    ("TransformationEvent", lambda e: [e.pop(k, None) for k in ("outputEPCList", "outputQuantityList")], "inputEPCList"),
    ("AggregationEvent", lambda e: [e.pop(k, None) for k in ("childEPCs", "childQuantityList")], "childEPCs"),
    ("TransactionEvent", lambda e: e.__setitem__("bizTransactionList", []), "bizTransactionList"),
    ("AssociationEvent", lambda e: e.pop("parentID"), "parentID"),
])
def test_invalid_events_are_rejected_naming_the_field(kind: str, mutate, field: str) -> None:
    ev = _first(kind)
    mutate(ev)
    problems = check_event(ev)
    assert field in {f for f, _r in problems}, problems


def test_document_errors_are_per_event_with_index() -> None:
    good = _first("ObjectEvent")
    bad = {**good, "action": "observe"}
    result = validate_body(wrap([good, bad, {**good, "eventTime": "yesterday"}]))
    assert {(e["index"], e["field"]) for e in result.errors} == {(1, "action"), (2, "eventTime")}
    assert all(e["reason"] for e in result.errors)


@pytest.mark.parametrize(("body", "field"), [
    ([], ""),
    ({"type": "EPCISDocument"}, "@context"),
    ({**wrap([]), "schemaVersion": "two"}, "schemaVersion"),
    ({**wrap([]), "epcisBody": {"eventList": {}}}, "eventList"),
    ({**wrap([]), "unknownField": 1}, "unknownField"),
    ({"type": "ObjectEvent"}, "type"),
])
def test_bad_envelopes_are_document_errors(body: Any, field: str) -> None:
    result = validate_body(body)
    assert not result.ok
    assert any(e["index"] is None and (e["field"] or "").startswith(field) for e in result.errors), result.errors


def test_a_single_event_needs_its_own_context() -> None:
    ev = _first("ObjectEvent")
    assert not validate_body(ev, allow_single_event=True).ok
    assert validate_body({"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", **ev}, allow_single_event=True).ok


@pytest.mark.parametrize(("value", "ok"), [
    ("urn:epc:id:sgtin:0614141.107346.2017", True), ("https://id.gs1.org/01/09520123456788/10/ABC", True),
    ("ni:///sha-256;df7b?ver=CBV2.0", True), ("example:myField", True), ("http://[::1]:80/x", True), ("http://[v1.x]/", True),
    ("urn:x:%41", True), ("mailto:a@b.c", True), ("a:", True),
    ("no scheme", False), ("urn:x:%4", False), ("http://a b", False), ("http://[::zz]/", False), ("urn:x:中文", False),
    ("http://a:b/", False), ("http://a@b@c/", False), ("1abc:x", False), ("urn:x#a#b", False), ("", False),
])
def test_uri_format_agrees_with_rfc3986_validator(value: str, ok: bool) -> None:
    validator = pytest.importorskip("rfc3986_validator")
    assert is_uri(value) is ok is bool(validator.validate_rfc3986(value, rule="URI"))


@given(st.text(alphabet="aZ09+-.:/@%?#[]!$&'()*,;=~_ x中", max_size=24))
@settings(max_examples=3000, deadline=None)
def test_plain_uri_fast_path_agrees_with_the_full_grammar(value: str) -> None:
    validator = pytest.importorskip("rfc3986_validator")
    assert is_uri(value) is bool(validator.validate_rfc3986(value, rule="URI"))


@pytest.mark.parametrize(("value", "ok"), [
    ("2024-05-01T08:30:00+08:00", True), ("2024-02-29t00:00:00z", True), ("2005-04-03T20:33:31.116000-06:00", True),
    ("2023-02-29T00:00:00Z", False), ("2024-05-01T24:00:00Z", False), ("2024-05-01T08:30:60Z", False), ("2024-05-01T08:30:00", False),
    ("2024-05-01", False), ("0000-01-01T00:00:00Z", False),
])
def test_time_format_agrees_with_rfc3339(value: str, ok: bool) -> None:
    validator = pytest.importorskip("rfc3339_validator")
    assert (parse_time(value) is not None) is ok is validator.validate_rfc3339(value.upper())


def _negative_quantity(doc: dict[str, Any]) -> bool:
    """Our one deliberate divergence: a negative quantity (the GS1 schema allows any number)."""
    text = json.dumps(doc)
    return any(isinstance(q.get("quantity"), (int, float)) and q["quantity"] < 0
               for ev in doc["epcisBody"]["eventList"] if isinstance(ev, dict)
               for key in ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
               if isinstance(ev.get(key), list) for q in ev[key] if isinstance(q, dict)) and "quantity" in text


@pytest.fixture(scope="module")
def gs1_schema() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("rfc3986_validator")  # without it jsonschema silently skips the "uri" format
    pytest.importorskip("rfc3339_validator")  # and the "date-time" format
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()), format_checker=jsonschema.FormatChecker())


def _sample_events() -> list[tuple[str, int, dict[str, Any]]]:
    """One example event per (type, set of fields): the mutations of the others are the same."""
    seen = set()
    out = []
    for name, i, ev in all_events():
        key = (ev["type"], tuple(sorted(ev)))
        if key not in seen:
            seen.add(key)
            out.append((name, i, ev))
    return out


def test_agrees_with_the_gs1_schema_on_examples_and_mutations(gs1_schema) -> None:
    """Every example, and thousands of systematic mutations of example events, get the same
    verdict from our validator and from jsonschema + the GS1 schema (with format checking).

    jsonschema needs ~4 ms a document, so by default every 6th mutation is checked (~2,500);
    ``SHIAN_EPCIS_FULL_AGREEMENT=1`` checks all of them (~15,000, about a minute)."""
    stride = 1 if os.environ.get("SHIAN_EPCIS_FULL_AGREEMENT") else 6
    n = 0
    for path in EXAMPLES:
        assert gs1_schema.is_valid(load(path)) and validate_body(load(path)).ok, path.name
    checked = rejected = 0
    disagreements = []
    seen: set[str] = set()
    for name, i, ev in _sample_events():
        for desc, mutated in event_mutations(ev):
            doc = wrap([mutated])
            key = json.dumps(doc, sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            n += 1
            if n % stride:
                continue
            ours, theirs = validate_body(doc).ok, gs1_schema.is_valid(doc)
            checked += 1
            rejected += not theirs
            if ours != theirs and not (theirs and not ours and _negative_quantity(doc)):
                disagreements.append(f"{name}#{i} {desc}: ours={ours} gs1={theirs}")
    assert checked * stride > 10000 and rejected * stride > 3000
    assert not disagreements, "\n".join(disagreements[:30])


def test_document_envelope_mutations_agree_with_the_gs1_schema(gs1_schema) -> None:
    docs = [load(p) for p in EXAMPLES if p.name in ("Example_9.6.1-ObjectEvent.jsonld", "EPCISQueryDocument.jsonld",
                                                    "object_event_all_possible_fields.jsonld")]
    disagreements = []
    for doc in docs:
        for key in list(doc):
            for value in (None, 42, "x", [], {}, "urn:x:y"):
                variants = [{k: v for k, v in doc.items() if k != key}, {**doc, key: value}]
                for m in variants:
                    if validate_body(m).ok != gs1_schema.is_valid(m):
                        disagreements.append(f"{doc['type']} {key}={value!r}")
        for extra in ({"epcisHeader": {"epcisMasterData": {"vocabularyList": [{"type": "urn:x:t", "vocabularyElementList": [{"id": "bad id"}]}]}}},
                      {"epcisHeader": {"bogus": 1}}, {"ext:x": 1}):
            m = {**doc, **extra}
            if validate_body(m).ok != gs1_schema.is_valid(m):
                disagreements.append(f"{doc['type']} + {extra}")
    assert not disagreements, disagreements
