"""Who sees which trade: regulators their jurisdiction, operators their own trade with direct partners,
never a competitor's other trade; labs, the CDC and the public nothing; inspectors read only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

import pytest

from shian.trace import services
from shian.trace.models import Document, Receipt
from shian.trace.services import LineIn, NewLot
from tests.conftest import make_uscc
from tests.trace.conftest import DAY, Trace, document


@dataclass
class Trade:
    r1: Receipt  # op1 buys from op2 (both in 蓬江区)
    r2: Receipt  # op3 buys from op1 (op3 in 江海区); fails verification (op1's licence does not cover meat products)
    r3: Receipt  # op1 buys from op3
    r4: Receipt  # op2 buys from an outside supplier; fails verification
    trace: Trace


@pytest.fixture
def trade(trace: Trace) -> Trade:
    w = trace.world
    r1 = services.receipt_record(buyer=w.op1, supplier=w.op2, received_on=DAY, lines=[LineIn(quantity=Decimal(5), lot=trace.lot)])
    stew = services.product_create(owner=w.op1, name="卤味拼盘", category_code="104")
    stew_lot = services.lot_create(product=stew, lot_code="R1", production_date=DAY, quantity=Decimal(5))
    r2 = services.receipt_record(buyer=w.op3, supplier=w.op1, received_on=DAY, lines=[LineIn(quantity=Decimal(5), lot=stew_lot)])
    snacks = services.product_create(owner=w.op3, name="饼干", category_code="108")
    snack_lot = services.lot_create(product=snacks, lot_code="B1", production_date=DAY, quantity=Decimal(50), unit="case")
    document(kind=Document.Kind.TEST_REPORT, owner=w.op3, lot=snack_lot)
    r3 = services.receipt_record(buyer=w.op1, supplier=w.op3, received_on=DAY, lines=[LineIn(quantity=Decimal(2), lot=snack_lot)])
    flour = services.product_create(owner=w.op2, name="面粉", category_code="101")
    r4 = services.receipt_record(buyer=w.op2, supplier_name="外地面粉厂", supplier_uscc=make_uscc(70), received_on=DAY,
                                 lines=[LineIn(quantity=Decimal(100), new_lot=NewLot(product=flour, lot_code="F1", production_date=DAY))])
    assert r1.verified and r3.verified and not r2.verified and not r4.verified
    return Trade(r1, r2, r3, r4, trace)


VISIBLE = {
    "operator_user": {"r1", "r2", "r3"},          # own receipts and its customer op3's receipt from it
    "other_operator_user": {"r2", "r3"},          # never op1's receipt from op2
    "district_regulator": {"r1", "r2", "r3", "r4"},
    "station_officer": {"r1", "r2", "r3", "r4"},
    "inspector": {"r1", "r2", "r3", "r4"},
    "other_district_regulator": {"r2", "r3"},
    "city_regulator": {"r1", "r2", "r3", "r4"},
    "admin": {"r1", "r2", "r3", "r4"},
}
FLAGGED = {"district_regulator": {"r4"}, "station_officer": {"r4"}, "inspector": {"r4"}, "other_district_regulator": {"r2"},
           "city_regulator": {"r2", "r4"}, "admin": {"r2", "r4"}}


def _names(trade: Trade) -> dict[int, str]:
    return {trade.r1.pk: "r1", trade.r2.pk: "r2", trade.r3.pk: "r3", trade.r4.pk: "r4"}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "visible"), VISIBLE.items())
def test_receipt_lists_and_pages_are_scoped(trade: Trade, persona: str, visible: set[str]) -> None:
    names = _names(trade)
    client = trade.trace.world.client(persona)
    items = client.get("/api/v1/trace/receipts?limit=200").json()["items"]
    assert {names[i["id"]] for i in items} == visible
    for pk, name in names.items():
        expected = 200 if name in visible else 404
        assert client.get(f"/api/v1/trace/receipts/{pk}").status_code == expected, (persona, name)
        assert client.get(f"/trace/receipts/{pk}/").status_code == expected, (persona, name)
    page = client.get("/trace/receipts/").content.decode()
    assert (f"/trace/receipts/{trade.r1.pk}/" in page) == ("r1" in visible)


@pytest.mark.django_db
def test_the_competitor_rule(trade: Trade) -> None:
    """op3 trades with op1 but must not learn anything of op1's trade with op2."""
    w = trade.trace.world
    op3 = w.client("other_operator_user")
    assert op3.get(f"/api/v1/trace/receipts/{trade.r1.pk}").status_code == 404
    assert op3.get(f"/api/v1/trace/lots/{trade.trace.lot.pk}").status_code == 404
    assert op3.get(f"/trace/documents/{trade.trace.test_report.pk}/file").status_code == 404
    assert all(i["id"] != trade.r1.pk for i in op3.get("/api/v1/trace/receipts").json()["items"])
    assert trade.trace.lot.trace_code not in op3.get(f"/trace/receipts/{trade.r2.pk}/").content.decode()
    assert {p["owner_id"] for p in op3.get("/api/v1/trace/products").json()} == {w.op3.pk}
    op1 = w.client("operator_user")
    assert op1.get(f"/api/v1/trace/lots/{trade.trace.lot.pk}").status_code == 200  # a lot it received
    assert op1.get(f"/trace/documents/{trade.trace.test_report.pk}/file").status_code == 200  # the certificate of a lot it received
    assert {p["owner_id"] for p in op1.get("/api/v1/trace/products").json()} == {w.op1.pk}
    # The dossier section of op1, seen by op1, lists op1's receipts; op3 cannot open op1's dossier at all.
    assert op3.get(f"/operators/{w.op1.pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "flagged"), FLAGGED.items())
def test_flagged_list_is_for_the_buyers_regulators(trade: Trade, persona: str, flagged: set[str]) -> None:
    names = _names(trade)
    client = trade.trace.world.client(persona)
    items = client.get("/api/v1/trace/receipts/flagged").json()["items"]
    assert {names[i["id"]] for i in items} == flagged
    assert all(i["verification_flags"] for i in items)
    page = client.get("/trace/flagged/").content.decode()
    assert {n for pk, n in names.items() if f"/trace/receipts/{pk}/" in page} == flagged


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("operator_user", 403), ("other_operator_user", 403), ("lab_user", 403), ("cdc_user", 403),
                                                 ("public_user", 403), (None, 401)])
def test_flagged_list_refused(trade: Trade, persona: str | None, status: int) -> None:
    client = trade.trace.world.client(persona)
    assert client.get("/api/v1/trace/receipts/flagged").status_code == status
    assert client.get("/trace/flagged/").status_code == (302 if persona is None else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["lab_user", "cdc_user", "public_user", None])
def test_labs_cdc_public_and_anonymous_see_nothing(trade: Trade, persona: str | None) -> None:
    client = trade.trace.world.client(persona)
    api_status, page_status = (401, 302) if persona is None else (403, 403)
    for url in ("/api/v1/trace/receipts", f"/api/v1/trace/receipts/{trade.r1.pk}", "/api/v1/trace/products", "/api/v1/trace/lots",
                f"/api/v1/trace/lots/{trade.trace.lot.pk}"):
        assert client.get(url).status_code == api_status, url
    for url in ("/trace/receipts/", f"/trace/receipts/{trade.r1.pk}/", "/trace/products/", "/trace/receipts/new/"):
        assert client.get(url).status_code == page_status, url


@pytest.mark.django_db
def test_inspector_and_regulators_read_only(trade: Trade) -> None:
    body = {"buyer_id": trade.trace.world.op1.pk, "supplier_id": trade.trace.world.op2.pk, "received_on": str(DAY),
            "lines": [{"lot_id": trade.trace.lot.pk, "quantity": "1"}]}
    for persona in ("inspector", "district_regulator", "city_regulator"):
        client = trade.trace.world.client(persona)
        assert client.get(f"/api/v1/trace/receipts/{trade.r1.pk}").status_code == 200
        r = client.post("/api/v1/trace/receipts", data=json.dumps(body), content_type="application/json")
        assert r.status_code == 403 and r.json()["code"] == "forbidden_role", persona
        assert client.post(f"/api/v1/trace/receipts/{trade.r1.pk}/documents", data=json.dumps({"document_ids": [trade.trace.test_report.pk]}),
                           content_type="application/json").status_code == 403
        assert client.get("/trace/receipts/new/").status_code == 403
    assert Receipt.objects.count() == 4


@pytest.mark.django_db
def test_supplier_sees_but_cannot_answer_or_attach(trade: Trade) -> None:
    op1 = trade.trace.world.client("operator_user")  # op1 supplied r2 to op3
    assert op1.get(f"/api/v1/trace/receipts/{trade.r2.pk}").status_code == 200
    r = op1.post(f"/api/v1/trace/receipts/{trade.r2.pk}/documents", data=json.dumps({"document_ids": []}), content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden_action"
    page = op1.get(f"/trace/receipts/{trade.r2.pk}/").content.decode()
    assert f"/trace/receipts/{trade.r2.pk}/documents/" not in page


@pytest.mark.django_db
def test_attaching_someone_elses_document_by_id_is_refused_but_by_hash_allowed(trade: Trade) -> None:
    w = trade.trace.world
    secret = document(kind=Document.Kind.INVOICE, owner=w.op2, name="给别家的发票.pdf")
    op3 = w.client("other_operator_user")
    url = f"/api/v1/trace/receipts/{trade.r2.pk}/documents"
    by_id = op3.post(url, data=json.dumps({"document_ids": [secret.pk]}), content_type="application/json")
    assert by_id.status_code == 404
    # op1's licence copy is shared with its customers, so op3 (buying from op1) may attach it by id.
    licence = document(kind=Document.Kind.SUPPLIER_LICENCE, owner=w.op1, name="甲餐饮许可证.pdf")
    assert op3.post(url, data=json.dumps({"document_ids": [licence.pk]}), content_type="application/json").status_code == 200
    by_hash = op3.post(url, data=json.dumps({"sha256": [secret.sha256.upper()]}), content_type="application/json")
    assert by_hash.status_code == 200  # quoting the hash means holding the same bytes
    unknown = op3.post(url, data=json.dumps({"sha256": ["0" * 64]}), content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "document_unknown"


@pytest.mark.django_db
def test_api_key_of_an_operator_acts_for_its_operator(trade: Trade) -> None:
    from django.test import Client

    from shian.accounts.services import apikey_create

    _key, secret = apikey_create(org_code="OP-3")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    names = _names(trade)
    assert {names[i["id"]] for i in client.get("/api/v1/trace/receipts").json()["items"]} == {"r2", "r3"}
