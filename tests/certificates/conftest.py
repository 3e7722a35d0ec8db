"""Certificate fixtures on top of the shared world: a farm owned by op1's organisation (蓬江区), a market
owned by op3's organisation (江海区), and helpers to issue through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shian.certificates import services
from shian.certificates.models import ProduceCertificate
from shian.registry import services as registry
from shian.registry.models import Operator
from tests.conftest import World, make_uscc

DAY = date(2026, 3, 2)


@dataclass
class Produce:
    world: World
    farm: Operator  # 甲农场, type farm, 蓬江区/环市街道, owned by operator_user's organisation (with op1)
    market: Operator  # 丙农贸市场, type market, 江海区/外海街道, owned by other_operator_user's organisation (with op3)

    def issue(self, **kwargs: Any) -> ProduceCertificate:
        fields: dict[str, Any] = {"issuer": self.farm, "product_name": "菜心", "category_code": "A01", "quantity": Decimal(500), "unit": "kg",
                                  "issued_on": DAY, "basis": "self_test"}
        fields.update(kwargs)
        return services.certificate_issue(**fields)


def build_produce(world: World) -> Produce:
    farm = registry.operator_create(name="江门市甲农场", uscc=make_uscc(41), legal_representative="陈四", type_codes=["farm"],
                                    scope_codes=["A01", "A04"], address="江门市蓬江区荷塘镇农场路4号", jurisdiction=world.s1, phone="0750-4444444",
                                    owner_org=world.users["operator_user"].organisation)
    market = registry.operator_create(name="江门市丙农贸市场", uscc=make_uscc(51, "440704"), legal_representative="周五", type_codes=["market"],
                                      scope_codes=["B01"], address="江门市江海区市场路5号", jurisdiction=world.s2, phone="0750-5555555",
                                      owner_org=world.users["other_operator_user"].organisation)
    return Produce(world, farm, market)


@pytest.fixture
def produce(world: World) -> Produce:
    return build_produce(world)
