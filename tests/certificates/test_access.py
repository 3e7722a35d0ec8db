"""Who sees which certificates and checks: regulators by the issuer's or the checking market's
jurisdiction, operators their own (and the ones they hold or checked), never a stranger's; labs, the
CDC and the public nothing but the public page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from shian.certificates import public, services
from shian.certificates.models import CertificateCheck, ProduceCertificate
from shian.trace import services as trace_services
from tests.certificates.conftest import DAY, Produce


@dataclass
class Paper:
    c1: ProduceCertificate  # the farm's (蓬江区), checked at the market (江海区)
    c2: ProduceCertificate  # the farm's, never checked
    c3: ProduceCertificate  # op3's (江海区), re-issued from c1
    k1: CertificateCheck  # c1 at the market
    k2: CertificateCheck  # an unknown code at the market
    produce: Produce


@pytest.fixture
def paper(produce: Produce) -> Paper:
    c1 = produce.issue(product_name="菜心")
    c2 = produce.issue(product_name="生菜")
    k1 = services.certificate_check(code=c1.code, market=produce.market)
    k2 = services.certificate_check(code="AAAAAAAAAAAAAAAA", market=produce.market)
    c3 = services.certificate_reissue(holder=produce.world.op3, parents=[services.ParentIn(c1, Decimal(100))], kind="repacking",
                                      quantity=Decimal(100), basis="self_test", contact_phone="0750-3333333")
    return Paper(c1, c2, c3, k1, k2, produce)


VISIBLE = {
    "operator_user": {"c1", "c2"},
    "other_operator_user": {"c1", "c3"},
    "district_regulator": {"c1", "c2"},
    "station_officer": {"c1", "c2"},
    "inspector": {"c1", "c2"},
    "other_district_regulator": {"c1", "c3"},
    "city_regulator": {"c1", "c2", "c3"},
    "admin": {"c1", "c2", "c3"},
}
CHECKS = {
    "operator_user": {"k1"},
    "other_operator_user": {"k1", "k2"},
    "district_regulator": {"k1"},
    "inspector": {"k1"},
    "other_district_regulator": {"k1", "k2"},
    "city_regulator": {"k1", "k2"},
    "admin": {"k1", "k2"},
}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "visible"), VISIBLE.items())
def test_certificates_are_scoped(paper: Paper, persona: str, visible: set[str]) -> None:
    names = {paper.c1.pk: "c1", paper.c2.pk: "c2", paper.c3.pk: "c3"}
    client = paper.produce.world.client(persona)
    items = client.get("/api/v1/certificates?limit=200").json()["items"]
    assert {names[i["id"]] for i in items} == visible
    for pk, name in names.items():
        expected = 200 if name in visible else 404
        assert client.get(f"/api/v1/certificates/{pk}").status_code == expected, (persona, name)
        assert client.get(f"/certificates/{pk}/").status_code == expected, (persona, name)
        assert client.get(f"/certificates/{pk}/qr.png").status_code == expected, (persona, name)
    page = client.get("/certificates/").content.decode()
    assert (f"/certificates/{paper.c2.pk}/" in page) == ("c2" in visible)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "visible"), CHECKS.items())
def test_checks_are_scoped(paper: Paper, persona: str, visible: set[str]) -> None:
    names = {paper.k1.pk: "k1", paper.k2.pk: "k2"}
    items = paper.produce.world.client(persona).get("/api/v1/certificates/checks").json()["items"]
    assert {names[i["id"]] for i in items} == visible


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["lab_user", "cdc_user", "public_user"])
def test_wrong_roles_see_nothing_but_the_public_page(paper: Paper, persona: str) -> None:
    client = paper.produce.world.client(persona)
    assert client.get("/api/v1/certificates").status_code == 403
    assert client.get(f"/api/v1/certificates/{paper.c1.pk}").status_code == 403
    assert client.get("/certificates/").status_code == 403
    assert client.get(f"/certificates/c/{paper.c1.code}/").status_code == 200


@pytest.mark.django_db
def test_regulators_read_but_do_not_write(paper: Paper) -> None:
    client = paper.produce.world.client("district_regulator")
    assert client.post(f"/api/v1/certificates/{paper.c1.pk}/revoke", data={"reason": "x"}, content_type="application/json").status_code == 403
    assert client.post("/api/v1/certificates/check", data={"code": paper.c1.code}, content_type="application/json").status_code == 403
    assert client.get("/certificates/new/").status_code == 403


@pytest.mark.django_db
def test_published_for_lot(produce: Produce, django_assert_max_num_queries) -> None:
    veg = trace_services.product_create(owner=produce.farm, name="菜心", category_code="A01")
    lot = trace_services.lot_create(product=veg, lot_code="CX-9", production_date=DAY, quantity=Decimal(900))
    first = produce.issue(lot=lot, product_name="", category_code="")
    revoked = produce.issue(lot=lot, product_name="", category_code="")
    services.certificate_revoke(certificate=revoked, reason="重复开具")
    produce.issue()  # not for the lot
    with django_assert_max_num_queries(1):
        out = public.published_for_lot(lot)
    assert [c["code"] for c in out] == [first.code]
    assert out[0] == {"code": first.code, "product": "菜心", "category": "蔬菜", "issuer": produce.farm.name, "origin": produce.farm.address,
                      "issued_on": DAY, "basis": "self_test", "basis_label": out[0]["basis_label"], "url": f"/certificates/c/{first.code}/"}
    assert "contact_phone" not in out[0]


@pytest.mark.django_db
def test_admin_lists_are_read_only(paper: Paper) -> None:
    admin = paper.produce.world.client("admin")
    for url in ("/admin/certificates/producecertificate/", "/admin/certificates/certificatecheck/",
                f"/admin/certificates/producecertificate/{paper.c1.pk}/change/"):
        assert admin.get(url).status_code == 200, url
    assert admin.get("/admin/certificates/producecertificate/add/").status_code == 403
