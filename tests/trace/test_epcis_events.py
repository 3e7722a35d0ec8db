"""The platform's shipments and receipts are recorded as EPCIS events (CBV business steps), valid
by the repository's own validator, in the same transaction as the trade they describe."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shian.epcis.models import EpcisEvent, EventTransaction
from shian.epcis.validator import validate_events
from shian.trace import epcis_events as ev
from shian.trace import services
from shian.trace.models import Receipt
from shian.trace.services import LineIn
from tests.conftest import make_uscc
from tests.trace.conftest import DAY, Trace

USCC_A = "91440703MA00000001"
USCC_B = "91440703MA00000002"


# --- pure builders ----------------------------------------------------------------------------

def test_units_map_to_un_cefact_codes_or_a_count() -> None:
    assert [ev.unit_code(u) for u in ("kg", "g", "t", "L", "mL")] == ["KGM", "GRM", "TNE", "LTR", "MLT"]
    assert [ev.unit_code(u) for u in ("piece", "case", "bottle", "bag", "head")] == [None] * 5
    assert ev.quantity_element(ev.Line("urn:shian:lot:X", Decimal("12.500"), "kg")) == {"epcClass": "urn:shian:lot:X", "quantity": 12.5, "uom": "KGM"}
    assert ev.quantity_element(ev.Line("urn:shian:lot:X", Decimal("3.000"), "bag")) == {"epcClass": "urn:shian:lot:X", "quantity": 3}


def test_event_time_is_china_time() -> None:
    assert ev.event_time(date(2026, 3, 2)) == "2026-03-02T00:00:00+08:00"
    assert ev.event_time(datetime(2026, 3, 2, 1, 30, tzinfo=UTC)) == "2026-03-02T09:30:00+08:00"
    with pytest.raises(ValueError):
        ev.event_time(datetime(2026, 3, 2))


def test_built_events_are_valid_epcis() -> None:
    lines = [ev.Line("https://id.gs1.org/01/06901234567892/10/LC-1", Decimal("5"), "bag"), ev.Line("urn:shian:lot:T1", Decimal("2.25"), "L")]
    ship = ev.shipping_event(shipment_id=7, when=date(2026, 3, 2), supplier_uscc=USCC_A, buyer_uscc=USCC_B, lines=lines)
    recv = ev.receiving_event(receipt_id=9, when=datetime(2026, 3, 3, tzinfo=UTC), supplier_uscc=USCC_A, buyer_uscc=USCC_B, lines=lines,
                              shipment_id=7)
    assert recv is not None
    assert validate_events([ship, recv]).ok
    assert ship["bizStep"] == "shipping" and ship["disposition"] == "in_transit" and ship["action"] == "OBSERVE"
    assert ship["bizTransactionList"] == [{"type": "desadv", "bizTransaction": "urn:shian:shipment:7"}]
    assert ship["sourceList"] == [{"type": "owning_party", "source": f"urn:shian:operator:{USCC_A}"}]
    assert ship["destinationList"] == [{"type": "owning_party", "destination": f"urn:shian:operator:{USCC_B}"}]
    assert recv["bizStep"] == "receiving" and recv["disposition"] == "in_progress"
    assert [t["type"] for t in recv["bizTransactionList"]] == ["recadv", "desadv"]


def test_nothing_received_gives_no_event() -> None:
    assert ev.receiving_event(receipt_id=1, when=date(2026, 3, 2), supplier_uscc=USCC_A, buyer_uscc=USCC_B,
                              lines=[ev.Line("urn:shian:lot:T", Decimal(0), "kg")]) is None
    assert ev.uscc_of(ev.party(USCC_A)) == USCC_A and ev.uscc_of("urn:other:x") is None


# --- emitted by the services --------------------------------------------------------------------

def _events(step: str) -> list[EpcisEvent]:
    return list(EpcisEvent.objects.filter(biz_step=step).order_by("id"))


def _ship(trace: Trace, qty: str = "40") -> Receipt:
    w = trace.world
    shipment = services.shipment_create(supplier=w.op2, buyer=w.op1, shipped_on=DAY, lines=[LineIn(quantity=Decimal(qty), lot=trace.lot)])
    return Receipt.objects.get(shipment=shipment)


@pytest.mark.django_db
def test_a_shipment_is_a_shipping_event(trace: Trace) -> None:
    receipt = _ship(trace)
    [event] = _events("shipping")
    w = trace.world
    assert event.source == EpcisEvent.Source.PLATFORM and event.operator_id == w.op2.pk
    doc = event.document
    assert doc["eventTime"] == "2026-03-02T00:00:00+08:00" and doc["eventTimeZoneOffset"] == "+08:00"
    assert doc["quantityList"] == [{"epcClass": trace.lot.epc_class, "quantity": 40}]  # bags: a count, no uom
    assert doc["sourceList"][0]["source"] == f"urn:shian:operator:{w.op2.uscc}"
    assert doc["destinationList"][0]["destination"] == f"urn:shian:operator:{w.op1.uscc}"
    assert EventTransaction.objects.filter(event=event, type="desadv", value=f"urn:shian:shipment:{receipt.shipment_id}").exists()
    assert validate_events([doc]).ok
    assert _events("receiving") == []  # the pending receipt has not been answered yet


@pytest.mark.django_db
def test_a_confirmed_receipt_is_a_receiving_event(trace: Trace) -> None:
    receipt = _ship(trace)
    services.receipt_confirm(receipt=receipt)
    [event] = _events("receiving")
    doc = event.document
    assert event.operator_id == trace.world.op1.pk and event.disposition == "in_progress"
    assert doc["quantityList"] == [{"epcClass": trace.lot.epc_class, "quantity": 40}]
    assert {(t["type"], t["bizTransaction"]) for t in doc["bizTransactionList"]} == {
        ("recadv", f"urn:shian:receipt:{receipt.pk}"), ("desadv", f"urn:shian:shipment:{receipt.shipment_id}")}
    assert validate_events([doc]).ok


@pytest.mark.django_db
def test_a_corrected_receipt_carries_the_corrected_quantities(trace: Trace) -> None:
    receipt = _ship(trace)
    line = receipt.lines.get()
    services.receipt_correct(receipt=receipt, quantities={line.pk: Decimal("37.5")})
    [event] = _events("receiving")
    assert event.document["quantityList"] == [{"epcClass": trace.lot.epc_class, "quantity": 37.5}]


@pytest.mark.django_db
def test_a_disputed_receipt_has_no_receiving_event(trace: Trace) -> None:
    receipt = _ship(trace)
    services.receipt_dispute(receipt=receipt, reason="未订购")
    assert _events("receiving") == [] and len(_events("shipping")) == 1


@pytest.mark.django_db
def test_a_receipt_recorded_by_the_buyer_is_a_receiving_event(trace: Trace) -> None:
    w = trace.world
    own = services.product_create(owner=w.op1, name="青菜", category_code="B04")
    outside = make_uscc(77)
    receipt = services.receipt_record(buyer=w.op1, received_on=date(2026, 3, 5), supplier_name="外地菜场", supplier_uscc=outside,
                                      lines=[LineIn(quantity=Decimal("8"), new_lot=services.NewLot(product=own, lot_code="QC-1",
                                                                                                    production_date=date(2026, 3, 4)))])
    [event] = _events("receiving")
    doc = event.document
    lot = receipt.lines.get().lot
    assert doc["eventTime"] == "2026-03-05T00:00:00+08:00"
    assert doc["quantityList"] == [{"epcClass": lot.epc_class, "quantity": 8, "uom": "KGM"}]
    assert doc["bizTransactionList"] == [{"type": "recadv", "bizTransaction": f"urn:shian:receipt:{receipt.pk}"}]
    assert doc["sourceList"][0]["source"] == f"urn:shian:operator:{outside}"
    assert validate_events([doc]).ok


@pytest.mark.django_db
def test_the_event_is_in_the_same_transaction(trace: Trace, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the event cannot be stored, the shipment is not stored either."""
    from shian.core.errors import Invalid
    from shian.trace.models import Shipment

    def broken(*args: object, **kwargs: object) -> dict[str, object]:
        return {"type": "ObjectEvent"}  # missing eventTime and more: invalid

    monkeypatch.setattr(ev, "shipping_event", broken)
    with pytest.raises(Invalid):
        _ship(trace)
    assert not Shipment.objects.exists() and not Receipt.objects.exists() and not EpcisEvent.objects.exists()
