"""Temperature readings: excursions against the storage class's limits, all-or-nothing validation with
per-reading errors, duplicates, and one EPCIS sensor event per batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shian.coldchain import rules, services
from shian.coldchain.models import TemperatureReading
from shian.core.errors import Invalid
from shian.core.models import AuditEntry
from shian.epcis.models import EpcisEvent
from tests.coldchain.conftest import Cold, make_warehouse, register


def _at(hours_ago: float) -> datetime:
    return timezone.now().replace(microsecond=0) - timedelta(hours=hours_ago)


def _batch(*values: Any, start: float = 10) -> list[dict[str, Any]]:
    return [{"time": _at(start - i), "value": v, "location": "A区", "device": "T-1"} for i, v in enumerate(values)]


def test_limits_per_storage_class_and_tolerance(settings: Any) -> None:
    assert rules.limits("frozen") == (None, Decimal("-18"))
    assert rules.limits("chilled") == (Decimal("0"), Decimal("4"))
    assert rules.THRESHOLDS["frozen"].source.confidence == "S" and rules.THRESHOLDS["chilled"].source.confidence == "U"
    assert "GB 31605-2020" in rules.THRESHOLDS["frozen"].source.text
    settings.SHIAN_COLDCHAIN_TOLERANCE_C = 1
    assert rules.limits("frozen") == (None, Decimal("-17"))
    assert rules.limits("chilled") == (Decimal("-1"), Decimal("5"))
    settings.SHIAN_COLDCHAIN_THRESHOLDS = {"chilled": [0, 8]}
    assert rules.limits("chilled") == (Decimal("-1"), Decimal("9"))
    assert rules.threshold_for("chilled").source.confidence == "U"


@pytest.mark.django_db
def test_frozen_readings_above_minus_18_are_excursions(cold: Cold) -> None:
    result = services.record_readings(lot=cold.entry.lot, readings=_batch(-20, -18, -17.5, -19.25))
    assert [r.excursion for r in result.stored] == [False, False, True, False]
    assert result.stored[3].value == Decimal("-19.25") and result.stored[0].limit_high == Decimal("-18")
    assert all(r.recorder_id == cold.warehouse.pk and r.source == "platform" for r in result.stored)
    [audit] = AuditEntry.objects.filter(action="coldchain.excursion")
    assert audit.data["count"] == 1 and audit.data["readings"][0]["value"] == "-17.50" and audit.operator_id == cold.warehouse.pk
    assert AuditEntry.objects.filter(action="coldchain.readings_recorded").count() == 1


@pytest.mark.django_db
def test_chilled_readings_outside_0_to_4_are_excursions(cold: Cold) -> None:
    e = register(cold.warehouse, lot_code="CH-1", storage_class="chilled")
    result = services.record_readings(lot=e.lot, readings=_batch(2, -0.5, 4, 4.01), step="transporting")
    assert [r.excursion for r in result.stored] == [False, True, False, True]
    assert {r.step for r in result.stored} == {"transporting"}


@pytest.mark.django_db
def test_no_excursion_no_excursion_audit(cold: Cold) -> None:
    services.record_readings(lot=cold.entry.lot, readings=_batch(-20, -21))
    assert not AuditEntry.objects.filter(action="coldchain.excursion").exists()


@pytest.mark.django_db
def test_one_sensor_event_per_batch(cold: Cold) -> None:
    result = services.record_readings(lot=cold.entry.lot, readings=_batch(-20, -15))
    event = result.event
    assert event is not None and EpcisEvent.objects.filter(biz_step="storing").count() == 1
    doc = event.document
    assert doc["type"] == "ObjectEvent" and doc["action"] == "OBSERVE" and doc["bizStep"] == "storing"
    assert doc["quantityList"] == [{"epcClass": cold.entry.lot.epc_class}]
    elements = doc["sensorElementList"]
    assert len(elements) == 2
    report = elements[1]["sensorReport"][0]
    assert report == {"type": "Temperature", "value": -15, "uom": "CEL", "exception": "ALARM_CONDITION"}
    assert "exception" not in elements[0]["sensorReport"][0]
    assert elements[0]["sensorMetadata"]["deviceID"].startswith("urn:shian:device:")
    assert elements[0]["sensorMetadata"]["shian:location"] == "A区"
    assert doc["eventTime"] == elements[1]["sensorMetadata"]["time"]
    assert {r.event_id for r in result.stored} == {event.pk}


BAD = [
    ({"time": "yesterday", "value": -20}, "time", "time_invalid"),
    ({"value": -20}, "time", "time_invalid"),
    ({"time": (timezone.now() + timedelta(hours=1)).isoformat(), "value": -20}, "time", "time_future"),
    ({"time": "1990-01-01T00:00:00+08:00", "value": -20}, "time", "time_too_old"),
    ({"time": "2026-01-01T00:00:00+08:00", "value": "-20"}, "value", "value_not_number"),
    ({"time": "2026-01-01T00:00:00+08:00", "value": True}, "value", "value_not_number"),
    ({"time": "2026-01-01T00:00:00+08:00"}, "value", "value_not_number"),
    ({"time": "2026-01-01T00:00:00+08:00", "value": float("nan")}, "value", "value_not_number"),
    ({"time": "2026-01-01T00:00:00+08:00", "value": 500}, "value", "value_implausible"),
    ({"time": "2026-01-01T00:00:00+08:00", "value": -20, "device": "x" * 101}, "device", "device_invalid"),
    ({"time": "2026-01-01T00:00:00+08:00", "value": -20, "location": 7}, "location", "location_invalid"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("bad", "field", "code"), BAD, ids=[b[2] + str(i) for i, b in enumerate(BAD)])
def test_one_bad_reading_stores_nothing(cold: Cold, bad: dict[str, Any], field: str, code: str) -> None:
    good = {"time": "2026-01-01T01:00:00+08:00", "value": -20}
    events = EpcisEvent.objects.count()
    with pytest.raises(Invalid) as exc:
        services.record_readings(lot=cold.entry.lot, readings=[good, bad])
    err = exc.value
    assert err.code == "readings_invalid" and err.status == 400
    assert [(d["index"], d["field"], d["code"]) for d in err.details] == [(1, field, code)]
    assert not TemperatureReading.objects.exists() and EpcisEvent.objects.count() == events


@pytest.mark.django_db
def test_every_bad_reading_is_reported(cold: Cold) -> None:
    with pytest.raises(Invalid) as exc:
        services.record_readings(lot=cold.entry.lot, readings=[{"time": "x", "value": "y"}, {"time": "2026-01-01T00:00", "value": -20},
                                                               {"time": "2026-01-01T00:00", "value": -21}])
    assert [(d["index"], d["code"]) for d in exc.value.details] == [(0, "time_invalid"), (0, "value_not_number"), (2, "reading_repeated")]


@pytest.mark.django_db
def test_naive_times_are_china_time(cold: Cold) -> None:
    result = services.record_readings(lot=cold.entry.lot, readings=[{"time": "2026-01-01T08:00:00", "value": -20}])
    assert result.stored[0].measured_at == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_repeated_batch_is_skipped_a_changed_value_is_refused(cold: Cold) -> None:
    batch = _batch(-20, -19)
    services.record_readings(lot=cold.entry.lot, readings=batch)
    again = services.record_readings(lot=cold.entry.lot, readings=batch)
    assert again.stored == [] and again.duplicates == 2 and again.event is None
    assert TemperatureReading.objects.count() == 2
    changed = [{**batch[0], "value": -10}]
    with pytest.raises(Invalid) as exc:
        services.record_readings(lot=cold.entry.lot, readings=changed)
    assert exc.value.details[0]["code"] == "reading_conflict"


@pytest.mark.django_db
def test_readings_need_a_first_stop_lot(cold: Cold) -> None:
    from shian.trace import services as trace_services

    product = trace_services.product_create(owner=cold.world.op1, name="叉烧", category_code="B04")
    lot = trace_services.lot_create(product=product, lot_code="CS", production_date=timezone.localdate(), quantity=Decimal(1))
    with pytest.raises(Invalid) as exc:
        services.record_readings(lot=lot, readings=_batch(-20))
    assert exc.value.code == "lot_not_first_stop"
    with pytest.raises(Invalid) as exc:
        services.record_readings(lot=cold.entry.lot, readings=_batch(-20), step="flying")
    assert exc.value.code == "step_unknown"
    with pytest.raises(Invalid) as exc:
        services.record_readings(lot=cold.entry.lot, readings=[])
    assert exc.value.code == "readings_required"


@pytest.mark.django_db
def test_tolerance_changes_the_verdict(cold: Cold, settings: Any) -> None:
    settings.SHIAN_COLDCHAIN_TOLERANCE_C = "0.5"
    result = services.record_readings(lot=cold.entry.lot, readings=_batch(-17.6, -17.4))
    assert [r.excursion for r in result.stored] == [False, True]
    assert result.stored[0].limit_high == Decimal("-17.5")


@pytest.mark.django_db
def test_a_second_warehouse_lot_is_separate(cold: Cold) -> None:
    other = make_warehouse(cold.world, 51)
    e2 = register(other, lot_code="NO-1")
    services.record_readings(lot=e2.lot, readings=_batch(-10))
    services.record_readings(lot=cold.entry.lot, readings=_batch(-20))
    assert TemperatureReading.objects.filter(lot=e2.lot, excursion=True).count() == 1
    assert TemperatureReading.objects.filter(lot=cold.entry.lot, excursion=True).count() == 0
