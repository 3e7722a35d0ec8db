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
