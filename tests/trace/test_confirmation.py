"""Supply confirmation (供销关系确认): a shipment creates the buyer's pending receipt, which the buyer
confirms, corrects (differences stay visible) or disputes (the shipment is never changed)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from shian.core.errors import Conflict, Invalid
from shian.core.models import AuditEntry
from shian.trace import services
from shian.trace.models import Receipt, Shipment, ShipmentLine
from shian.trace.services import LineIn
from tests.trace.conftest import DAY, Trace


def _post(client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _ship(trace: Trace, qty: str = "40") -> Receipt:
    """op2 (the producer, which has no platform account) ships through the admin; op1 is the buyer."""
    client = trace.world.client("admin")
    r = _post(client, "/api/v1/trace/shipments", {"supplier_id": trace.world.op2.pk, "buyer_id": trace.world.op1.pk, "shipped_on": str(DAY),
                                                  "lines": [{"trace_code": trace.lot.trace_code, "quantity": qty}]})
    assert r.status_code == 201, r.content
    receipt = Receipt.objects.get(pk=r.json()["receipt_id"])
    assert r.json()["verified"] is True
    return receipt


@pytest.mark.django_db
def test_shipment_creates_a_pending_receipt_with_the_same_lines(trace: Trace) -> None:
    receipt = _ship(trace)
    assert receipt.status == Receipt.Status.PENDING and receipt.supplier_id == trace.world.op2.pk and receipt.buyer_id == trace.world.op1.pk
    assert [(ln.lot_id, ln.quantity, ln.quantity_confirmed) for ln in receipt.lines.all()] == [(trace.lot.pk, Decimal(40), None)]
    assert receipt.shipment is not None and receipt.received_on == DAY
    actions = set(AuditEntry.objects.filter(kind="event").values_list("action", "operator_id"))
    assert ("shipment.recorded", trace.world.op2.pk) in actions and ("receipt.recorded", trace.world.op1.pk) in actions
    buyer_view = trace.world.client("operator_user").get(f"/api/v1/trace/receipts/{receipt.pk}").json()
    assert buyer_view["status"] == "pending" and buyer_view["lines"][0]["trace_code"] == trace.lot.trace_code
    assert {d["id"] for d in buyer_view["lot_documents"]} == {trace.test_report.pk, trace.quarantine.pk}


@pytest.mark.django_db
def test_confirm(trace: Trace) -> None:
    receipt = _ship(trace)
    r = trace.world.client("operator_user").post(f"/api/v1/trace/receipts/{receipt.pk}/confirm")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "confirmed" and r.json()["lines"][0]["quantity_confirmed"] == "40.000"
    assert r.json()["responded_at"]
    again = trace.world.client("operator_user").post(f"/api/v1/trace/receipts/{receipt.pk}/confirm")
    assert again.status_code == 409 and again.json()["code"] == "receipt_not_pending"
    assert AuditEntry.objects.filter(action="receipt.confirmed", operator_id=trace.world.op1.pk).count() == 1


@pytest.mark.django_db
def test_correct_keeps_the_difference_visible_to_both_and_the_regulator(trace: Trace) -> None:
    receipt = _ship(trace)
    line = receipt.lines.get()
    op1 = trace.world.client("operator_user")
    r = _post(op1, f"/api/v1/trace/receipts/{receipt.pk}/correct", {"lines": [{"line_id": line.pk, "quantity_confirmed": "36"}]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "corrected" and body["has_mismatch"] is True
    assert body["lines"][0]["quantity"] == "40.000" and body["lines"][0]["quantity_confirmed"] == "36.000" and body["lines"][0]["mismatch"]
    # The shipment keeps what the supplier recorded.
    assert ShipmentLine.objects.get(shipment=receipt.shipment).quantity == Decimal(40)
    event = AuditEntry.objects.get(action="receipt.corrected")
    assert event.data["differences"] == [{"line": line.pk, "lot": trace.lot.pk, "shipped": "40.000", "received": "36"}]
    # The buyer, the admin acting for the supplier and the buyer's district regulator all see the difference.
    for persona in ("operator_user", "admin", "district_regulator", "station_officer", "city_regulator"):
        listing = trace.world.client(persona).get("/api/v1/trace/receipts?status=corrected").json()
        assert [(i["id"], i["has_mismatch"]) for i in listing["items"]] == [(receipt.pk, True)], persona
        page = trace.world.client(persona).get(f"/trace/receipts/{receipt.pk}/").content.decode()
        assert "36" in page and "40" in page
    assert trace.world.client("other_district_regulator").get(f"/api/v1/trace/receipts/{receipt.pk}").status_code == 404


@pytest.mark.django_db
def test_correct_input_errors(trace: Trace) -> None:
    receipt = _ship(trace)
    line = receipt.lines.get()
    with pytest.raises(Invalid) as same:
        services.receipt_correct(receipt=receipt, quantities={line.pk: Decimal(40)})
    assert same.value.code == "no_difference"
    with pytest.raises(Invalid) as unknown:
        services.receipt_correct(receipt=receipt, quantities={line.pk + 999: Decimal(1)})
    assert unknown.value.code == "line_unknown"
    r = _post(trace.world.client("operator_user"), f"/api/v1/trace/receipts/{receipt.pk}/correct",
              {"lines": [{"line_id": line.pk, "quantity_confirmed": "-1"}]})
    assert r.status_code == 422 and r.json()["field"] == "lines.0.quantity_confirmed"
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.PENDING


@pytest.mark.django_db
def test_dispute_never_changes_the_shipment(trace: Trace) -> None:
    receipt = _ship(trace)
    shipment = Shipment.objects.get(pk=receipt.shipment_id)
    before = [(s.lot_id, s.quantity) for s in shipment.lines.all()]
    op1 = trace.world.client("operator_user")
    empty = _post(op1, f"/api/v1/trace/receipts/{receipt.pk}/dispute", {"reason": ""})
    assert empty.status_code == 422
    r = _post(op1, f"/api/v1/trace/receipts/{receipt.pk}/dispute", {"reason": "未收到此批货物"})
    assert r.status_code == 200 and r.json()["status"] == "disputed" and r.json()["dispute_reason"] == "未收到此批货物"
    shipment.refresh_from_db()
    assert [(s.lot_id, s.quantity) for s in shipment.lines.all()] == before
    assert Receipt.objects.get(pk=receipt.pk).lines.get().quantity == Decimal(40)
    assert AuditEntry.objects.filter(action="receipt.disputed", data__reason="未收到此批货物").exists()
    with pytest.raises(Conflict):
        services.receipt_confirm(receipt=receipt)
    assert trace.world.client("district_regulator").get("/api/v1/trace/receipts?status=disputed").json()["count"] == 1


@pytest.mark.django_db
def test_only_the_buyer_answers(trace: Trace) -> None:
    receipt = _ship(trace)
    for persona, status in (("district_regulator", 403), ("inspector", 403), ("other_operator_user", 404), ("lab_user", 403)):
        assert trace.world.client(persona).post(f"/api/v1/trace/receipts/{receipt.pk}/confirm").status_code == status, persona
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.PENDING


@pytest.mark.django_db
def test_shipment_rules(trace: Trace) -> None:
    w = trace.world
    with pytest.raises(Invalid) as not_own:
        services.shipment_create(supplier=w.op3, buyer=w.op1, shipped_on=DAY, lines=[LineIn(quantity=Decimal(1), lot=trace.lot)])
    assert not_own.value.code == "lot_not_held"
    with pytest.raises(Invalid) as too_much:
        services.shipment_create(supplier=w.op2, buyer=w.op1, shipped_on=DAY, lines=[LineIn(quantity=Decimal(501), lot=trace.lot)])
    assert too_much.value.code == "quantity_exceeds_lot"
    with pytest.raises(Invalid) as to_self:
        services.shipment_create(supplier=w.op2, buyer=w.op2, shipped_on=DAY, lines=[LineIn(quantity=Decimal(1), lot=trace.lot)])
    assert to_self.value.code == "shipment_to_self"
    assert not Shipment.objects.exists() and not Receipt.objects.exists()


@pytest.mark.django_db
def test_confirm_correct_dispute_from_the_pages(trace: Trace) -> None:
    op1 = trace.world.client("operator_user")
    first = _ship(trace, "10")
    page = op1.get(f"/trace/receipts/{first.pk}/").content.decode()
    assert "确认" in page or "Confirm" in page
    assert op1.post(f"/trace/receipts/{first.pk}/confirm/").status_code == 302
    second = _ship(trace, "20")
    line = second.lines.get()
    assert op1.post(f"/trace/receipts/{second.pk}/correct/", {f"line-{line.pk}": "18.5"}).status_code == 302
    assert Receipt.objects.get(pk=second.pk).lines.get().quantity_confirmed == Decimal("18.5")
    third = _ship(trace, "30")
    assert op1.post(f"/trace/receipts/{third.pk}/dispute/", {"reason": ""}).status_code == 400
    assert op1.post(f"/trace/receipts/{third.pk}/dispute/", {"reason": "数量不符"}).status_code == 302
    assert [Receipt.objects.get(pk=r.pk).status for r in (first, second, third)] == ["confirmed", "corrected", "disputed"]
    assert op1.post(f"/trace/receipts/{first.pk}/confirm/").status_code == 409
    assert op1.get(f"/trace/receipts/{first.pk}/confirm/").status_code == 405
