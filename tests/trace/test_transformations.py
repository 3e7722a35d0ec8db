"""Transformations (processing, mixing, repacking), onward shipment of received lots, recall scope
through transformations (list, Excel, API) and the graph view, from services, pages and the API."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from shian.core.errors import Invalid, NotFound
from shian.epcis.models import EpcisEvent
from shian.trace import graph, graph_view, recall, services
from shian.trace.models import Lot, Receipt, Transformation, TransformationLine
from shian.trace.services import LineIn, NewLot
from tests.conftest import World
from tests.trace.conftest import DAY, Trace


def _ship(supplier: Any, buyer: Any, lot: Lot, qty: str, day: date, *, confirm: bool = True) -> Receipt:
    shipment = services.shipment_create(supplier=supplier, buyer=buyer, shipped_on=day, lines=[LineIn(quantity=Decimal(qty), lot=lot)])
    receipt = Receipt.objects.get(shipment=shipment)
    return services.receipt_confirm(receipt=receipt) if confirm else receipt


@dataclass
class Kitchen:
    world: World
    farm_lot: Lot  # op2's sausage lot
    meal_lot: Lot  # op3's lot processed from it
    record: Transformation


@pytest.fixture
def kitchen(trace: Trace) -> Kitchen:
    """op2 ships sausages to op3 (江海区), which processes 40 bags into a meal lot and ships 12 to op1 (蓬江区)."""
    w = trace.world
    _ship(w.op2, w.op3, trace.lot, "100", DAY)
    meal = services.product_create(owner=w.op3, name="腊味饭", category_code="B04")
    record = services.transformation_record(
        operator=w.op3, kind="processing", transformed_on=date(2026, 3, 3),
        inputs=[LineIn(quantity=Decimal(40), lot=trace.lot)],
        outputs=[LineIn(quantity=Decimal(80), new_lot=NewLot(product=meal, lot_code="LWF-1", production_date=date(2026, 3, 3), unit="piece"))])
    meal_lot = Lot.objects.get(lot_code="LWF-1")
    _ship(w.op3, w.op1, meal_lot, "12", date(2026, 3, 4))
    return Kitchen(w, trace.lot, meal_lot, record)


@pytest.mark.django_db
def test_transformation_writes_lines_lot_and_a_valid_epcis_event(kitchen: Kitchen) -> None:
    lines = {(ln.role, ln.lot_id): ln.quantity for ln in kitchen.record.lines.all()}
    assert lines == {("input", kitchen.farm_lot.pk): Decimal(40), ("output", kitchen.meal_lot.pk): Decimal(80)}
    assert kitchen.meal_lot.quantity == Decimal(80) and kitchen.meal_lot.product.owner_id == kitchen.world.op3.pk
    event = EpcisEvent.objects.get(event_type="TransformationEvent")
    assert event.biz_step == "commissioning" and event.operator_id == kitchen.world.op3.pk
    doc = event.document
    assert doc["inputQuantityList"] == [{"epcClass": kitchen.farm_lot.epc_class, "quantity": 40}]
    assert doc["outputQuantityList"] == [{"epcClass": kitchen.meal_lot.epc_class, "quantity": 80}]
    assert doc["bizTransactionList"] == [{"type": "prodorder", "bizTransaction": f"urn:shian:transformation:{kitchen.record.pk}"}]
    # stored through record_platform_events, which validates like a capture (an invalid event raises, nothing stored)


@pytest.mark.django_db
def test_inputs_must_be_held_and_outputs_own(trace: Trace) -> None:
    w = trace.world
    meal = services.product_create(owner=w.op3, name="腊味饭", category_code="B04")
    out = [LineIn(quantity=Decimal(1), new_lot=NewLot(product=meal, lot_code="X-1", production_date=DAY))]
    with pytest.raises(Invalid) as not_held:  # op3 has not received op2's lot
        services.transformation_record(operator=w.op3, kind="mixing", transformed_on=DAY, inputs=[LineIn(quantity=Decimal(1), lot=trace.lot)],
                                       outputs=out)
    assert not_held.value.code == "lot_not_held"
    pending = _ship(w.op2, w.op3, trace.lot, "10", DAY, confirm=False)
    with pytest.raises(Invalid) as still_pending:  # a pending receipt is not yet held
        services.transformation_record(operator=w.op3, kind="mixing", transformed_on=DAY, inputs=[LineIn(quantity=Decimal(1), lot=trace.lot)],
                                       outputs=out)
    assert still_pending.value.code == "lot_not_held"
    services.receipt_confirm(receipt=pending)
    with pytest.raises(Invalid) as too_much:
        services.transformation_record(operator=w.op3, kind="mixing", transformed_on=DAY, inputs=[LineIn(quantity=Decimal(11), lot=trace.lot)],
                                       outputs=out)
    assert too_much.value.code == "quantity_exceeds_lot"
    with pytest.raises(Invalid) as not_own:
        services.transformation_record(operator=w.op3, kind="mixing", transformed_on=DAY, inputs=[LineIn(quantity=Decimal(1), lot=trace.lot)],
                                       outputs=[LineIn(quantity=Decimal(1), lot=trace.lot)])
    assert not_own.value.code == "output_not_own"
    with pytest.raises(Invalid) as bad_kind:
        services.transformation_record(operator=w.op3, kind="cooking", transformed_on=DAY, inputs=[LineIn(quantity=Decimal(1), lot=trace.lot)],
                                       outputs=out)
    assert bad_kind.value.code == "transformation_kind"
    assert not Transformation.objects.exists() and not Lot.objects.filter(lot_code="X-1").exists()  # nothing half-written


@pytest.mark.django_db
def test_received_lot_can_be_shipped_onwards(trace: Trace) -> None:
    w = trace.world
    _ship(w.op2, w.op3, trace.lot, "50", DAY)
    receipt = _ship(w.op3, w.op1, trace.lot, "20", date(2026, 3, 3))
    assert receipt.status == Receipt.Status.CONFIRMED
    with pytest.raises(Invalid) as too_much:
        _ship(w.op3, w.op1, trace.lot, "51", date(2026, 3, 3))
    assert too_much.value.code == "quantity_exceeds_lot"
    forward = graph.trace_forward(trace.lot.epc_class, principal=w.users["city_regulator"].principal)
    assert [e["destination"]["name"] for e in forward["edges"] if e["biz_step"] == "receiving"] == [w.op3.name, w.op1.name]


@pytest.mark.django_db
def test_recall_scope_reaches_through_the_transformation(kitchen: Kitchen) -> None:
    w = kitchen.world
    scope = recall.recall_scope([kitchen.farm_lot.pk], principal=w.users["city_regulator"].principal)
    assert {n["identifier"] for n in scope["affected"]} == {kitchen.farm_lot.epc_class, kitchen.meal_lot.epc_class}
    holders = {(h["party"]["name"], h["lot_code"]): (h["received"], h["in_transit"]) for h in scope["holders"]}
    assert holders == {(w.op3.name, "LC2026-01"): (Decimal(100), Decimal(0)), (w.op1.name, "LWF-1"): (Decimal(12), Decimal(0))}
    steps = [(r["step"], r["role"], r["lot_code"]) for r in scope["rows"]]
    assert ("commissioning", "input", "LC2026-01") in steps and ("commissioning", "output", "LWF-1") in steps
    assert steps[-1] == ("receiving", "object", "LWF-1")
    # a window that ends before the processing keeps only the first delivery
    from datetime import UTC, datetime

    early = recall.recall_scope([kitchen.farm_lot.pk], principal=w.users["city_regulator"].principal, until=datetime(2026, 3, 2, 12, tzinfo=UTC))
    assert {n["identifier"] for n in early["affected"]} == {kitchen.farm_lot.epc_class}


@pytest.mark.django_db
def test_recall_scope_in_transit_and_bad_input(trace: Trace) -> None:
    w = trace.world
    _ship(w.op2, w.op1, trace.lot, "7", DAY, confirm=False)
    scope = recall.recall_scope([trace.lot.pk], principal=w.users["city_regulator"].principal)
    assert [(h["party"]["name"], h["received"], h["in_transit"]) for h in scope["holders"]] == [(w.op1.name, Decimal(0), Decimal(7))]
    regulator = w.users["city_regulator"].principal
    with pytest.raises(Invalid):
        recall.recall_scope([], principal=regulator)
    with pytest.raises(NotFound):
        recall.recall_scope([trace.lot.pk], principal=w.users["other_operator_user"].principal)


@pytest.mark.django_db
def test_recall_pages_excel_and_api(kitchen: Kitchen) -> None:
    w = kitchen.world
    client = w.client("district_regulator")
    page = client.get("/trace/recall/", {"codes": kitchen.farm_lot.trace_code})
    assert page.status_code == 200
    html = page.content.decode()
    assert w.op1.name in html and "LWF-1" in html
    xlsx = client.get("/trace/recall/export.xlsx", {"codes": kitchen.farm_lot.trace_code})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(recall.recall_scope([kitchen.farm_lot.pk], principal=w.users["district_regulator"].principal)["rows"])
    assert any("LWF-1" in (r[3] or "") for r in rows[1:])
    bad = client.get("/trace/recall/", {"codes": "NOSUCHCODE00"})
    assert bad.status_code == 400 and "NOSUCHCODE00" in bad.content.decode()
    api = client.post("/api/v1/trace/recall-scope", {"trace_codes": [kitchen.farm_lot.trace_code]}, content_type="application/json")
    assert api.status_code == 200
    body = api.json()
    assert {h["lot_code"] for h in body["holders"]} == {"LC2026-01", "LWF-1"} and body["rows"]
    empty = client.post("/api/v1/trace/recall-scope", {}, content_type="application/json")
    assert empty.status_code == 400 and empty.json()["code"] == "lots_required"


@pytest.mark.django_db
def test_transformation_pages_and_api(trace: Trace) -> None:
    w = trace.world
    _ship(w.op2, w.op1, trace.lot, "30", DAY)
    meal = services.product_create(owner=w.op1, name="腊肠饭", category_code="B04")
    client = w.client("operator_user")
    form = client.get("/trace/transformations/new/")
    assert form.status_code == 200 and trace.lot.trace_code in form.content.decode()
    data = {"kind": "processing", "transformed_on": "2026-03-03", "note": "",
            "inputs-TOTAL_FORMS": "1", "inputs-INITIAL_FORMS": "0", "inputs-0-lot": str(trace.lot.pk), "inputs-0-quantity": "5",
            "outputs-TOTAL_FORMS": "1", "outputs-INITIAL_FORMS": "0", "outputs-0-product": str(meal.pk), "outputs-0-lot_code": "LCF-1",
            "outputs-0-production_date": "2026-03-03", "outputs-0-unit": "piece", "outputs-0-quantity": "20"}
    done = client.post("/trace/transformations/new/", data)
    assert done.status_code == 302
    record = Transformation.objects.get()
    assert client.get(done["Location"]).status_code == 200
    too_much = client.post("/trace/transformations/new/", {**data, "inputs-0-quantity": "31", "outputs-0-lot_code": "LCF-2"})
    assert too_much.status_code == 400 and Transformation.objects.count() == 1
    api = client.post("/api/v1/trace/transformations", {
        "kind": "repacking", "transformed_on": "2026-03-04", "inputs": [{"lot_id": trace.lot.pk, "quantity": "2"}],
        "outputs": [{"quantity": "4", "new_lot": {"product_id": meal.pk, "lot_code": "LCF-3", "production_date": "2026-03-04", "unit": "piece"}}],
    }, content_type="application/json")
    assert api.status_code == 201, api.content
    assert {ln["role"] for ln in api.json()["lines"]} == {"input", "output"}
    assert TransformationLine.objects.filter(transformation_id=api.json()["id"]).count() == 2
    # who sees it: the operator, its district regulator; not the other district or another operator
    assert w.client("district_regulator").get(f"/api/v1/trace/transformations/{record.pk}").status_code == 200
    assert w.client("other_district_regulator").get(f"/api/v1/trace/transformations/{record.pk}").status_code == 404
    assert w.client("other_operator_user").get(f"/trace/transformations/{record.pk}/").status_code == 404
    assert w.client("lab_user").get("/api/v1/trace/transformations").status_code == 403


@pytest.mark.django_db
def test_graph_view_draws_parties_and_moves(kitchen: Kitchen) -> None:
    w = kitchen.world
    principal = w.users["city_regulator"].principal
    lot = kitchen.farm_lot
    back = graph.trace_back(lot.epc_class, principal=principal)
    forward = graph.trace_forward(lot.epc_class, principal=principal)
    g = graph_view.layout({"id": f"urn:shian:operator:{w.op2.uscc}", "name": w.op2.name}, back, forward)
    names = {n["title"]: n for n in g["nodes"]}
    assert set(names) == {w.op2.name, w.op3.name, w.op1.name}
    assert names[w.op2.name]["start"] and names[w.op2.name]["x"] < names[w.op3.name]["x"] < names[w.op1.name]["x"]
    assert "LC2026-01" in names[w.op3.name]["notes"] and "LWF-1" in names[w.op3.name]["notes"]  # the processing, in its maker's box
    assert len(g["arrows"]) == 2  # op2 → op3, op3 → op1 (each shipment drawn once, by its receipt)
    page = w.client("district_regulator").get(f"/trace/lots/{lot.pk}/trace/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
