"""The demo: a year of plans, draws, inspections and rectification on the test world, outcomes driven by hidden quality."""

from __future__ import annotations

from datetime import date

import pytest

from shian.core import audit
from shian.core.models import AuditEntry
from shian.demo.models import SimulatedOperator
from shian.inspection import demo, selectors, verification
from shian.inspection.models import Draw, Inspection
from shian.rectification.models import RectificationOrder
from tests.conftest import World


@pytest.mark.django_db
def test_demo_year(world: World) -> None:
    for op, q in ((world.op1, 0.95), (world.op2, 0.05), (world.op3, 0.5)):
        SimulatedOperator.objects.create(operator=op, quality=q)
    counts = demo.generate(seed=7, start=date(2025, 11, 25), end=date(2026, 11, 25))
    assert counts["plans"] == 4 and counts["inspectors"] == 3  # two districts × two years; three at the 环市 station
    assert counts["draws"] >= 1 and counts["draws_refused"] >= 1  # 江海区 has no inspectors in this world
    assert all(verification.verify(d) == [] for d in Draw.objects.all())
    closed = list(Inspection.objects.filter(status="closed"))
    assert closed and all(i.record_hash and i.publish_due for i in closed)
    assert AuditEntry.objects.filter(action="inspection.closed").count() == len(closed)
    rows = selectors.closed_inspections(None, date(2025, 1, 1), date(2026, 12, 31))
    assert len(rows) == len(closed)
    failures = {op: sum(r.key_failures + r.general_failures for r in rows if r.operator_id == op) for op in (world.op1.pk, world.op2.pk)}
    assert failures[world.op2.pk] > failures[world.op1.pk]  # the careless producer fails more items
    assert RectificationOrder.objects.filter(operator=world.op2).exists()
    assert audit.verify()[1] == []
    again = demo.generate(seed=7, start=date(2025, 11, 25), end=date(2026, 11, 25))
    assert again.get("plans", 0) == 0  # idempotent per district and year
