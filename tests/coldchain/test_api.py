"""The cold-chain API: entries, certificates, release (409 with the missing list), rejection, readings
(400 with per-reading errors, nothing stored) and excursions."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shian.coldchain.models import FirstStopEntry, TemperatureReading
from shian.epcis.models import EpcisEvent
from shian.trace.models import Document
from tests.coldchain.conftest import DECLARATION, Cold, attach_all, pdf, today

K = Document.Kind


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _new_entry(cold: Cold, **extra: Any) -> dict[str, Any]:
    return {"warehouse_id": cold.warehouse.pk, "importer_id": cold.world.op3.pk, "product_name": "冷冻大西洋鲑", "category": "A06",
            "lot_code": "NO-77", "production_date": str(today() - timedelta(days=30)), "quantity": "500", "origin_country": "NO",
            "customs_declaration_number": DECLARATION, "entry_date": str(today()), "storage_class": "frozen", **extra}


@pytest.mark.django_db
def test_create_list_and_get(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    response = _post(client, "/api/v1/coldchain/entries", _new_entry(cold))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "held" and body["first_stop_code"].startswith("JM") and body["origin_country_name"] == "挪威"
    assert body["releasable"] is False and [c["state"] for c in body["checks"]] == ["missing"] * 3
    assert body["importer_id"] == cold.world.op3.pk and body["release_url"] is None
    listing = client.get("/api/v1/coldchain/entries").json()
    assert listing["count"] == 2 and {i["lot_code"] for i in listing["items"]} == {"BR-001", "NO-77"}
    assert client.get("/api/v1/coldchain/entries?status=released").json()["count"] == 0
    assert client.get(f"/api/v1/coldchain/entries/{body['id']}").json()["lot_code"] == "NO-77"


@pytest.mark.django_db
def test_create_errors(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    bad = _post(client, "/api/v1/coldchain/entries", _new_entry(cold, origin_country="ZZ"))
    assert bad.status_code == 400 and bad.json()["code"] == "origin_unknown" and bad.json()["field"] == "origin_country"
    restaurant = _post(client, "/api/v1/coldchain/entries", _new_entry(cold, warehouse_id=cold.world.op1.pk))
    assert restaurant.status_code == 400 and restaurant.json()["code"] == "warehouse_not_cold_store"
    unknown = _post(client, "/api/v1/coldchain/entries", _new_entry(cold, extra_field=1))
    assert unknown.status_code == 422
    assert FirstStopEntry.objects.count() == 1
    # Without warehouse_id the organisation's only cold store is used (op1, a restaurant, does not count).
    implicit = _post(client, "/api/v1/coldchain/entries", {k: v for k, v in _new_entry(cold).items() if k != "warehouse_id"})
    assert implicit.status_code == 201 and implicit.json()["warehouse_id"] == cold.warehouse.pk


@pytest.mark.django_db
def test_certificates_release_refused_then_released(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    url = f"/api/v1/coldchain/entries/{cold.entry.pk}"
    refused = client.post(f"{url}/release")
    assert refused.status_code == 409
    err = refused.json()
    assert err["code"] == "certificates_missing" and err["field"] == "certificates" and len(err["details"]) == 3
    for kind in (K.CUSTOMS_DECLARATION, K.INSPECTION_QUARANTINE_CERTIFICATE, K.DISINFECTION_CERTIFICATE):
        r = client.post(f"{url}/certificates", {"file": pdf(kind), "kind": kind, "issued_on": str(today()), "number": "X-1"})
        assert r.status_code == 201, r.content
    body = r.json()
    assert body["releasable"] is True and len(body["certificates"]) == 3 and body["certificates"][0]["url"].endswith("/file")
    wrong = client.post(f"{url}/certificates", {"file": pdf(), "kind": "invoice", "issued_on": str(today())})
    assert wrong.status_code == 400 and wrong.json()["code"] == "certificate_kind"
    released = client.post(f"{url}/release")
    assert released.status_code == 200
    body = released.json()
    assert body["status"] == "released" and body["release_code"].startswith("JMR")
    assert body["release_url"] == f"http://testserver/coldchain/r/{body['release_code']}/"
    again = client.post(f"{url}/release")
    assert again.status_code == 409 and again.json()["code"] == "entry_decided"


@pytest.mark.django_db
def test_reject(cold: Cold) -> None:
    client = cold.world.client("district_regulator")
    url = f"/api/v1/coldchain/entries/{cold.entry.pk}/reject"
    assert _post(client, url, {}).status_code == 422
    response = _post(client, url, {"reason": "证货不符"})
    assert response.status_code == 200 and response.json()["status"] == "rejected" and response.json()["rejection_reason"] == "证货不符"


@pytest.mark.django_db
def test_readings_post_and_get(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    url = f"/api/v1/coldchain/lots/{cold.entry.lot_id}/readings"
    t = (timezone.now() - timedelta(hours=2)).isoformat()
    t2 = (timezone.now() - timedelta(hours=1)).isoformat()
    response = _post(client, url, {"step": "transporting", "readings": [{"time": t, "value": -20.5, "device": "T1"},
                                                                        {"time": t2, "value": -16, "location": "冷藏车"}]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stored"] == 2 and body["excursions"] == 1 and body["event_id"] and body["duplicates"] == 0
    listing = client.get(url).json()
    assert listing["limit_high"] == "-18" or float(listing["limit_high"]) == -18
    assert [r["excursion"] for r in listing["readings"]] == [False, True]
    assert cold.world.client("other_operator_user").get(url).status_code == 200  # the importer reads them


@pytest.mark.django_db
def test_bad_readings_give_400_with_every_error_and_store_nothing(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    url = f"/api/v1/coldchain/lots/{cold.entry.lot_id}/readings"
    future = (timezone.now() + timedelta(days=1)).isoformat()
    events = EpcisEvent.objects.count()
    response = _post(client, url, {"readings": [{"time": "2026-01-01T08:00:00+08:00", "value": -20}, {"time": future, "value": "冷"},
                                                {"value": -19}]})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "readings_invalid" and body["field"] == "readings"
    assert [(d["index"], d["field"], d["code"]) for d in body["details"]] == [
        (1, "time", "time_future"), (1, "value", "value_not_number"), (2, "time", "time_invalid")]
    assert not TemperatureReading.objects.exists() and EpcisEvent.objects.count() == events
    assert _post(client, url, {"readings": []}).status_code == 422
    assert _post(client, url, {"step": "flying", "readings": [{"time": "2026-01-01T08:00:00+08:00", "value": -20}]}).status_code == 422


@pytest.mark.django_db
def test_readings_of_a_lot_without_entry_is_404(cold: Cold) -> None:
    client = cold.world.client("operator_user")
    assert client.get("/api/v1/coldchain/lots/999999/readings").status_code == 404


@pytest.mark.django_db
def test_excursions(cold: Cold) -> None:
    attach_all(cold.entry)
    _post(cold.world.client("operator_user"), f"/api/v1/coldchain/lots/{cold.entry.lot_id}/readings",
          {"readings": [{"time": (timezone.now() - timedelta(hours=1)).isoformat(), "value": -3}]})
    body = cold.world.client("station_officer").get("/api/v1/coldchain/excursions").json()
    assert body["count"] == 1 and body["items"][0]["first_stop_code"] == cold.entry.lot.trace_code
    assert body["items"][0]["warehouse_id"] == cold.warehouse.pk and body["items"][0]["entry_id"] == cold.entry.pk
    assert cold.world.client("other_district_regulator").get("/api/v1/coldchain/excursions").json()["count"] == 0
    assert cold.world.client("operator_user").get("/api/v1/coldchain/excursions").status_code == 403
