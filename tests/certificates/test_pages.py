"""Certificate pages: issue with a QR code, re-issue, revoke, the market's check with its big verdict,
the public page, query budgets and the dossier section."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shian.certificates import services
from shian.certificates.models import CertificateCheck, ProduceCertificate
from tests.certificates.conftest import DAY, Produce


@pytest.mark.django_db
def test_issue_from_the_page_shows_a_qr_code(produce: Produce) -> None:
    op1 = produce.world.client("operator_user")
    form = op1.get("/certificates/new/")
    assert form.status_code == 200
    body = form.content.decode()
    assert 'name="operator"' not in body  # the organisation has one farm: it is not asked
    assert "A01" in body and "104" not in body  # only categories in scope
    r = op1.post("/certificates/new/", {"product_name": "菜心", "category": "A01", "quantity": "300", "unit": "kg", "issued_on": str(DAY),
                                        "basis": "quality_control"})
    assert r.status_code == 302, r.content.decode()[:3000]
    cert = ProduceCertificate.objects.get()
    assert cert.issuer_id == produce.farm.pk and cert.contact_phone == produce.farm.phone
    page = op1.get(r["Location"]).content.decode()
    assert "<svg" in page and f"/certificates/c/{cert.code}/" in page and cert.code in page
    png = op1.get(f"/certificates/{cert.pk}/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    bad = op1.post("/certificates/new/", {"product_name": "腊肠", "category": "104", "quantity": "3", "unit": "kg", "basis": "self_test"})
    assert bad.status_code == 400 and ProduceCertificate.objects.count() == 1
    future = op1.post("/certificates/new/", {"product_name": "菜心", "category": "A01", "quantity": "3", "unit": "kg", "basis": "self_test",
                                             "issued_on": "2099-01-01"})
    assert future.status_code == 400 and ProduceCertificate.objects.count() == 1


@pytest.mark.django_db
def test_issue_page_is_refused_without_a_farm(produce: Produce) -> None:
    assert produce.world.client("other_operator_user").get("/certificates/new/").status_code == 403


@pytest.mark.django_db
def test_reissue_and_revoke_from_the_pages(produce: Produce) -> None:
    parent = produce.issue(quantity=Decimal(500))
    op3 = produce.world.client("other_operator_user")
    form = op3.get(f"/certificates/reissue/?from={parent.code}")
    assert form.status_code == 200 and parent.code in form.content.decode()
    data = {"operator": str(produce.world.op3.pk), "kind": "repacking", "parents": f"{parent.code} 200", "quantity": "200", "basis": "self_test",
            "contact_phone": "0750-3333333"}
    r = op3.post("/certificates/reissue/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    child = ProduceCertificate.objects.get(reissue_kind="repacking")
    assert child.issuer_id == produce.world.op3.pk and child.source_links.get().quantity == Decimal(200)
    page = op3.get(r["Location"]).content.decode()
    assert parent.product_name in page and parent.code in page  # the parent, linked: op3 holds it
    unknown = op3.post("/certificates/reissue/", {**data, "parents": "AAAAAAAAAAAAAAAA"})
    assert unknown.status_code == 400
    op1 = produce.world.client("operator_user")
    farm_page = op1.get(f"/certificates/{parent.pk}/").content.decode()
    assert child.product_name in farm_page and child.code not in farm_page  # the child is op3's: shown without its code
    assert op3.post(f"/certificates/{parent.pk}/revoke/", {"reason": "x"}).status_code == 403  # op3 sees it (it holds it) but did not issue it
    assert op1.post(f"/certificates/{parent.pk}/revoke/", {"reason": ""}).status_code == 400
    r = op1.post(f"/certificates/{parent.pk}/revoke/", {"reason": "农残超标，召回"})
    assert r.status_code == 302
    parent.refresh_from_db()
    assert parent.status == "revoked" and "农残超标" in op1.get(r["Location"]).content.decode()


@pytest.mark.django_db
def test_market_check_page_shows_a_big_verdict(produce: Produce) -> None:
    cert = produce.issue()
    market = produce.world.client("other_operator_user")
    page = market.get("/certificates/check/")
    assert page.status_code == 200 and "autofocus" in page.content.decode()
    ok = market.post("/certificates/check/", {"code": f"http://testserver/certificates/c/{cert.code}/"})
    body = ok.content.decode()
    assert ok.status_code == 200 and 'class="verdict valid"' in body and cert.product_name in body
    bad = market.post("/certificates/check/", {"code": "AAAAAAAAAAAAAAAA"})
    assert bad.status_code == 200 and 'class="verdict invalid"' in bad.content.decode()
    assert CertificateCheck.objects.filter(result="invalid", certificate__isnull=True).count() == 1
    assert market.post("/certificates/check/", {"code": ""}).status_code == 400
    assert produce.world.client("operator_user").get("/certificates/check/").status_code == 403  # op1's organisation has no market
    listing = market.get("/certificates/checks/?result=invalid").content.decode()
    assert "AAAAAAAAAAAAAAAA" in listing


@pytest.mark.django_db
def test_public_page(produce: Produce) -> None:
    cert = produce.issue()
    for persona in (None, "public_user", "lab_user"):
        r = produce.world.client(persona).get(f"/certificates/c/{cert.code}/")
        body = r.content.decode()
        assert r.status_code == 200 and cert.product_name in body and produce.farm.name in body and cert.origin in body
        assert produce.farm.phone not in body  # the contact phone is not public
    lower = produce.world.client(None).get(f"/certificates/c/{cert.code.lower()}/")
    assert lower.status_code == 200
    services.certificate_revoke(certificate=cert, reason="内部原因：供货纠纷")
    revoked = produce.world.client(None).get(f"/certificates/c/{cert.code}/").content.decode()
    assert 'class="verdict invalid"' in revoked and "供货纠纷" not in revoked  # no revocation reason in public
    unknown = produce.world.client(None).get("/certificates/c/NOPE<b>/")
    assert unknown.status_code == 404 and "<b>" not in unknown.content.decode()


@pytest.mark.django_db
def test_list_pages_query_budgets(produce: Produce, django_assert_max_num_queries) -> None:
    w = produce.world
    for n in range(30):
        cert = produce.issue(product_name=f"菜心{n}")
        services.certificate_check(code=cert.code, market=produce.market)
        services.certificate_check(code=f"AAAAAAAAAAAAAA{n:02d}", market=produce.market)
    for persona, url in (("district_regulator", "/certificates/"), ("operator_user", "/certificates/?status=valid"),
                         ("other_operator_user", "/certificates/"), ("city_regulator", "/certificates/checks/"),
                         ("other_operator_user", "/certificates/checks/?result=invalid"), ("other_operator_user", "/certificates/check/")):
        client = w.client(persona)
        client.get(url)
        with django_assert_max_num_queries(9):
            response = client.get(url)
        assert response.status_code == 200, url
    cert = ProduceCertificate.objects.first()
    assert cert is not None
    client = w.client("city_regulator")
    client.get(f"/certificates/{cert.pk}/")
    with django_assert_max_num_queries(10):
        assert client.get(f"/certificates/{cert.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/certificates?limit=50").status_code == 200


@pytest.mark.django_db
def test_dossier_section(produce: Produce, django_assert_max_num_queries) -> None:
    w = produce.world
    cert = produce.issue()
    services.certificate_check(code=cert.code, market=produce.market)
    farm = w.client("district_regulator").get(f"/api/v1/operators/{produce.farm.pk}").json()
    section = next(s for s in farm["sections"] if s["key"] == "certificates")
    assert section["data"]["issued_count"] == 1 and section["data"]["recent_issued"][0]["code"] == cert.code
    assert any(e["kind"] == "certificate" for e in farm["timeline"])
    market = w.client("other_district_regulator").get(f"/api/v1/operators/{produce.market.pk}").json()
    assert next(s for s in market["sections"] if s["key"] == "certificates")["data"]["check_count"] == 1
    cdc = w.client("cdc_user").get(f"/api/v1/operators/{produce.farm.pk}").json()
    assert all(s["key"] != "certificates" for s in cdc["sections"])
    from shian.certificates.dossier_sections import _certificates
    from shian.registry.models import Operator

    principal = w.users["district_regulator"].principal
    for op in (produce.farm, produce.market, w.op1):  # issuer, market, neither
        loaded = Operator.objects.select_related("jurisdiction").get(pk=op.pk)
        with django_assert_max_num_queries(3 if op != w.op1 else 1):  # one query counts; rows only when there are some
            _certificates(loaded, principal)
    page = w.client("district_regulator").get(f"/operators/{produce.farm.pk}/")
    assert page.status_code == 200 and cert.product_name in page.content.decode()


def test_nav_filter() -> None:
    from shian.core.access import Principal
    from shian.core.templatetags.access_tags import may

    assert may(Principal("inspector", "440700", None), "certificate.view")
    assert not may(Principal("lab", "440700", 1), "certificate.view")
    assert may(Principal("operator", None, 1), "certificate.check") and not may(None, "certificate.view")
