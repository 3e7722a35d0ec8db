"""The GS1 EPCIS 2.0 conformance material (examples and JSON Schema) and mutations of it."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

# shared/ lies beside the repository (in CI: beside the fresh clone); SHIAN_EPCIS_CONFORMANCE overrides.
ROOT = Path(os.environ.get("SHIAN_EPCIS_CONFORMANCE", Path(__file__).resolve().parents[3] / "shared" / "conformance" / "epcis"))
if not ROOT.exists() and "SHIAN_EPCIS_CONFORMANCE" not in os.environ:
    ROOT = Path("/work/shared/conformance/epcis")
EXAMPLES = ROOT / "JSON"
SCHEMA = ROOT / "EPCIS-JSON-Schema.json"


def example_files() -> list[Path]:
    """Every EPCISDocument / EPCISQueryDocument under JSON/ (recursively), by name."""
    out = []
    for path in sorted(EXAMPLES.rglob("*")):
        if path.suffix not in (".jsonld", ".json") or not path.is_file():
            continue
        doc = json.loads(path.read_text())
        if isinstance(doc, dict) and doc.get("type") in ("EPCISDocument", "EPCISQueryDocument"):
            out.append(path)
    return out


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def events_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    body = doc["epcisBody"]
    if "eventList" in body:
        return body["eventList"]
    return body["queryResults"]["resultsBody"]["eventList"]


@cache
def all_events() -> list[tuple[str, int, dict[str, Any]]]:
    return [(p.name, i, e) for p in example_files() for i, e in enumerate(events_of(load(p)))]


def wrap(events: list[Any], context: Any = None) -> dict[str, Any]:
    """A minimal EPCISDocument around ``events``."""
    return {"@context": context or ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"example": "http://ns.example.com/epcis/"}],
            "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-05-01T08:00:00+08:00",
            "epcisBody": {"eventList": events}}


BAD_VALUES: list[Any] = [42, "not a uri", [], {}, None, True, -1.5, "urn:x:y"]
BAD_TIMES = ["2020-13-01T00:00:00Z", "2020-02-30T00:00:00Z", "2020-01-01 00:00:00Z", "2020-01-01T00:00:00", "2020-01-01T24:00:00Z",
             "2021-02-28T23:59:59.123456789+23:59", "2020-02-29T00:00:00z"]


def _variants_of_dict(d: dict[str, Any], depth: int) -> Iterator[tuple[str, Any]]:
    """(description, mutated copy) pairs for a JSON object, recursing ``depth`` levels."""
    for key in list(d):
        m = dict(d)
        del m[key]
        yield f"-{key}", m
        for bad in BAD_VALUES:
            m = dict(d)
            m[key] = bad
            yield f"{key}={bad!r}", m
        value = d[key]
        if depth > 0 and isinstance(value, dict):
            for desc, sub in _variants_of_dict(value, depth - 1):
                m = dict(d)
                m[key] = sub
                yield f"{key}.{desc}", m
        if depth > 0 and isinstance(value, list) and value:
            for extra in ([*value, 42], [*value, "not a uri"], [*value, value[0]], [], [{}], [value[0], {"x": 1}]):
                m = dict(d)
                m[key] = extra
                yield f"{key}<-{str(extra)[:30]}", m
            if isinstance(value[0], dict):
                for desc, sub in _variants_of_dict(value[0], depth - 1):
                    m = dict(d)
                    m[key] = [sub, *value[1:]]
                    yield f"{key}[0].{desc}", m
    for key, bad in (("bogus", 1), ("ext:ok", 1), ("bad name:", "x")):
        m = dict(d)
        m[key] = bad
        yield f"+{key}", m


def event_mutations(ev: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Systematic mutations of one event: each field removed or given wrong values, nested
    lists and objects likewise, and targeted bad times, actions, types and quantities."""
    yield from _variants_of_dict(copy.deepcopy(ev), depth=3)
    for t in BAD_TIMES:
        yield f"eventTime={t}", {**ev, "eventTime": t}
    for tz in ("+15:00", "+08", "08:00", "+14:00", "-13:59"):
        yield f"tz={tz}", {**ev, "eventTimeZoneOffset": tz}
    for action in ("observe", "UPDATE", "ADD", "DELETE", "OBSERVE"):
        yield f"action={action}", {**ev, "action": action}
    types = ("FooEvent", "urn:example:FooEvent", "QuantityEvent", "ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent",
             "AssociationEvent")
    for etype in types:
        yield f"type={etype}", {**ev, "type": etype}
    for step in ("urn:epcglobal:cbv:bizstep:shipping", "https://ns.gs1.org/cbv/BizStep-shipping", "example:step", "Shipping"):
        yield f"bizStep={step}", {**ev, "bizStep": step}
    yield "epcList=str", {**ev, "epcList": "urn:epc:id:sgtin:0614141.107346.2017"}
    yield "epcList=dup", {**ev, "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"] * 2}
