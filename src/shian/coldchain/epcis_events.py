"""First-stop coding, release decisions and temperature readings as EPCIS 2.0 events (CBV 2.0), as
plain dicts, and the reverse: temperature readings found in an event someone else captured.

Pure functions: no queries. :mod:`shian.coldchain.services` stores what they build through
:func:`shian.epcis.services.record_platform_events` in the same transaction as the record, so
another city reads them with ``GET /epcis/events`` (for example ``MATCH_anyEPCClass=<lot>``).

* **first stop** → ObjectEvent, ``ADD``, bizStep ``commissioning``, disposition ``active``. CBV 2.0
  defines *commissioning* as associating an identifier with objects for the first time, and only an
  ``ADD`` event may carry ILMD (lot master data). The platform trace code (the first-stop code)
  begins here, so this is the lot's first event: its quantity, the origin country
  (``cbvmda:countryOfOrigin``), lot number and expiry, the importer, entry date and storage class
  (``shian:`` names) as ILMD, and the customs declaration as a business transaction. *Receiving*
  (an ``OBSERVE`` of goods already identified) would leave no place for ILMD.
* **release / rejection** → ObjectEvent, ``OBSERVE``, bizStep ``inspecting``, disposition
  ``conformant`` / ``non_conformant``; the certificates checked (``cert`` transactions naming each
  file by kind and SHA-256) and, on release, the release certificate.
* **temperature readings** → one ObjectEvent per batch, ``OBSERVE``, bizStep ``storing`` or
  ``transporting``, the lot as a quantity element without quantity, and a ``sensorElementList``
  with one element per reading: ``sensorReport`` of type ``Temperature`` (the EPCIS 2.0 JSON-LD
  form of ``gs1:Temperature``; writing the prefixed name would expand to the GS1 Web Vocabulary
  URI that the schema refuses in that place), ``uom`` ``CEL``, the time, the device, and
  ``exception: ALARM_CONDITION`` on a reading outside the limits.

Parties and places are ``urn:shian:operator:<USCC>`` (the platform has no GLNs); platform names
are in the ``shian:`` namespace (``urn:shian:vocab:``), declared in each event's ``@context``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, unquote

from shian.epcis.formats import parse_time
from shian.trace.epcis_events import OFFSET, Line, event_time, party, quantity_element

CONTEXT = [{"shian": "urn:shian:vocab:"}]
DECLARATION_TYPE = "urn:shian:btt:customs_declaration"
DECLARATION_PREFIX = "urn:shian:customs-declaration:"
CERTIFICATE_PREFIX = "urn:shian:certificate:"
RELEASE_PREFIX = "urn:shian:release:"
DEVICE_PREFIX = "urn:shian:device:"
TEMPERATURE = "Temperature"
TEMPERATURE_TYPES = frozenset({"Temperature", "gs1:Temperature", "https://gs1.org/voc/Temperature"})
ALARM = "ALARM_CONDITION"
STEPS = ("storing", "transporting")


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _place(uscc: str) -> dict[str, str]:
    return {"id": party(uscc)}


def first_stop_event(*, when: date, warehouse_uscc: str, importer_uscc: str, line: Line, trace_code: str, lot_code: str,
                     origin_country: str, declaration_number: str, storage_class: str, expiry_date: date | None = None) -> dict[str, Any]:
    """The commissioning event of a lot coded at the first stop (``ADD`` with ILMD)."""
    ilmd: dict[str, Any] = {
        "cbvmda:countryOfOrigin": origin_country,
        "cbvmda:lotNumber": lot_code,
        "shian:firstStopCode": trace_code,
        "shian:importer": party(importer_uscc),
        "shian:entryDate": when.isoformat(),
        "shian:storageClass": storage_class,
    }
    if expiry_date is not None:
        ilmd["cbvmda:itemExpirationDate"] = expiry_date.isoformat()
    return {
        "@context": CONTEXT,
        "type": "ObjectEvent",
        "eventTime": event_time(when),
        "eventTimeZoneOffset": OFFSET,
        "action": "ADD",
        "bizStep": "commissioning",
        "disposition": "active",
        "quantityList": [quantity_element(line)],
        "readPoint": _place(warehouse_uscc),
        "bizLocation": _place(warehouse_uscc),
        "bizTransactionList": [{"type": DECLARATION_TYPE, "bizTransaction": f"{DECLARATION_PREFIX}{declaration_number}"}],
        "ilmd": ilmd,
    }


@dataclass(frozen=True)
class Certificate:
    """A certificate named in a release event: its document kind and the file's SHA-256."""

    kind: str
    sha256: str


def certificate_uri(cert: Certificate) -> str:
    return f"{CERTIFICATE_PREFIX}{cert.kind}:{cert.sha256}"


def decision_event(*, when: datetime, warehouse_uscc: str, epc_class: str, declaration_number: str, certificates: Sequence[Certificate],
                   release_code: str | None) -> dict[str, Any]:
    """The inspection result at the warehouse: ``conformant`` with the release certificate, or ``non_conformant``."""
    transactions = [{"type": DECLARATION_TYPE, "bizTransaction": f"{DECLARATION_PREFIX}{declaration_number}"}]
    transactions += [{"type": "cert", "bizTransaction": certificate_uri(c)} for c in certificates]
    if release_code:
        transactions.append({"type": "cert", "bizTransaction": f"{RELEASE_PREFIX}{release_code}"})
    # Certificates may repeat across entries of one declaration, never within one event.
    unique = list({t["bizTransaction"]: t for t in transactions}.values())
    return {
        "@context": CONTEXT,
        "type": "ObjectEvent",
        "eventTime": event_time(when),
        "eventTimeZoneOffset": OFFSET,
        "action": "OBSERVE",
        "bizStep": "inspecting",
        "disposition": "conformant" if release_code else "non_conformant",
        "quantityList": [{"epcClass": epc_class}],
        "readPoint": _place(warehouse_uscc),
        "bizLocation": _place(warehouse_uscc),
        "bizTransactionList": unique,
    }


@dataclass(frozen=True)
class SensorReading:
    """One temperature to put in a sensor event."""

    time: datetime
    value: Decimal
    device: str = ""
    location: str = ""
    excursion: bool = False


def device_uri(recorder_uscc: str, device: str) -> str:
    """A URI for a device the platform knows only by its name (percent-encoded under the recorder)."""
    return f"{DEVICE_PREFIX}{recorder_uscc}:{quote(device, safe='')}"


def _sensor_element(r: SensorReading, recorder_uscc: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {"time": event_time(r.time)}
    if r.device:
        metadata["deviceID"] = device_uri(recorder_uscc, r.device)
    if r.location:
        metadata["shian:location"] = r.location
    report: dict[str, Any] = {"type": TEMPERATURE, "value": _number(r.value), "uom": "CEL"}
    if r.excursion:
        report["exception"] = ALARM
    return {"sensorMetadata": metadata, "sensorReport": [report]}


def sensor_event(*, recorder_uscc: str, epc_class: str, step: str, readings: Sequence[SensorReading]) -> dict[str, Any]:
    """One event for a batch of readings of a lot; its event time is the last reading's."""
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    if not readings:
        raise ValueError("no readings")
    ordered = sorted(readings, key=lambda r: r.time)
    return {
        "@context": CONTEXT,
        "type": "ObjectEvent",
        "eventTime": event_time(ordered[-1].time),
        "eventTimeZoneOffset": OFFSET,
        "action": "OBSERVE",
        "bizStep": step,
        "quantityList": [{"epcClass": epc_class}],
        "readPoint": _place(recorder_uscc),
        "sensorElementList": [_sensor_element(r, recorder_uscc) for r in ordered],
    }


# --- reading events captured by others ---------------------------------------------------------

@dataclass(frozen=True)
class Report:
    """A temperature found in an event: °C, when, and the device and place as far as the event says."""

    time: datetime
    value: Decimal
    device: str
    location: str


_FROM_UNIT = {
    "CEL": lambda v: v,
    "FAH": lambda v: (v - 32) * Decimal(5) / Decimal(9),
    "KEL": lambda v: v - Decimal("273.15"),
}


def _celsius(report: dict[str, Any]) -> Decimal | None:
    raw = report.get("value", report.get("meanValue"))
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    convert = _FROM_UNIT.get(str(report.get("uom") or "CEL"))
    if convert is None:
        return None
    try:
        value = convert(Decimal(str(raw)))
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01")) if value.is_finite() else None


def _device_name(uri: str) -> str:
    if uri.startswith(DEVICE_PREFIX):
        return unquote(uri[len(DEVICE_PREFIX):].split(":", 1)[-1])
    return uri


def temperature_reports(document: dict[str, Any]) -> list[Report]:
    """Every temperature in an event's ``sensorElementList`` (types ``Temperature``, in °C, °F or K),
    timed by the report, else its element's metadata, else the event. Others are ignored."""
    fallback = parse_time(str(document.get("eventTime", "")))
    out: list[Report] = []
    for element in document.get("sensorElementList") or ():
        if not isinstance(element, dict):
            continue
        raw_meta = element.get("sensorMetadata")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        for report in element.get("sensorReport") or ():
            if not isinstance(report, dict) or report.get("type") not in TEMPERATURE_TYPES:
                continue
            value = _celsius(report)
            when = parse_time(str(report.get("time") or meta.get("time") or "")) or fallback
            if value is None or when is None:
                continue
            device = str(report.get("deviceID") or meta.get("deviceID") or "")
            location = str(meta.get("shian:location") or "")
            out.append(Report(when, value, _device_name(device)[:100], location[:100]))
    return out


_DIGITAL_LINK = re.compile(r"^https?://[^/]+/01/(\d{14})/10/([^/?#]+)")
_LOT_URN = "urn:shian:lot:"


@dataclass(frozen=True)
class LotKey:
    """How an event names a platform lot: its trace code, or GTIN-14 + lot code."""

    trace_code: str = ""
    gtin: str = ""
    lot_code: str = ""


def lot_keys(identifiers: Iterable[str]) -> list[LotKey]:
    """The platform lots an event's identifiers may name (``urn:shian:lot:<code>`` or a GS1 Digital Link with a lot)."""
    keys: list[LotKey] = []
    for ident in identifiers:
        if ident.startswith(_LOT_URN):
            keys.append(LotKey(trace_code=ident[len(_LOT_URN):]))
            continue
        m = _DIGITAL_LINK.match(ident)
        if m:
            keys.append(LotKey(gtin=m.group(1), lot_code=unquote(m.group(2))))
    return keys
