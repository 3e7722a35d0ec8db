"""EPCIS capture with full validation into PostgreSQL, against plain jsonschema as the reference.

    .venv/bin/python bench/epcis.py [--events 20000] [--batch 5000] [--reference 1500]

Generates N synthetic events shaped like the GS1 examples (shipping/receiving ObjectEvents
with EPCs, quantities, transactions, sources/destinations and a temperature sensor report,
and TransformationEvents with input and output lots), then in the same run:

* captures them through the service layer (``services.capture_now``: validation, hashing,
  deduplication lookups, COPY inserts of events and edges, one audit entry per capture) into
  the database ``shian_bench_epcis`` (created and migrated if missing, emptied of EPCIS rows);
* validates a sample of the same events with plain ``jsonschema`` against the GS1 schema
  (``EPCIS-JSON-Schema.json``), with and without format checking (the reference);
* validates all of them with our validator alone;

and prints each rate, the ratio and the command line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, setup_django

SCHEMA_CANDIDATES = [Path(__file__).resolve().parents[2] / "shared" / "conformance" / "epcis" / "EPCIS-JSON-Schema.json",
                     Path("/work/shared/conformance/epcis/EPCIS-JSON-Schema.json")]
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"example": "http://ns.example.com/epcis/"}]


def make_events(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` events like the examples: 80% ObjectEvents, 20% TransformationEvents."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        company = f"{rnd.randrange(10**6, 10**7)}"
        item = f"{rnd.randrange(10**5, 10**6)}"
        minute, second = divmod(i % 3600, 60)
        when = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{minute:02d}:{second:02d}.{i % 1000:03d}+08:00"
        common = {"eventTime": when, "eventTimeZoneOffset": "+08:00", "readPoint": {"id": f"urn:epc:id:sgln:{company}.00001.{i % 50}"},
                  "bizLocation": {"id": f"urn:epc:id:sgln:{company}.00001.0"}}
        if i % 5 == 4:
            ev = {"type": "TransformationEvent", **common, "bizStep": "commissioning", "disposition": "in_progress",
                  "inputEPCList": [f"urn:epc:id:sgtin:{company}.{item}.{i}"],
                  "inputQuantityList": [{"epcClass": f"urn:epc:class:lgtin:{company}.{item}.L{i - 1}", "quantity": rnd.randrange(1, 500), "uom": "KGM"}],
                  "outputQuantityList": [{"epcClass": f"urn:epc:class:lgtin:{company}.{item}.L{i}", "quantity": rnd.randrange(1, 500), "uom": "KGM"}],
                  "ilmd": {"example:bestBeforeDate": "2026-12-10", "example:batch": f"B{i}"}}
        else:
            step = "shipping" if i % 2 else "receiving"
            ev = {"type": "ObjectEvent", **common, "action": "OBSERVE", "bizStep": step,
                  "disposition": "in_transit" if step == "shipping" else "in_progress",
                  "epcList": [f"urn:epc:id:sgtin:{company}.{item}.{i}", f"urn:epc:id:sgtin:{company}.{item}.{i + n}"],
                  "quantityList": [{"epcClass": f"urn:epc:class:lgtin:{company}.{item}.L{i}", "quantity": round(rnd.uniform(1, 200), 2), "uom": "KGM"}],
                  "bizTransactionList": [{"type": "po", "bizTransaction": f"http://transaction.example.com/po/{i // 10}"}],
                  "sourceList": [{"type": "owning_party", "source": f"urn:epc:id:pgln:{company}.00001"}],
                  "destinationList": [{"type": "owning_party", "destination": f"urn:epc:id:pgln:{company}.00002"}],
                  "sensorElementList": [{"sensorMetadata": {"time": when, "deviceID": f"urn:epc:id:giai:4000001.{i % 97}"},
                                         "sensorReport": [{"type": "Temperature", "value": round(rnd.uniform(-20, 8), 1), "uom": "CEL"}]}],
                  "example:myField": "cold chain"}
        out.append(ev)
    return out


def document(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-25T08:00:00+08:00",
            "epcisBody": {"eventList": events}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=5_000, help="events per capture")
    parser.add_argument("--reference", type=int, default=1_500, help="events validated with plain jsonschema (it is slow)")
    args = parser.parse_args()
    setup_django("shian_bench_epcis")

    from django.db import connection

    from shian.accounts.models import Organisation
    from shian.core.access import Principal, Role
    from shian.epcis import services
    from shian.epcis.models import EpcisEvent, EventIdentifier
    from shian.epcis.validator import validate_body

    with connection.cursor() as cur:
        cur.execute("TRUNCATE epcis_eventidentifier, epcis_eventtransaction, epcis_sourcedest, epcis_epcisevent, epcis_capture CASCADE")
    org, _created = Organisation.objects.get_or_create(code="BENCH-EPCIS", defaults={"name": "bench", "kind": Organisation.Kind.PLATFORM})
    principal = Principal(role=Role.PUBLIC, jurisdiction_path=None, organisation_id=org.pk, label="bench")

    events = make_events(args.events)
    print(f"# bench/epcis.py on {machine()}")
    print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"# {args.events} events ({sum(e['type'] == 'ObjectEvent' for e in events)} ObjectEvent, "
          f"{sum(e['type'] == 'TransformationEvent' for e in events)} TransformationEvent), captures of {args.batch}, "
          f"database {connection.settings_dict['NAME']} ({connection.vendor})")

    t0 = time.perf_counter()
    ok = all(validate_body(document(events[i:i + args.batch])).ok for i in range(0, len(events), args.batch))
    validate_rate = len(events) / (time.perf_counter() - t0)
    assert ok

    per_capture = []
    t0 = time.perf_counter()
    for i in range(0, len(events), args.batch):
        t1 = time.perf_counter()
        outcome = services.capture_now(body=document(events[i:i + args.batch]), principal=principal)
        per_capture.append(len(outcome.stored) / (time.perf_counter() - t1))
    capture_rate = len(events) / (time.perf_counter() - t0)
    stored = EpcisEvent.objects.count()
    edges = EventIdentifier.objects.count()
    assert stored == len(events), stored
    again = services.capture_now(body=document(events[: args.batch]), principal=principal)
    assert not again.stored and len(again.duplicates) == min(args.batch, len(events))

    import jsonschema

    schema = json.loads(next(p for p in SCHEMA_CANDIDATES if p.exists()).read_text())
    sample = events[: args.reference]
    rates = {}
    for label, checker in (("with format checking", jsonschema.FormatChecker()), ("without format checking", None)):
        validator = jsonschema.Draft7Validator(schema, format_checker=checker)
        t0 = time.perf_counter()
        for ev in sample:
            assert validator.is_valid(document([ev]))
        rates[label] = len(sample) / (time.perf_counter() - t0)

    ref = rates["with format checking"]
    print(f"capture (validate + store, PostgreSQL COPY): {capture_rate:9,.0f} events/s sustained over {len(events)} events "
          f"({stored} events, {edges} identifier edges); per capture: {', '.join(f'{r:,.0f}' for r in per_capture)}")
    print(f"our validator alone:                          {validate_rate:9,.0f} events/s")
    store_rate = 1 / (1 / capture_rate - 1 / validate_rate)
    print(f"storing alone (derive, hash, dedup, COPY, commit): {store_rate:6,.0f} events/s (capture minus validation)")
    print(f"reference: jsonschema + GS1 schema, formats:  {ref:9,.0f} events/s (sample of {len(sample)}, one core)")
    print(f"reference: jsonschema, no format checking:    {rates['without format checking']:9,.0f} events/s")
    print(f"ratio capture / reference (formats): {capture_rate / ref:6.1f}x   validator / reference: {validate_rate / ref:6.1f}x")
    print(f"target >= 5,000 events/s sustained capture: {'PASS' if capture_rate >= 5000 else 'FAIL'}")


if __name__ == "__main__":
    main()
