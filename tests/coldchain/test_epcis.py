"""The cold chain's EPCIS events: valid by the repository's validator, readable by other cities through
GET /epcis/events, and temperatures in events others capture become readings of first-stop lots."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.utils import timezone

from shian.coldchain import epcis_events as ev
from shian.coldchain import services
from shian.coldchain.models import TemperatureReading
from shian.core.models import AuditEntry
from shian.epcis import services as epcis_services
from shian.epcis.models import EpcisEvent
from shian.epcis.validator import validate_events
from shian.trace.epcis_events import Line
from tests.coldchain.conftest import DECLARATION, Cold, attach_all

USCC = "91440703MA00000001"


def test_built_events_are_valid_epcis() -> None:
    first = ev.first_stop_event(when=date(2026, 3, 2), warehouse_uscc=USCC, importer_uscc="91440100MA00000002",
                                line=Line("urn:shian:lot:JMABCDEFGHIJKL", Decimal("1000"), "kg"), trace_code="JMABCDEFGHIJKL",
                                lot_code="BR-1", origin_country="BR", declaration_number=DECLARATION, storage_class="frozen",
                                expiry_date=date(2027, 3, 2))
    released = ev.decision_event(when=datetime(2026, 3, 3, tzinfo=UTC), warehouse_uscc=USCC, epc_class="urn:shian:lot:JMABCDEFGHIJKL",
                                 declaration_number=DECLARATION, certificates=[ev.Certificate("customs_declaration", "a" * 64)],
                                 release_code="JMRABCDEFGHIJKL")
    rejected = ev.decision_event(when=datetime(2026, 3, 3, tzinfo=UTC), warehouse_uscc=USCC, epc_class="urn:shian:lot:X",
                                 declaration_number=DECLARATION, certificates=[], release_code=None)
    sensors = ev.sensor_event(recorder_uscc=USCC, epc_class="urn:shian:lot:X", step="transporting", readings=[
        ev.SensorReading(datetime(2026, 3, 3, 1, tzinfo=UTC), Decimal("-19.5"), "冷库 1 号探头", "A区"),
        ev.SensorReading(datetime(2026, 3, 3, 0, tzinfo=UTC), Decimal("-15"), "", "", excursion=True)])
    result = validate_events([first, released, rejected, sensors])
    assert result.ok, result.errors
    assert first["action"] == "ADD" and first["bizStep"] == "commissioning" and first["ilmd"]["cbvmda:countryOfOrigin"] == "BR"
    assert first["ilmd"]["cbvmda:itemExpirationDate"] == "2027-03-02"
    assert released["disposition"] == "conformant" and rejected["disposition"] == "non_conformant"
    assert sensors["eventTime"] == "2026-03-03T09:00:00+08:00"  # the last reading, readings in time order
    assert [e["sensorReport"][0]["value"] for e in sensors["sensorElementList"]] == [-15, -19.5]
    with pytest.raises(ValueError):
        ev.sensor_event(recorder_uscc=USCC, epc_class="urn:shian:lot:X", step="flying", readings=[])


@pytest.mark.django_db
def test_registration_is_a_valid_commissioning_event(cold: Cold) -> None:
    [event] = EpcisEvent.objects.filter(biz_step="commissioning")
    lot = cold.entry.lot
    assert event.source == "platform" and event.operator_id == cold.warehouse.pk and event.action == "ADD"
    assert validate_events([event.document]).ok
    doc = event.document
    assert doc["quantityList"] == [{"epcClass": lot.epc_class, "quantity": 1000, "uom": "KGM"}]
    assert doc["ilmd"]["shian:firstStopCode"] == lot.trace_code and doc["ilmd"]["shian:importer"] == f"urn:shian:operator:{cold.world.op3.uscc}"
    assert doc["bizTransactionList"] == [{"type": "urn:shian:btt:customs_declaration", "bizTransaction": f"urn:shian:customs-declaration:{DECLARATION}"}]
    assert event.identifiers.get().identifier == lot.epc_class


@pytest.mark.django_db
def test_other_cities_read_the_lots_events(cold: Cold) -> None:
    attach_all(cold.entry)
    services.release(entry=cold.entry)
    services.record_readings(lot=cold.entry.lot, readings=[{"time": timezone.now() - timedelta(hours=1), "value": -19}])
    epc = quote(cold.entry.lot.epc_class, safe="")
    client = cold.world.client("city_regulator")
    body = client.get(f"/epcis/events?MATCH_anyEPCClass={epc}").json()
    events = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert sorted(e["bizStep"] for e in events) == ["commissioning", "inspecting", "storing"]
    sensors = client.get(f"/epcis/events?MATCH_anyEPCClass={epc}&EQ_bizStep=storing").json()
    [event] = sensors["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert event["sensorElementList"][0]["sensorReport"][0]["type"] == "Temperature"
    # The warehouse's organisation (operator_user) sees its events too.
    assert len(cold.world.client("operator_user").get(f"/epcis/events?MATCH_anyEPCClass={epc}").json()
               ["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == 3


def _captured(cold: Cold, reports: list[dict[str, Any]], *, step: str = "transporting", epc: str | None = None) -> EpcisEvent:
    """An event another system captures (through the synchronous capture interface) naming the lot."""
    body = {
        "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
        "type": "ObjectEvent", "eventTime": "2026-03-03T10:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
        "bizStep": step, "quantityList": [{"epcClass": epc or cold.entry.lot.epc_class}],
        "readPoint": {"id": "urn:epc:id:sgln:4012345.00005.0"},
        "sensorElementList": [{"sensorMetadata": {"time": "2026-03-03T09:00:00+08:00", "deviceID": "urn:epc:id:giai:4000001.111"},
                               "sensorReport": reports}],
    }
    outcome = epcis_services.capture_now(body=body, principal=cold.world.users["other_operator_user"].principal)
    return outcome.stored[0]


@pytest.mark.django_db
def test_readings_from_a_captured_event(cold: Cold) -> None:
    event = _captured(cold, [{"type": "Temperature", "value": 5, "uom": "FAH"},  # -15 °C: an excursion for frozen food
                             {"type": "Temperature", "value": -20, "uom": "CEL", "time": "2026-03-03T09:30:00+08:00"},
                             {"type": "RelativeHumidity", "value": 80, "uom": "P1"}])
    rows = list(TemperatureReading.objects.filter(event_id=event.pk))  # the capture's stored-events hook made them
    assert sorted((r.value, r.excursion) for r in rows) == [(Decimal("-20.00"), False), (Decimal("-15.00"), True)]
    assert {r.source for r in rows} == {"epcis"} and {r.step for r in rows} == {"transporting"} and {r.event_id for r in rows} == {event.pk}
    assert {r.device for r in rows} == {"urn:epc:id:giai:4000001.111"}
    assert AuditEntry.objects.filter(action="coldchain.excursion").exists()
    assert services.readings_from_epcis(event) == []  # idempotent
    assert TemperatureReading.objects.count() == 2


@pytest.mark.django_db
def test_a_trace_code_urn_names_the_lot_too(cold: Cold) -> None:
    event = _captured(cold, [{"type": "Temperature", "value": -21}], step="storing", epc=f"urn:shian:lot:{cold.entry.lot.trace_code}")
    [row] = TemperatureReading.objects.filter(event_id=event.pk)
    assert row.lot_id == cold.entry.lot_id and row.step == "storing" and not row.excursion


@pytest.mark.django_db
def test_events_without_sensors_or_first_stop_lots_give_nothing(cold: Cold, django_assert_num_queries: Any) -> None:
    event = EpcisEvent.objects.get(biz_step="commissioning")
    with django_assert_num_queries(0):
        assert services.readings_from_epcis(event) == []
    unknown = _captured(cold, [{"type": "Temperature", "value": -21}], epc="urn:shian:lot:JMAAAAAAAAAAAA")
    assert services.readings_from_epcis(unknown) == []
    own = services.record_readings(lot=cold.entry.lot, readings=[{"time": "2026-03-03T09:00:00+08:00", "value": -19}]).event
    assert own is not None and services.readings_from_epcis(own) == []  # the platform's own reading event


def test_temperature_reports_parse_units_times_and_devices() -> None:
    doc = {"eventTime": "2026-03-03T10:00:00+08:00", "sensorElementList": [
        {"sensorReport": [{"type": "gs1:Temperature", "value": 255.15, "uom": "KEL"}]},
        {"sensorMetadata": {"time": "2026-03-03T09:00:00+08:00", "deviceID": "urn:shian:device:91440703MA00000001:%E6%8E%A2%E5%A4%B4"},
         "sensorReport": [{"type": "Temperature", "meanValue": -19.5}, {"type": "Temperature", "value": "x"},
                          {"type": "Temperature", "value": 1, "uom": "XYZ"}]},
        "junk",
    ]}
    reports = ev.temperature_reports(doc)
    assert [(r.value, r.time.isoformat(), r.device) for r in reports] == [
        (Decimal("-18.00"), "2026-03-03T02:00:00+00:00", ""),
        (Decimal("-19.50"), "2026-03-03T01:00:00+00:00", "探头"),
    ]
    assert ev.lot_keys(["urn:shian:lot:JMX", "https://id.gs1.org/01/06901234567892/10/LC%2F1", "urn:epc:id:sgtin:1.2.3"]) == [
        ev.LotKey(trace_code="JMX"), ev.LotKey(gtin="06901234567892", lot_code="LC/1")]
    assert json.dumps(ev.CONTEXT)
