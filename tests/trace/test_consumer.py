"""The public consumer page: the Digital Link resolver, trace codes, the lookup form, friendly 404s,
JSON, what the public may see (and may not), warnings, the route, the public-section hook and the
query budget."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from shian.core.errors import Invalid
from shian.epcis.services import record_platform_events
from shian.registry.models import Operator
from shian.trace import consumer, services
from shian.trace.consumer import Code, parse_code
from shian.trace.epcis_events import party
from shian.trace.models import Lot, Receipt
from tests.trace.conftest import Trace

GTIN14 = "06901234567892"
DL = f"/01/{GTIN14}/10/LC2026-01"


def _ship_and_confirm(trace: Trace, quantity: Decimal = Decimal(10)) -> Receipt:
    """op2 ships the sausage lot to op1 (a shipping event), op1 confirms it (a receiving event)."""
    shipment = services.shipment_create(supplier=trace.world.op2, buyer=trace.world.op1, shipped_on=date(2026, 3, 2),
                                        lines=[services.LineIn(quantity=quantity, lot=trace.lot)])
    services.receipt_confirm(receipt=shipment.receipt, by=trace.world.users["operator_user"])
    return shipment.receipt


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def _own_sections(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """These tests see only the sections they register (other modules' sections have their own tests), and
    build every page afresh (the cache has its own test)."""
    settings.SHIAN_CONSUMER_CACHE_SECONDS = 0
    monkeypatch.setattr(consumer, "_SECTIONS", {})
    monkeypatch.setattr(consumer, "_WARNINGS", {})
    monkeypatch.setattr(consumer, "_OPTIONAL_SECTIONS", ())
    monkeypatch.setattr(consumer, "_optional_loaded", False)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The page's "today" (expiry and licence status depend on it): 2026-03-10."""
    day = date(2026, 3, 10)
    monkeypatch.setattr(consumer.timezone, "localdate", lambda *a, **k: day)
    return day


# --- parsing codes --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("JMABCDEFGHIJKL", Code(trace_code="JMABCDEFGHIJKL")),
    ("  jmabcdefghijkl ", Code(trace_code="JMABCDEFGHIJKL")),
    ("https://id.shian.example/t/JMABCDEFGHIJKL", Code(trace_code="JMABCDEFGHIJKL")),
    ("https://id.gs1.org/01/06901234567892/10/LC2026-01", Code(gtin=GTIN14, lot_code="LC2026-01")),
    ("https://id.shian.example/01/6901234567892/10/LC2026-01?17=260801", Code(gtin=GTIN14, lot_code="LC2026-01")),
    ("https://id.shian.example/01/06901234567892/10/A%2FB/21/S1", Code(gtin=GTIN14, lot_code="A/B")),
    ("/01/06901234567892/10/LC2026-01", Code(gtin=GTIN14, lot_code="LC2026-01")),
    ("(01)06901234567892(10)LC2026-01", Code(gtin=GTIN14, lot_code="LC2026-01")),
    ("(01) 06901234567892 (17) 260801 (10) LC2026-01", Code(gtin=GTIN14, lot_code="LC2026-01")),
    ("0106901234567892\x1d10LC2026-01\x1d17260801", Code(gtin=GTIN14, lot_code="LC2026-01")),
    ("]d2010690123456789210LC2026-01", Code(gtin=GTIN14, lot_code="LC2026-01")),
])
def test_parse_code_accepts_what_is_printed_or_scanned(text: str, expected: Code) -> None:
    assert parse_code(text) == expected


@pytest.mark.parametrize(("text", "code"), [
    ("", "code_empty"),
    ("hello", "code_unrecognised"),
    ("JM123", "code_unrecognised"),
    ("x" * 600, "code_unrecognised"),
    ("https://id.gs1.org/01/06901234567893/10/X", "gtin_checksum"),
    ("(01)06901234567893(10)X", "gtin_checksum"),
    ("(01)06901234567892", "lot_missing"),
    ("https://id.gs1.org/01/06901234567892", "lot_missing"),
    ("https://id.gs1.org/01/abc/10/X", "gs1_invalid"),
    ("https://example.com/some/page", "gs1_invalid"),
])
def test_parse_code_rejects_with_a_reason(text: str, code: str) -> None:
    with pytest.raises(Invalid) as exc:
        parse_code(text)
    assert exc.value.code == code and exc.value.message


def test_code_path_is_the_resolver_path() -> None:
    assert Code(gtin=GTIN14, lot_code="A/B 1").path == f"/01/{GTIN14}/10/A%2FB%201"
    assert Code(trace_code="JMABCDEFGHIJKL").path == "/t/JMABCDEFGHIJKL"


# --- the page -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_digital_link_resolves_to_the_consumer_page_for_anyone(trace: Trace, today: date) -> None:
    _ship_and_confirm(trace)
    response = Client().get(DL)
    assert response.status_code == 200
    page = _page(response)
    for text in ("广式腊肠", "500克/袋", "江门市乙食品厂", "SC10444070300023", "2026-02-01", "2026-07-31", "LC2026-01", trace.lot.trace_code,
                 "蓬江区 环市街道", "出厂检验报告", "2026-01-05"):
        assert text in page, text
    assert "status-valid" in page and 'role="alert"' not in page
    assert page.index("2026-02-01") < page.index("2026-03-02")  # produced, then shipped and received, in order
    # a logged-in persona sees the same public page
    assert trace.world.client("other_operator_user").get(DL).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    f"/01/{GTIN14}/10/LC2026-01",
    "/01/6901234567892/10/LC2026-01",  # GTIN-13, padded
    f"/01/{GTIN14}/10/LC2026-01?17=260731&linkType=all",  # query attributes
    f"/01/{GTIN14}/10/LC2026-01/21/SERIAL9",  # a serial after the lot
    f"/01/{GTIN14}/22/V1/10/LC2026-01",  # a consumer product variant before it
    f"/01/{GTIN14}/10/LC2026-01/",
])
def test_digital_link_variants(trace: Trace, path: str) -> None:
    assert Client().get(path).status_code == 200


@pytest.mark.django_db
def test_lot_code_with_a_slash_round_trips(trace: Trace) -> None:
    lot = services.lot_create(product=trace.sausage, lot_code="LC/7-B", production_date=date(2026, 2, 3), quantity=Decimal(5))
    path = Code(gtin=GTIN14, lot_code=lot.lot_code).path
    assert path.endswith("/10/LC%2F7-B")
    response = Client().get(path)
    assert response.status_code == 200 and lot.trace_code in _page(response)


@pytest.mark.django_db
def test_trace_code_page(trace: Trace) -> None:
    client = Client()
    assert client.get(f"/t/{trace.lot.trace_code}").status_code == 200
    assert client.get(f"/t/{trace.lot.trace_code.lower()}").status_code == 200
    own = services.product_create(owner=trace.world.op1, name="叉烧", category_code="B04")
    no_gtin = services.lot_create(product=own, lot_code="CS-1", production_date=date(2026, 3, 1), quantity=Decimal(20))
    page = _page(client.get(f"/t/{no_gtin.trace_code}"))
    assert "叉烧" in page and "江门市甲餐饮有限公司" in page and "JY14407030000011" in page


@pytest.mark.django_db
def test_lookup_form_redirects_typed_and_scanned_codes(trace: Trace) -> None:
    client = Client()
    form = client.get("/t/")
    assert form.status_code == 200 and 'name="code"' in _page(form)
    for typed, target in (
        ("(01)06901234567892(10)LC2026-01", DL),
        ("0106901234567892\x1d10LC2026-01", DL),
        ("https://id.gs1.org/01/06901234567892/10/LC2026-01", DL),
        (f" {trace.lot.trace_code.lower()} ", f"/t/{trace.lot.trace_code}"),
    ):
        response = client.get("/t/", {"code": typed})
        assert response.status_code == 302 and response["Location"] == target, typed
        assert client.get(response["Location"]).status_code == 200
    as_json = client.get("/t/", {"code": trace.lot.trace_code, "format": "json"})
    assert as_json["Location"] == f"/t/{trace.lot.trace_code}?format=json"


@pytest.mark.django_db
def test_unknown_codes_get_a_friendly_404(trace: Trace) -> None:
    client = Client()
    for path in ("/t/JMAAAAAAAAAAAA", f"/01/{GTIN14}/10/NOPE", "/t/not-a-code", f"/01/{GTIN14}", f"/01/{GTIN14}/", "/01/12345/10/X",
                 "/01/abc/10/X", "/01/06901234567893/10/LC2026-01"):
        response = client.get(path)
        assert response.status_code == 404, path
        page = _page(response)
        assert 'name="code"' in page and ("Code not found" in page or "未查到此追溯码" in page), path
    bad = client.get("/t/", {"code": "(01)06901234567893(10)LC2026-01"})
    assert bad.status_code == 404 and 'value="(01)06901234567893(10)LC2026-01"' in _page(bad)
    assert client.get("/t/", {"code": "hello"}).status_code == 404


@pytest.mark.django_db
def test_json_variant(trace: Trace, today: date) -> None:
    _ship_and_confirm(trace)
    client = Client()
    response = client.get(DL, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "Accept" in response["Vary"]
    body = response.json()
    assert body["trace_code"] == trace.lot.trace_code and body["gtin"] == GTIN14 and body["lot_code"] == "LC2026-01"
    assert body["product"]["name"] == "广式腊肠" and body["producer"] == {"name": "江门市乙食品厂", "place": "蓬江区 环市街道"}
    assert body["licence"]["number"] == "SC10444070300023" and body["licence"]["status"] == "valid"
    assert [s["step"] for s in body["route"]] == ["produced", "shipping", "receiving"]
    assert body["route"][1]["place"] == "蓬江区 环市街道"
    assert body["test_reports"] == [{"title": "出厂检验报告", "issued_on": "2026-01-05", "valid_until": None}]
    again = client.get(f"/t/{trace.lot.trace_code}?format=json").json()
    assert again.pop("built_at") and body.pop("built_at") and again == body
    # a browser's Accept gets the page
    assert client.get(DL, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")["Content-Type"].startswith("text/html")

    unknown = client.get("/t/JMAAAAAAAAAAAA", HTTP_ACCEPT="application/json")
    assert unknown.status_code == 404 and unknown.json()["code"] == "lot_unknown" and unknown.json()["message"]
    bad = client.get("/01/06901234567893/10/X?format=json")
    assert bad.status_code == 404 and bad.json()["code"] == "gtin_checksum"


@pytest.mark.django_db
def test_no_private_data_on_the_page(trace: Trace) -> None:
    lot = services.lot_create(product=trace.sausage, lot_code="Q-1", production_date=date(2026, 2, 2), quantity=Decimal("8765.5"))
    shipment = services.shipment_create(supplier=trace.world.op2, buyer=trace.world.op3, shipped_on=date(2026, 3, 2),
                                        lines=[services.LineIn(quantity=Decimal("3331.5"), lot=lot)])
    services.receipt_confirm(receipt=shipment.receipt, by=trace.world.users["other_operator_user"])
    Operator.objects.filter(pk=trace.world.op2.pk).update(phone="0750-7654321")
    client = Client()
    for response in (client.get(f"/t/{lot.trace_code}"), client.get(f"/t/{lot.trace_code}?format=json")):
        text = response.content.decode() if response["Content-Type"].startswith("text/html") else json.dumps(response.json(), ensure_ascii=False)
        assert response.status_code == 200
        for secret in (trace.world.op2.uscc, trace.world.op3.uscc, "0750-7654321", "王二", "赵三", "港口路", "五邑路", "8765", "3331",
                       trace.world.op3.name, trace.test_report.sha256, "/trace/documents/", "urn:shian:operator"):
            assert secret not in text, secret
        assert "江海区 外海街道" in text  # the buyer's place, not its name


@pytest.mark.django_db
def test_expired_lot_and_licence_warnings(trace: Trace, today: date) -> None:
    old = services.lot_create(product=trace.sausage, lot_code="OLD-1", production_date=date(2020, 1, 1), quantity=Decimal(5),
                              expiry_date=date(2020, 6, 1))
    view = consumer.consumer_view(old.trace_code)
    assert view is not None and view.expired and any("expiry" in w or "保质期" in w for w in view.warnings)
    page = _page(Client().get(f"/t/{old.trace_code}"))
    assert 'role="alert"' in page and "status-expired" in page
    fresh = consumer.consumer_view(trace.lot.trace_code)
    assert today < date(2026, 7, 31) and fresh is not None and not fresh.expired and fresh.warnings == []

    trace.licence.status = "suspended"
    trace.licence.save()
    view = consumer.consumer_view(trace.lot.trace_code)
    assert view is not None and view.licence is not None and view.licence.status == "suspended" and view.warnings


@pytest.mark.django_db
def test_recalled_disposition_shows_a_banner(trace: Trace) -> None:
    record_platform_events([{
        "type": "ObjectEvent", "eventTime": "2026-03-05T09:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
        "bizStep": "holding", "disposition": "recalled", "quantityList": [{"epcClass": trace.lot.epc_class, "quantity": 10}],
    }], operator=trace.world.op2)
    view = consumer.consumer_view(trace.lot.trace_code)
    assert view is not None and view.recalled and view.warnings
    assert 'role="alert"' in _page(Client().get(f"/t/{trace.lot.trace_code}"))


@pytest.mark.django_db
def test_route_goes_back_to_the_ingredients(trace: Trace) -> None:
    """A transformation that made the lot from an ingredient lot: the ingredient's receipt is on the route."""
    pork = services.product_create(owner=trace.world.op3, name="猪肉", category_code="B01")
    ingredient = services.lot_create(product=pork, lot_code="PK-1", production_date=date(2026, 1, 20), quantity=Decimal(100))
    record_platform_events([
        {"type": "ObjectEvent", "eventTime": "2026-01-25T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
         "bizStep": "receiving", "quantityList": [{"epcClass": ingredient.epc_class, "quantity": 50, "uom": "KGM"}],
         "sourceList": [{"type": "owning_party", "source": party(trace.world.op3.uscc)}],
         "destinationList": [{"type": "owning_party", "destination": party(trace.world.op2.uscc)}]},
        {"type": "TransformationEvent", "eventTime": "2026-02-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
         "bizStep": "commissioning",
         "inputQuantityList": [{"epcClass": ingredient.epc_class, "quantity": 50, "uom": "KGM"}],
         "outputQuantityList": [{"epcClass": trace.lot.epc_class, "quantity": 100}]},
    ], operator=trace.world.op2)
    view = consumer.consumer_view(trace.lot.trace_code)
    assert view is not None
    steps = [(s.step, s.ingredient, s.place) for s in view.route]
    assert steps[0][0] == "receiving" and steps[0][1] and steps[0][2] == "蓬江区 环市街道"
    assert ("commissioning", False, "蓬江区 环市街道") in steps and ("produced", False, "蓬江区 环市街道") in steps


@pytest.mark.django_db
def test_route_is_bounded(trace: Trace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumer, "ROUTE_LIMIT", 3)
    record_platform_events([
        {"type": "ObjectEvent", "eventTime": f"2026-03-{day:02d}T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
         "bizStep": "storing", "quantityList": [{"epcClass": trace.lot.epc_class, "quantity": day}]} for day in range(1, 8)
    ], operator=trace.world.op2)
    view = consumer.consumer_view(trace.lot.trace_code)
    assert view is not None and view.route_truncated
    assert [s.time.day for s in view.route[1:]] == [5, 6, 7]  # type: ignore[union-attr]  # the most recent ones
    page = _page(Client().get(f"/t/{trace.lot.trace_code}"))
    assert "Only the most recent steps are shown." in page or "仅显示最近的环节。" in page


@pytest.mark.django_db
def test_public_sections_hook(trace: Trace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumer, "_OPTIONAL_SECTIONS", (("missing", "shian.no_such_module.public", "缺", 1, None),))

    def broken(lot: Lot) -> list[dict[str, Any]]:
        raise RuntimeError("boom")

    consumer.register_public_section("demo", "合格证", lambda lot: [{"label": "编号", "value": f"HG-{lot.lot_code}", "link": "/t/"},
                                                                    {"label": "坏链接", "value": "x", "link": "javascript:alert(1)"}], order=5)
    consumer.register_public_section("empty", "空", lambda lot: [])
    consumer.register_public_section("broken", "坏", broken)
    consumer.register_public_warning("recall-demo", lambda lot: "该批次已被召回（测试）")
    response = Client().get(DL)
    assert response.status_code == 200
    page = _page(response)
    assert "合格证" in page and "HG-LC2026-01" in page and 'href="/t/"' in page and "javascript:" not in page
    assert "<h2>空</h2>" not in page and "<h2>坏</h2>" not in page
    assert "该批次已被召回（测试）" in page
    body = Client().get(DL, {"format": "json"}).json()
    assert body["sections"] == [{"key": "demo", "title": "合格证", "rows": [{"label": "编号", "value": "HG-LC2026-01", "link": "/t/"},
                                                                             {"label": "坏链接", "value": "x", "link": None}]}]


@pytest.mark.django_db
def test_optional_sections_load_when_their_module_is_installed(trace: Trace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Modules named in ``_OPTIONAL_SECTIONS`` are registered on first use through their ``published_for_lot``
    (adapted to rows where needed); a module that is not installed is skipped."""
    import sys
    import types

    rows = types.ModuleType("shian_fake_rows")
    rows.published_for_lot = lambda lot: [{"key": "k", "label": "入仓日期", "value": date(2026, 3, 1), "url": "/coldchain/r/X/"}]  # type: ignore[attr-defined]
    certs = types.ModuleType("shian_fake_certs")
    certs.published_for_lot = lambda lot: [{"code": "C1", "product": "菜心", "issuer": "甲农场", "basis_label": "自检合格",  # type: ignore[attr-defined]
                                            "issued_on": date(2026, 3, 2), "url": "/certificates/c/C1/"}]
    monkeypatch.setitem(sys.modules, "shian_fake_rows", rows)
    monkeypatch.setitem(sys.modules, "shian_fake_certs", certs)
    monkeypatch.setattr(consumer, "_OPTIONAL_SECTIONS", (("certs", "shian_fake_certs", "承诺达标合格证", 30, consumer._certificate_rows),
                                                         ("rows", "shian_fake_rows", "冷链", 40, None),
                                                         ("absent", "shian.no_such_module.public", "缺", 50, None)))
    assert [s.key for s in consumer.public_sections()] == ["certs", "rows"]
    view = consumer.consumer_view(trace.lot.trace_code)
    assert view is not None and view.sections == [
        {"key": "certs", "title": "承诺达标合格证", "rows": [{"label": "2026-03-02", "value": "菜心 · 甲农场 · 自检合格", "link": "/certificates/c/C1/"}]},
        {"key": "rows", "title": "冷链", "rows": [{"label": "入仓日期", "value": "2026-03-01", "link": "/coldchain/r/X/"}]},
    ]


@pytest.mark.django_db
def test_page_query_budget(trace: Trace, django_assert_max_num_queries: Any) -> None:
    _ship_and_confirm(trace)
    for n in range(30):
        record_platform_events([{"type": "ObjectEvent", "eventTime": f"2026-04-{1 + n % 28:02d}T0{n % 10}:00:00+08:00",
                                 "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "storing",
                                 "quantityList": [{"epcClass": trace.lot.epc_class, "quantity": n + 1}]}], operator=trace.world.op1)
    client = Client()
    client.get(DL)
    with django_assert_max_num_queries(7):
        assert client.get(DL).status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get("/01/06901234567893/10/X").status_code == 404


@pytest.mark.django_db
def test_pages_are_cached_per_lot_and_language(trace: Trace, settings: Any, django_assert_max_num_queries: Any) -> None:
    from django.core.cache import cache

    settings.SHIAN_CONSUMER_CACHE_SECONDS = 60
    cache.clear()
    client = Client()
    first = client.get(DL, {"format": "json"}).json()
    assert [s["step"] for s in first["route"]] == ["produced"]
    with django_assert_max_num_queries(2):  # one per request (which lot the code names); the page comes from the cache
        assert client.get(DL, {"format": "json"}).json() == first
        assert client.get(f"/t/{trace.lot.trace_code}?format=json").json() == first
    _ship_and_confirm(trace)
    assert client.get(DL, {"format": "json"}).json() == first  # kept for up to a minute
    consumer.forget(trace.lot)
    assert [s["step"] for s in client.get(DL, {"format": "json"}).json()["route"]] == ["produced", "shipping", "receiving"]
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert english.get(DL, {"format": "json"}).json()["licence"]["status_label"] == "Valid"
    assert client.get(DL, {"format": "json"}).json()["licence"]["status_label"] != "Valid"
    assert client.get("/t/JMAAAAAAAAAAAA").status_code == 404
    for _ in range(2):  # the second page's body comes from the cache
        page = client.get(DL).content.decode()
        assert '<section class="card">' in page and "&lt;section" not in page and "LC2026-01" in page and "江门市乙食品厂" in page


@pytest.mark.django_db
def test_a_cached_html_page_costs_no_query_and_switches_language_by_link(trace: Trace, settings: Any,
                                                                         django_assert_num_queries: Any) -> None:
    from django.core.cache import cache

    settings.SHIAN_CONSUMER_CACHE_SECONDS = 60
    cache.clear()
    client = Client()
    first = client.get(DL).content.decode()
    assert "csrfmiddlewaretoken" not in first and f"{DL}?lang=en" in first  # nothing of the visitor: cacheable whole
    with django_assert_num_queries(0):
        assert client.get(DL).content.decode() == first
    english = client.get(DL, {"lang": "en"}).content.decode()
    assert 'lang="en"' in english and 'lang="zh-hans"' in first
    _ship_and_confirm(trace)
    consumer.forget(trace.lot)  # by trace code and by Digital Link, every language
    assert client.get(DL).content.decode() != first
