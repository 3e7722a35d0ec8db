"""Sampling fixtures on top of the shared world: three qualified laboratories (LAB-1 of lab_user, LAB-2 and
LAB-3 with their own users) and helpers that take, receive and report samples through the services.

Dates are in March 2026 (no public holiday): Monday 2 March is the usual sampling day.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shian.accounts import services as accounts
from shian.accounts.models import Organisation, User
from shian.core.access import Role
from shian.registry.models import Operator
from shian.sampling import services
from shian.sampling.models import FoodGroup, QualifiedLab, Report, Sample
from tests.conftest import PASSWORD, World

DAY = date(2026, 3, 2)
_numbers = itertools.count(1)


@dataclass
class Labs:
    world: World
    lab1: Organisation
    lab2: Organisation
    lab3: Organisation
    users: dict[str, User]

    @property
    def samplers(self) -> list[User]:
        return [self.world.users["district_regulator"], self.world.users["station_officer"]]

    def take(self, operator: Operator | None = None, *, group: str = "veg_leafy", number: str | None = None, on: date = DAY,
             purpose: str = Sample.Purpose.ENFORCEMENT, lab: Organisation | None = None, **extra: Any) -> Sample:
        return services.sample_create(
            number=number or f"T{next(_numbers):06d}", operator=operator or self.world.op2, place="江门市蓬江区港口路2号", product_name="菜心",
            food_group=FoodGroup.objects.get(code=group), sampled_on=on, samplers=self.samplers, seal_number="FZ-001", quantity=Decimal("2"),
            price_paid=Decimal("12.50"), lab=lab or self.lab1, purpose=purpose, by=self.world.users["district_regulator"], **extra)

    def receive(self, sample: Sample, on: date = date(2026, 3, 4), round: str = Report.Round.FIRST) -> Sample:
        user = self.world.users["lab_user"] if round == Report.Round.FIRST else self.users[f"{sample.retest.lab.code.lower()}"]
        return services.sample_receive(sample=sample, round=round, received_on=on, by=user)

    def report(self, sample: Sample, items: list[services.ItemIn], on: date = date(2026, 3, 10), round: str = Report.Round.FIRST) -> Report:
        return services.reports_post(reports=[services.ReportIn(sample=sample, items=items, round=round, reported_on=on)],
                                     by=self.world.users["lab_user"])[0]

    def failed(self, operator: Operator | None = None, **kw: Any) -> Sample:
        """A sample whose first result is non-conforming (chlorpyrifos 0.5 mg/kg in a leafy vegetable, limit 0.02)."""
        sample = self.take(operator, **kw)
        self.receive(sample)
        self.report(sample, [chlorpyrifos("0.5"), lead("0.1")])
        return Sample.objects.get(pk=sample.pk)


def chlorpyrifos(value: str, unit: str = "mg/kg") -> services.ItemIn:
    return services.ItemIn(item="毒死蜱", value=value, unit=unit, method_standard="GB 23200.113-2018")


def lead(value: str, unit: str = "mg/kg") -> services.ItemIn:
    return services.ItemIn(item="lead", value=value, unit=unit, method_standard="GB 5009.12-2017")


def build_labs(world: World) -> Labs:
    lab1 = Organisation.objects.get(code="LAB-1")
    lab2 = accounts.organisation_create(code="LAB-2", name="广东省食品检验所", kind=Organisation.Kind.LAB, jurisdiction=world.city)
    lab3 = accounts.organisation_create(code="LAB-3", name="佛山市食品检验检测中心", kind=Organisation.Kind.LAB, jurisdiction=None)
    for lab in (lab1, lab2, lab3):
        QualifiedLab.objects.create(organisation=lab, retest=True)
    users = {"lab-2": accounts.user_create(username="lab2_user", password=PASSWORD, role=Role.LAB, organisation=lab2),
             "lab-3": accounts.user_create(username="lab3_user", password=PASSWORD, role=Role.LAB, organisation=lab3)}
    return Labs(world, lab1, lab2, lab3, users)


@pytest.fixture
def labs(world: World) -> Labs:
    return build_labs(world)
