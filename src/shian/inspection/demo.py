"""The demo city's inspections: a year of plans, double-random draws, inspections, publication and
rectification, with outcomes driven by each operator's hidden quality
(:class:`shian.demo.models.SimulatedOperator`): a poorly run business fails more checklist items,
answers its rectification orders late or not at all.

Plans and draws go through the services (so every draw is verifiable from its seed); filling in
and closing thousands of checklists uses bulk writes instead of one service call per inspection,
but writes the same ``inspection.closed`` event per inspection (with its result, failed items and
record hash) and the ``rectification.*`` events, so the dossier timelines and the risk/credit
selectors see what real use would produce. Deterministic for a seed except the QR verification
codes (random by design).

Call ``generate(seed=..., start=..., end=...)`` after the registry's demo operators exist.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Organisation, User
from shian.core import audit
from shian.core.access import Role
from shian.core.calendar import add_working_days_many
from shian.core.context import acting_as
from shian.core.db import bulk_insert, refresh_planner_statistics
from shian.core.errors import Invalid
from shian.core.models import AuditEntry, Jurisdiction
from shian.demo.models import SimulatedOperator
from shian.inspection import records, rules, services
from shian.inspection.models import Answer, ChecklistItem, Inspection, InspectionInspector, InspectionPlan, InspectorProfile, PlanItem
from shian.rectification.models import RectificationOrder, Response, Review
from shian.rectification.rules import DEFAULT_WORKING_DAYS
from shian.registry.models import Operator

INSPECTORS_PER_STATION = 3
DRAW_PERCENT = Decimal(80)  # share of a quarter's planned inspections drawn (the rest wait for the next draw)
NOT_DONE = 0.04  # drawn inspections not carried out by the end of the period
UNPUBLISHED = 0.12  # closed results nobody published (they show on the overdue list)
TZ = timezone.get_fixed_timezone(480)


def _event(action: str, obj_label: str, pk: Any, operator_id: int | None, data: dict[str, Any]) -> AuditEntry:
    # One event per record written in bulk: the same entry record_event would write, chained in one append.
    return audit.event_entry(action, model=obj_label, object_pk=pk, operator_id=operator_id, data=data)


def _inspectors(rng: random.Random) -> int:
    """Three qualified inspectors per street station (the ``inspector`` persona is one of its station's)."""
    stations = list(Organisation.objects.filter(kind=Organisation.Kind.STATION).order_by("code"))
    have = set(InspectorProfile.objects.values_list("user_id", flat=True))
    persona = User.objects.filter(username="inspector").first()
    users: list[User] = []
    password = make_password(None)  # unusable: demo inspectors do not log in (the persona does)
    for org in stations:
        for i in range(1, INSPECTORS_PER_STATION + 1):
            if persona is not None and persona.organisation_id == org.pk and i == 1:
                continue
            users.append(User(username=f"insp-{org.code[3:]}-{i}", role=Role.INSPECTOR, organisation=org, password=password,
                              display_name=f"{org.name.removesuffix('市场监管所')}检查员{i}"))
    names = [u.username for u in users]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    new = [u for u in users if u.username not in existing]
    User.objects.bulk_create(new, batch_size=500)
    audit.record_changes_bulk(list(User.objects.filter(username__in=[u.username for u in new])), operator=lambda u: None)
    users = list(User.objects.filter(username__in=names).select_related("organisation"))
    if persona is not None:
        users.append(persona)
    def badge(u: User) -> str:  # the station's division code and the inspector's number there (the persona is 00)
        station = u.organisation.code[3:] if u.organisation else "0"
        return f"JM{station}{int(u.username.rsplit('-', 1)[1]) if u.username.startswith('insp-') else 0:02d}"

    profiles = [InspectorProfile(user=u, badge_number=badge(u)) for u in users if u.pk not in have]
    InspectorProfile.objects.bulk_create(profiles)
    return len(profiles)


def _quarters(start: date, end: date) -> list[tuple[int, int, date, date]]:
    """(year, quarter, first day, last day) of every quarter that starts within [start's quarter, end]."""
    out: list[tuple[int, int, date, date]] = []
    year, q = start.year, (start.month - 1) // 3 + 1
    while True:
        first = date(year, 3 * q - 2, 1)
        if first > end:
            return out
        last = (date(year + (q == 4), (3 * q) % 12 + 1, 1)) - timedelta(days=1)
        out.append((year, q, first, last))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), tzinfo=TZ)


class _Simulation:
    def __init__(self, rng: random.Random, start: date, end: date) -> None:
        self.rng = rng
        self.start = start
        self.end = end
        self.quality = dict(SimulatedOperator.objects.values_list("operator_id", "quality"))
        self.items: dict[int, list[ChecklistItem]] = defaultdict(list)
        for item in ChecklistItem.objects.order_by("template_id", "order"):
            self.items[item.template_id].append(item)
        self.counts: dict[str, int] = defaultdict(int)

    def close_quarter(self, inspections: list[Inspection], first: date, last: date) -> list[Inspection]:
        """Fill in and close the drawn inspections of a quarter that were carried out by the end of the period."""
        rng = self.rng
        ops = {o.pk: o for o in Operator.objects.filter(pk__in=[i.operator_id for i in inspections]).only("id", "uscc", "name", "legal_representative")}
        team: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for insp_id, uid, badge in InspectionInspector.objects.filter(inspection__in=inspections).values_list(
                "inspection_id", "inspector_id", "inspector__inspector_profile__badge_number"):
            team[insp_id].append((uid, badge))
        window = max(1, (min(last, self.end) - max(first, self.start)).days)
        closed: list[Inspection] = []
        answers: list[Answer] = []
        for insp in inspections:
            day = max(first, self.start) + timedelta(days=rng.randrange(window + 1))
            if day > self.end or rng.random() < NOT_DONE or insp.template_id is None:
                continue
            q = self.quality.get(insp.operator_id, 0.7)
            p_key, p_general = 0.005 + 0.08 * (1 - q) ** 2, 0.01 + 0.08 * (1 - q)
            mine = []
            for item in self.items[insp.template_id]:
                failed = rng.random() < (p_key if item.key else p_general)
                mine.append(Answer(inspection=insp, item=item, outcome="fail" if failed else "pass", note="现场发现问题" if failed else ""))
            insp.answers_cache = mine  # type: ignore[attr-defined]
            answers += mine
            failed_items = [a for a in mine if a.outcome == "fail"]
            insp.key_failures = sum(1 for a in failed_items if a.item.key)
            insp.general_failures = len(failed_items) - insp.key_failures
            insp.failed_items = [a.item.number for a in failed_items]
            insp.result = rules.compute_result(key_failures=insp.key_failures, general_failures=insp.general_failures)
            insp.inspected_at = _moment(day, rng)
            insp.closed_at = insp.inspected_at + timedelta(hours=1)
            insp.closed_by_id = team[insp.pk][0][0] if team[insp.pk] else None
            op = ops[insp.operator_id]
            insp.representative_name = op.legal_representative
            insp.representative_signature = f"已阅 {op.legal_representative}"
            insp.acknowledged_at = insp.closed_at
            insp.status = Inspection.Status.CLOSED
            closed.append(insp)
        if not closed:
            return []
        bulk_insert(Answer, answers)
        dues = add_working_days_many([timezone.localdate(i.closed_at) for i in closed], rules.PUBLISH_WORKING_DAYS)  # type: ignore[arg-type]
        events = []
        for insp, due in zip(closed, dues, strict=True):
            insp.publish_due = due
            closed_at: datetime = insp.closed_at  # type: ignore[assignment]  # set above
            if rng.random() >= UNPUBLISHED:
                published = closed_at + timedelta(days=rng.randint(2, 30))
                insp.published_at = published if timezone.localdate(published) <= self.end else None
            keys = [badge for _uid, badge in team[insp.pk]]
            insp.record_hash = records.digest(records.content(insp, insp.answers_cache, keys, []))  # type: ignore[attr-defined]
            events.append(_event("inspection.closed", "inspection.inspection", insp.pk, insp.operator_id, {
                "result": insp.result, "scope": insp.scope, "key_failures": insp.key_failures, "general_failures": insp.general_failures,
                "failed_items": insp.failed_items, "inspected_on": timezone.localdate(insp.inspected_at).isoformat(),  # type: ignore[arg-type]
                "draw": insp.draw_id, "record_hash": insp.record_hash, "simulated": True}))
        Inspection.objects.bulk_update(closed, ["status", "inspected_at", "representative_name", "representative_signature", "acknowledged_at",
                                                "result", "key_failures", "general_failures", "failed_items", "closed_at", "closed_by",
                                                "record_hash", "publish_due", "published_at"], batch_size=500)
        audit.append(events)
        self.counts["inspections_closed"] += len(closed)
        self.counts["non_compliant"] += sum(1 for i in closed if i.result == "non_compliant")
        return closed

    def rectify(self, closed: list[Inspection]) -> None:
        """Order rectification where items failed; the operator's quality decides whether it answers on time, late or never."""
        rng = self.rng
        failing = [i for i in closed if i.failed_items and rng.random() < 0.9]
        if not failing:
            return
        deadlines = add_working_days_many([timezone.localdate(i.closed_at) for i in failing], DEFAULT_WORKING_DAYS)  # type: ignore[arg-type]
        orders = []
        for insp, deadline in zip(failing, deadlines, strict=True):
            day = timezone.localdate(insp.inspected_at).isoformat()  # type: ignore[arg-type]
            orders.append(RectificationOrder(operator_id=insp.operator_id, source_app="inspection", source_id=str(insp.pk),
                                             source_title=f"监督检查 {day}：{'不符合' if insp.result == 'non_compliant' else '基本符合'}",
                                             findings="不符合项：" + "、".join(insp.failed_items), working_days=DEFAULT_WORKING_DAYS, deadline=deadline,
                                             issued_by_id=insp.closed_by_id, issued_at=insp.closed_at))  # type: ignore[misc]  # closed above
        bulk_insert(RectificationOrder, orders)
        responses, reviews, events, changed = [], [], [], []
        for order in orders:
            events.append(_event("rectification.issued", "rectification.rectificationorder", order.pk, order.operator_id,
                                 {"source_app": "inspection", "source_id": order.source_id, "deadline": order.deadline.isoformat()}))
            q = self.quality.get(order.operator_id, 0.7)
            r = rng.random()
            issued = timezone.localdate(order.issued_at)
            span = max(1, (order.deadline - issued).days)
            if r < 0.6 + 0.35 * q:
                answered = issued + timedelta(days=rng.randint(1, span))
            elif r < 0.75 + 0.2 * q:
                answered = order.deadline + timedelta(days=rng.randint(1, 20))
            else:
                answered = None
            if answered is not None and answered > self.end:
                answered = None
            if (answered is None or answered > order.deadline) and order.deadline < self.end:
                order.times_overdue = 1
                order.overdue_at = datetime.combine(order.deadline + timedelta(days=1), time(1), tzinfo=TZ)
                events.append(_event("rectification.overdue", "rectification.rectificationorder", order.pk, order.operator_id,
                                     {"source_app": "inspection", "source_id": order.source_id, "deadline": order.deadline.isoformat()}))
            if answered is None:
                changed.append(order)
                continue
            on_time = answered <= order.deadline
            responses.append(Response(order=order, notes="已按要求整改，附整改前后对比照片。", submitted_at=_moment(answered, rng), on_time=on_time))
            accepted = answered + timedelta(days=rng.randint(1, 5))
            if accepted <= self.end:
                reviews.append(Review(order=order, decision="accept", note="整改到位", reviewed_by_id=order.issued_by_id, reviewed_at=_moment(accepted, rng)))
                order.status = RectificationOrder.Status.CLOSED
                order.closed_at = reviews[-1].reviewed_at
                order.closed_on_time = on_time and order.times_overdue == 0
                order.overdue_at = None
                events.append(_event("rectification.closed", "rectification.rectificationorder", order.pk, order.operator_id,
                                     {"source_app": "inspection", "source_id": order.source_id, "on_time": order.closed_on_time}))
            else:
                order.status = RectificationOrder.Status.ANSWERED
            changed.append(order)
        bulk_insert(Response, responses)
        bulk_insert(Review, reviews)
        RectificationOrder.objects.bulk_update(changed, ["status", "times_overdue", "overdue_at", "closed_at", "closed_on_time"], batch_size=500)
        audit.append(events)
        self.counts["rectification_orders"] += len(orders)
        self.counts["rectification_overdue"] += sum(1 for o in orders if o.times_overdue)
        self.counts["rectification_closed"] += sum(1 for o in orders if o.status == RectificationOrder.Status.CLOSED)


def generate(*, seed: int, start: date, end: date, districts: Iterable[str] | None = None) -> dict[str, int]:
    """A year (``start``..``end``) of inspection work in every district of the demo city; returns counts.

    Idempotent per district and year: a district that already has a plan for a year is skipped.
    """
    rng = random.Random(seed)
    sim = _Simulation(rng, start, end)
    regulators = {u.organisation.jurisdiction_id: u for u in User.objects.filter(role=Role.DISTRICT_REGULATOR, organisation__isnull=False)
                  .select_related("organisation") if u.organisation is not None}
    wanted = list(Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT).order_by("code"))
    if districts is not None:
        codes = set(districts)
        wanted = [d for d in wanted if d.code in codes]
    with acting_as(None, label="demo"), transaction.atomic():
        sim.counts["inspectors"] = _inspectors(rng)
        for year in range(start.year, end.year + 1):
            for district in wanted:
                if InspectionPlan.objects.filter(jurisdiction=district, year=year).exists():
                    continue
                by = regulators.get(district.pk)
                plan = services.plan_generate(jurisdiction=district, year=year, by=by)
                refresh_planner_statistics(PlanItem, Inspection)  # a whole district's items, inside this transaction
                sim.counts["plans"] += 1
                sim.counts["plan_items"] += plan.item_count
                for y, quarter, first, last in _quarters(start, end):
                    if y != year:
                        continue
                    ran_at = datetime.combine(max(first, start), time(9), tzinfo=TZ)
                    try:
                        draw = services.draw_run(title=f"{district.name}{year}年第{quarter}季度“双随机”抽查",
                                                 filters=services.TargetFilters(jurisdiction=district, plan=plan, quarter=quarter),
                                                 proportion=DRAW_PERCENT, seed=f"{rng.getrandbits(128):032x}", ran_at=ran_at, by=by)
                    except Invalid:
                        sim.counts["draws_refused"] += 1  # an empty pool or too few inspectors after recusal: recorded, not fatal
                        continue
                    sim.counts["draws"] += 1
                    published = ran_at + timedelta(days=rng.randint(1, 10))
                    if timezone.localdate(published) <= end:
                        services.draw_publish(draw=draw, by=by, published_at=published)
                    inspections = list(draw.inspections.select_related("operator", "template"))
                    sim.counts["inspections"] += len(inspections)
                    sim.rectify(sim.close_quarter(inspections, first, last))
    return dict(sim.counts)
