"""The cold-chain demo data goes through the services and is valid."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from shian.coldchain import demo
from shian.coldchain.models import FirstStopEntry, TemperatureReading
from shian.epcis.models import EpcisEvent
from shian.epcis.validator import validate_events
from shian.trace.models import Shipment
from tests.coldchain.conftest import make_warehouse
from tests.conftest import World


@pytest.mark.django_db
def test_generate(world: World) -> None:
    warehouse = make_warehouse(world)
    today = timezone.localdate()
    n = demo.generate([warehouse, world.op1], [world.op3], [world.op1, world.op2, world.op3], random.Random(7), today - timedelta(days=30),
                      today + timedelta(days=10), per_warehouse=12)
    assert n == 12 == FirstStopEntry.objects.count()  # op1 is not a cold store: skipped
    statuses = set(FirstStopEntry.objects.values_list("status", flat=True))
    assert "released" in statuses
    assert TemperatureReading.objects.exists()
    assert not TemperatureReading.objects.filter(measured_at__gt=timezone.now()).exists()
    assert FirstStopEntry.objects.filter(status="released").count() >= Shipment.objects.count()
    assert validate_events([e.document for e in EpcisEvent.objects.all()]).ok
    assert demo.generate([warehouse], [], [], random.Random(1), today + timedelta(days=1), today + timedelta(days=2)) == 0
