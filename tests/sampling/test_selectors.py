"""Plain-row reads for the risk and credit modules, and the admin-editable limits table."""

from __future__ import annotations

import json
from datetime import date

import pytest

from shian.sampling import selectors, services
from shian.sampling.models import Limit
from tests.sampling.conftest import Labs, chlorpyrifos

pytestmark = pytest.mark.django_db


def test_sample_results_and_disposal_cases_rows(labs: Labs) -> None:
    w = labs.world
    failed = labs.failed(w.op1)
    ok = labs.take(w.op1)
    labs.receive(ok)
    labs.report(ok, [chlorpyrifos("0.01")])
    labs.take(w.op3)
    rows = selectors.sample_results([w.op1.pk], since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert [r["sample_id"] for r in rows] == [failed.pk, ok.pk]
    first = rows[0]
    assert first["operator_id"] == w.op1.pk and first["conclusion"] == "nonconforming" and first["nonconforming_items"] == ["chlorpyrifos"]
    assert first["disposal_status"] == "open" and not first["retested"] and rows[1]["disposal_status"] is None
    assert selectors.sample_results([w.op1.pk], since=date(2026, 4, 1)) == []
    services.retest_request(sample=failed, requested_on=date(2026, 3, 11))
    cases = selectors.disposal_cases([w.op1.pk, w.op3.pk])
    assert len(cases) == 1 and cases[0]["sample_id"] == failed.pk and cases[0]["due_on"] == date(2026, 6, 8) and not cases[0]["closed_late"]
    json.dumps(rows, default=str)  # plain data


def test_limits_are_edited_in_the_admin_and_logged(labs: Labs) -> None:
    admin = labs.world.client("admin")
    limit = Limit.objects.get(food_group__code="veg_celery", item_code="chlorpyrifos")
    assert admin.get("/admin/sampling/limit/").status_code == 200
    page = admin.get(f"/admin/sampling/limit/{limit.pk}/change/")
    assert page.status_code == 200 and "GB 2763-2021" in page.content.decode()
    assert admin.get("/admin/sampling/qualifiedlab/").status_code == 200
    assert admin.get("/admin/sampling/sample/").status_code == 200
    from shian.core.models import AuditEntry

    limit.value = limit.value / 2
    limit.save()
    assert AuditEntry.objects.filter(model="sampling.limit", object_pk=str(limit.pk), action="update").exists()
