"""Rectification: orders with working-day deadlines, the operator's online report, review
(accept / reject with a new deadline / re-inspect), overdue marking (job and command), events,
selectors for risk/credit, on-time rate."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from shian.core import calendar, jobs
from shian.core.errors import Conflict, Invalid
from shian.core.models import AuditEntry
from shian.rectification import selectors, services
from shian.rectification.models import RectificationOrder
from tests.conftest import World
from tests.inspection.conftest import NOW, InspWorld, close, draw

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
Status = RectificationOrder.Status


def issue(w: World, **kw: object) -> RectificationOrder:
    defaults: dict[str, object] = {"operator": w.op1, "source_app": "kitchen", "source_id": "evt-17", "source_title": "AI抓拍：未戴厨师帽",
                                   "findings": "后厨人员未戴厨师帽", "working_days": 5, "issued_at": NOW, "by": w.users["station_officer"]}
    defaults.update(kw)
    return services.order_issue(**defaults)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_inspection_orders_rectification_when_items_fail(iw: InspWorld) -> None:
    w = iw.world
    insp = close(draw(iw, count=2).inspections.get(operator=w.op1), fail=("5.1",), by=iw.inspectors[0], rectification_days=10)
    order = RectificationOrder.objects.get(source_app="inspection", source_id=str(insp.pk))
    assert order.operator == w.op1 and order.issued_by == iw.inspectors[0] and "5.1" in order.findings
    assert order.deadline == calendar.add_working_days(NOW.date(), 10)
    # a compliant inspection orders nothing
    close(insp.draw.inspections.get(operator=w.op2), by=iw.inspectors[0], rectification_days=10)
    assert RectificationOrder.objects.count() == 1


@pytest.mark.django_db
def test_the_loop_accept_on_time(world: World) -> None:
    order = issue(world)
    assert order.deadline == calendar.add_working_days(NOW.date(), 5) and order.status == Status.OPEN
    response = services.response_submit(order=order, notes="已培训员工，佩戴厨师帽", uploads=[services.Upload(io.BytesIO(PNG), "整改.png")],
                                        submitted_at=NOW + timedelta(days=2), by=world.users["operator_user"])
    assert response.on_time and response.photos.count() == 1
    with pytest.raises(Conflict) as exc:
        services.response_submit(order=order, notes="again")
    assert exc.value.code == "rectification_not_open"
    services.order_review(order=order, decision="accept", reviewed_at=NOW + timedelta(days=3), by=world.users["station_officer"])
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.closed_on_time is True
    actions = list(AuditEntry.objects.filter(operator_id=world.op1.pk, kind="event", action__startswith="rectification.").values_list("action", flat=True))
    assert actions == ["rectification.issued", "rectification.answered", "rectification.closed"]
    rows = selectors.closed_orders([world.op1.pk], NOW.date(), NOW.date() + timedelta(days=5))
    assert [(r.order_id, r.source_app, r.closed_on_time) for r in rows] == [(order.pk, "kitchen", True)]
    with pytest.raises(Conflict):
        services.order_review(order=order, decision="accept")


@pytest.mark.django_db
def test_reject_reinspect_and_overdue(world: World) -> None:
    order = issue(world, issued_at=datetime(2026, 1, 5, 9, tzinfo=timezone.get_fixed_timezone(480)))
    late_day = order.deadline + timedelta(days=3)
    assert services.mark_overdue(today=late_day) == 1
    assert services.mark_overdue(today=late_day) == 0  # once per deadline
    order.refresh_from_db()
    assert order.overdue_at and order.times_overdue == 1
    event = AuditEntry.objects.get(action="rectification.overdue")
    assert event.operator_id == world.op1.pk
    assert [r.order_id for r in selectors.overdue_orders([world.op1.pk])] == [order.pk]
    services.response_submit(order=order, notes="已整改", by=world.users["operator_user"])
    assert not RectificationOrder.objects.get(pk=order.pk).responses.get().on_time
    services.order_review(order=order, decision="reinspect", note="需现场复查")
    assert RectificationOrder.objects.get(pk=order.pk).status == Status.REINSPECTION
    with pytest.raises(Conflict):
        services.order_review(order=order, decision="reinspect")
    review = services.order_review(order=order, decision="reject", note="复查仍未整改", working_days=3)
    order.refresh_from_db()
    assert order.status == Status.OPEN and order.deadline == review.new_deadline and order.overdue_at is None
    services.response_submit(order=order, notes="再次整改", by=world.users["operator_user"])
    services.order_review(order=order, decision="accept")
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.closed_on_time is False  # it went overdue once


@pytest.mark.django_db
def test_overdue_job_and_command(world: World) -> None:
    issue(world, issued_at=datetime(2026, 1, 5, 9, tzinfo=timezone.get_fixed_timezone(480)))
    job = jobs.submit("rectification.mark_overdue", by=world.users["admin"])
    assert job.status == "succeeded" and job.result == {"marked": 1}
    issue(world, source_id="evt-18", issued_at=datetime(2026, 1, 6, 9, tzinfo=timezone.get_fixed_timezone(480)))
    out = io.StringIO()
    call_command("rectification_overdue", stdout=out)
    assert out.getvalue().startswith("1 ")


@pytest.mark.django_db
def test_bad_input(world: World) -> None:
    with pytest.raises(Invalid) as exc:
        issue(world, working_days=0)
    assert exc.value.code == "working_days_range"
    with pytest.raises(Invalid) as exc:
        issue(world, findings="  ")
    assert exc.value.code == "findings_required"
    order = issue(world)
    with pytest.raises(Invalid) as exc:
        services.response_submit(order=order, notes="ok", uploads=[services.Upload(io.BytesIO(b"<html>"), "x.html")])
    assert exc.value.code == "document_type"
    assert RectificationOrder.objects.get(pk=order.pk).status == Status.OPEN  # nothing half-written
    with pytest.raises(Invalid):
        services.order_review(order=order, decision="maybe")


@pytest.mark.django_db
def test_on_time_rate(world: World) -> None:
    a = issue(world)
    services.response_submit(order=a, notes="ok", submitted_at=NOW)
    services.order_review(order=a, decision="accept", reviewed_at=NOW)
    issue(world, source_id="late", issued_at=datetime(2026, 1, 5, 9, tzinfo=timezone.get_fixed_timezone(480)))
    rows = selectors.on_time_rate(world.users["district_regulator"].principal, since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert [(r.jurisdiction, r.due, r.on_time, r.open_overdue) for r in rows] == [("蓬江区", 2, 1, 1)]
    assert rows[0].rate == 0.5
    assert selectors.on_time_rate(world.users["other_district_regulator"].principal, since=date(2026, 1, 1), until=date(2026, 12, 31)) == []
