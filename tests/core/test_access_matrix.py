"""Every page and endpoint from every persona: right role, wrong role, wrong jurisdiction.

The expectations are a table; the tests are generated from it. A persona missing from a
row's ``expect`` must get the row's ``default`` status.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import World

PERSONAS = ["city_regulator", "district_regulator", "other_district_regulator", "station_officer", "inspector",
            "operator_user", "other_operator_user", "lab_user", "cdc_user", "public_user", "admin", None]
VIEWERS_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200,
               "operator_user": 200, "cdc_user": 200, "admin": 200}
LISTERS = {**VIEWERS_OP1, "other_district_regulator": 200, "other_operator_user": 200}


@dataclass
class Route:
    name: str  # the URL name of a page or "METHOD /api/v1/path" as in the OpenAPI document
    method: str
    url: Callable[[World], str]
    expect: dict[str, int]
    default: int  # for authenticated personas not in ``expect``
    anonymous: int
    body: Callable[[World], dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    multipart: bool = False


def _staff(w: World) -> dict[str, Any]:
    return {"name": "测试员", "position": "厨师"}


def _status(w: World) -> dict[str, Any]:
    return {"status": "suspended", "reason": "停业整顿"}


def _patch(w: World) -> dict[str, Any]:
    return {"phone": "0750-1111111"}


def _new_operator(w: World) -> dict[str, Any]:
    from tests.conftest import make_uscc

    return {"name": "新登记餐馆", "uscc": make_uscc(900), "legal_representative": "钱九", "types": ["restaurant"],
            "address": "江门市蓬江区新路9号", "jurisdiction": "440703001"}


ROUTES = [
    # pages
    Route("operator-list", "get", lambda w: "/operators/", LISTERS, 403, 302),
    Route("operator-dossier", "get", lambda w: f"/operators/{w.op1.pk}/", VIEWERS_OP1, 404, 302,
          extra={"lab_user": 403, "public_user": 403}),
    Route("operator-dossier op3", "get", lambda w: f"/operators/{w.op3.pk}/",
          {"city_regulator": 200, "other_district_regulator": 200, "other_operator_user": 200, "cdc_user": 200, "admin": 200}, 404, 302,
          extra={"lab_user": 403, "public_user": 403}),
    Route("licence-expiry", "get", lambda w: "/operators/licences/expiring/", LISTERS, 403, 302),
    Route("operator-export", "get", lambda w: "/operators/export.xlsx", LISTERS, 403, 302),
    Route("operator-import", "get", lambda w: "/operators/import/",
          {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "admin": 200}, 403, 302),
    Route("operator-dossier-form staff", "get", lambda w: f"/operators/{w.op1.pk}/staff/",
          {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "admin": 200, "operator_user": 200,
           "inspector": 403, "cdc_user": 403, "lab_user": 403, "public_user": 403}, 404, 302),
    Route("operator-dossier-form status", "get", lambda w: f"/operators/{w.op1.pk}/status/",
          {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "admin": 200,
           "inspector": 403, "cdc_user": 403, "operator_user": 403, "other_operator_user": 403, "lab_user": 403, "public_user": 403}, 404, 302),
    Route("home", "get", lambda w: "/", {}, 200, 302),
    Route("admin:index", "get", lambda w: "/admin/", {"admin": 200}, 302, 302),
    # API
    Route("GET /api/v1/operators", "get", lambda w: "/api/v1/operators", LISTERS, 403, 401),
    Route("GET /api/v1/operators/{operator_id}", "get", lambda w: f"/api/v1/operators/{w.op1.pk}", VIEWERS_OP1, 404, 401,
          extra={"lab_user": 403, "public_user": 403}),
    Route("PATCH /api/v1/operators/{operator_id}", "patch", lambda w: f"/api/v1/operators/{w.op1.pk}",
          {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "admin": 200,
           "inspector": 403, "cdc_user": 403, "operator_user": 403, "other_operator_user": 403, "lab_user": 403, "public_user": 403},
          404, 401, body=_patch),
    Route("POST /api/v1/operators/{operator_id}/status", "post", lambda w: f"/api/v1/operators/{w.op1.pk}/status",
          {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "admin": 200,
           "inspector": 403, "cdc_user": 403, "operator_user": 403, "other_operator_user": 403, "lab_user": 403, "public_user": 403},
          404, 401, body=_status),
    Route("POST /api/v1/operators/{operator_id}/staff", "post", lambda w: f"/api/v1/operators/{w.op1.pk}/staff",
          {"city_regulator": 201, "district_regulator": 201, "station_officer": 201, "admin": 201, "operator_user": 201,
           "inspector": 403, "cdc_user": 403, "lab_user": 403, "public_user": 403}, 404, 401, body=_staff),
    Route("POST /api/v1/operators", "post", lambda w: "/api/v1/operators",
          {"city_regulator": 201, "district_regulator": 201, "station_officer": 201, "admin": 201, "other_district_regulator": 400},
          403, 401, body=_new_operator),
    Route("GET /api/v1/licences/expiring", "get", lambda w: "/api/v1/licences/expiring", LISTERS, 403, 401),
    Route("GET /api/v1/operators/export.xlsx", "get", lambda w: "/api/v1/operators/export.xlsx", LISTERS, 403, 401),
    Route("GET /api/v1/jurisdictions", "get", lambda w: "/api/v1/jurisdictions", {"public_user": 403}, 200, 401),
    Route("POST /api/v1/audit/verify", "post", lambda w: "/api/v1/audit/verify", {"admin": 200, "city_regulator": 200}, 403, 401),
]

MAINTAINERS_OP1 = {"city_regulator": 201, "district_regulator": 201, "station_officer": 201, "admin": 201, "operator_user": 201,
                   "inspector": 403, "cdc_user": 403, "lab_user": 403, "public_user": 403}
CHANGERS_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "admin": 200, "inspector": 403, "cdc_user": 403,
                "operator_user": 403, "other_operator_user": 403, "lab_user": 403, "public_user": 403}
IMPORTERS = {"city_regulator": 202, "district_regulator": 202, "other_district_regulator": 202, "admin": 202}


def _licence_id(w: World) -> int:
    return int(w.op1.licences.get().pk)


def _job_url(w: World) -> str:
    from shian.core import jobs

    return str(jobs.submit("core.ping", by=w.users["district_regulator"]).pk)


def _upload(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("ops.csv", "名称\n".encode())}


def _form_page(key: str) -> Route:
    expect = {k: (200 if v == 201 else v) for k, v in MAINTAINERS_OP1.items()}
    return Route(f"operator-dossier-form {key}", "get", lambda w: f"/operators/{w.op1.pk}/{key}/", expect, 404, 302)


ROUTES += [
    _form_page("premises"), _form_page("insurance"), _form_page("self_inspections"),
    Route("operator-import-template", "get", lambda w: "/operators/import/template.xlsx", dict.fromkeys(IMPORTERS, 200), 403, 302),
    Route("licence-expiry-export", "get", lambda w: "/operators/licences/expiring.xlsx", LISTERS, 403, 302),
    Route("job-detail", "get", lambda w: f"/jobs/{_job_url(w)}/", {"district_regulator": 200, "admin": 200}, 404, 302),
    Route("login", "get", lambda w: "/login/", {}, 302, 200),
    Route("logout", "post", lambda w: "/logout/", {}, 302, 302),
    Route("healthz", "get", lambda w: "/healthz", {}, 200, 200),
    Route("set_language", "post", lambda w: "/i18n/setlang/", {}, 302, 302),
    Route("GET /api/v1/jobs/{job_id}", "get", lambda w: f"/api/v1/jobs/{_job_url(w)}", {"district_regulator": 200, "admin": 200}, 404, 401),
    Route("POST /api/v1/operators/import", "post", lambda w: "/api/v1/operators/import", IMPORTERS, 403, 401, body=_upload, multipart=True),
    Route("POST /api/v1/operators/{operator_id}/licences", "post", lambda w: f"/api/v1/operators/{w.op1.pk}/licences",
          {k: (201 if v == 200 else v) for k, v in CHANGERS_OP1.items()}, 404, 401,
          body=lambda w: {"kind": "business", "number": "JY14407030000999", "issued_on": "2026-01-01", "expires_on": "2031-01-01",
                          "authority": "蓬江区市场监督管理局"}),
    Route("POST /api/v1/licences/{licence_id}/status", "post", lambda w: f"/api/v1/licences/{_licence_id(w)}/status", CHANGERS_OP1, 404, 401,
          body=_status),
    Route("GET /api/v1/licences/expiring.xlsx", "get", lambda w: "/api/v1/licences/expiring.xlsx", LISTERS, 403, 401),
    Route("POST /api/v1/operators/{operator_id}/premises", "post", lambda w: f"/api/v1/operators/{w.op1.pk}/premises", MAINTAINERS_OP1, 404, 401,
          body=lambda w: {"name": "二号店", "kind": "store", "address": "江门市蓬江区某路", "jurisdiction": "440703001"}),
    Route("POST /api/v1/operators/{operator_id}/insurance", "post", lambda w: f"/api/v1/operators/{w.op1.pk}/insurance", MAINTAINERS_OP1, 404, 401,
          body=lambda w: {"insurer": "某保险", "policy_number": "P-77", "coverage_yuan": "300000", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
    Route("POST /api/v1/operators/{operator_id}/self-inspections", "post", lambda w: f"/api/v1/operators/{w.op1.pk}/self-inspections",
          MAINTAINERS_OP1, 404, 401, body=lambda w: {"inspected_on": "2026-10-01", "result": "compliant"}),
]



# --- traceability (shian.trace) ---------------------------------------------------------------------

def _trace(w: World) -> dict[str, Any]:
    """Once per world: op2's licensed lot with its certificates, shipped to op1 (a pending receipt), and op1's own product and lot."""
    from datetime import date
    from decimal import Decimal

    from shian.trace import services as trace_services
    from shian.trace.models import Receipt
    from tests.trace.conftest import build_trace

    receipt = Receipt.objects.filter(buyer=w.op1, supplier=w.op2).select_related("shipment").first()
    if receipt is None:
        t = build_trace(w)
        shipment = trace_services.shipment_create(supplier=w.op2, buyer=w.op1, shipped_on=date(2026, 3, 2),
                                                  lines=[trace_services.LineIn(quantity=Decimal(10), lot=t.lot)])
        receipt = shipment.receipt
        own = trace_services.product_create(owner=w.op1, name="叉烧", category_code="B04")
        trace_services.lot_create(product=own, lot_code="CS-1", production_date=date(2026, 3, 1), quantity=Decimal(20))
    line = receipt.lines.select_related("lot").get()
    own_product = w.op1.products.get()
    return {"receipt": receipt.pk, "line": line.pk, "lot": line.lot_id, "trace_code": line.lot.trace_code, "product": own_product.pk,
            "own_lot": own_product.lots.get().pk, "document": line.lot.documents.order_by("id").first().pk}


def _trace_pdf(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("检验报告.pdf", b"%PDF-1.4 matrix"), "kind": "test_report", "issued_on": "2026-01-05", "operator_id": w.op1.pk}


TRACE_LISTERS = {**LISTERS, "cdc_user": 403, "lab_user": 403, "public_user": 403}
TRACE_VIEWERS_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "operator_user": 200, "admin": 200,
                     "lab_user": 403, "cdc_user": 403, "public_user": 403}
TRACE_FLAGGED = {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "station_officer": 200, "inspector": 200,
                 "admin": 200}
TRACE_RECORDERS = {"operator_user": 200, "other_operator_user": 200, "admin": 200}
# Acting for op1: op1's users and the admin; another operator gets 404 (op1 is outside its view); other roles may not record at all.
TRACE_WRITE_OP1 = {"operator_user": 201, "admin": 201, "other_operator_user": 404}
TRACE_ANSWER_OP1 = {"operator_user": 200, "admin": 200, "other_operator_user": 404}
TRACE_PAGE_ANSWER_OP1 = {"operator_user": 302, "admin": 302, "other_operator_user": 404}


def _trace_route(name: str, method: str, url: Callable[[World], str], expect: dict[str, int], default: int, *,
                 body: Callable[[World], dict[str, Any]] | None = None, multipart: bool = False) -> Route:
    page = not name.split(" ", 1)[-1].startswith("/api/")
    anonymous = 302 if page else 401
    return Route(name, method, url, expect, default, anonymous, body=body, multipart=multipart)


ROUTES += [
    # pages
    _trace_route("trace-receipt-list", "get", lambda w: "/trace/receipts/", TRACE_LISTERS, 403),
    _trace_route("trace-receipt-new", "get", lambda w: "/trace/receipts/new/", TRACE_RECORDERS, 403),
    _trace_route("trace-shipment-new", "get", lambda w: "/trace/shipments/new/", TRACE_RECORDERS, 403),
    _trace_route("trace-flagged-list", "get", lambda w: "/trace/flagged/", TRACE_FLAGGED, 403),
    _trace_route("trace-product-list", "get", lambda w: "/trace/products/", TRACE_LISTERS, 403),
    _trace_route("trace-product-detail", "get", lambda w: f"/trace/products/{_trace(w)['product']}/", TRACE_VIEWERS_OP1, 404),
    _trace_route("trace-receipt-detail", "get", lambda w: f"/trace/receipts/{_trace(w)['receipt']}/", TRACE_VIEWERS_OP1, 404),
    _trace_route("trace-lot-trace", "get", lambda w: f"/trace/lots/{_trace(w)['lot']}/trace/", TRACE_VIEWERS_OP1, 404),
    _trace_route("trace-document-file", "get", lambda w: f"/trace/documents/{_trace(w)['document']}/file", TRACE_VIEWERS_OP1, 404),
    _trace_route("trace-receipt-confirm", "post", lambda w: f"/trace/receipts/{_trace(w)['receipt']}/confirm/", TRACE_PAGE_ANSWER_OP1, 403),
    _trace_route("trace-receipt-correct", "post", lambda w: f"/trace/receipts/{_trace(w)['receipt']}/correct/", TRACE_PAGE_ANSWER_OP1, 403,
                 body=lambda w: {f"line-{_trace(w)['line']}": "9"}, multipart=True),
    _trace_route("trace-receipt-dispute", "post", lambda w: f"/trace/receipts/{_trace(w)['receipt']}/dispute/", TRACE_PAGE_ANSWER_OP1, 403,
                 body=lambda w: {"reason": "未订购"}, multipart=True),
    _trace_route("trace-receipt-attach", "post", lambda w: f"/trace/receipts/{_trace(w)['receipt']}/documents/", TRACE_PAGE_ANSWER_OP1, 403,
                 body=lambda w: _trace_pdf(w), multipart=True),
    # API
    _trace_route("GET /api/v1/trace/products", "get", lambda w: "/api/v1/trace/products", TRACE_LISTERS, 403),
    _trace_route("POST /api/v1/trace/products", "post", lambda w: "/api/v1/trace/products", TRACE_WRITE_OP1, 403,
                 body=lambda w: {"operator_id": w.op1.pk, "name": "白切鸡", "category": "B04"}),
    _trace_route("GET /api/v1/trace/lots", "get", lambda w: "/api/v1/trace/lots", TRACE_LISTERS, 403),
    _trace_route("POST /api/v1/trace/lots", "post", lambda w: "/api/v1/trace/lots", TRACE_WRITE_OP1, 403,
                 body=lambda w: {"product_id": _trace(w)["product"], "lot_code": "CS-2", "production_date": "2026-03-02", "quantity": "5"}),
    _trace_route("GET /api/v1/trace/lots/{lot_id}", "get", lambda w: f"/api/v1/trace/lots/{_trace(w)['lot']}", TRACE_VIEWERS_OP1, 404),
    _trace_route("GET /api/v1/trace/lots/{lot_id}/trace", "get", lambda w: f"/api/v1/trace/lots/{_trace(w)['lot']}/trace?direction=both",
                 TRACE_VIEWERS_OP1, 404),
    _trace_route("POST /api/v1/trace/documents", "post", lambda w: "/api/v1/trace/documents", TRACE_WRITE_OP1, 403, body=_trace_pdf, multipart=True),
    _trace_route("POST /api/v1/trace/shipments", "post", lambda w: "/api/v1/trace/shipments", TRACE_WRITE_OP1, 403,
                 body=lambda w: {"supplier_id": w.op1.pk, "buyer_id": w.op3.pk, "shipped_on": "2026-03-02",
                                 "lines": [{"lot_id": _trace(w)["own_lot"], "quantity": "2"}]}),
    _trace_route("GET /api/v1/trace/receipts", "get", lambda w: "/api/v1/trace/receipts", TRACE_LISTERS, 403),
    _trace_route("POST /api/v1/trace/receipts", "post", lambda w: "/api/v1/trace/receipts", TRACE_WRITE_OP1, 403,
                 body=lambda w: {"buyer_id": w.op1.pk, "supplier_id": w.op2.pk, "received_on": "2026-03-03",
                                 "lines": [{"trace_code": _trace(w)["trace_code"], "quantity": "1"}]}),
    _trace_route("GET /api/v1/trace/receipts/flagged", "get", lambda w: "/api/v1/trace/receipts/flagged", TRACE_FLAGGED, 403),
    _trace_route("GET /api/v1/trace/receipts/{receipt_id}", "get", lambda w: f"/api/v1/trace/receipts/{_trace(w)['receipt']}", TRACE_VIEWERS_OP1, 404),
    _trace_route("POST /api/v1/trace/receipts/{receipt_id}/confirm", "post", lambda w: f"/api/v1/trace/receipts/{_trace(w)['receipt']}/confirm",
                 TRACE_ANSWER_OP1, 403),
    _trace_route("POST /api/v1/trace/receipts/{receipt_id}/correct", "post", lambda w: f"/api/v1/trace/receipts/{_trace(w)['receipt']}/correct",
                 TRACE_ANSWER_OP1, 403, body=lambda w: {"lines": [{"line_id": _trace(w)["line"], "quantity_confirmed": "9"}]}),
    _trace_route("POST /api/v1/trace/receipts/{receipt_id}/dispute", "post", lambda w: f"/api/v1/trace/receipts/{_trace(w)['receipt']}/dispute",
                 TRACE_ANSWER_OP1, 403, body=lambda w: {"reason": "未订购"}),
    _trace_route("POST /api/v1/trace/receipts/{receipt_id}/documents", "post",
                 lambda w: f"/api/v1/trace/receipts/{_trace(w)['receipt']}/documents", TRACE_ANSWER_OP1, 403,
                 body=lambda w: {"document_ids": [_trace(w)["document"]]}),
]



def _trace_transformation(w: World) -> int:
    """Once per world: op1 processes part of its own lot CS-1 into a new lot."""
    from datetime import date
    from decimal import Decimal

    from shian.trace import services as trace_services
    from shian.trace.models import Lot, Transformation

    found = Transformation.objects.filter(operator=w.op1).first()
    if found is None:
        lot = Lot.objects.get(pk=_trace(w)["own_lot"])
        found = trace_services.transformation_record(
            operator=w.op1, kind="processing", transformed_on=date(2026, 3, 3), inputs=[trace_services.LineIn(quantity=Decimal(2), lot=lot)],
            outputs=[trace_services.LineIn(quantity=Decimal(4), new_lot=trace_services.NewLot(product=lot.product, lot_code="CS-P1",
                                                                                             production_date=date(2026, 3, 3)))])
    return found.pk


def _own_lot_code(w: World) -> str:
    from shian.trace.models import Lot

    return Lot.objects.get(pk=_trace(w)["own_lot"]).trace_code


ROUTES += [
    _trace_route("trace-transformation-list", "get", lambda w: "/trace/transformations/", TRACE_LISTERS, 403),
    _trace_route("trace-transformation-new", "get", lambda w: "/trace/transformations/new/", TRACE_RECORDERS, 403),
    _trace_route("trace-transformation-detail", "get", lambda w: f"/trace/transformations/{_trace_transformation(w)}/", TRACE_VIEWERS_OP1, 404),
    _trace_route("trace-recall", "get", lambda w: "/trace/recall/", TRACE_LISTERS, 403),
    _trace_route("trace-recall-export", "get", lambda w: f"/trace/recall/export.xlsx?codes={_own_lot_code(w)}", TRACE_VIEWERS_OP1, 404),
    _trace_route("GET /api/v1/trace/transformations", "get", lambda w: "/api/v1/trace/transformations", TRACE_LISTERS, 403),
    _trace_route("GET /api/v1/trace/transformations/{transformation_id}", "get",
                 lambda w: f"/api/v1/trace/transformations/{_trace_transformation(w)}", TRACE_VIEWERS_OP1, 404),
    _trace_route("POST /api/v1/trace/transformations", "post", lambda w: "/api/v1/trace/transformations", TRACE_WRITE_OP1, 403,
                 body=lambda w: {"operator_id": w.op1.pk, "kind": "repacking", "transformed_on": "2026-03-04",
                                 "inputs": [{"lot_id": _trace(w)["own_lot"], "quantity": "1"}],
                                 "outputs": [{"quantity": "2", "new_lot": {"product_id": _trace(w)["product"], "lot_code": "CS-R1",
                                                                          "production_date": "2026-03-04"}}]}),
    _trace_route("POST /api/v1/trace/recall-scope", "post", lambda w: "/api/v1/trace/recall-scope", {**TRACE_VIEWERS_OP1, "public_user": 403,
                                                                                                      "lab_user": 403, "cdc_user": 403}, 404,
                 body=lambda w: {"trace_codes": [_own_lot_code(w)]}),
]

# --- produce certificates (shian.certificates) ------------------------------------------------------

def _cert(w: World) -> dict[str, Any]:
    """Once per world: a farm of op1's organisation (蓬江区) issues c1 (checked at a market of op3's organisation
    in 江海区) and c2 (never checked)."""
    from shian.certificates import services as cert_services
    from shian.certificates.models import ProduceCertificate
    from shian.registry.models import Operator
    from tests.certificates.conftest import build_produce

    if not ProduceCertificate.objects.filter(product_name="矩阵菜心").exists():
        p = build_produce(w)
        c1 = p.issue(product_name="矩阵菜心")
        p.issue(product_name="矩阵生菜")
        cert_services.certificate_check(code=c1.code, market=p.market)
    c1 = ProduceCertificate.objects.get(product_name="矩阵菜心")
    c2 = ProduceCertificate.objects.get(product_name="矩阵生菜")
    return {"c1": c1.pk, "c1_code": c1.code, "c2": c2.pk, "c2_code": c2.code, "farm": c1.issuer_id,
            "market": Operator.objects.get(types__code="market").pk}


CERT_LISTERS = {**LISTERS, "cdc_user": 403, "lab_user": 403, "public_user": 403}
# c2: issued by the farm in 蓬江区; op3's organisation and 江海区 do not see it (404).
CERT_VIEWERS_FARM = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "operator_user": 200,
                     "admin": 200, "lab_user": 403, "cdc_user": 403, "public_user": 403}
# c1 was checked at the market in 江海区: its regulator and the market's organisation see it too.
CERT_VIEWERS_CHECKED = {**CERT_VIEWERS_FARM, "other_district_regulator": 200, "other_operator_user": 200}
CERT_ISSUER_PAGE = {"operator_user": 200, "admin": 200, "other_operator_user": 404}
CERT_ISSUER_POST = {"operator_user": 302, "admin": 302, "other_operator_user": 404}
CERT_ISSUER_API = {"operator_user": 200, "admin": 200, "other_operator_user": 404}
CERT_MARKET = {"other_operator_user": 200, "admin": 200}


def _with_certs(url: str) -> Callable[[World], str]:
    """A URL that needs no id, once the world has its farm, market and certificates."""
    return lambda w: (_cert(w), url)[1]


def _cert_issue(w: World) -> dict[str, Any]:
    return {"issuer_id": _cert(w)["farm"], "product_name": "菜心", "category": "A01", "quantity": "10", "issued_on": "2026-03-02",
            "basis": "self_test"}


def _cert_reissue(w: World) -> dict[str, Any]:
    return {"holder_id": w.op1.pk, "kind": "repacking", "parents": [{"code": _cert(w)["c2_code"], "quantity": "1"}], "quantity": "1",
            "basis": "self_test", "contact_phone": "0750-1111111"}


ROUTES += [
    # pages
    _trace_route("certificate-list", "get", _with_certs("/certificates/"), CERT_LISTERS, 403),
    _trace_route("certificate-check-list", "get", _with_certs("/certificates/checks/"), CERT_LISTERS, 403),
    _trace_route("certificate-new", "get", _with_certs("/certificates/new/"), {"operator_user": 200, "admin": 200}, 403),
    _trace_route("certificate-reissue", "get", _with_certs("/certificates/reissue/"), {"operator_user": 200, "other_operator_user": 200, "admin": 200},
                 403),
    _trace_route("certificate-check", "get", _with_certs("/certificates/check/"), CERT_MARKET, 403),
    _trace_route("certificate-check post", "post", _with_certs("/certificates/check/"), CERT_MARKET, 403,
                 body=lambda w: {"code": _cert(w)["c1_code"]}, multipart=True),
    _trace_route("certificate-detail", "get", lambda w: f"/certificates/{_cert(w)['c2']}/", CERT_VIEWERS_FARM, 404),
    _trace_route("certificate-detail checked", "get", lambda w: f"/certificates/{_cert(w)['c1']}/", CERT_VIEWERS_CHECKED, 404),
    _trace_route("certificate-qr", "get", lambda w: f"/certificates/{_cert(w)['c2']}/qr.png", CERT_VIEWERS_FARM, 404),
    _trace_route("certificate-revoke", "get", lambda w: f"/certificates/{_cert(w)['c2']}/revoke/", CERT_ISSUER_PAGE, 403),
    _trace_route("certificate-revoke post", "post", lambda w: f"/certificates/{_cert(w)['c2']}/revoke/", CERT_ISSUER_POST, 403,
                 body=lambda w: {"reason": "品名写错"}, multipart=True),
    Route("certificate-public", "get", lambda w: f"/certificates/c/{_cert(w)['c2_code']}/", {}, 200, 200),
    # API
    _trace_route("GET /api/v1/certificates", "get", _with_certs("/api/v1/certificates"), CERT_LISTERS, 403),
    _trace_route("POST /api/v1/certificates", "post", _with_certs("/api/v1/certificates"), {"operator_user": 201, "admin": 201, "other_operator_user": 404},
                 403, body=_cert_issue),
    _trace_route("GET /api/v1/certificates/{certificate_id}", "get", lambda w: f"/api/v1/certificates/{_cert(w)['c2']}", CERT_VIEWERS_FARM, 404),
    _trace_route("POST /api/v1/certificates/reissue", "post", lambda w: "/api/v1/certificates/reissue",
                 {"operator_user": 201, "admin": 201, "other_operator_user": 404}, 403, body=_cert_reissue),
    _trace_route("POST /api/v1/certificates/{certificate_id}/revoke", "post", lambda w: f"/api/v1/certificates/{_cert(w)['c2']}/revoke",
                 CERT_ISSUER_API, 403, body=lambda w: {"reason": "品名写错"}),
    _trace_route("POST /api/v1/certificates/check", "post", lambda w: "/api/v1/certificates/check",
                 {"other_operator_user": 201, "admin": 201, "operator_user": 404}, 403,
                 body=lambda w: {"code": _cert(w)["c1_code"], "market_id": _cert(w)["market"]}),
    _trace_route("GET /api/v1/certificates/checks", "get", _with_certs("/api/v1/certificates/checks"), CERT_LISTERS, 403),
]

# --- consumer page and QR labels (shian.trace.consumer_views) ---------------------------------------
# The consumer page is public: every persona and anonymous visitors get it. A label: the producer's users (op1's own lot) and
# the regulators of its jurisdiction; another operator and another district 404; roles without trace access 403.

ROUTES += [
    Route("consumer-digital-link", "get", lambda w: (_trace(w), "/01/06901234567892/10/LC2026-01")[1], {}, 200, 200),
    Route("consumer-trace-code", "get", lambda w: f"/t/{_trace(w)['trace_code']}", {}, 200, 200),
    Route("consumer-lookup", "get", lambda w: "/t/", {}, 200, 200),
    _trace_route("trace-lot-label", "get", lambda w: f"/trace/lots/{_trace(w)['own_lot']}/label/", TRACE_VIEWERS_OP1, 404),
    _trace_route("trace-lot-label-file", "get", lambda w: f"/trace/lots/{_trace(w)['own_lot']}/label.pdf", TRACE_VIEWERS_OP1, 404),
]

EPCIS_DOC = {
    "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"], "type": "EPCISDocument", "schemaVersion": "2.0",
    "creationDate": "2026-05-01T08:00:00+08:00",
    "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2026-05-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
                                 "epcList": ["urn:epc:id:sgtin:0614141.107346.2018"], "action": "OBSERVE", "bizStep": "receiving"}]},
}
CAPTURERS = {"city_regulator": 202, "district_regulator": 202, "other_district_regulator": 202, "station_officer": 202,
             "operator_user": 202, "other_operator_user": 202, "admin": 202}


def _epcis_capture_id(w: World) -> str:
    """A capture made by op1's organisation (OP-1)."""
    from shian.epcis import services

    return str(services.capture_submit(body=EPCIS_DOC, principal=w.users["operator_user"].principal).pk)


def _epcis_event_id(w: World) -> str:
    from urllib.parse import quote

    from shian.epcis.models import EpcisEvent

    _epcis_capture_id(w)
    return quote(EpcisEvent.objects.get().event_id, safe="")


ROUTES += [
    Route("POST /epcis/capture", "post", lambda w: "/epcis/capture", CAPTURERS, 403, 401, body=lambda w: EPCIS_DOC),
    Route("POST /epcis/events", "post", lambda w: "/epcis/events", dict.fromkeys(CAPTURERS, 201), 403, 401, body=lambda w: EPCIS_DOC),
    Route("GET /epcis/events", "get", lambda w: "/epcis/events", {"lab_user": 403, "public_user": 403}, 200, 401),
    Route("GET /epcis/capture/{capture_id}", "get", lambda w: f"/epcis/capture/{_epcis_capture_id(w)}",
          {"operator_user": 200, "admin": 200, "city_regulator": 200, "inspector": 403, "cdc_user": 403, "lab_user": 403, "public_user": 403},
          404, 401),
    Route("GET /epcis/events/{event_id}", "get", lambda w: f"/epcis/events/{_epcis_event_id(w)}",
          {"operator_user": 200, "admin": 200, "city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200,
           "cdc_user": 200, "lab_user": 403, "public_user": 403}, 404, 401),
]


# --- cold chain and imported food (shian.coldchain) ------------------------------------------------
# A central warehouse (cold store) in 蓬江区 owned by op1's organisation (operator_user), a held entry imported by op3
# (other_operator_user: reads only) with every required certificate, and a released entry for the public page.
# Regulators see by the warehouse's jurisdiction (another district: 404) and may release or reject; inspectors read.

def _coldchain(w: World) -> dict[str, Any]:
    """Once per world: the warehouse, a held entry with its certificates (releasable) and a released entry."""
    from shian.coldchain import services as cc_services
    from shian.coldchain.models import FirstStopEntry
    from tests.coldchain.conftest import attach_all, make_warehouse, register

    held = FirstStopEntry.objects.filter(status="held").select_related("warehouse").first()
    if held is None:
        warehouse = make_warehouse(w)
        held = register(warehouse, importer=w.op3)
        attach_all(held)
        released = register(warehouse, lot_code="BR-002")
        attach_all(released)
        cc_services.release(entry=released)
    released = FirstStopEntry.objects.get(status="released")
    return {"warehouse": held.warehouse_id, "entry": held.pk, "lot": held.lot_id, "certificate": held.certificates.first().pk,
            "release_code": released.release_code}


def _cc_pdf(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("核酸检测报告.pdf", b"%PDF-1.4 coldchain matrix"), "kind": "nucleic_acid_report", "issued_on": "2026-01-05"}


def _cc_entry_body(w: World) -> dict[str, Any]:
    return {"warehouse_id": _coldchain(w)["warehouse"], "importer_id": w.op3.pk, "product_name": "冷冻白虾", "category": "A06", "lot_code": "EC-9",
            "production_date": "2026-01-01", "quantity": "100", "origin_country": "EC", "customs_declaration_number": "517120261000012345",
            "entry_date": "2026-01-10", "storage_class": "frozen"}


def _cc_readings(w: World) -> dict[str, Any]:
    return {"readings": [{"time": "2026-01-10T08:00:00+08:00", "value": -20, "device": "T-1"}]}


def _cc(name: str, method: str, url: Callable[[World], str], expect: dict[str, int], default: int = 403, *,
        body: Callable[[World], dict[str, Any]] | None = None, multipart: bool = False, anonymous: int | None = None) -> Route:
    page = not name.split(" ", 1)[-1].startswith("/api/")
    return Route(name, method, url, expect, default, anonymous if anonymous is not None else (302 if page else 401), body=body,
                 multipart=multipart)


CC_VIEW = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "operator_user": 200,
           "other_operator_user": 200, "admin": 200, "other_district_regulator": 404}
CC_LIST = {**CC_VIEW, "other_district_regulator": 200}
CC_EXCURSIONS = {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "station_officer": 200, "inspector": 200,
                 "admin": 200}
CC_DECIDE = {"operator_user": 200, "admin": 200, "city_regulator": 200, "district_regulator": 200, "station_officer": 200,
             "other_district_regulator": 404}
CC_DECIDE_PAGE = {k: (302 if v == 200 else v) for k, v in CC_DECIDE.items()}
_E = lambda w: _coldchain(w)["entry"]  # noqa: E731
_L = lambda w: _coldchain(w)["lot"]  # noqa: E731

ROUTES += [
    # pages
    _cc("coldchain-entry-list", "get", lambda w: "/coldchain/", CC_LIST),
    _cc("coldchain-entry-new", "get", lambda w: "/coldchain/new/", {"operator_user": 200, "other_operator_user": 200, "admin": 200}),
    _cc("coldchain-excursions", "get", lambda w: "/coldchain/excursions/", CC_EXCURSIONS),
    _cc("coldchain-entry-detail", "get", lambda w: f"/coldchain/{_E(w)}/", CC_VIEW),
    _cc("coldchain-entry-attach", "post", lambda w: f"/coldchain/{_E(w)}/certificates/", {"operator_user": 302, "admin": 302},
        body=_cc_pdf, multipart=True),
    _cc("coldchain-certificate-file", "get", lambda w: f"/coldchain/{_E(w)}/certificates/{_coldchain(w)['certificate']}/file", CC_VIEW),
    _cc("coldchain-entry-release", "post", lambda w: f"/coldchain/{_E(w)}/release/", CC_DECIDE_PAGE),
    _cc("coldchain-entry-reject", "post", lambda w: f"/coldchain/{_E(w)}/reject/", CC_DECIDE_PAGE, body=lambda w: {"reason": "证货不符"},
        multipart=True),
    _cc("coldchain-lot-temperature", "get", lambda w: f"/coldchain/lots/{_L(w)}/temperature/", CC_VIEW),
    _cc("coldchain-readings-new", "get", lambda w: f"/coldchain/lots/{_L(w)}/readings/", {"operator_user": 200, "admin": 200}),
    _cc("coldchain-release-public", "get", lambda w: f"/coldchain/r/{_coldchain(w)['release_code']}/", {}, 200, anonymous=200),
    # API
    _cc("GET /api/v1/coldchain/entries", "get", lambda w: "/api/v1/coldchain/entries", CC_LIST),
    _cc("POST /api/v1/coldchain/entries", "post", lambda w: "/api/v1/coldchain/entries",
        {"operator_user": 201, "admin": 201, "other_operator_user": 404}, body=_cc_entry_body),
    _cc("GET /api/v1/coldchain/entries/{entry_id}", "get", lambda w: f"/api/v1/coldchain/entries/{_E(w)}", CC_VIEW),
    _cc("POST /api/v1/coldchain/entries/{entry_id}/certificates", "post", lambda w: f"/api/v1/coldchain/entries/{_E(w)}/certificates",
        {"operator_user": 201, "admin": 201}, body=_cc_pdf, multipart=True),
    _cc("POST /api/v1/coldchain/entries/{entry_id}/release", "post", lambda w: f"/api/v1/coldchain/entries/{_E(w)}/release", CC_DECIDE),
    _cc("POST /api/v1/coldchain/entries/{entry_id}/reject", "post", lambda w: f"/api/v1/coldchain/entries/{_E(w)}/reject", CC_DECIDE,
        body=lambda w: {"reason": "证货不符"}),
    _cc("POST /api/v1/coldchain/lots/{lot_id}/readings", "post", lambda w: f"/api/v1/coldchain/lots/{_L(w)}/readings",
        {"operator_user": 201, "admin": 201}, body=_cc_readings),
    _cc("GET /api/v1/coldchain/lots/{lot_id}/readings", "get", lambda w: f"/api/v1/coldchain/lots/{_L(w)}/readings", CC_VIEW),
    _cc("GET /api/v1/coldchain/excursions", "get", lambda w: "/api/v1/coldchain/excursions", CC_EXCURSIONS),
]

# --- sampling (shian.sampling) ----------------------------------------------------------------------

def _sampling(w: World) -> dict[str, int]:
    """Once per world, all in 蓬江区 and sent to LAB-1 (lab_user): samples of op1 (MX-A non-conforming with op1's lot and an
    answered disposal case, MX-B with a verified case, MX-C with a re-test, MX-E awaiting receipt, MX-F received), MX-D of op2
    (a paper notification), a plan for 蓬江区, a rapid test of op1 by the 环市 station and public_user's test request in 环市街道."""
    from datetime import date

    from shian.accounts.models import Organisation
    from shian.sampling import rapid as sampling_rapid
    from shian.sampling import services as sampling_services
    from shian.sampling.models import Disposal, Notification, RapidTest, Sample, SamplingPlan, TestRequest
    from shian.trace.models import Lot
    from tests.sampling.conftest import build_labs

    station = Organisation.objects.get(code="ST-440703001")
    if not Sample.objects.filter(number="MX-A").exists():
        labs = build_labs(w)
        own_lot = Lot.objects.get(pk=_trace(w)["own_lot"])
        a = labs.failed(w.op1, number="MX-A", lot=own_lot)
        sampling_services.disposal_respond(case=a.disposal, withdrawal="下架", cause_analysis="原料问题")
        b = labs.failed(w.op1, number="MX-B")
        sampling_services.disposal_respond(case=b.disposal, withdrawal="下架", cause_analysis="原料问题")
        sampling_services.disposal_verify(case=Disposal.objects.get(sample=b), verification="核查到位")
        c = labs.failed(w.op1, number="MX-C")
        sampling_services.retest_request(sample=c, requested_on=date(2026, 3, 12))
        labs.failed(w.op2, number="MX-D")
        labs.take(w.op1, number="MX-E")
        labs.receive(labs.take(w.op1, number="MX-F"))
        sampling_services.plan_create(jurisdiction=w.d1, year=2026)
        sampling_rapid.rapid_test_record(station=station, tested_on=date(2026, 3, 3), item="克伦特罗（瘦肉精）", product_name="猪肉", result="positive",
                                         operator=w.op1)
        sampling_rapid.request_submit(by=w.users["public_user"], street=w.s1, product_name="豆芽", bought_at="环市市场", bought_on=date(2026, 3, 3),
                                      items="6-苄基腺嘌呤")
    by = {s.number: s for s in Sample.objects.filter(number__startswith="MX-").select_related("retest")}
    return {"a": by["MX-A"].pk, "b": by["MX-B"].pk, "e": by["MX-E"].pk, "f": by["MX-F"].pk, "retest": by["MX-C"].retest.pk,
            "case_a": Disposal.objects.get(sample=by["MX-A"]).pk, "case_b": Disposal.objects.get(sample=by["MX-B"]).pk,
            "note": Notification.objects.get(sample=by["MX-D"], recipient="operator").pk, "plan": SamplingPlan.objects.get().pk,
            "rapid": RapidTest.objects.get().pk, "request": TestRequest.objects.get().pk, "station": station.pk}


def _s(key: str) -> Callable[[World], int]:
    return lambda w: _sampling(w)[key]


SAMPLING_VIEWERS = {**LISTERS, "lab_user": 200, "cdc_user": 403, "public_user": 403}  # lists: a lab sees the samples sent to it
SAMPLING_VIEWERS_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "operator_user": 200,
                        "lab_user": 200, "admin": 200, "cdc_user": 403, "public_user": 403}
SAMPLING_CASES_OP1 = {**SAMPLING_VIEWERS_OP1, "lab_user": 404}  # notifications and disposal cases are not the lab's
SAMPLING_RECORDERS = {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "station_officer": 200, "inspector": 200,
                      "admin": 200}
SAMPLING_LAB = {"lab_user": 200, "admin": 200}
SAMPLING_RESPOND_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "operator_user": 200, "admin": 200,
                        "other_district_regulator": 404, "other_operator_user": 404}
SAMPLING_VERIFY_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "admin": 200, "other_district_regulator": 404}
SAMPLING_RECORD_OP1 = {**SAMPLING_VERIFY_OP1, "inspector": 200}
SAMPLING_REGULATORS = {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "station_officer": 200, "admin": 200}
SAMPLING_PLAN_D1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "admin": 200, "other_district_regulator": 404}
SAMPLING_RAPID = {**SAMPLING_RECORDERS, "operator_user": 200, "other_operator_user": 200}
SAMPLING_RAPID_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "operator_user": 200, "admin": 200,
                      "other_district_regulator": 404, "other_operator_user": 404}
SAMPLING_REQUESTS = {**SAMPLING_REGULATORS, "public_user": 200}
SAMPLING_REQUEST_S1 = {**SAMPLING_PLAN_D1, "public_user": 200}


def _as(expect: dict[str, int], status: int) -> dict[str, int]:
    """The same personas with the success status of a write (201 created, 302 a page's redirect)."""
    return {k: (status if v == 200 else v) for k, v in expect.items()}


def _sampling_route(name: str, method: str, url: Callable[[World], str], expect: dict[str, int], default: int, *,
                    body: Callable[[World], dict[str, Any]] | None = None, anonymous: int | None = None) -> Route:
    page = not name.split(" ", 1)[-1].startswith("/api/")
    return Route(name, method, url, expect, default, anonymous if anonymous is not None else (302 if page else 401), body=body, multipart=page)


def _sample_body(w: World) -> dict[str, Any]:
    return {"operator_id": w.op1.pk, "place": "江门市蓬江区建设路1号", "product_name": "菜心", "food_group": "veg_brassica", "sampled_on": "2026-03-05",
            "sampler_ids": [w.users["station_officer"].pk, w.users["inspector"].pk], "seal_number": "FZ-9", "quantity": "1.5", "price_paid": "9.80",
            "lab_id": w.users["lab_user"].organisation_id}


_ITEMS = [{"item": "毒死蜱", "value": "0.01", "unit": "mg/kg", "method_standard": "GB 23200.113-2018"}]

ROUTES += [
    # pages
    _sampling_route("sampling-sample-list", "get", lambda w: "/sampling/", SAMPLING_VIEWERS, 403),
    _sampling_route("sampling-sample-new", "get", lambda w: "/sampling/new/", SAMPLING_RECORDERS, 403),
    _sampling_route("sampling-sample-detail", "get", lambda w: f"/sampling/{_s('a')(w)}/", SAMPLING_VIEWERS_OP1, 404),
    _sampling_route("sampling-sample-receive", "post", lambda w: f"/sampling/{_s('e')(w)}/receive/", _as(SAMPLING_LAB, 302), 403,
                    body=lambda w: {"received_on": "2026-03-04"}),
    _sampling_route("sampling-sample-results", "get", lambda w: f"/sampling/{_s('f')(w)}/results/", SAMPLING_LAB, 403),
    _sampling_route("sampling-retest-request", "post", lambda w: f"/sampling/{_s('a')(w)}/retest/", _as(SAMPLING_RESPOND_OP1, 302), 403,
                    body=lambda w: {"requested_on": "2026-03-12", "reason": "异议"}),
    _sampling_route("sampling-retest-draw", "get", lambda w: f"/sampling/retests/{_s('retest')(w)}/draw/",
                    {**SAMPLING_VIEWERS_OP1, "other_district_regulator": 404}, 404),
    _sampling_route("sampling-notification-deliver", "post", lambda w: f"/sampling/notifications/{_s('note')(w)}/deliver/",
                    _as(SAMPLING_RECORD_OP1, 302), 403, body=lambda w: {"delivered_on": "2026-03-12"}),
    _sampling_route("sampling-disposal-list", "get", lambda w: "/sampling/disposals/", SAMPLING_VIEWERS, 403),
    _sampling_route("sampling-disposal-detail", "get", lambda w: f"/sampling/disposals/{_s('case_a')(w)}/", SAMPLING_CASES_OP1, 404),
    _sampling_route("sampling-disposal-respond", "post", lambda w: f"/sampling/disposals/{_s('case_a')(w)}/respond/",
                    _as(SAMPLING_RESPOND_OP1, 302), 403, body=lambda w: {"withdrawal": "下架召回", "cause_analysis": "原料问题"}),
    _sampling_route("sampling-disposal-verify", "post", lambda w: f"/sampling/disposals/{_s('case_a')(w)}/verify/",
                    _as(SAMPLING_VERIFY_OP1, 302), 403, body=lambda w: {"verification": "核查到位"}),
    _sampling_route("sampling-disposal-close", "post", lambda w: f"/sampling/disposals/{_s('case_b')(w)}/close/",
                    _as(SAMPLING_VERIFY_OP1, 302), 403, body=lambda w: {"closed_on": "2026-04-01"}),
    _sampling_route("sampling-disposal-scope", "post", lambda w: f"/sampling/disposals/{_s('case_a')(w)}/scope/", _as(SAMPLING_VERIFY_OP1, 302), 403),
    _sampling_route("sampling-deadlines", "get", lambda w: "/sampling/deadlines/", SAMPLING_VIEWERS, 403),
    _sampling_route("sampling-plan-list", "get", lambda w: "/sampling/plans/", SAMPLING_REGULATORS, 403),
    _sampling_route("sampling-plan-detail", "get", lambda w: f"/sampling/plans/{_s('plan')(w)}/", SAMPLING_PLAN_D1, 403),
    _sampling_route("sampling-indicators", "get", lambda w: "/sampling/indicators/", SAMPLING_REGULATORS, 403),
    _sampling_route("sampling-limits", "get", lambda w: "/sampling/limits/", {}, 200),
    _sampling_route("sampling-rapid-list", "get", lambda w: "/sampling/rapid/", SAMPLING_RAPID, 403),
    _sampling_route("sampling-rapid-new", "get", lambda w: "/sampling/rapid/new/", {"station_officer": 200, "admin": 200}, 403),
    _sampling_route("sampling-rapid-detail", "get", lambda w: f"/sampling/rapid/{_s('rapid')(w)}/", SAMPLING_RAPID_OP1, 403),
    _sampling_route("sampling-request-list", "get", lambda w: "/sampling/requests/", SAMPLING_REQUESTS, 403),
    _sampling_route("sampling-request-detail", "get", lambda w: f"/sampling/requests/{_s('request')(w)}/", SAMPLING_REQUEST_S1, 403),
    _sampling_route("sampling-public", "get", lambda w: "/sampling/public/", {}, 200, anonymous=200),
    # API
    _sampling_route("GET /api/v1/sampling/samples", "get", lambda w: "/api/v1/sampling/samples", SAMPLING_VIEWERS, 403),
    _sampling_route("POST /api/v1/sampling/samples", "post", lambda w: "/api/v1/sampling/samples",
                    {**_as(SAMPLING_RECORDERS, 201), "other_district_regulator": 404}, 403, body=_sample_body),
    _sampling_route("GET /api/v1/sampling/samples/{sample_id}", "get", lambda w: f"/api/v1/sampling/samples/{_s('a')(w)}", SAMPLING_VIEWERS_OP1, 404),
    _sampling_route("POST /api/v1/sampling/samples/{sample_id}/receive", "post", lambda w: f"/api/v1/sampling/samples/{_s('e')(w)}/receive",
                    SAMPLING_LAB, 403, body=lambda w: {"received_on": "2026-03-04"}),
    _sampling_route("POST /api/v1/sampling/samples/{sample_id}/results", "post", lambda w: f"/api/v1/sampling/samples/{_s('f')(w)}/results",
                    _as(SAMPLING_LAB, 201), 403, body=lambda w: {"items": _ITEMS, "reported_on": "2026-03-10"}),
    _sampling_route("POST /api/v1/sampling/results", "post", lambda w: "/api/v1/sampling/results", _as(SAMPLING_LAB, 201), 403,
                    body=lambda w: {"reports": [{"sample_id": _sampling(w)["f"], "items": _ITEMS, "reported_on": "2026-03-10"}]}),
    _sampling_route("POST /api/v1/sampling/samples/{sample_id}/retest", "post", lambda w: f"/api/v1/sampling/samples/{_s('a')(w)}/retest",
                    _as(SAMPLING_RESPOND_OP1, 201), 403, body=lambda w: {"requested_on": "2026-03-12"}),
    _sampling_route("GET /api/v1/sampling/retests/{retest_id}/draw", "get", lambda w: f"/api/v1/sampling/retests/{_s('retest')(w)}/draw",
                    {**SAMPLING_VIEWERS_OP1, "other_district_regulator": 404}, 404),
    _sampling_route("POST /api/v1/sampling/notifications/{notification_id}/deliver", "post",
                    lambda w: f"/api/v1/sampling/notifications/{_s('note')(w)}/deliver", SAMPLING_RECORD_OP1, 403,
                    body=lambda w: {"delivered_on": "2026-03-12"}),
    _sampling_route("GET /api/v1/sampling/disposals", "get", lambda w: "/api/v1/sampling/disposals", SAMPLING_VIEWERS, 403),
    _sampling_route("GET /api/v1/sampling/disposals/{disposal_id}", "get", lambda w: f"/api/v1/sampling/disposals/{_s('case_a')(w)}",
                    SAMPLING_CASES_OP1, 404),
    _sampling_route("POST /api/v1/sampling/disposals/{disposal_id}/respond", "post",
                    lambda w: f"/api/v1/sampling/disposals/{_s('case_a')(w)}/respond", SAMPLING_RESPOND_OP1, 403,
                    body=lambda w: {"withdrawal": "下架召回", "cause_analysis": "原料问题"}),
    _sampling_route("POST /api/v1/sampling/disposals/{disposal_id}/verify", "post",
                    lambda w: f"/api/v1/sampling/disposals/{_s('case_a')(w)}/verify", SAMPLING_VERIFY_OP1, 403,
                    body=lambda w: {"verification": "核查到位", "penalty_case_ref": "江蓬市监罚〔2026〕1号"}),
    _sampling_route("POST /api/v1/sampling/disposals/{disposal_id}/close", "post",
                    lambda w: f"/api/v1/sampling/disposals/{_s('case_b')(w)}/close", SAMPLING_VERIFY_OP1, 403, body=lambda w: {"closed_on": "2026-04-01"}),
    _sampling_route("GET /api/v1/sampling/deadlines", "get", lambda w: "/api/v1/sampling/deadlines", SAMPLING_VIEWERS, 403),
    _sampling_route("GET /api/v1/sampling/plans", "get", lambda w: "/api/v1/sampling/plans", SAMPLING_REGULATORS, 403),
    _sampling_route("POST /api/v1/sampling/plans", "post", lambda w: "/api/v1/sampling/plans",
                    {"city_regulator": 201, "district_regulator": 201, "admin": 201, "other_district_regulator": 404}, 403,
                    body=lambda w: {"jurisdiction": "440703", "year": 2027}),
    _sampling_route("GET /api/v1/sampling/plans/{plan_id}", "get", lambda w: f"/api/v1/sampling/plans/{_s('plan')(w)}", SAMPLING_PLAN_D1, 403),
    _sampling_route("GET /api/v1/sampling/indicators", "get", lambda w: "/api/v1/sampling/indicators", SAMPLING_REGULATORS, 403),
    _sampling_route("GET /api/v1/sampling/limits", "get", lambda w: "/api/v1/sampling/limits", {}, 200),
    _sampling_route("GET /api/v1/sampling/food-groups", "get", lambda w: "/api/v1/sampling/food-groups", {}, 200),
    _sampling_route("GET /api/v1/sampling/rapid-tests", "get", lambda w: "/api/v1/sampling/rapid-tests", SAMPLING_RAPID, 403),
    _sampling_route("POST /api/v1/sampling/rapid-tests", "post", lambda w: "/api/v1/sampling/rapid-tests", {"station_officer": 201, "admin": 201}, 403,
                    body=lambda w: {"station_id": _sampling(w)["station"], "tested_on": "2026-03-05", "item": "甲醛", "product_name": "水发鱿鱼",
                                    "result": "negative", "operator_id": w.op1.pk}),
    _sampling_route("GET /api/v1/sampling/rapid-tests/{rapid_id}", "get", lambda w: f"/api/v1/sampling/rapid-tests/{_s('rapid')(w)}",
                    SAMPLING_RAPID_OP1, 403),
    _sampling_route("GET /api/v1/sampling/requests", "get", lambda w: "/api/v1/sampling/requests", SAMPLING_REQUESTS, 403),
    _sampling_route("POST /api/v1/sampling/requests", "post", lambda w: "/api/v1/sampling/requests", {"public_user": 201, "admin": 201}, 403,
                    body=lambda w: {"street": "440703001", "product_name": "豆芽", "bought_at": "环市市场", "bought_on": "2026-03-05",
                                    "items": "6-苄基腺嘌呤"}),
    _sampling_route("POST /api/v1/sampling/requests/{request_id}/answer", "post",
                    lambda w: f"/api/v1/sampling/requests/{_s('request')(w)}/answer",
                    {"station_officer": 200, "admin": 200, "other_district_regulator": 404}, 403,
                    body=lambda w: {"station_id": _sampling(w)["station"], "item": "甲醛", "result": "negative", "tested_on": "2026-03-06"}),
    _sampling_route("GET /api/v1/sampling/public/requests", "get", lambda w: "/api/v1/sampling/public/requests", {}, 200, anonymous=200),
]


# --- inspections and rectification (shian.inspection, shian.rectification) --------------------------

def _insp(w: World) -> dict[str, Any]:
    """Once per world: four qualified inspectors at the 环市 station; a 2026 plan and a published draw for 蓬江区 in which
    the ``inspector`` persona is on op1's team (open inspection); a closed op1 inspection with a photo; order A (open) and
    order B (answered) issued to op1 by the inspector persona, with a report photo."""
    import io

    from django.db import transaction

    from shian.accounts import services as acc
    from shian.accounts.models import User
    from shian.core.access import Role as R
    from shian.inspection import services as insp_services
    from shian.inspection.models import Draw, Inspection, InspectionInspector
    from shian.rectification import services as rect_services
    from shian.rectification.models import RectificationOrder
    from tests.conftest import PASSWORD
    from tests.inspection.conftest import close as insp_close

    persona = w.users["inspector"]
    if not Draw.objects.filter(title="矩阵抽查").exists():
        station = persona.organisation
        team = [persona, *[acc.user_create(username=f"m_inspector{i}", password=PASSWORD, role=R.INSPECTOR, organisation=station) for i in (2, 3, 4)]]
        for i, user in enumerate(team, start=1):
            insp_services.inspector_profile_set(user=user, badge_number=f"JM{i:04d}")
        insp_services.plan_generate(jurisdiction=w.d1, year=2026)
        for n in range(50):  # the seed that puts the persona on op1's team (a draw is reproducible from its seed)
            with transaction.atomic():
                d = insp_services.draw_run(title="矩阵抽查", filters=insp_services.TargetFilters(jurisdiction=w.d1), count=2, seed=f"matrix-{n}",
                                           by=w.users["district_regulator"])
                if d.inspections.filter(operator=w.op1, assignments__inspector=persona).exists():
                    break
                transaction.set_rollback(True)
        insp_services.draw_publish(draw=d, by=w.users["district_regulator"])
        open_one = d.inspections.get(operator=w.op1)
        closed = Inspection.objects.create(operator=w.op1, template=open_one.template, scope="routine", place=w.op1.address)
        second = User.objects.get(username="m_inspector2")
        InspectionInspector.objects.bulk_create([InspectionInspector(inspection=closed, inspector=u) for u in (persona, second)])
        insp_services.photo_add(inspection=closed, file=io.BytesIO(b"\x89PNG\r\n\x1a\nmatrix"), name="现场.png", by=persona)
        insp_close(closed, fail=("6.2",), by=persona)
        for source_id in ("A", "B"):
            rect_services.order_issue(operator=w.op1, source_app="matrix", source_id=source_id, source_title=f"矩阵整改{source_id}", findings="垃圾桶未加盖",
                                      working_days=5, by=persona)
        b = RectificationOrder.objects.get(source_id="B")
        rect_services.response_submit(order=b, notes="已加盖", uploads=[rect_services.Upload(io.BytesIO(b"\x89PNG\r\n\x1a\nreport"), "整改.png")])
    d = Draw.objects.get(title="矩阵抽查")
    open_one = d.inspections.get(operator=w.op1)
    closed = Inspection.objects.filter(operator=w.op1, status="closed").get()
    from shian.rectification.models import ResponsePhoto

    return {"plan": d.jurisdiction.inspection_plans.get().pk, "draw": d.pk, "open": open_one.pk, "closed": closed.pk, "code": closed.verify_code,
            "photo": closed.photos.get().pk, "item": closed.template.items.get(number="6.2").pk,
            "order_a": RectificationOrder.objects.get(source_id="A").pk, "order_b": RectificationOrder.objects.get(source_id="B").pk,
            "rphoto": ResponsePhoto.objects.get().pk}


def _ir(name: str, method: str, url: Callable[[World], str], expect: dict[str, int], default: int, *, anonymous: int | None = None,
        body: Callable[[World], dict[str, Any]] | None = None, multipart: bool = False) -> Route:
    page = not name.split(" ", 1)[-1].startswith("/api/")
    return Route(name, method, url, expect, default, anonymous if anonymous is not None else (302 if page else 401), body=body, multipart=multipart)


def _png(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\nmatrix-upload", content_type="image/png")}


def _ok(codes: dict[str, int], status: int) -> dict[str, int]:
    return dict.fromkeys(codes, status)


INSP_VIEW = {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "station_officer": 200, "inspector": 200,
             "operator_user": 200, "other_operator_user": 200, "admin": 200}
INSP_PLAN = {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "station_officer": 200, "admin": 200}
INSP_DRAW = {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "admin": 200}
# A street station sees its own street's plans and draws, not its district's.
INSP_PLAN_D1 = {"city_regulator": 200, "district_regulator": 200, "admin": 200, "other_district_regulator": 404, "station_officer": 404}
INSP_CLOSED_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "operator_user": 200, "admin": 200,
                   "other_district_regulator": 404, "other_operator_user": 404}
INSP_PERFORM_OP1 = {"inspector": 200, "admin": 200}
INSP_AMEND_OP1 = {"inspector": 200, "city_regulator": 200, "district_regulator": 200, "admin": 200, "other_district_regulator": 404}
INSP_PUBLISH_OP1 = {"city_regulator": 200, "district_regulator": 200, "admin": 200, "other_district_regulator": 404}
EVERYONE = {}
RECT_VIEW = INSP_VIEW
RECT_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "operator_user": 200, "admin": 200,
            "other_district_regulator": 404, "other_operator_user": 404}
RECT_ANSWER_OP1 = {"operator_user": 200, "admin": 200, "other_operator_user": 404}
RECT_REVIEW_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "admin": 200, "other_district_regulator": 404}
RECT_ISSUE_OP1 = {"city_regulator": 201, "district_regulator": 201, "station_officer": 201, "inspector": 201, "admin": 201, "other_district_regulator": 404}


def _findings(w: World) -> dict[str, Any]:
    return {"answers": [{"item_id": _insp(w)["item"], "outcome": "pass"}], "place": "后厨"}


ROUTES += [
    # pages
    _ir("inspection-list", "get", lambda w: "/inspections/", INSP_VIEW, 403),
    _ir("inspection-assignments", "get", lambda w: "/inspections/mine/", {"inspector": 200, "station_officer": 200, "admin": 200}, 403),
    _ir("inspection-plan-list", "get", lambda w: "/inspections/plans/", INSP_PLAN, 403),
    _ir("inspection-plan-new", "get", lambda w: "/inspections/plans/new/", INSP_DRAW, 403),
    _ir("inspection-plan-detail", "get", lambda w: f"/inspections/plans/{_insp(w)['plan']}/", INSP_PLAN_D1, 403),
    _ir("inspection-draw-list", "get", lambda w: "/inspections/draws/", INSP_PLAN, 403),
    _ir("inspection-draw-new", "get", lambda w: "/inspections/draws/new/", INSP_DRAW, 403),
    _ir("inspection-draw-detail", "get", lambda w: f"/inspections/draws/{_insp(w)['draw']}/", INSP_PLAN_D1, 403),
    _ir("inspection-draw-publish", "post", lambda w: f"/inspections/draws/{_insp(w)['draw']}/publish/",
        {"city_regulator": 302, "district_regulator": 302, "admin": 302, "other_district_regulator": 404}, 403),
    _ir("inspection-draw-verify", "get", lambda w: f"/inspections/draws/{_insp(w)['draw']}/verify/", EVERYONE, 200, anonymous=200),
    _ir("inspection-draw-pool", "get", lambda w: f"/inspections/draws/{_insp(w)['draw']}/pool-targets.txt", EVERYONE, 200, anonymous=200),
    _ir("inspection-overdue", "get", lambda w: "/inspections/overdue/", INSP_PLAN, 403),
    _ir("inspection-indicators", "get", lambda w: "/inspections/indicators/", INSP_PLAN, 403),
    _ir("inspection-photo-file", "get", lambda w: f"/inspections/photos/{_insp(w)['photo']}/file", INSP_CLOSED_OP1, 403),
    _ir("inspection-detail", "get", lambda w: f"/inspections/{_insp(w)['closed']}/", INSP_CLOSED_OP1, 403),
    _ir("inspection-record-pdf", "get", lambda w: f"/inspections/{_insp(w)['closed']}/record.pdf", INSP_CLOSED_OP1, 403),
    _ir("inspection-form", "get", lambda w: f"/inspections/{_insp(w)['open']}/form/", INSP_PERFORM_OP1, 403),
    _ir("inspection-photo-add", "post", lambda w: f"/inspections/{_insp(w)['open']}/photos/", _ok(INSP_PERFORM_OP1, 302), 403, body=_png, multipart=True),
    _ir("inspection-acknowledge", "post", lambda w: f"/inspections/{_insp(w)['open']}/acknowledge/", _ok(INSP_PERFORM_OP1, 302), 403,
        body=lambda w: {"representative_name": "李一", "signature": "李一", "confirmed": "on"}, multipart=True),
    _ir("inspection-close", "post", lambda w: f"/inspections/{_insp(w)['open']}/close/", _ok(INSP_PERFORM_OP1, 400), 403,
        body=lambda w: {"working_days": "5"}, multipart=True),  # refused: the checklist is not filled in yet
    _ir("inspection-amend", "get", lambda w: f"/inspections/{_insp(w)['closed']}/amend/", INSP_AMEND_OP1, 403),
    _ir("inspection-publish", "post", lambda w: f"/inspections/{_insp(w)['closed']}/publish/", {**_ok(INSP_PUBLISH_OP1, 302), "other_district_regulator": 404},
        403),
    _ir("inspection-public", "get", lambda w: "/inspections/public/", EVERYONE, 200, anonymous=200),
    _ir("inspection-public-draw", "get", lambda w: f"/inspections/public/draws/{_insp(w)['draw']}/", EVERYONE, 200, anonymous=200),
    _ir("inspection-verify-record", "get", lambda w: f"/inspections/v/{_insp(w)['code']}/", EVERYONE, 200, anonymous=200),
    _ir("rectification-list", "get", lambda w: "/rectifications/", RECT_VIEW, 403),
    _ir("rectification-overdue", "get", lambda w: "/rectifications/overdue/", RECT_VIEW, 403),
    _ir("rectification-detail", "get", lambda w: f"/rectifications/{_insp(w)['order_a']}/", RECT_OP1, 403),
    _ir("rectification-photo-file", "get", lambda w: f"/rectifications/photos/{_insp(w)['rphoto']}/file", RECT_OP1, 403),
    _ir("rectification-answer", "post", lambda w: f"/rectifications/{_insp(w)['order_a']}/answer/", {**_ok(RECT_ANSWER_OP1, 302), "other_operator_user": 404},
        403, body=lambda w: {"notes": "已整改"}, multipart=True),
    _ir("rectification-review", "post", lambda w: f"/rectifications/{_insp(w)['order_b']}/review/",
        {**_ok(RECT_REVIEW_OP1, 302), "other_district_regulator": 404}, 403, body=lambda w: {"decision": "accept"}, multipart=True),
    # API
    _ir("GET /api/v1/inspections/plans", "get", lambda w: "/api/v1/inspections/plans", INSP_PLAN, 403),
    _ir("POST /api/v1/inspections/plans", "post", lambda w: "/api/v1/inspections/plans",
        {"city_regulator": 201, "district_regulator": 201, "admin": 201, "other_district_regulator": 404}, 403,
        body=lambda w: {"jurisdiction": "440703", "year": 2027}),
    _ir("GET /api/v1/inspections/plans/{plan_id}", "get", lambda w: f"/api/v1/inspections/plans/{_insp(w)['plan']}", INSP_PLAN_D1, 403),
    _ir("GET /api/v1/inspections/plans/{plan_id}/items", "get", lambda w: f"/api/v1/inspections/plans/{_insp(w)['plan']}/items?quarter=1",
        INSP_PLAN_D1, 403),
    _ir("GET /api/v1/inspections/draws", "get", lambda w: "/api/v1/inspections/draws", INSP_PLAN, 403),
    _ir("POST /api/v1/inspections/draws", "post", lambda w: "/api/v1/inspections/draws",
        {"city_regulator": 201, "district_regulator": 201, "admin": 201, "other_district_regulator": 404}, 403,
        body=lambda w: {"title": "矩阵第二批", "jurisdiction": "440703", "count": 2, "plan_id": _insp(w)["plan"]}),
    _ir("GET /api/v1/inspections/draws/{draw_id}", "get", lambda w: f"/api/v1/inspections/draws/{_insp(w)['draw']}", INSP_PLAN_D1, 403),
    _ir("POST /api/v1/inspections/draws/{draw_id}/publish", "post", lambda w: f"/api/v1/inspections/draws/{_insp(w)['draw']}/publish",
        INSP_PUBLISH_OP1, 403),
    _ir("GET /api/v1/inspections/draws/{draw_id}/verify", "get", lambda w: f"/api/v1/inspections/draws/{_insp(w)['draw']}/verify", EVERYONE, 200,
        anonymous=200),
    _ir("GET /api/v1/inspections/public/results", "get", lambda w: "/api/v1/inspections/public/results", EVERYONE, 200, anonymous=200),
    _ir("GET /api/v1/inspections/overdue", "get", lambda w: "/api/v1/inspections/overdue", INSP_PLAN, 403),
    _ir("GET /api/v1/inspections/indicators/coverage", "get",
        lambda w: "/api/v1/inspections/indicators/coverage?jurisdiction=440703&since=2026-01-01&until=2026-12-31", INSP_PLAN_D1, 403),
    _ir("GET /api/v1/inspections/checklists", "get", lambda w: "/api/v1/inspections/checklists", INSP_VIEW, 403),
    _ir("GET /api/v1/inspections", "get", lambda w: "/api/v1/inspections", INSP_VIEW, 403),
    _ir("GET /api/v1/inspections/assignments", "get", lambda w: "/api/v1/inspections/assignments", {"inspector": 200, "station_officer": 200, "admin": 200},
        403),
    _ir("GET /api/v1/inspections/{inspection_id}", "get", lambda w: f"/api/v1/inspections/{_insp(w)['closed']}", INSP_CLOSED_OP1, 403),
    _ir("POST /api/v1/inspections/{inspection_id}/findings", "post", lambda w: f"/api/v1/inspections/{_insp(w)['open']}/findings", INSP_PERFORM_OP1, 403,
        body=_findings),
    _ir("POST /api/v1/inspections/{inspection_id}/photos", "post", lambda w: f"/api/v1/inspections/{_insp(w)['open']}/photos", _ok(INSP_PERFORM_OP1, 201),
        403, body=_png, multipart=True),
    _ir("POST /api/v1/inspections/{inspection_id}/acknowledge", "post", lambda w: f"/api/v1/inspections/{_insp(w)['open']}/acknowledge",
        INSP_PERFORM_OP1, 403, body=lambda w: {"representative_name": "李一", "signature": "李一"}),
    _ir("POST /api/v1/inspections/{inspection_id}/close", "post", lambda w: f"/api/v1/inspections/{_insp(w)['open']}/close", _ok(INSP_PERFORM_OP1, 400),
        403, body=lambda w: {}),  # refused: the checklist is not filled in yet
    _ir("POST /api/v1/inspections/{inspection_id}/amendments", "post", lambda w: f"/api/v1/inspections/{_insp(w)['closed']}/amendments",
        {**_ok(INSP_AMEND_OP1, 201), "other_district_regulator": 404}, 403,
        body=lambda w: {"answers": [{"item_id": _insp(w)["item"], "outcome": "pass"}], "reason": "复核照片后更正"}),
    _ir("POST /api/v1/inspections/{inspection_id}/publish", "post", lambda w: f"/api/v1/inspections/{_insp(w)['closed']}/publish", INSP_PUBLISH_OP1, 403),
    _ir("GET /api/v1/rectifications", "get", lambda w: "/api/v1/rectifications", RECT_VIEW, 403),
    _ir("POST /api/v1/rectifications", "post", lambda w: "/api/v1/rectifications", RECT_ISSUE_OP1, 403,
        body=lambda w: {"operator_id": w.op1.pk, "source_app": "complaint", "source_id": "C-1", "source_title": "投诉：餐具不洁", "findings": "餐具未消毒"}),
    _ir("GET /api/v1/rectifications/overdue", "get", lambda w: "/api/v1/rectifications/overdue", RECT_VIEW, 403),
    _ir("GET /api/v1/rectifications/indicators/on-time", "get", lambda w: "/api/v1/rectifications/indicators/on-time?since=2026-01-01&until=2026-12-31",
        RECT_VIEW, 403),
    _ir("GET /api/v1/rectifications/{order_id}", "get", lambda w: f"/api/v1/rectifications/{_insp(w)['order_a']}", RECT_OP1, 403),
    _ir("POST /api/v1/rectifications/{order_id}/responses", "post", lambda w: f"/api/v1/rectifications/{_insp(w)['order_a']}/responses",
        {**_ok(RECT_ANSWER_OP1, 201), "other_operator_user": 404}, 403, body=lambda w: {"notes": "已整改"}, multipart=True),
    _ir("POST /api/v1/rectifications/{order_id}/review", "post", lambda w: f"/api/v1/rectifications/{_insp(w)['order_b']}/review", RECT_REVIEW_OP1, 403,
        body=lambda w: {"decision": "accept"}),
]


# --- credit (shian.credit) ------------------------------------------------------------------------
# Once per world, all of op1 (蓬江区, owned by operator_user): a serious penalty S with a listing proposal, a serious penalty S2
# (for the propose routes), a moderate penalty Y with a pending repair application, and a moderate penalty X four months ago
# (eligible for repair: the newest penalty). The internal file: regulators of the jurisdiction and op1's users; another
# district and another operator 404; lab, CDC and public 403. Public profile, published list and rules: everyone.

def _credit(w: World) -> dict[str, int]:
    from shian.credit import rules as credit_rules
    from shian.credit import services as credit_services
    from shian.credit.models import CreditRecord

    if not CreditRecord.objects.filter(decision_number="CM-X").exists():
        from django.utils import timezone

        def ago(months: int) -> Any:
            return credit_rules.add_months(timezone.localdate(), -months)

        def pen(number: str, severity: str, months: int) -> Any:
            return credit_services.record_create(operator=w.op1, kind="penalty", severity=severity, title=f"处罚{number}", occurred_on=ago(months),
                                                 legal_ground="《食品安全法》第一百二十四条", decision_number=number)

        s = pen("CM-S", "serious", 8)
        credit_services.listing_propose(penalty=s, ground="licence_revoked", facts="吊销许可证")
        pen("CM-S2", "serious", 7)
        y = pen("CM-Y", "moderate", 6)
        credit_services.repair_apply(record=y, obligations_fulfilled=True)
        pen("CM-X", "moderate", 4)
    by = {r.decision_number: r for r in CreditRecord.objects.filter(decision_number__startswith="CM-").prefetch_related("listings",
                                                                                                                    "repair_applications")}
    return {"x": by["CM-X"].pk, "s2": by["CM-S2"].pk, "app": by["CM-Y"].repair_applications.get().pk, "listing": by["CM-S"].listings.get().pk}


def _c(key: str) -> Callable[[World], int]:
    return lambda w: _credit(w)[key]


CREDIT_LISTERS = {**LISTERS, "cdc_user": 403, "lab_user": 403, "public_user": 403}
CREDIT_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "operator_user": 200, "admin": 200,
              "other_district_regulator": 404, "other_operator_user": 404, "lab_user": 403, "cdc_user": 403, "public_user": 403}
CREDIT_RECORD_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "admin": 200, "other_district_regulator": 404}
CREDIT_APPLY_OP1 = {**CREDIT_RECORD_OP1, "operator_user": 200, "other_operator_user": 404}
CREDIT_DECIDE_OP1 = {"city_regulator": 200, "district_regulator": 200, "admin": 200, "other_district_regulator": 404}
CREDIT_NEW = {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "station_officer": 200, "admin": 200,
              "operator_user": 200, "other_operator_user": 200}
EVERYONE: dict[str, int] = {}


def _credit_route(name: str, method: str, url: Callable[[World], str], expect: dict[str, int], default: int, *,
                  body: Callable[[World], dict[str, Any]] | None = None, anonymous: int | None = None) -> Route:
    page = not name.split(" ", 1)[-1].startswith("/api/")
    return Route(name, method, url, expect, default, anonymous if anonymous is not None else (302 if page else 401), body=body, multipart=page)


def _credit_penalty(w: World) -> dict[str, Any]:
    return {"operator_id": w.op1.pk, "kind": "penalty", "severity": "moderate", "title": "未查验进货票证", "occurred_on": "2026-01-05",
            "legal_ground": "《食品安全法》第一百二十六条", "decision_number": "CM-NEW"}


ROUTES += [
    # pages
    _credit_route("credit-record-list", "get", lambda w: "/credit/", CREDIT_LISTERS, 403),
    _credit_route("credit-record-new", "get", lambda w: "/credit/records/new/", CREDIT_NEW, 403),
    _credit_route("credit-record-detail", "get", lambda w: f"/credit/records/{_c('x')(w)}/", CREDIT_OP1, 403),
    _credit_route("credit-record-withdraw", "post", lambda w: f"/credit/records/{_c('x')(w)}/withdraw/", _as(CREDIT_RECORD_OP1, 302), 403,
                  body=lambda w: {"reason": "录入错误"}),
    _credit_route("credit-repair-apply", "post", lambda w: f"/credit/records/{_c('x')(w)}/repair/", _as(CREDIT_APPLY_OP1, 302), 403,
                  body=lambda w: {"obligations_fulfilled": "on", "evidence": "缴款凭证"}),
    _credit_route("credit-listing-propose", "post", lambda w: f"/credit/records/{_c('s2')(w)}/list/", _as(CREDIT_RECORD_OP1, 302), 403,
                  body=lambda w: {"ground": "closure", "facts": "责令停产停业"}),
    _credit_route("credit-profile", "get", lambda w: f"/credit/operators/{w.op1.pk}/", CREDIT_OP1, 403),
    _credit_route("credit-what-if", "get", lambda w: f"/credit/operators/{w.op1.pk}/what-if/", CREDIT_OP1, 403),
    _credit_route("credit-points-new", "post", lambda w: f"/credit/operators/{w.op1.pk}/points/", _as(CREDIT_RECORD_OP1, 302), 403,
                  body=lambda w: {"points": "2", "violation": "从业人员未持健康证明", "occurred_on": "2026-01-05"}),
    _credit_route("credit-sticker", "get", lambda w: f"/credit/operators/{w.op1.pk}/sticker/", CREDIT_OP1, 403),
    _credit_route("credit-sticker-png", "get", lambda w: f"/credit/operators/{w.op1.pk}/sticker.png", CREDIT_OP1, 403),
    _credit_route("credit-repair-list", "get", lambda w: "/credit/repairs/", CREDIT_LISTERS, 403),
    _credit_route("credit-repair-detail", "get", lambda w: f"/credit/repairs/{_c('app')(w)}/", CREDIT_OP1, 403),
    _credit_route("credit-repair-decide", "post", lambda w: f"/credit/repairs/{_c('app')(w)}/decide/", _as(CREDIT_DECIDE_OP1, 302), 403,
                  body=lambda w: {"decision": "refuse", "reason": "罚款未缴清"}),
    _credit_route("credit-listing-list", "get", lambda w: "/credit/listings/", CREDIT_LISTERS, 403),
    _credit_route("credit-listing-detail", "get", lambda w: f"/credit/listings/{_c('listing')(w)}/", CREDIT_OP1, 403),
    _credit_route("credit-listing-decide", "post", lambda w: f"/credit/listings/{_c('listing')(w)}/decide/", _as(CREDIT_DECIDE_OP1, 302), 403,
                  body=lambda w: {"decision": "approve"}),
    _credit_route("credit-public", "get", lambda w: f"/credit/p/{w.op1.uscc}/", EVERYONE, 200, anonymous=200),
    _credit_route("credit-public-listings", "get", lambda w: "/credit/public/listings/", EVERYONE, 200, anonymous=200),
    _credit_route("credit-rules", "get", lambda w: "/credit/rules/", EVERYONE, 200, anonymous=200),
    # API
    _credit_route("GET /api/v1/credit/records", "get", lambda w: "/api/v1/credit/records", CREDIT_LISTERS, 403),
    _credit_route("POST /api/v1/credit/records", "post", lambda w: "/api/v1/credit/records", _as(CREDIT_RECORD_OP1, 201), 403, body=_credit_penalty),
    _credit_route("GET /api/v1/credit/records/{record_id}", "get", lambda w: f"/api/v1/credit/records/{_c('x')(w)}", CREDIT_OP1, 403),
    _credit_route("POST /api/v1/credit/records/{record_id}/withdraw", "post", lambda w: f"/api/v1/credit/records/{_c('x')(w)}/withdraw",
                  CREDIT_RECORD_OP1, 403, body=lambda w: {"reason": "录入错误"}),
    _credit_route("GET /api/v1/credit/records/{record_id}/repair-eligibility", "get",
                  lambda w: f"/api/v1/credit/records/{_c('x')(w)}/repair-eligibility?obligations_fulfilled=true", CREDIT_APPLY_OP1, 403),
    _credit_route("POST /api/v1/credit/records/{record_id}/repair", "post", lambda w: f"/api/v1/credit/records/{_c('x')(w)}/repair",
                  _as(CREDIT_APPLY_OP1, 201), 403, body=lambda w: {"obligations_fulfilled": True}),
    _credit_route("GET /api/v1/credit/repairs", "get", lambda w: "/api/v1/credit/repairs", CREDIT_LISTERS, 403),
    _credit_route("GET /api/v1/credit/repairs/{application_id}", "get", lambda w: f"/api/v1/credit/repairs/{_c('app')(w)}", CREDIT_OP1, 403),
    _credit_route("POST /api/v1/credit/repairs/{application_id}/decide", "post", lambda w: f"/api/v1/credit/repairs/{_c('app')(w)}/decide",
                  CREDIT_DECIDE_OP1, 403, body=lambda w: {"approve": False, "reason": "罚款未缴清"}),
    _credit_route("GET /api/v1/credit/operators/{operator_id}/profile", "get", lambda w: f"/api/v1/credit/operators/{w.op1.pk}/profile",
                  CREDIT_OP1, 403),
    _credit_route("GET /api/v1/credit/operators/{operator_id}/sanctions", "get", lambda w: f"/api/v1/credit/operators/{w.op1.pk}/sanctions",
                  CREDIT_OP1, 403),
    _credit_route("GET /api/v1/credit/operators/{operator_id}/what-if", "get", lambda w: f"/api/v1/credit/operators/{w.op1.pk}/what-if",
                  CREDIT_OP1, 403),
    _credit_route("POST /api/v1/credit/operators/{operator_id}/points", "post", lambda w: f"/api/v1/credit/operators/{w.op1.pk}/points",
                  _as(CREDIT_RECORD_OP1, 201), 403, body=lambda w: {"points": 2, "violation": "从业人员未持健康证明", "occurred_on": "2026-01-05"}),
    _credit_route("GET /api/v1/credit/listings", "get", lambda w: "/api/v1/credit/listings", CREDIT_LISTERS, 403),
    _credit_route("POST /api/v1/credit/listings", "post", lambda w: "/api/v1/credit/listings", _as(CREDIT_RECORD_OP1, 201), 403,
                  body=lambda w: {"penalty_id": _credit(w)["s2"], "ground": "closure", "facts": "责令停产停业"}),
    _credit_route("GET /api/v1/credit/listings/{listing_id}", "get", lambda w: f"/api/v1/credit/listings/{_c('listing')(w)}", CREDIT_OP1, 403),
    _credit_route("POST /api/v1/credit/listings/{listing_id}/decide", "post", lambda w: f"/api/v1/credit/listings/{_c('listing')(w)}/decide",
                  CREDIT_DECIDE_OP1, 403, body=lambda w: {"approve": True}),
    _credit_route("GET /api/v1/credit/public/operators/{uscc}", "get", lambda w: f"/api/v1/credit/public/operators/{w.op1.uscc}", EVERYONE, 200,
                  anonymous=200),
    _credit_route("GET /api/v1/credit/public/listings", "get", lambda w: "/api/v1/credit/public/listings", EVERYONE, 200, anonymous=200),
]


# --- risk grading (shian.risk) ----------------------------------------------------------------------
# Once per world: every operator graded, then op1 (蓬江区) penalised and regraded, so op1 has an open risk warning.
# Grade pages: regulators and inspectors of the jurisdiction, op1's own users; another district and another operator 404;
# lab, CDC and public 403. Overrides: city and district regulators (and admin); warnings and the targeting list: regulators;
# rules: regulators and inspectors read, administrators edit; regrade and retraining: the city regulator and admin.

def _risk(w: World) -> dict[str, int]:
    from shian.risk.models import RiskWarning

    if not RiskWarning.objects.filter(operator=w.op1).exists():
        from django.utils import timezone

        from shian.credit import services as credit_services
        from shian.risk import services as risk_services

        risk_services.regrade(today=timezone.localdate())
        credit_services.record_create(operator=w.op1, kind="penalty", severity="serious", title="处罚RK", occurred_on=timezone.localdate(),
                                      legal_ground="《食品安全法》第一百二十四条", decision_number="RK-1")
        risk_services.regrade(today=timezone.localdate())
    return {"warning": RiskWarning.objects.get(operator=w.op1).pk}


RISK_VIEWERS = {**LISTERS, "cdc_user": 403, "lab_user": 403, "public_user": 403}
RISK_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "inspector": 200, "operator_user": 200, "admin": 200,
            "other_district_regulator": 404, "other_operator_user": 404, "lab_user": 403, "cdc_user": 403, "public_user": 403}
RISK_OVERRIDE_OP1 = {"city_regulator": 200, "district_regulator": 200, "admin": 200, "other_district_regulator": 404}
RISK_REGULATORS = {"city_regulator": 200, "district_regulator": 200, "other_district_regulator": 200, "station_officer": 200, "admin": 200}
RISK_WARNING_OP1 = {"city_regulator": 200, "district_regulator": 200, "station_officer": 200, "admin": 200, "other_district_regulator": 404}
RISK_RULES = {**RISK_REGULATORS, "inspector": 200}
RISK_ADMIN = {"admin": 200}
RISK_CITY = {"city_regulator": 200, "admin": 200}


def _rk(name: str, method: str, url: Callable[[World], str], expect: dict[str, int], default: int = 403, *,
        body: Callable[[World], dict[str, Any]] | None = None) -> Route:
    return _credit_route(name, method, url, expect, default, body=body)


def _rk_bands(w: World) -> dict[str, Any]:
    return {"bands": [{"grade": "A", "lower": 0, "upper": 30}, {"grade": "B", "lower": 30, "upper": 45}, {"grade": "C", "lower": 45, "upper": 60},
                      {"grade": "D", "lower": 60}]}


ROUTES += [
    # pages
    _rk("risk-overview", "get", lambda w: "/risk/", RISK_VIEWERS),
    _rk("risk-operator", "get", lambda w: f"/risk/operators/{w.op1.pk}/", RISK_OP1),
    _rk("risk-override", "post", lambda w: f"/risk/operators/{w.op1.pk}/override/", _as(RISK_OVERRIDE_OP1, 302),
        body=lambda w: {"grade": "C", "reason": "专项整治"}),
    _rk("risk-warning-list", "get", lambda w: "/risk/warnings/", RISK_REGULATORS),
    _rk("risk-warning-handle", "post", lambda w: f"/risk/warnings/{_risk(w)['warning']}/handle/", _as(RISK_WARNING_OP1, 302),
        body=lambda w: {"note": "约谈"}),
    _rk("risk-rules", "get", lambda w: "/risk/rules/", RISK_RULES),
    _rk("risk-bands", "get", lambda w: "/risk/rules/bands/", RISK_ADMIN),
    _rk("risk-factor", "get", lambda w: "/risk/rules/factors/inspections/", RISK_ADMIN),
    _rk("risk-parameter", "get", lambda w: "/risk/rules/parameters/warning_jump/", RISK_ADMIN),
    _rk("risk-regrade", "post", lambda w: "/risk/regrade/", _as(RISK_CITY, 302), body=lambda w: {}),
    _rk("risk-targeting", "get", lambda w: "/risk/targeting/", RISK_REGULATORS),
    _rk("risk-retrain", "post", lambda w: "/risk/targeting/retrain/", _as(RISK_CITY, 302), body=lambda w: {}),
    # API
    _rk("GET /api/v1/risk/grades", "get", lambda w: "/api/v1/risk/grades", RISK_VIEWERS),
    _rk("GET /api/v1/risk/operators/{operator_id}", "get", lambda w: f"/api/v1/risk/operators/{w.op1.pk}", RISK_OP1),
    _rk("GET /api/v1/risk/operators/{operator_id}/history", "get", lambda w: f"/api/v1/risk/operators/{w.op1.pk}/history", RISK_OP1),
    _rk("POST /api/v1/risk/operators/{operator_id}/override", "post", lambda w: f"/api/v1/risk/operators/{w.op1.pk}/override", _as(RISK_OVERRIDE_OP1, 201),
        body=lambda w: {"grade": "C", "reason": "专项整治"}),
    _rk("POST /api/v1/risk/regrade", "post", lambda w: "/api/v1/risk/regrade", _as(RISK_CITY, 202)),
    _rk("GET /api/v1/risk/warnings", "get", lambda w: "/api/v1/risk/warnings", RISK_REGULATORS),
    _rk("POST /api/v1/risk/warnings/{warning_id}/handle", "post", lambda w: f"/api/v1/risk/warnings/{_risk(w)['warning']}/handle",
        RISK_WARNING_OP1, body=lambda w: {"note": "约谈"}),
    _rk("GET /api/v1/risk/rules", "get", lambda w: "/api/v1/risk/rules", RISK_RULES),
    _rk("PUT /api/v1/risk/rules/bands", "put", lambda w: "/api/v1/risk/rules/bands", RISK_ADMIN, body=_rk_bands),
    _rk("PATCH /api/v1/risk/rules/factors/{code}", "patch", lambda w: "/api/v1/risk/rules/factors/inspections", RISK_ADMIN,
        body=lambda w: {"weight": 1}),
    _rk("PATCH /api/v1/risk/rules/parameters/{code}", "patch", lambda w: "/api/v1/risk/rules/parameters/warning_jump", RISK_ADMIN,
        body=lambda w: {"value": 8}),
    _rk("GET /api/v1/risk/targeting/pending", "get", lambda w: "/api/v1/risk/targeting/pending", RISK_REGULATORS),
    _rk("GET /api/v1/risk/targeting/models", "get", lambda w: "/api/v1/risk/targeting/models", RISK_REGULATORS),
    _rk("POST /api/v1/risk/targeting/retrain", "post", lambda w: "/api/v1/risk/targeting/retrain", _as(RISK_CITY, 202)),
]


def _expected(route: Route, persona: str | None) -> int:
    if persona is None:
        return route.anonymous
    if persona in route.extra:
        return route.extra[persona]
    return route.expect.get(persona, route.default)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_access(world: World, route: Route) -> None:
    """One world per route; each persona's request runs in a savepoint that is rolled back."""
    from django.db import transaction

    mismatches = []
    for persona in PERSONAS:
        client = world.client(persona)
        url = route.url(world)
        kwargs: dict[str, Any] = {}
        if route.body is not None and route.multipart:
            kwargs = {"data": route.body(world)}
        elif route.body is not None:
            kwargs = {"data": json.dumps(route.body(world)), "content_type": "application/json"}
        with transaction.atomic():
            response = getattr(client, route.method)(url, **kwargs)
            transaction.set_rollback(True)
        expected = _expected(route, persona)
        if response.status_code != expected:
            mismatches.append(f"{persona or 'anonymous'}: expected {expected}, got {response.status_code} {response.content[:200]!r}")
        elif url.startswith("/api/") and response.status_code >= 400:
            body = response.json()
            if not set(body) >= {"code", "message", "field"}:
                mismatches.append(f"{persona}: error body without code/message/field: {body}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "visible"), [
    ("city_regulator", {"op1", "op2", "op3"}),
    ("district_regulator", {"op1", "op2"}),
    ("other_district_regulator", {"op3"}),
    ("station_officer", {"op1", "op2"}),
    ("inspector", {"op1", "op2"}),
    ("operator_user", {"op1"}),
    ("other_operator_user", {"op3"}),
    ("cdc_user", {"op1", "op2", "op3"}),
    ("admin", {"op1", "op2", "op3"}),
])
def test_lists_are_scoped(world: World, persona: str, visible: set[str]) -> None:
    """The list page, the API list and the export all show exactly the persona's operators."""
    names = {getattr(world, k).name: k for k in ("op1", "op2", "op3")}
    client = world.client(persona)
    api = client.get("/api/v1/operators").json()
    assert {names[i["name"]] for i in api["items"]} == visible
    assert api["count"] == len(visible)
    page = client.get("/operators/").content.decode()
    assert {k for n, k in names.items() if n in page} == visible
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(client.get("/operators/export.xlsx").content)).active
    exported = {row[1] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert {names[n] for n in exported} == visible


@pytest.mark.django_db
def test_api_key_scopes_to_its_organisation(world: World) -> None:
    """An organisation's API key acts with the organisation's role and jurisdiction."""
    from django.test import Client

    from shian.accounts.services import apikey_create

    _key, secret = apikey_create(org_code="JM-PJ")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    items = client.get("/api/v1/operators").json()["items"]
    assert {i["name"] for i in items} == {world.op1.name, world.op2.name}
    assert client.get(f"/api/v1/operators/{world.op3.pk}").status_code == 404
    bad = Client(HTTP_AUTHORIZATION="Bearer shk_wrong").get("/api/v1/operators")
    assert bad.status_code == 401
    assert bad.json()["code"] == "not_authenticated"


def test_every_page_and_endpoint_is_in_the_matrix() -> None:
    """A new page or endpoint fails this test until the matrix says who may use it."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from shian.api import api
    from shian.epcis.api import epcis_api

    covered = {r.name.split(" op3")[0] for r in ROUTES}
    covered |= {r.name.split(" ")[0] for r in ROUTES if r.name.startswith("operator-dossier-form")}
    missing = [f"{m.upper()} {path}" for ninja_api in (api, epcis_api) for path, ops in ninja_api.get_openapi_schema()["paths"].items()
               for m in ops if f"{m.upper()} {path}" not in covered]

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in ("admin", "api", "epcis"):
                    continue
                walk(p.url_patterns, namespace)
            elif isinstance(p, URLPattern) and p.name and p.name not in covered:
                missing.append(p.name)

    walk(get_resolver().url_patterns)
    assert not missing, f"not in the access matrix: {missing}"
