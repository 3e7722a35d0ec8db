"""Risk fixtures on top of the shared world: op1 (a restaurant, B04 hot food, 蓬江区, owned by operator_user), op2
(a producer of meat products 104, 蓬江区), op3 (a retailer of pre-packaged food B01, 江海区). Helpers close inspections,
fail samples and list operators through the other modules' services (their test helpers), so the risk module reads
them only through its sources."""

from __future__ import annotations

from typing import Any

import pytest

from shian.inspection.models import Inspection
from shian.registry.models import Operator
from tests.conftest import World


@pytest.fixture(autouse=True)
def _no_credit_hooks() -> Any:
    """The inspection plan's credit extras are set aside unless a test asks for them (as in tests/inspection)."""
    from shian.inspection import hooks

    saved = (hooks._extra_frequency, hooks._credit_flags)
    yield
    hooks.set_extra_frequency(saved[0])
    hooks.set_credit_flags(saved[1])


def close_inspection(w: World, op: Operator, *, fail: tuple[str, ...] = ()) -> Inspection:
    """Draw ``op`` (the only one of its type in its district) and close its inspection with the checklist items in ``fail`` failing."""
    from shian.accounts.models import User
    from shian.inspection.models import InspectorProfile
    from tests.inspection.conftest import InspWorld, build_inspectors, close, draw

    iw = build_inspectors(w) if not InspectorProfile.objects.exists() else InspWorld(
        w, list(User.objects.filter(username__in=["inspector", "inspector2", "inspector3"]).order_by("username")),
        User.objects.get(username="inspector_jh"))
    types = set(op.types.values_list("code", flat=True))
    d = draw(iw, count=1, jurisdiction=op.jurisdiction.parent, type_codes=sorted(types))
    insp = d.inspections.get()
    assert insp.operator_id == op.pk
    assigned = insp.assignments.first()
    assert assigned is not None
    return close(insp, fail=fail, by=assigned.inspector)


def key_items(op: Operator) -> tuple[str, ...]:
    """Numbers of two key items of the checklist used for the operator's type."""
    from shian.inspection.services import templates_for

    template = templates_for([op.pk])[op.pk]
    return tuple(i.number for i in template.items.filter(key=True).order_by("order")[:2])
