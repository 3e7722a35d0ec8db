"""Trace pages in Chinese: recording a receipt, products and lots, shipments, lists within query budgets,
and the dossier section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.trace import services
from shian.trace.models import Document, Lot, Product, Receipt
from shian.trace.services import LineIn
from tests.conftest import World, dossier_budget, make_uscc
from tests.trace.conftest import DAY, Trace, pdf


def _lines(rows: list[dict[str, str]]) -> dict[str, str]:
    data = {"lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "50"}
    for i, row in enumerate(rows):
        data.update({f"lines-{i}-{k}": v for k, v in row.items()})
    return data


@pytest.mark.django_db
def test_record_a_receipt_from_the_page_then_attach_a_document(trace: Trace) -> None:
    op1 = trace.world.client("operator_user")
    form = op1.get("/trace/receipts/new/")
    assert form.status_code == 200 and "进货查验记录" in form.content.decode()
    data = {"supplier_uscc": trace.world.op2.uscc, "received_on": str(DAY), **_lines([{"trace_code": trace.lot.trace_code, "quantity": "6"}])}
    response = op1.post("/trace/receipts/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt = Receipt.objects.get()
    assert receipt.supplier_id == trace.world.op2.pk and receipt.verified
    page = op1.get(response["Location"]).content.decode()
    assert trace.lot.trace_code in page and trace.test_report.original_name in page

    bad = op1.post("/trace/receipts/new/", {"supplier_uscc": make_uscc(90), "received_on": str(DAY), **_lines([])})
    assert bad.status_code == 400 and Receipt.objects.count() == 1

    outside = op1.post("/trace/receipts/new/", {"supplier_uscc": make_uscc(91), "supplier_name": "外地肉联厂", "received_on": str(DAY),
                                                **_lines([{"trace_code": trace.lot.trace_code, "quantity": "1"}])})
    assert outside.status_code == 400  # op2's lot cannot come from an outside supplier

    flagged = services.receipt_record(buyer=trace.world.op1, supplier_name="外地肉联厂", supplier_uscc=make_uscc(91), received_on=DAY,
                                      lines=[LineIn(quantity=Decimal(1), new_lot=services.NewLot(
                                          product=services.product_create(owner=trace.world.op1, name="牛腩", category_code="104"),
                                          lot_code="N1", production_date=DAY))])
    assert not flagged.verified
    page = op1.get(f"/trace/receipts/{flagged.pk}/").content.decode()
    assert "《食品安全法》第五十条" in page  # each flag shows its legal basis
    licence = SimpleUploadedFile("许可证.pdf", pdf("licence"))
    r = op1.post(f"/trace/receipts/{flagged.pk}/documents/", {"file": licence, "kind": "supplier_licence", "issued_on": "2025-01-01"})
    assert r.status_code == 302
    flagged.refresh_from_db()
    assert "outside_supplier_licence_missing" not in {f["code"] for f in flagged.verification_flags}
    doc = flagged.documents.get()
    assert doc.owner_id == trace.world.op1.pk and doc.kind == Document.Kind.SUPPLIER_LICENCE
    r = op1.post(f"/trace/receipts/{flagged.pk}/documents/", {"sha256": trace.quarantine.sha256})
    assert r.status_code == 302 and flagged.documents.count() == 2
    assert op1.post(f"/trace/receipts/{flagged.pk}/documents/", {}).status_code == 400
    wrong_type = SimpleUploadedFile("a.pdf", b"GIF89a....")
    r = op1.post(f"/trace/receipts/{flagged.pk}/documents/", {"file": wrong_type, "kind": "invoice", "issued_on": "2025-01-01"})
    assert r.status_code == 400


@pytest.mark.django_db
def test_products_lots_and_a_shipment_from_the_pages(trace: Trace) -> None:
    op1 = trace.world.client("operator_user")
    r = op1.post("/trace/products/", {"name": "烧鹅", "category": "B04", "gtin": "6901234567892", "shelf_life_days": "2"})
    assert r.status_code == 302
    product = Product.objects.get(owner=trace.world.op1)
    assert op1.post("/trace/products/", {"name": "坏码", "category": "B04", "gtin": "6901234567893"}).status_code == 400
    r = op1.post(f"/trace/products/{product.pk}/", {"lot_code": "SG-1", "production_date": str(DAY), "quantity": "30", "unit": "piece"})
    assert r.status_code == 302
    lot = Lot.objects.get(product=product)
    assert lot.expiry_date == date(2026, 3, 4)
    page = op1.get(f"/trace/products/{product.pk}/").content.decode()
    assert lot.trace_code in page
    assert trace.world.client("other_operator_user").get(f"/trace/products/{product.pk}/").status_code == 404
    assert trace.world.client("district_regulator").post(f"/trace/products/{product.pk}/", {"lot_code": "X"}).status_code == 403

    form = op1.get("/trace/shipments/new/").content.decode()
    assert lot.trace_code in form
    r = op1.post("/trace/shipments/new/", {"buyer_uscc": trace.world.op3.uscc, "shipped_on": str(DAY),
                                           **_lines([{"lot": str(lot.pk), "quantity": "10"}])})
    assert r.status_code == 302, r.content.decode()[:3000]
    receipt = Receipt.objects.get(buyer=trace.world.op3)
    assert receipt.status == Receipt.Status.PENDING
    op3_page = trace.world.client("other_operator_user").get(f"/trace/receipts/{receipt.pk}/").content.decode()
    assert f"/trace/receipts/{receipt.pk}/confirm/" in op3_page
    unknown = op1.post("/trace/shipments/new/", {"buyer_uscc": make_uscc(99), "shipped_on": str(DAY), **_lines([{"lot": str(lot.pk), "quantity": "1"}])})
    assert unknown.status_code == 400


@pytest.mark.django_db
def test_list_pages_query_budgets(trace: Trace, django_assert_max_num_queries) -> None:
    w = trace.world
    for n in range(30):
        lot = services.lot_create(product=trace.sausage, lot_code=f"B{n}", production_date=DAY, quantity=Decimal(10))
        services.receipt_record(buyer=w.op1 if n % 2 else w.op3, supplier=w.op2, received_on=DAY,
                                lines=[LineIn(quantity=Decimal(1), lot=lot), LineIn(quantity=Decimal(1), lot=trace.lot)])
        services.product_create(owner=w.op2, name=f"产品{n}", category_code="104")
    for persona, url in (("district_regulator", "/trace/receipts/"), ("operator_user", "/trace/receipts/"),
                         ("city_regulator", "/trace/flagged/"), ("district_regulator", "/trace/products/"),
                         ("operator_user", "/trace/receipts/?verified=false&status=recorded")):
        client = w.client(persona)
        client.get(url)
        with django_assert_max_num_queries(7):
            response = client.get(url)
        assert response.status_code == 200, url
    client = w.client("district_regulator")
    many = [services.lot_create(product=trace.sausage, lot_code=f"M{n}", production_date=DAY, quantity=Decimal(3)) for n in range(15)]
    receipt = services.receipt_record(buyer=w.op1, supplier=w.op2, received_on=DAY, lines=[LineIn(quantity=Decimal(1), lot=lot) for lot in many])
    client.get(f"/trace/receipts/{receipt.pk}/")
    with django_assert_max_num_queries(9):
        assert client.get(f"/trace/receipts/{receipt.pk}/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get("/api/v1/trace/receipts?limit=50").status_code == 200


@pytest.mark.django_db
def test_dossier_section_and_timeline(trace: Trace, django_assert_max_num_queries) -> None:
    w = trace.world
    services.receipt_record(buyer=w.op1, supplier=w.op2, received_on=DAY, lines=[LineIn(quantity=Decimal(1), lot=trace.lot)])
    services.receipt_record(buyer=w.op1, supplier=w.op2, received_on=date(2029, 2, 1),
                            lines=[LineIn(quantity=Decimal(1), lot=services.lot_create(product=trace.sausage, lot_code="Z", production_date=DAY,
                                                                                       quantity=Decimal(1)))])
    client = w.client("district_regulator")
    data = client.get(f"/api/v1/operators/{w.op1.pk}").json()
    section = next(s for s in data["sections"] if s["key"] == "trace")
    assert section["data"]["flagged_receipts"] == 1 and len(section["data"]["recent_receipts"]) == 2
    assert any(e["kind"] == "receipt" for e in data["timeline"])
    producer = next(s for s in client.get(f"/api/v1/operators/{w.op2.pk}").json()["sections"] if s["key"] == "trace")
    assert producer["count"] == 1 and producer["data"]["products"][0]["gtin"] == "06901234567892"
    client.get(f"/operators/{w.op1.pk}/")
    with django_assert_max_num_queries(dossier_budget()):
        page = client.get(f"/operators/{w.op1.pk}/")
    assert page.status_code == 200 and w.op2.name in page.content.decode()
    cdc = w.client("cdc_user").get(f"/api/v1/operators/{w.op1.pk}").json()
    assert all(s["key"] != "trace" for s in cdc["sections"])  # the CDC sees the dossier but not the trade


@pytest.mark.django_db
def test_nav_link_only_for_those_who_see_trace_records(world: World) -> None:
    assert "/trace/receipts/" in world.client("operator_user").get("/").content.decode()
    assert "/trace/receipts/" in world.client("inspector").get("/").content.decode()
    assert "/trace/receipts/" not in world.client("lab_user").get("/").content.decode()
