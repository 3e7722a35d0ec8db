"""The trace API: products, lots, receipts by every way of naming a lot, and the one error shape."""

from __future__ import annotations

import json

import pytest

from shian.trace.models import Lot, Product, Receipt
from tests.conftest import World, make_uscc
from tests.trace.conftest import DAY, Trace


def _post(client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_products_and_lots(world: World) -> None:
    op1 = world.client("operator_user")
    r = _post(op1, "/api/v1/trace/products", {"name": "叉烧", "category": "B04", "gtin": "96385074", "shelf_life_days": 3})
    assert r.status_code == 201, r.content
    product = r.json()
    assert product["owner_id"] == world.op1.pk and product["gtin"] == "00000096385074"
    r = _post(op1, "/api/v1/trace/lots", {"product_id": product["id"], "lot_code": "CS-0301", "production_date": "2026-03-01", "quantity": "12.5",
                                          "unit": "kg"})
    assert r.status_code == 201, r.content
    lot = r.json()
    assert lot["expiry_date"] == "2026-03-04" and lot["trace_code"].startswith("JM") and len(lot["trace_code"]) == 14
    assert lot["digital_link"] == "https://id.gs1.org/01/00000096385074/10/CS-0301" and lot["epc_class"] == lot["digital_link"]
    assert op1.get(f"/api/v1/trace/lots/{lot['id']}").json()["trace_code"] == lot["trace_code"]
    assert [x["id"] for x in op1.get(f"/api/v1/trace/lots?product_id={product['id']}").json()] == [lot["id"]]
    assert [p["id"] for p in op1.get("/api/v1/trace/products").json()] == [product["id"]]
    # Another operator may not add lots to op1's product, nor see it.
    op3 = world.client("other_operator_user")
    r = _post(op3, "/api/v1/trace/lots", {"product_id": product["id"], "lot_code": "X", "production_date": "2026-03-01", "quantity": "1"})
    assert r.status_code == 404
    assert op3.get(f"/api/v1/trace/lots/{lot['id']}").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"name": "x", "category": "104", "gtin": "6901234567893"}, 400, "gtin_checksum", "gtin"),
    ({"name": "x", "category": "104", "gtin": "12345"}, 400, "gtin_length", "gtin"),
    ({"name": "x", "category": "Z9"}, 400, "category_unknown", "category"),
    ({"name": "x", "category": "104", "colour": "red"}, 422, "validation_error", "colour"),
    ({"name": "", "category": "104"}, 422, "validation_error", "name"),
    ({"name": "x", "category": "104", "operator_id": "OP3"}, 404, "not_found", None),
])
def test_bad_product_input(world: World, body: dict, status: int, code: str, field: str | None) -> None:
    if body.get("operator_id") == "OP3":
        body["operator_id"] = world.op3.pk
    r = _post(world.client("operator_user"), "/api/v1/trace/products", body)
    assert r.status_code == status, r.content
    assert (r.json()["code"], r.json()["field"]) == (code, field)
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_admin_names_the_operator(world: World) -> None:
    r = _post(world.client("admin"), "/api/v1/trace/products", {"name": "x", "category": "104"})
    assert r.status_code == 400 and r.json()["code"] == "operator_required" and r.json()["field"] == "operator_id"
    r = _post(world.client("admin"), "/api/v1/trace/products", {"name": "x", "category": "104", "operator_id": world.op2.pk})
    assert r.status_code == 201 and r.json()["owner_id"] == world.op2.pk


@pytest.mark.django_db
def test_receipt_by_every_way_of_naming_a_lot(trace: Trace) -> None:
    w = trace.world
    op1 = w.client("operator_user")
    own = _post(op1, "/api/v1/trace/products", {"name": "生菜", "category": "A01"}).json()
    other = Lot.objects.create(product=trace.sausage, lot_code="LC2026-02", production_date=DAY, quantity=10)
    r = _post(op1, "/api/v1/trace/receipts", {
        "supplier_id": w.op2.pk, "received_on": str(DAY), "document_ids": [], "lines": [
            {"trace_code": trace.lot.trace_code.lower(), "quantity": "5"},
            {"gtin": "6901234567892", "lot_code": "LC2026-02", "quantity": "1"},
            {"new_lot": {"product_id": own["id"], "lot_code": "SC-1", "production_date": str(DAY)}, "quantity": "3"},
        ]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert [ln["lot_id"] for ln in body["lines"][:2]] == [trace.lot.pk, other.pk]
    assert body["lines"][2]["product_id"] == own["id"]
    assert body["buyer_id"] == w.op1.pk and body["status"] == "recorded" and body["line_count"] == 3
    assert {f["code"] for f in body["verification_flags"]} == {"lot_conformity_missing", "meat_product_quarantine_missing",
                                                               "produce_conformity_missing"}
    # A lot id the buyer cannot see is refused; it names such a lot by the trace code printed on the goods.
    r = _post(op1, "/api/v1/trace/receipts", {"supplier_id": w.op2.pk, "received_on": str(DAY), "lines": [{"lot_id": 99999, "quantity": "1"}]})
    assert r.status_code == 404
    r = _post(op1, "/api/v1/trace/receipts", {"supplier_id": w.op2.pk, "received_on": str(DAY), "lines": [{"trace_code": "JMNOSUCHCODE22", "quantity": "1"}]})
    assert r.status_code == 404 and "JMNOSUCHCODE22" in r.json()["message"]
    r = _post(op1, "/api/v1/trace/receipts", {"supplier_id": w.op2.pk, "received_on": str(DAY), "lines": [{"quantity": "1"}]})
    assert r.status_code == 400 and r.json()["code"] == "lot_required"
    assert Receipt.objects.count() == 1


@pytest.mark.django_db
def test_receipt_with_documents_by_id_and_hash_and_filters(trace: Trace) -> None:
    w = trace.world
    op1 = w.client("operator_user")
    r = _post(op1, "/api/v1/trace/receipts", {
        "supplier_name": "某外地商行", "supplier_uscc": make_uscc(80), "supplier_licence_number": "JY14407810000080", "received_on": str(DAY),
        "lines": [{"trace_code": trace.lot.trace_code, "quantity": "2"}], "document_sha256": [trace.quarantine.sha256]})
    assert r.status_code == 400 and r.json()["code"] == "lot_owner"  # an outside supplier cannot deliver op2's lot
    r = _post(op1, "/api/v1/trace/receipts", {"supplier_id": w.op2.pk, "received_on": str(DAY), "imported": True,
                                              "lines": [{"trace_code": trace.lot.trace_code, "quantity": "2"}], "document_sha256": [trace.quarantine.sha256]})
    assert r.status_code == 201, r.content
    flagged = r.json()
    assert [d["id"] for d in flagged["documents"]] == [trace.quarantine.pk] and flagged["verified"] is False
    ok = _post(op1, "/api/v1/trace/receipts", {"supplier_id": w.op2.pk, "received_on": str(DAY), "lines": [{"lot_id": trace.lot.pk, "quantity": "1"}]})
    assert ok.status_code == 201 and ok.json()["verified"] is True
    assert [i["id"] for i in op1.get("/api/v1/trace/receipts?verified=false").json()["items"]] == [flagged["id"]]
    assert [i["id"] for i in op1.get("/api/v1/trace/receipts?verified=true").json()["items"]] == [ok.json()["id"]]
    assert op1.get("/api/v1/trace/receipts?status=pending").json()["count"] == 0
    assert op1.get("/api/v1/trace/receipts?status=recorded").json()["count"] == 2
