"""Who sees and does what: regulators by the warehouse's jurisdiction, the warehouse records and
decides, the importer and later holders read, labs, the CDC and the public nothing (but the public
verification page); plus the dossier section and the consumer page's public facts."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from shian.coldchain import selectors, services
from shian.coldchain.public import published_for_lot
from shian.trace import services as trace_services
from tests.coldchain.conftest import Cold, attach_all, make_warehouse, register

SEES = {"city_regulator", "district_regulator", "station_officer", "inspector", "operator_user", "other_operator_user", "admin"}
HIDDEN = {"other_district_regulator": 404, "lab_user": 403, "cdc_user": 403, "public_user": 403}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(SEES | set(HIDDEN)))
def test_who_sees_an_entry(cold: Cold, persona: str) -> None:
    response = cold.world.client(persona).get(f"/api/v1/coldchain/entries/{cold.entry.pk}")
    assert response.status_code == (200 if persona in SEES else HIDDEN[persona])
    listing = cold.world.client(persona).get("/api/v1/coldchain/entries")
    if persona in SEES:
        assert listing.json()["count"] == 1
    elif persona == "other_district_regulator":
        assert listing.json()["count"] == 0
    else:
        assert listing.status_code == 403


# persona -> (attach, release) statuses on a held entry of a warehouse in 蓬江区 owned by operator_user's organisation
ACTIONS = {
    "operator_user": (201, 409),  # the warehouse; release refused for missing certificates
    "admin": (201, 409),
    "district_regulator": (403, 409),  # regulators decide but do not record
    "city_regulator": (403, 409),
    "station_officer": (403, 409),
    "inspector": (403, 403),
    "other_operator_user": (403, 403),  # the importer reads only
    "other_district_regulator": (403, 404),
    "lab_user": (403, 403),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(ACTIONS))
def test_who_may_attach_and_release(cold: Cold, persona: str) -> None:
    from tests.coldchain.conftest import pdf, today

    client = cold.world.client(persona)
    url = f"/api/v1/coldchain/entries/{cold.entry.pk}"
    attach = client.post(f"{url}/certificates", {"file": pdf(), "kind": "customs_declaration", "issued_on": str(today())})
    release = client.post(f"{url}/release")
    assert (attach.status_code, release.status_code) == ACTIONS[persona], (attach.content, release.content)


@pytest.mark.django_db
def test_other_operator_cannot_record_for_the_warehouse(cold: Cold) -> None:
    client = cold.world.client("other_operator_user")
    body = {"warehouse_id": cold.warehouse.pk, "importer_id": cold.world.op3.pk, "product_name": "x", "category": "A04", "lot_code": "Z",
            "production_date": "2026-01-01", "quantity": "1", "origin_country": "BR", "customs_declaration_number": "517120261000012345",
            "entry_date": "2026-01-02", "storage_class": "frozen"}
    response = client.post("/api/v1/coldchain/entries", json.dumps(body), content_type="application/json")
    assert response.status_code == 404
    readings = client.post(f"/api/v1/coldchain/lots/{cold.entry.lot_id}/readings",
                           json.dumps({"readings": [{"time": "2026-01-01T00:00:00+08:00", "value": -20}]}), content_type="application/json")
    assert readings.status_code == 403  # the importer sees the lot's temperatures but does not record them


@pytest.mark.django_db
def test_a_later_holder_sees_the_entry_read_only(cold: Cold) -> None:
    w = cold.world
    entry = register(cold.warehouse, lot_code="OUT-1")  # outside importer: the warehouse owns the lot
    op3_client = w.client("other_operator_user")
    assert op3_client.get(f"/api/v1/coldchain/entries/{entry.pk}").status_code == 404
    attach_all(entry)
    services.release(entry=entry)
    trace_services.shipment_create(supplier=cold.warehouse, buyer=w.op3, shipped_on=timezone.localdate(),
                                   lines=[trace_services.LineIn(quantity=Decimal(10), lot=entry.lot)])
    assert op3_client.get(f"/api/v1/coldchain/entries/{entry.pk}").status_code == 200
    assert op3_client.get(f"/coldchain/lots/{entry.lot_id}/temperature/").status_code == 200
    assert op3_client.post(f"/api/v1/coldchain/entries/{entry.pk}/reject", json.dumps({"reason": "x"}),
                           content_type="application/json").status_code == 403


@pytest.mark.django_db
def test_public_verification_needs_no_login_and_lists_are_scoped(cold: Cold) -> None:
    attach_all(cold.entry)
    entry = services.release(entry=cold.entry)
    assert Client().get(f"/coldchain/r/{entry.release_code}/").status_code == 200
    assert Client().get("/coldchain/").status_code == 302
    assert Client().get(f"/coldchain/{entry.pk}/").status_code == 302
    assert Client().get("/api/v1/coldchain/entries").status_code == 401
    other = make_warehouse(cold.world, 52)
    other.jurisdiction = cold.world.s2
    other.save()
    register(other, lot_code="JH-1")
    regulators = {"district_regulator": {"BR-001"}, "other_district_regulator": {"JH-1"}, "city_regulator": {"BR-001", "JH-1"}}
    for persona, lots in regulators.items():
        items = cold.world.client(persona).get("/api/v1/coldchain/entries").json()["items"]
        assert {i["lot_code"] for i in items} == lots, persona


@pytest.mark.django_db
def test_dossier_section(cold: Cold) -> None:
    from shian.coldchain.dossier_sections import _coldchain
    from shian.core import dossier

    assert "coldchain" in dossier._SECTIONS  # registered in ready()
    w = cold.world
    section = _coldchain(cold.warehouse, w.users["district_regulator"].principal)
    assert section is not None and section.count == 1
    assert section.data["recent_entries"][0]["first_stop_code"] == cold.entry.lot.trace_code
    assert section.timeline[0].url == f"/coldchain/{cold.entry.pk}/"
    from django.template.loader import render_to_string

    html = render_to_string(section.template, {"section": section, "ctx": section.context})
    assert cold.entry.lot.trace_code in html and f"/coldchain/{cold.entry.pk}/" in html
    importer_view = _coldchain(w.op3, w.users["other_operator_user"].principal)
    assert importer_view is not None and importer_view.count == 1
    assert _coldchain(w.op1, w.users["operator_user"].principal) is None  # no entries: hidden
    assert _coldchain(cold.warehouse, w.users["other_district_regulator"].principal) is None
    assert _coldchain(cold.warehouse, w.users["lab_user"].principal) is None


@pytest.mark.django_db
def test_public_facts_for_the_consumer_page(cold: Cold, django_assert_max_num_queries: object) -> None:
    lot = cold.entry.lot
    facts = {f["key"]: f for f in published_for_lot(lot)}
    assert facts["first_stop_code"]["value"] == lot.trace_code and facts["origin_country"]["code"] == "BR"
    assert facts["release_status"]["status"] == "held" and "url" not in facts["release_status"]
    assert "temperature_range" not in facts
    attach_all(cold.entry)
    entry = services.release(entry=cold.entry)
    now = timezone.now()
    services.record_readings(lot=lot, readings=[{"time": now - timedelta(hours=2), "value": -20}, {"time": now - timedelta(hours=1), "value": -10}])
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        facts = {f["key"]: f for f in published_for_lot(lot)}
    assert facts["release_status"]["url"] == f"/coldchain/r/{entry.release_code}/"
    assert facts["temperature_range"]["min"] == "-20" and facts["temperature_range"]["max"] == "-10"
    assert "-20" in facts["temperature_range"]["value"] and facts["temperature_excursion"]["excursion"] is True
    from shian.trace.models import Lot

    other = Lot.objects.exclude(pk=lot.pk).first()
    assert other is None or published_for_lot(other) == []


@pytest.mark.django_db
def test_selectors_refuse_roles_without_access(cold: Cold) -> None:
    from shian.core.errors import Forbidden, NotAuthenticated

    with pytest.raises(NotAuthenticated):
        selectors.entry_list(None)
    with pytest.raises(Forbidden):
        selectors.entry_list(cold.world.users["lab_user"].principal)
    with pytest.raises(Forbidden):
        selectors.excursion_list(cold.world.users["operator_user"].principal)
