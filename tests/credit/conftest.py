"""Credit fixtures on top of the shared world: helpers that enter records, list operators and close
inspections through the services. op1 (甲餐饮, a restaurant in 蓬江区) is the catering operator, op2
a producer in 蓬江区, op3 a retailer in 江海区.

Dates are relative to today (the pages judge by today) unless a test passes its own ``today``.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from shian.credit import rules, services
from shian.credit.models import CreditRecord, Listing
from shian.registry.models import Operator
from tests.conftest import World

_numbers = count(1)


def today() -> date:
    return timezone.localdate()


def months_ago(n: int, days: int = 0) -> date:
    return rules.add_months(today(), -n) - timedelta(days=days)


def penalty(w: World, op: Operator, *, severity: str = "moderate", on: date | None = None, number: str | None = None,
            by: str = "district_regulator", **extra: Any) -> CreditRecord:
    """A penalty entered by a regulator (行政处罚决定书 with a unique number)."""
    return services.record_create(operator=op, kind="penalty", severity=severity, title=extra.pop("title", "未按规定查验进货票证"),
                                  occurred_on=on or months_ago(1), legal_ground=extra.pop("legal_ground", "《食品安全法》第一百二十六条"),
                                  decision_number=number or f"江蓬市监罚〔2026〕{next(_numbers)}号", facts=extra.pop("facts", "现场检查发现"),
                                  by=w.users[by], **extra)


def listed(w: World, op: Operator, *, on: date | None = None) -> Listing:
    """op put on the serious-violation list ``on`` (default: two months ago) for a serious penalty decided a week before."""
    on = on or months_ago(2)
    p = penalty(w, op, severity="serious", on=on - timedelta(days=7), title="使用非食品原料加工食品", today=on)
    proposal = services.listing_propose(penalty=p, ground="licence_revoked", facts="使用非食品原料，吊销许可证", proposed_on=on,
                                        by=w.users["station_officer"])
    return services.listing_decide(listing=proposal, approve=True, decided_on=on, by=w.users["district_regulator"])
