"""The platform's own trade as EPCIS 2.0 events (CBV 2.0 business steps), as plain dicts.

Pure functions: no queries, no clock unless the caller passes none. :mod:`shian.trace.services`
hands the results to :func:`shian.epcis.services.record_platform_events` in the same transaction
as the shipment or receipt, so another city's system reads them through ``GET /epcis/events``
and trace back/forward (:mod:`shian.trace.graph`) follows them like captured events.

* a shipment → ObjectEvent, ``OBSERVE``, bizStep ``shipping``, disposition ``in_transit``, the
  shipped lots and quantities, a ``desadv`` business transaction ``urn:shian:shipment:<id>``,
  source = supplier, destination = buyer (``owning_party``);
* a receipt recorded, confirmed or corrected → ObjectEvent, ``OBSERVE``, bizStep ``receiving``,
  disposition ``in_progress``, the quantities that arrived, a ``recadv`` transaction
  ``urn:shian:receipt:<id>`` plus the shipment's ``desadv`` when there is one. A disputed receipt
  yields no event;
* a transformation → TransformationEvent, bizStep ``commissioning`` (processing, mixing) or
  ``repackaging``, disposition ``active``, input and output lots with quantities, a ``prodorder``
  transaction ``urn:shian:transformation:<id>``, the operator as ``owning_party`` source.

Parties are ``urn:shian:operator:<USCC>``. Units map to UN/CEFACT Rec. 20 codes where one exists;
counted units (piece, case, bottle, bag, head) leave ``uom`` out, which EPCIS reads as a count
of the class's instances.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

CHINA = timezone(timedelta(hours=8))
OFFSET = "+08:00"
PARTY_PREFIX = "urn:shian:operator:"
SHIPMENT_PREFIX = "urn:shian:shipment:"
RECEIPT_PREFIX = "urn:shian:receipt:"
TRANSFORMATION_PREFIX = "urn:shian:transformation:"
# Transformation kind → CBV 2.0 business step: new lots made from inputs are commissioned; repacking is repackaging.
TRANSFORMATION_STEPS = {"processing": "commissioning", "mixing": "commissioning", "repacking": "repackaging"}

# trace.models.Unit value → UN/CEFACT Recommendation 20 code; counted units are absent (no uom).
UOM: dict[str, str] = {"kg": "KGM", "g": "GRM", "t": "TNE", "L": "LTR", "mL": "MLT"}


@dataclass(frozen=True)
class Line:
    """One lot on a shipment or receipt: its EPC class, quantity and platform unit."""

    epc_class: str
    quantity: Decimal
    unit: str


def party(uscc: str) -> str:
    """The URI of an operator (or outside supplier) by its unified social credit code."""
    return f"{PARTY_PREFIX}{uscc}"


def uscc_of(uri: str) -> str | None:
    """The USCC in a party URI, or None if it is not one of ours."""
    return uri[len(PARTY_PREFIX):] if uri.startswith(PARTY_PREFIX) else None


def unit_code(unit: str) -> str | None:
    """The UN/CEFACT code of a platform unit, or None for counted units."""
    return UOM.get(unit)


def _number(q: Decimal) -> int | float:
    """A JSON number for a decimal quantity (the validator wants a number, not text)."""
    return int(q) if q == q.to_integral_value() else float(q)


def quantity_element(line: Line) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": line.epc_class, "quantity": _number(line.quantity)}
    code = unit_code(line.unit)
    if code:
        element["uom"] = code
    return element


def event_time(when: date | datetime) -> str:
    """A date at 00:00 China time, or an aware date-time, written with the +08:00 offset."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise ValueError("naive date-time")
        return when.astimezone(CHINA).isoformat(timespec="seconds")
    return f"{when.isoformat()}T00:00:00{OFFSET}"


def _quantities(lines: Iterable[Line]) -> list[dict[str, Any]]:
    return [quantity_element(line) for line in lines if line.quantity > 0]


def shipping_event(*, shipment_id: int, when: date | datetime, supplier_uscc: str, buyer_uscc: str, lines: Sequence[Line]) -> dict[str, Any]:
    """The ObjectEvent of a platform shipment (bizStep ``shipping``)."""
    return {
        "type": "ObjectEvent",
        "eventTime": event_time(when),
        "eventTimeZoneOffset": OFFSET,
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "quantityList": _quantities(lines),
        "bizTransactionList": [{"type": "desadv", "bizTransaction": f"{SHIPMENT_PREFIX}{shipment_id}"}],
        "sourceList": [{"type": "owning_party", "source": party(supplier_uscc)}],
        "destinationList": [{"type": "owning_party", "destination": party(buyer_uscc)}],
    }


def receiving_event(*, receipt_id: int, when: date | datetime, supplier_uscc: str, buyer_uscc: str, lines: Sequence[Line],
                    shipment_id: int | None = None) -> dict[str, Any] | None:
    """The ObjectEvent of a receipt (bizStep ``receiving``) with the quantities that arrived;
    None when nothing arrived (every line confirmed as zero)."""
    quantities = _quantities(lines)
    if not quantities:
        return None
    transactions = [{"type": "recadv", "bizTransaction": f"{RECEIPT_PREFIX}{receipt_id}"}]
    if shipment_id is not None:
        transactions.append({"type": "desadv", "bizTransaction": f"{SHIPMENT_PREFIX}{shipment_id}"})
    return {
        "type": "ObjectEvent",
        "eventTime": event_time(when),
        "eventTimeZoneOffset": OFFSET,
        "action": "OBSERVE",
        "bizStep": "receiving",
        "disposition": "in_progress",
        "quantityList": quantities,
        "bizTransactionList": transactions,
        "sourceList": [{"type": "owning_party", "source": party(supplier_uscc)}],
        "destinationList": [{"type": "owning_party", "destination": party(buyer_uscc)}],
    }


def transformation_event(*, transformation_id: int, kind: str, when: date | datetime, operator_uscc: str, inputs: Sequence[Line],
                         outputs: Sequence[Line]) -> dict[str, Any]:
    """The TransformationEvent of a platform transformation (inputs consumed, outputs made)."""
    return {
        "type": "TransformationEvent",
        "eventTime": event_time(when),
        "eventTimeZoneOffset": OFFSET,
        "inputQuantityList": _quantities(inputs),
        "outputQuantityList": _quantities(outputs),
        "bizStep": TRANSFORMATION_STEPS[kind],
        "disposition": "active",
        "bizTransactionList": [{"type": "prodorder", "bizTransaction": f"{TRANSFORMATION_PREFIX}{transformation_id}"}],
        "sourceList": [{"type": "owning_party", "source": party(operator_uscc)}],
    }


def now() -> datetime:
    return datetime.now(UTC)
