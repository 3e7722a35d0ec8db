"""The credit demo: deterministic for a seed, written through the services where decisions are made."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shian.accounts.models import Organisation
from shian.credit import demo
from shian.credit.models import CreditRecord, HygieneGrade, Listing, RepairApplication, ViolationPoint
from shian.demo.models import SimulatedOperator
from shian.registry import services as registry
from tests.conftest import World, make_uscc

pytestmark = pytest.mark.django_db


def _population(w: World, n: int = 60) -> None:
    org = Organisation.objects.get(code="OP-1")
    for i in range(n):
        op = registry.operator_create(name=f"演示餐馆{i}", uscc=make_uscc(100 + i), legal_representative="演示",
                                      type_codes=["restaurant" if i % 2 else "retailer"], scope_codes=["B04"], address=f"江门市蓬江区演示路{i}号",
                                      jurisdiction=w.s1, owner_org=org)
        SimulatedOperator.objects.create(operator=op, quality=0.05 + 0.9 * (i % 10) / 10)


def _snapshot() -> tuple[object, ...]:
    return (sorted(CreditRecord.objects.values_list("operator__uscc", "kind", "severity", "occurred_on")),
            sorted(ViolationPoint.objects.values_list("operator__uscc", "points", "occurred_on")),
            Listing.objects.count(), RepairApplication.objects.count())


def test_demo_year(world: World) -> None:
    _population(world)
    end = timezone.localdate()
    start = end - timedelta(days=365)
    counts = demo.generate(20261125, start, end)
    assert counts["credit_records"] == CreditRecord.objects.count() > 0
    assert counts["credit_penalties"] > 0 and counts["credit_commitments"] > 0
    assert ViolationPoint.objects.exists() and HygieneGrade.objects.filter(kind="dynamic").exists()
    assert not ViolationPoint.objects.exclude(operator__types__code__in=["restaurant"]).exclude(source_ref__startswith="penalty:").exists()
    assert all(start <= d <= end for d in CreditRecord.objects.values_list("occurred_on", flat=True))
    assert demo.generate(20261125, start, end) == {"credit_records": counts["credit_records"]}  # already there: nothing more


def test_demo_is_deterministic(world: World) -> None:
    _population(world)
    end = timezone.localdate()
    start = end - timedelta(days=365)
    demo.generate(7, start, end)
    first = _snapshot()
    for model in (RepairApplication, Listing, ViolationPoint, HygieneGrade):
        model.objects.all().delete()
    CreditRecord.objects.all().delete()
    demo.generate(7, start, end)
    assert _snapshot() == first
