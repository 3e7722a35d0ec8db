"""Cold-chain pages: register, certificates, release with its QR code, the public verification page,
temperatures with the server-drawn chart, the readings form and the excursion list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shian.coldchain import services
from shian.coldchain.chart import temperature_chart
from shian.coldchain.models import FirstStopEntry, TemperatureReading
from shian.trace.models import Document
from tests.coldchain.conftest import DECLARATION, Cold, attach_all, pdf, today

K = Document.Kind


def _entry_form(**extra: Any) -> dict[str, Any]:
    data = {"importer_uscc": "", "importer_name": "", "product_name": "冷冻白虾", "category": "A06", "specification": "2千克/盒", "gtin": "",
            "lot_code": "EC-7", "production_date": str(today() - timedelta(days=40)), "expiry_date": "", "quantity": "800", "unit": "kg",
            "origin_country": "EC", "customs_declaration_number": DECLARATION, "entry_date": str(today()), "storage_class": "frozen", "note": ""}
    data.update(extra)
    return data


@pytest.mark.django_db
def test_list_and_register(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    page = client.get("/coldchain/").content.decode()
    assert cold.entry.lot.trace_code in page and "冷冻去骨牛肉" in page
    assert client.get("/coldchain/?status=released").content.decode().count(cold.entry.lot.trace_code) == 0
    form = client.get("/coldchain/new/")
    assert form.status_code == 200 and "customs_declaration_number" in form.content.decode()
    response = client.post("/coldchain/new/", _entry_form(importer_uscc=cold.world.op3.uscc))
    assert response.status_code == 302
    entry = FirstStopEntry.objects.get(lot__lot_code="EC-7")
    assert response["Location"] == f"/coldchain/{entry.pk}/" and entry.importer_id == cold.world.op3.pk


@pytest.mark.django_db
def test_register_form_errors_are_shown(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    response = client.post("/coldchain/new/", _entry_form(importer_uscc=cold.world.op3.uscc, customs_declaration_number="123"))
    assert response.status_code == 400 and "18" in response.content.decode()
    response = client.post("/coldchain/new/", _entry_form(importer_uscc="91440100MA0000000X"))
    assert response.status_code == 400
    assert not FirstStopEntry.objects.filter(lot__lot_code="EC-7").exists()


@pytest.mark.django_db
def test_detail_attach_release_and_qr(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    url = f"/coldchain/{cold.entry.pk}/"
    page = client.get(url).content.decode()
    assert f"{url}release/" in page and f"{url}certificates/" in page
    refused = client.post(f"{url}release/")
    assert refused.status_code == 409
    attach = client.post(f"{url}certificates/", {"file": pdf("c"), "kind": K.CUSTOMS_DECLARATION, "number": "A1", "issued_on": str(today())})
    assert attach.status_code == 302
    bad = client.post(f"{url}certificates/", {"kind": K.CUSTOMS_DECLARATION, "issued_on": str(today())})
    assert bad.status_code == 400
    for kind in (K.INSPECTION_QUARANTINE_CERTIFICATE, K.DISINFECTION_CERTIFICATE):
        client.post(f"{url}certificates/", {"file": pdf(kind), "kind": kind, "issued_on": str(today())})
    assert client.post(f"{url}release/").status_code == 302
    cold.entry.refresh_from_db()
    page = client.get(url).content.decode()
    assert cold.entry.release_code in page and "<svg" in page and f"/coldchain/r/{cold.entry.release_code}/" in page
    cert = cold.entry.certificates.first()
    assert cert is not None
    file = client.get(f"{url}certificates/{cert.pk}/file")
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_reject_page(cold: Cold) -> None:
    client = cold.world.client("district_regulator")
    url = f"/coldchain/{cold.entry.pk}/"
    assert "reject" in client.get(url).content.decode()
    assert client.post(f"{url}reject/", {"reason": ""}).status_code == 400
    assert client.post(f"{url}reject/", {"reason": "证货不符"}).status_code == 302
    cold.entry.refresh_from_db()
    assert cold.entry.status == "rejected" and "证货不符" in client.get(url).content.decode()


@pytest.mark.django_db
def test_public_release_page(cold: Cold) -> None:
    attach_all(cold.entry)
    entry = services.release(entry=cold.entry)
    from django.test import Client

    anonymous = Client()
    response = anonymous.get(f"/coldchain/r/{entry.release_code}/")
    page = response.content.decode()
    assert response.status_code == 200 and entry.lot.trace_code in page and "巴西" in page and "<svg" in page
    assert cold.world.op3.uscc not in page  # no identifiers beyond the names
    assert anonymous.get(f"/coldchain/r/{entry.release_code.lower()}/").status_code == 200
    unknown = anonymous.get("/coldchain/r/JMRNOTAREALCODE/")
    assert unknown.status_code == 404 and "JMRNOTAREALCODE" in unknown.content.decode()


@pytest.mark.django_db
def test_held_and_rejected_entries_have_no_public_page(cold: Cold) -> None:
    from django.test import Client

    assert Client().get(f"/coldchain/r/{cold.entry.lot.trace_code}/").status_code == 404


@pytest.mark.django_db
def test_temperature_page_draws_limits_and_excursions(cold: Cold) -> None:
    now = timezone.now()
    services.record_readings(lot=cold.entry.lot, readings=[{"time": now - timedelta(hours=h), "value": v, "location": "A区"}
                                                           for h, v in ((5, -20), (4, -19), (3, -12), (2, -21))])
    client = cold.world.client("inspector")
    page = client.get(f"/coldchain/lots/{cold.entry.lot_id}/temperature/").content.decode()
    assert "<svg" in page and "<polyline" in page and "-18 °C" in page and page.count('r="4.5"') == 1
    assert "<script" not in page and "style=" not in page.split("<main", 1)[1]
    assert f"/coldchain/lots/{cold.entry.lot_id}/readings/" not in page  # an inspector reads only


@pytest.mark.django_db
def test_readings_form(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    url = f"/coldchain/lots/{cold.entry.lot_id}/readings/"
    assert client.get(url).status_code == 200
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"step": "storing", "readings-TOTAL_FORMS": "2", "readings-INITIAL_FORMS": "0", "readings-MIN_NUM_FORMS": "0",
            "readings-MAX_NUM_FORMS": "50", "readings-0-time": when, "readings-0-value": "-15", "readings-0-location": "B区",
            "readings-1-time": "", "readings-1-value": ""}
    assert client.post(url, data).status_code == 302
    assert TemperatureReading.objects.get().excursion
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, {**data, "readings-0-time": future})
    assert refused.status_code == 400 and TemperatureReading.objects.count() == 1


@pytest.mark.django_db
def test_excursion_list(cold: Cold) -> None:
    services.record_readings(lot=cold.entry.lot, readings=[{"time": timezone.now() - timedelta(hours=1), "value": -10}])
    page = cold.world.client("district_regulator").get("/coldchain/excursions/").content.decode()
    assert cold.entry.lot.trace_code in page
    assert cold.entry.lot.trace_code not in cold.world.client("other_district_regulator").get("/coldchain/excursions/").content.decode()


def test_chart_geometry() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    assert temperature_chart([], None, Decimal(-18)) is None
    t = datetime(2026, 3, 1, tzinfo=UTC)
    chart = temperature_chart([(t, Decimal(-20), False), (t + timedelta(hours=1), Decimal(-10), True)], None, Decimal(-18))
    assert chart is not None and len(chart.points.split()) == 2 and len(chart.excursions) == 1 and len(chart.limits) == 1
    x0, y0 = map(float, chart.points.split()[0].split(","))
    x1, y1 = map(float, chart.points.split()[1].split(","))
    assert x0 == chart.left and x1 == chart.right_x and y1 < y0  # warmer is higher
    assert chart.band_y is not None and chart.band_height and chart.band_y == chart.limits[0].y  # band below the upper limit
    single = temperature_chart([(t, Decimal(2), False)], Decimal(0), Decimal(4))
    assert single is not None and single.points.split(",")[0] == str(round(single.left + single.plot_width / 2, 1))
