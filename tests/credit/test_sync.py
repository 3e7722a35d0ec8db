"""Facts from the inspection and sampling modules, created through their services, reach the credit file
through ``credit.sources`` (idempotent sync); restaurants get violation points and dynamic hygiene grades;
the inspection plan honours the joint sanctions."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from shian.core import audit
from shian.core.models import AuditEntry
from shian.credit import selectors, services, sources
from shian.credit.models import CreditRecord, HygieneGrade, ViolationPoint
from shian.inspection import planning
from shian.inspection import services as inspection_services
from shian.inspection.models import PlanItem
from shian.inspection.services import AnswerIn
from shian.sampling.models import Sample
from tests.conftest import World
from tests.credit.conftest import listed, penalty
from tests.inspection.conftest import InspWorld, build_inspectors, close, draw

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)  # the inspection fixtures close on 2026-03-10
AFTER = date(2026, 4, 1)


@pytest.fixture
def iw(world: World) -> InspWorld:
    return build_inspectors(world)


def test_inspections_become_records_points_and_smileys(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    close(d.inspections.get(operator=w.op1), fail=("3.2", "4.1", "1.2"), by=iw.inspectors[0], rectification_days=5)  # 2 key items
    close(d.inspections.get(operator=w.op2), fail=("2.1",), by=iw.inspectors[0])  # a general item: basically compliant
    facts = {f.operator_id: f for f in sources.inspection_facts([w.op1.pk, w.op2.pk])}
    assert facts[w.op1.pk].outcome == "non_compliant" and facts[w.op1.pk].key_failures == 2
    assert facts[w.op2.pk].outcome == "basically_compliant"

    result = services.sync(today=AFTER)
    assert (result.created, result.points, result.hygiene) == (1, 2, 1)
    record = CreditRecord.objects.get()
    assert (record.operator_id, record.kind, record.severity, record.occurred_on) == (w.op1.pk, "inspection", "moderate", DAY)
    assert record.source_ref.startswith("inspection:") and record.source_url.startswith("/inspections/")
    assert "不符合" in record.title or "Non-compliant" in record.title  # Chinese once the catalog is merged
    assert sorted(ViolationPoint.objects.values_list("points", flat=True)) == [2, 2]
    grade = HygieneGrade.objects.get()
    assert (grade.operator_id, grade.kind, grade.grade) == (w.op1.pk, "dynamic", "flat")  # op2 is a producer: no smiley

    again = services.sync(today=AFTER)  # idempotent by source reference
    assert (again.created, again.updated, again.withdrawn, again.points, again.hygiene) == (0, 0, 0, 0, 0)
    assert CreditRecord.objects.count() == 1 and ViolationPoint.objects.count() == 2


def test_an_amended_inspection_withdraws_the_record(iw: InspWorld) -> None:
    w = iw.world
    insp = close(draw(iw, count=2).inspections.get(operator=w.op1), fail=("3.2",), by=iw.inspectors[0], rectification_days=5)
    services.sync(today=AFTER)
    assert CreditRecord.objects.get().severity == "moderate"
    assert insp.template is not None
    item = insp.template.items.get(number="3.2")
    inspection_services.amendment_create(inspection=insp, answers=[AnswerIn(item.pk, "pass", "复核后符合")], reason="复核更正",
                                         by=iw.inspectors[0])
    result = services.sync(today=AFTER)
    assert result.withdrawn == 1
    record = CreditRecord.objects.get()
    assert record.withdrawn and selectors.profile(w.op1, public=True, today=AFTER).records == []
    assert ViolationPoint.objects.get().withdrawn
    assert HygieneGrade.objects.get().grade == "laugh"


def test_no_smiley_within_three_months_of_a_new_licence(iw: InspWorld) -> None:
    from shian.registry import services as registry

    w = iw.world
    registry.licence_create(operator=w.op1, kind="business", number="JY14407030000099", issued_on=date(2026, 2, 1), expires_on=date(2031, 1, 31),
                            authority="蓬江区市场监督管理局", scope_codes=["B04"])
    close(draw(iw, count=2).inspections.get(operator=w.op1), by=iw.inspectors[0])
    services.sync(today=AFTER)
    assert not HygieneGrade.objects.exists()
    hygiene = selectors.profile(w.op1, public=True, today=AFTER).hygiene
    assert hygiene is not None and hygiene.dynamic is None and hygiene.quiet_until == date(2026, 5, 1)


def test_annual_hygiene_grade(iw: InspWorld) -> None:
    w = iw.world
    close(draw(iw, count=2).inspections.get(operator=w.op1), fail=("1.2",), by=iw.inspectors[0])  # basically compliant: 85
    assert services.hygiene_annual(year=2026) == 1
    grade = HygieneGrade.objects.get(kind="annual")
    assert (grade.operator_id, grade.grade, float(grade.score or 0), grade.year) == (w.op1.pk, "B", 85.0, 2026)
    logged = AuditEntry.objects.filter(model="credit.hygienegrade", object_pk=str(grade.pk))
    assert sorted(logged.values_list("action", flat=True)) == ["create", "credit.hygiene_graded"]
    assert logged.get(action="credit.hygiene_graded").data == {"kind": "annual", "year": 2026, "grade": "B", "score": "85.0"}
    assert services.hygiene_annual(year=2026) == 1 and HygieneGrade.objects.filter(kind="annual").count() == 1
    assert logged.count() == 2  # an unchanged grade is not written or logged again
    HygieneGrade.objects.filter(pk=grade.pk).update(grade="C", score=70)  # as if graded before an amendment
    assert services.hygiene_annual(year=2026) == 1
    grade.refresh_from_db()
    assert (grade.grade, logged.count(), logged.filter(action="update").count()) == ("B", 4, 1)
    assert audit.verify()[1] == []
    out = StringIO()
    call_command("credit", "hygiene", "--year", "2026", stdout=out)
    assert "2026" in out.getvalue()


def test_nonconforming_samples_become_records(world: World) -> None:
    from tests.sampling.conftest import build_labs

    labs = build_labs(world)
    failed = labs.failed(world.op1, number="CR-1")
    labs.failed(world.op2, number="CR-2", purpose=Sample.Purpose.MONITORING)  # monitoring: never a credit record
    good = labs.take(world.op3, number="CR-3")
    assert good.conclusion == "pending"
    facts = sources.sampling_facts([world.op1.pk, world.op2.pk, world.op3.pk])
    assert {f.label for f in facts} >= {"CR-1"} and "CR-3" not in {f.label for f in facts}
    result = services.sync(today=AFTER)
    record = CreditRecord.objects.get()
    assert (record.operator_id, record.kind, record.severity, record.source_ref) == (world.op1.pk, "sampling", "moderate", f"sample:{failed.pk}")
    assert "CR-1" in record.title
    assert result.points == 1 and ViolationPoint.objects.get().points == 2  # op1 is a restaurant


def test_sync_job_and_command(world: World) -> None:
    from shian.core import jobs

    job = jobs.submit("credit.sync", params={"today": "2026-04-01"}, by=world.users["city_regulator"])
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["operators"] == 3
    out = StringIO()
    call_command("credit", "sync", "--today", "2026-04-01", stdout=out)
    assert "3" in out.getvalue()


def test_the_inspection_plan_honours_sanctions(world: World) -> None:
    """Listed op2 gets 2 extra inspections a year, op1 with a serious penalty (level C) 1, through the inspection hooks."""
    listed(world, world.op2)
    penalty(world, world.op1, severity="serious")
    facts = {f.id: f for f in planning.load_operators(planning.operators_in(world.d1.path).values("pk"), year=2027)}
    assert (facts[world.op1.pk].extra, facts[world.op2.pk].extra) == (1, 2)
    plan = inspection_services.plan_generate(jurisdiction=world.d1, year=2027, frequencies={"A": 1, "B": 1, "C": 1, "D": 1},
                                             by=world.users["district_regulator"])
    counts = {op: PlanItem.objects.filter(plan=plan, operator_id=op).count() for op in (world.op1.pk, world.op2.pk)}
    assert counts == {world.op1.pk: 2, world.op2.pk: 3}
