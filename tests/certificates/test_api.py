"""The certificates API: issue, detail with parents/children/checks, re-issue by codes, revoke, check
(an unknown code is a stored invalid check, never an error) and the one error shape."""

from __future__ import annotations

import json

import pytest

from shian.certificates.models import CertificateCheck, ProduceCertificate
from tests.certificates.conftest import DAY, Produce


def _post(client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_issue_reissue_check_revoke(produce: Produce) -> None:
    w = produce.world
    op1, op3 = w.client("operator_user"), w.client("other_operator_user")
    r = _post(op1, "/api/v1/certificates", {"product_name": "活鸡", "category": "A04", "quantity": "120", "unit": "head", "issued_on": str(DAY),
                                            "basis": "quality_control"})
    assert r.status_code == 201, r.content
    cert = r.json()
    assert cert["issuer_id"] == produce.farm.pk and cert["status"] == "valid" and cert["public_url"] == f"/certificates/c/{cert['code']}/"
    assert cert["retain_until"] == "2028-03-02" and cert["remaining_to_reissue"] == "120.000" and cert["parents"] == []
    assert cert["qr_png_url"] == f"/certificates/{cert['id']}/qr.png"

    r = _post(op3, "/api/v1/certificates/check", {"code": cert["code"], "quantity": "100"})
    assert r.status_code == 201, r.content
    assert r.json()["result"] == "valid" and r.json()["market_id"] == produce.market.pk and r.json()["checked_by"]
    r = _post(op3, "/api/v1/certificates/check", {"code": "ZZZZZZZZZZZZZZZZ"})
    assert r.status_code == 201 and r.json()["result"] == "invalid" and r.json()["reasons"][0]["code"] == "code_unknown"
    assert r.json()["certificate_id"] is None

    r = _post(op3, "/api/v1/certificates/reissue", {"holder_id": w.op3.pk, "kind": "repacking", "contact_phone": "0750-3333333",
                                                    "parents": [{"code": cert["code"].lower(), "quantity": "20"}], "quantity": "20",
                                                    "basis": "self_test"})
    assert r.status_code == 201, r.content
    child = r.json()
    assert child["reissue_kind"] == "repacking" and child["unit"] == "head"
    assert child["parents"] == [{"id": cert["id"], "code": cert["code"], "product_name": "活鸡", "issuer_name": produce.farm.name,
                                 "issued_on": str(DAY), "status": "valid", "quantity": "20.000"}]

    detail = op1.get(f"/api/v1/certificates/{cert['id']}").json()
    assert [k["result"] for k in detail["checks"]] == ["valid"] and detail["remaining_at_entry"] == "20.000"
    assert detail["children"][0]["id"] is None and detail["children"][0]["code"] is None  # op3's certificate: facts only

    r = _post(op1, f"/api/v1/certificates/{cert['id']}/revoke", {"reason": "数量有误"})
    assert r.status_code == 200 and r.json()["status"] == "revoked" and r.json()["revoke_reason"] == "数量有误"
    r = _post(op1, f"/api/v1/certificates/{cert['id']}/revoke", {"reason": "again"})
    assert r.status_code == 409 and r.json()["code"] == "already_revoked"
    r = _post(op3, "/api/v1/certificates/check", {"code": child["code"]})
    assert r.json()["result"] == "invalid" and [x["code"] for x in r.json()["reasons"]] == ["parent_revoked"]

    checks = op3.get("/api/v1/certificates/checks?result=invalid").json()
    assert checks["count"] == 2
    listing = op1.get("/api/v1/certificates?status=revoked").json()
    assert [c["id"] for c in listing["items"]] == [cert["id"]]
    assert op1.get(f"/api/v1/certificates?q={cert['code']}").json()["count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"product_name": "腊肠", "category": "104", "quantity": "1", "basis": "self_test"}, 400, "category_out_of_scope", "category"),
    ({"product_name": "菜心", "category": "A01", "quantity": "1", "basis": "self_test", "issued_on": "2099-01-01"}, 400, "issued_in_future", "issued_on"),
    ({"product_name": "菜心", "category": "A01", "quantity": "0", "basis": "self_test"}, 422, "validation_error", "quantity"),
    ({"product_name": "菜心", "category": "A01", "quantity": "1", "basis": "guess"}, 422, "validation_error", "basis"),
    ({"product_name": "菜心", "category": "A01", "quantity": "1", "basis": "self_test", "colour": "green"}, 422, "validation_error", "colour"),
    ({"issuer_id": 999999, "product_name": "菜心", "category": "A01", "quantity": "1", "basis": "self_test"}, 404, "not_found", None),
])
def test_bad_issue_input(produce: Produce, body: dict, status: int, code: str, field: str | None) -> None:
    r = _post(produce.world.client("operator_user"), "/api/v1/certificates", body)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code and r.json()["field"] == field
    assert not ProduceCertificate.objects.exists()


@pytest.mark.django_db
def test_a_restaurant_named_as_issuer_or_market_is_refused(produce: Produce) -> None:
    w = produce.world
    op1 = w.client("operator_user")
    r = _post(op1, "/api/v1/certificates", {"issuer_id": w.op1.pk, "product_name": "菜心", "category": "A01", "quantity": "1", "basis": "self_test"})
    assert r.status_code == 400 and r.json()["code"] == "issuer_not_producer"
    r = _post(op1, "/api/v1/certificates/check", {"code": "AAAAAAAAAAAAAAAA", "market_id": w.op1.pk})
    assert r.status_code == 400 and r.json()["code"] == "checker_not_market"
    r = _post(op1, "/api/v1/certificates/check", {"code": "AAAAAAAAAAAAAAAA"})
    assert r.status_code == 400 and r.json()["code"] == "operator_required"
    assert not CertificateCheck.objects.exists()


@pytest.mark.django_db
def test_reissue_with_unknown_code_names_it(produce: Produce) -> None:
    r = _post(produce.world.client("other_operator_user"), "/api/v1/certificates/reissue",
              {"holder_id": produce.world.op3.pk, "kind": "repacking", "parents": [{"code": "QQQQQQQQQQQQQQQQ"}], "quantity": "1", "basis": "self_test"})
    assert r.status_code == 404 and "QQQQQQQQQQQQQQQQ" in r.json()["message"]
