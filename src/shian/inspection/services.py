"""Writes for inspections: plans, draws, checklists on site, closing, amendments and publication.

Each service is keyword-only, runs in one transaction as ``by`` and writes its typed events:
``inspection.plan_generated``, ``inspection.draw_run``, ``inspection.draw_published``,
``inspection.closed``, ``inspection.amended`` and ``inspection.results_published``. A closed
inspection refuses every edit (409 ``inspection_closed``); corrections are amendments.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.core import audit, draws
from shian.core.calendar import add_working_days
from shian.core.context import acting_as
from shian.core.db import bulk_insert, copy_rows
from shian.core.errors import Conflict, Invalid, full_clean_or_raise
from shian.core.models import Jurisdiction
from shian.inspection import drawing, hooks, planning, records, rules
from shian.inspection.models import (
    Amendment,
    Answer,
    ChecklistItem,
    ChecklistTemplate,
    ConflictOfInterest,
    Draw,
    Inspection,
    InspectionInspector,
    InspectionPlan,
    InspectorProfile,
    Photo,
    PlanItem,
    Result,
    Scope,
)
from shian.registry.models import Operator
from shian.risk import grades
from shian.trace.documents import check_upload

Status = Inspection.Status
PLAN_ITEM_COLUMNS = ("plan_id", "operator_id", "grade", "grade_source", "scope", "focus_reasons", "due_month", "due_quarter")


def _by(by: User | None) -> User | None:
    return by if getattr(by, "pk", None) else None


def _in_subtree(path: str) -> Q:
    return Q(jurisdiction__path=path) | Q(jurisdiction__path__startswith=path + "/")


# --- yearly plans --------------------------------------------------------------------------------

def plan_generate(*, jurisdiction: Jurisdiction, year: int, frequencies: dict[str, int] | None = None, by: User | None = None) -> InspectionPlan:
    """Generate the jurisdiction's plan for ``year`` from the operators' risk grades (see :mod:`shian.inspection.planning`)."""
    freqs = {**rules.frequencies(), **(frequencies or {})}
    for grade, n in freqs.items():
        if grade not in grades_choices() or not isinstance(n, int) or not 0 <= n <= 12:
            raise Invalid(_("Inspections per year must be a whole number from 0 to 12 for grades A to D."), code="frequency_invalid",
                          field="frequencies")
    if not 2000 <= year <= 2100:
        raise Invalid(_("Enter a plausible year."), code="year_invalid", field="year")
    with acting_as(by), transaction.atomic():
        if InspectionPlan.objects.filter(jurisdiction=jurisdiction, year=year).exists():
            raise Conflict(_("This jurisdiction already has a plan for this year."), code="plan_exists", field="year")
        ids = planning.operators_in(jurisdiction.path).values("pk")
        facts = planning.load_operators(ids, year=year)
        planned = planning.plan_items(facts, year=year, frequencies=freqs)
        plan = InspectionPlan(jurisdiction=jurisdiction, year=year, frequencies=freqs, item_count=len(planned), operator_count=len(facts),
                              digest=planning.digest(planned), created_by=_by(by))
        full_clean_or_raise(plan)
        plan.save()
        # Tuples straight to COPY: a city's plan has 100k+ items and model instances would cost more than the insert.
        copy_rows(PlanItem, PLAN_ITEM_COLUMNS, [(plan.pk, p.operator_id, p.grade, p.grade_source, p.scope, ",".join(p.focus_reasons), p.due_month,
                                                 p.due_quarter) for p in planned])
        by_scope: dict[str, int] = {}
        for p in planned:
            by_scope[p.scope] = by_scope.get(p.scope, 0) + 1
        audit.record_event("inspection.plan_generated", obj=plan, data={
            "jurisdiction": jurisdiction.code, "year": year, "frequencies": freqs, "operators": len(facts), "items": len(planned),
            "by_scope": by_scope, "digest": plan.digest})
        return plan


def grades_choices() -> tuple[str, ...]:
    from shian.risk.rules import GRADES

    return GRADES


# --- inspectors and recusal ----------------------------------------------------------------------

def inspector_profile_set(*, user: User, badge_number: str, qualified: bool = True, active: bool = True, by: User | None = None) -> InspectorProfile:
    """Create or update the user's inspector profile (badge number = the key in draw pools)."""
    badge = badge_number.strip().upper()
    with acting_as(by), transaction.atomic():
        if InspectorProfile.objects.filter(badge_number=badge).exclude(user=user).exists():
            raise Conflict(_("Another inspector has this badge number."), code="badge_duplicate", field="badge_number")
        profile = InspectorProfile.objects.filter(user=user).first() or InspectorProfile(user=user)
        profile.badge_number, profile.qualified, profile.active = badge, qualified, active
        full_clean_or_raise(profile, exclude=["user"])
        profile.save()
        return profile


def conflict_add(*, inspector: User, operator: Operator, reason: str, by: User | None = None) -> ConflictOfInterest:
    """Record that ``inspector`` must not inspect ``operator`` (draws exclude the pair)."""
    with acting_as(by), transaction.atomic():
        if ConflictOfInterest.objects.filter(inspector=inspector, operator=operator).exists():
            raise Conflict(_("This conflict is already recorded."), code="conflict_duplicate")
        row = ConflictOfInterest(inspector=inspector, operator=operator, reason=reason.strip())
        full_clean_or_raise(row, exclude=["inspector", "operator"])
        row.save()
        return row


# --- draws ---------------------------------------------------------------------------------------

@dataclass
class TargetFilters:
    """Which operators enter the target pool."""

    jurisdiction: Jurisdiction
    type_codes: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    credit: str = ""  # "" any; "flagged" only operators with credit flags; "unflagged" only without
    plan: InspectionPlan | None = None
    quarter: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"jurisdiction": self.jurisdiction.code, "types": sorted(self.type_codes), "grades": sorted(self.grades), "credit": self.credit,
                "plan": self.plan.pk if self.plan else None, "quarter": self.quarter}


def target_pool(f: TargetFilters) -> dict[str, int]:
    """The target pool: USCC → operator id (active operators in the jurisdiction matching the filters)."""
    qs = planning.operators_in(f.jurisdiction.path)
    if f.type_codes:
        qs = qs.filter(types__code__in=f.type_codes)
    if f.plan is not None:
        open_items = PlanItem.objects.filter(plan=f.plan, inspection__isnull=True)
        if f.quarter:
            open_items = open_items.filter(due_quarter=f.quarter)
        qs = qs.filter(pk__in=open_items.values("operator_id"))
    pool = dict(qs.distinct().values_list("uscc", "pk"))
    if f.grades:
        by_id = grades.grades_for(qs.values("pk"))
        pool = {k: v for k, v in pool.items() if by_id.get(v) in f.grades}
    if f.credit in ("flagged", "unflagged"):
        flagged = hooks.credit_flags(list(pool.values()))
        pool = {k: v for k, v in pool.items() if bool(flagged.get(v)) == (f.credit == "flagged")}
    return pool


def inspector_pool(jurisdiction: Jurisdiction, organisation_ids: Sequence[int] = ()) -> dict[str, int]:
    """The inspector pool: badge number → user id (active, qualified inspectors of the named organisations, or of
    every organisation in the jurisdiction subtree)."""
    qs = InspectorProfile.objects.filter(active=True, qualified=True, user__is_active=True)
    org = Q(user__organisation__jurisdiction__path=jurisdiction.path) | Q(user__organisation__jurisdiction__path__startswith=jurisdiction.path + "/")
    qs = qs.filter(org)
    if organisation_ids:
        qs = qs.filter(user__organisation_id__in=list(organisation_ids))
    return dict(qs.values_list("badge_number", "user_id"))


def _exclusions(drawn_ops: dict[str, int], inspectors: dict[str, int]) -> dict[str, set[str]]:
    """Per drawn target: inspectors with a recorded conflict, and those who inspected it last time."""
    badge_of = {uid: badge for badge, uid in inspectors.items()}
    key_of = {op: key for key, op in drawn_ops.items()}
    out: dict[str, set[str]] = {}
    op_ids = list(drawn_ops.values())
    for op_id, uid in ConflictOfInterest.objects.filter(operator_id__in=op_ids, inspector_id__in=list(badge_of)).values_list("operator_id", "inspector_id"):
        out.setdefault(key_of[op_id], set()).add(badge_of[uid])
    last = Inspection.objects.filter(operator_id__in=op_ids).values("operator_id").annotate(last=Max("id")).values_list("last", flat=True)
    for op_id, uid in InspectionInspector.objects.filter(inspection_id__in=list(last)).values_list("inspection__operator_id", "inspector_id"):
        if uid in badge_of:
            out.setdefault(key_of[op_id], set()).add(badge_of[uid])
    return out


def templates_for(operator_ids: Sequence[int]) -> dict[int, ChecklistTemplate]:
    """The checklist each operator is inspected with: the newest active version for one of its types."""
    templates = list(ChecklistTemplate.objects.filter(active=True).prefetch_related("operator_types").order_by("code", "-version"))
    by_type: dict[str, ChecklistTemplate] = {}
    for t in templates:
        for ot in t.operator_types.all():
            by_type.setdefault(ot.code, t)
    fallback = templates[0] if templates else None
    out: dict[int, ChecklistTemplate] = {}
    rows = Operator.types.through.objects.filter(operator_id__in=list(operator_ids)).values_list("operator_id", "operatortype__code").order_by("id")
    for op_id, code in rows:
        if op_id not in out and code in by_type:
            out[op_id] = by_type[code]
    for op_id in operator_ids:
        if op_id not in out and fallback is not None:
            out[op_id] = fallback
    return out


def draw_run(*, title: str, filters: TargetFilters, inspector_organisations: Sequence[int] = (), count: int | None = None,
             proportion: Decimal | None = None, per_inspection: int = rules.MIN_INSPECTORS, scope: str = Scope.ROUTINE,
             due_on: date | None = None, seed: str | None = None, ran_at: datetime | None = None, by: User | None = None) -> Draw:
    """Run a double-random draw and create the drawn inspections with their inspectors.

    Refused (400, nothing written) when the target pool is empty, the inspector pool has fewer than
    ``per_inspection`` inspectors, ``per_inspection`` is below two (Art 23), or recusal leaves a drawn
    target with too few inspectors.
    """
    if per_inspection < rules.MIN_INSPECTORS:
        raise Invalid(_("At least %(n)d inspectors take part in each inspection (Order 49, Art 23).") % {"n": rules.MIN_INSPECTORS},
                      code="draw_inspectors_per_inspection", field="per_inspection")
    if (count is None) == (proportion is None):
        raise Invalid(_("Give either the number of targets or the proportion to draw."), code="draw_count_required", field="count")
    if count is not None and count < 1:
        raise Invalid(_("Draw at least one target."), code="draw_count_invalid", field="count")
    if proportion is not None and not Decimal(0) < proportion <= Decimal(100):
        raise Invalid(_("The proportion must be more than 0 and at most 100 (per cent)."), code="draw_proportion_invalid", field="proportion")
    if filters.quarter is not None and not 1 <= filters.quarter <= 4:
        raise Invalid(_("The quarter must be 1 to 4."), code="draw_quarter_invalid", field="quarter")
    if scope not in Scope.values:
        raise Invalid(_("Unknown inspection scope."), code="scope_invalid", field="scope")
    when = ran_at or timezone.now()
    with acting_as(by), transaction.atomic():
        targets = target_pool(filters)
        if not targets:
            raise Invalid(_("The target pool is empty: no active operator matches the filters."), code="draw_pool_empty", field="filters")
        inspectors = inspector_pool(filters.jurisdiction, inspector_organisations)
        if len(inspectors) < per_inspection:
            raise Invalid(_("Too few inspectors: the inspector pool has %(have)d qualified inspectors, each inspection needs %(need)d.")
                          % {"have": len(inspectors), "need": per_inspection}, code="draw_too_few_inspectors", field="inspectors")
        n = count if count is not None else max(1, math.ceil(len(targets) * float(proportion or 0) / 100))
        n = min(n, len(targets))
        seed = seed or draws.new_seed()
        stage1 = drawing.draw_targets(list(targets), n, seed)
        drawn_ops = {key: targets[key] for key in stage1.drawn}
        try:
            assignments = drawing.assign_inspectors(stage1.drawn, list(inspectors), per_inspection, seed, _exclusions(drawn_ops, inspectors))
        except drawing.TooFewInspectors as exc:
            name = Operator.objects.filter(pk=targets[exc.target]).values_list("name", flat=True).first() or exc.target
            raise Invalid(_("After recusal only %(have)d inspectors remain for %(operator)s; each inspection needs %(need)d.")
                          % {"have": exc.available, "operator": name, "need": exc.needed}, code="draw_recusal_too_few", field="inspectors",
                          details={"target": exc.target}) from None
        target_keys, inspector_keys = sorted(targets), sorted(inspectors)
        draw = Draw(jurisdiction=filters.jurisdiction, title=title.strip() or _("Double-random inspection"), plan=filters.plan, quarter=filters.quarter,
                    filters=filters.as_dict(), seed=seed, target_keys="\n".join(target_keys), target_pool_hash=stage1.pool_hash,
                    target_pool_size=len(target_keys), inspector_keys="\n".join(inspector_keys),
                    inspector_pool_hash=draws.pool_hash(inspector_keys), inspector_pool_size=len(inspector_keys),
                    proportion=proportion, count=n, inspectors_per_inspection=per_inspection, drawn=[a.as_dict() for a in assignments],
                    ran_by=_by(by), ran_by_label=getattr(by, "username", "") or "system", ran_at=when,
                    publish_due=add_working_days(timezone.localdate(when), rules.PUBLISH_WORKING_DAYS))
        full_clean_or_raise(draw, exclude=["drawn", "filters"])
        draw.save()
        created = _create_inspections(draw, assignments, drawn_ops, inspectors, filters, scope, due_on)
        audit.record_event("inspection.draw_run", obj=draw, data={
            "seed": seed, "target_pool_hash": draw.target_pool_hash, "target_pool_size": draw.target_pool_size,
            "inspector_pool_hash": draw.inspector_pool_hash, "inspector_pool_size": draw.inspector_pool_size, "count": n,
            "per_inspection": per_inspection, "filters": draw.filters, "inspections": len(created),
            "drawn_hash": draws.pool_hash(f"{a.target}:{','.join(a.inspectors)}:{','.join(a.excluded)}" for a in assignments)})
        return draw


def _create_inspections(draw: Draw, assignments: list[drawing.Assignment], drawn_ops: dict[str, int], inspectors: dict[str, int],
                        filters: TargetFilters, scope: str, due_on: date | None) -> list[Inspection]:
    op_ids = list(drawn_ops.values())
    templates = templates_for(op_ids)
    items: dict[int, PlanItem | None] = {}
    if filters.plan is not None:
        open_items = PlanItem.objects.filter(plan=filters.plan, operator_id__in=op_ids, inspection__isnull=True).order_by("due_month", "id")
        if filters.quarter:
            open_items = open_items.filter(due_quarter=filters.quarter)
        for open_item in open_items:
            items.setdefault(open_item.operator_id, open_item)
    address = dict(Operator.objects.filter(pk__in=op_ids).values_list("pk", "address"))
    rows = []
    for a in assignments:
        op_id = drawn_ops[a.target]
        item = items.get(op_id)
        due = due_on
        if item is not None and due is None:
            due = _month_end(filters.plan.year if filters.plan else draw.ran_at.year, item.due_month)
        rows.append(Inspection(operator_id=op_id, draw=draw, plan_item=item, template=templates.get(op_id), scope=item.scope if item else scope,
                               status=Status.ASSIGNED, due_on=due, place=address.get(op_id, "")))
    bulk_insert(Inspection, rows)
    links = [InspectionInspector(inspection=insp, inspector_id=inspectors[badge]) for insp, a in zip(rows, assignments, strict=True)
             for badge in a.inspectors]
    bulk_insert(InspectionInspector, links)
    audit.record_changes_bulk(rows, operator=lambda o: o.operator_id)
    return rows


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def draw_publish(*, draw: Draw, by: User | None = None, published_at: datetime | None = None) -> Draw:
    """Publish the draw (seed, pools, result) and the results of its closed inspections."""
    when = published_at or timezone.now()
    with acting_as(by), transaction.atomic():
        if draw.published_at is None:
            draw.published_at = when
            draw.save(update_fields=["published_at"])
            audit.record_event("inspection.draw_published", obj=draw, data={"seed": draw.seed, "on_time": timezone.localdate(when) <= draw.publish_due})
        _publish(list(draw.inspections.filter(status=Status.CLOSED, published_at__isnull=True)), when)
        return draw


def results_publish(*, inspections: Sequence[Inspection], by: User | None = None, published_at: datetime | None = None) -> int:
    """Publish the results of closed inspections (Art 39: within 20 working days of closing)."""
    with acting_as(by), transaction.atomic():
        return _publish([i for i in inspections if i.status == Status.CLOSED and i.published_at is None], published_at or timezone.now())


def _publish(inspections: list[Inspection], when: datetime) -> int:
    for insp in inspections:
        insp.published_at = when
        insp.save(update_fields=["published_at"])
        audit.record_event("inspection.results_published", obj=insp, operator_id=insp.operator_id,
                           data={"result": insp.result, "on_time": insp.publish_due is None or timezone.localdate(when) <= insp.publish_due})
    return len(inspections)


# --- on site ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerIn:
    item_id: int
    outcome: str
    note: str = ""


def _refuse_closed(inspection: Inspection) -> None:
    if inspection.status == Status.CLOSED:
        raise Conflict(_("This inspection is closed and can no longer be edited; record a correction as an amendment."),
                       code="inspection_closed", field="status")


def _locked(inspection: Inspection) -> Inspection:
    locked = Inspection.objects.select_for_update(of=("self",)).select_related("operator", "template").get(pk=inspection.pk)
    _refuse_closed(locked)
    return locked


def _template(inspection: Inspection) -> ChecklistTemplate:
    if inspection.template_id is None:
        template = templates_for([inspection.operator_id]).get(inspection.operator_id)
        if template is None:
            raise Invalid(_("No checklist is configured for this operator's type."), code="checklist_missing")
        inspection.template = template
    assert inspection.template is not None
    return inspection.template


def _write_answers(inspection: Inspection, answers: Sequence[AnswerIn], template: ChecklistTemplate) -> list[dict[str, Any]]:
    """Create or update answers; returns the changes (item number, before, after)."""
    items = {i.pk: i for i in template.items.all()}
    existing = {a.item_id: a for a in inspection.answers.all()}
    changes = []
    for ans in answers:
        item = items.get(ans.item_id)
        if item is None:
            raise Invalid(_("Item %(id)s is not on this inspection's checklist.") % {"id": ans.item_id}, code="item_unknown", field="answers")
        if ans.outcome not in Answer.Outcome.values:
            raise Invalid(_("Item %(number)s: choose conforms, does not conform or not applicable.") % {"number": item.number},
                          code="outcome_invalid", field="answers")
        note = ans.note.strip()[:500]
        row = existing.get(item.pk)
        before = {"outcome": row.outcome, "note": row.note} if row else None
        if row is None:
            row = Answer(inspection=inspection, item=item, outcome=ans.outcome, note=note)
        elif (row.outcome, row.note) == (ans.outcome, note):
            continue
        else:
            row.outcome, row.note = ans.outcome, note
        row.save()
        changes.append({"item": item.number, "before": before, "after": {"outcome": ans.outcome, "note": note}})
    return changes


def inspection_save(*, inspection: Inspection, answers: Sequence[AnswerIn] = (), inspected_at: datetime | None = None, place: str | None = None,
                    latitude: Decimal | None = None, longitude: Decimal | None = None, summary: str | None = None,
                    by: User | None = None) -> Inspection:
    """Save findings on site (any number of times before closing); starts the inspection on first save."""
    with acting_as(by), transaction.atomic():
        insp = _locked(inspection)
        template = _template(insp)
        _write_answers(insp, answers, template)
        if inspected_at is not None:
            insp.inspected_at = inspected_at
        elif insp.inspected_at is None:
            insp.inspected_at = timezone.now()
        if place is not None:
            insp.place = place.strip()[:200]
        if latitude is not None or longitude is not None:
            insp.latitude, insp.longitude = latitude, longitude
        if summary is not None:
            insp.summary = summary.strip()
        insp.status = Status.IN_PROGRESS
        full_clean_or_raise(insp, exclude=["operator", "draw", "plan_item", "template", "closed_by"])
        insp.save()
        return insp


def photo_add(*, inspection: Inspection, file: IO[bytes] | Any, name: str, size: int | None = None, item: ChecklistItem | None = None,
              by: User | None = None) -> Photo:
    """Attach a photo (PNG/JPEG, or a PDF), checked by content and size, stored by SHA-256."""
    checked = check_upload(file, name, size)
    with acting_as(by), transaction.atomic():
        insp = _locked(inspection)
        existing = insp.photos.filter(sha256=checked.sha256).first()
        if existing is not None:
            return existing
        photo = Photo(inspection=insp, item=item, sha256=checked.sha256, size=checked.size, content_type=checked.content_type,
                      original_name=checked.name, uploaded_by=_by(by))
        path = f"inspections/{checked.sha256[:2]}/{checked.sha256}"
        if photo.file.storage.exists(path):
            photo.file.name = path
        else:
            photo.file.save(checked.name, File(file), save=False)
        photo.save()
        return photo


def inspection_acknowledge(*, inspection: Inspection, representative_name: str, signature: str, acknowledged_at: datetime | None = None,
                           by: User | None = None) -> Inspection:
    """The operator's representative acknowledges the findings (name, signature text, time)."""
    if not representative_name.strip():
        raise Invalid(_("Enter the name of the operator's representative."), code="representative_required", field="representative_name")
    if not signature.strip():
        raise Invalid(_("The representative must sign (type the name or a statement)."), code="signature_required", field="signature")
    with acting_as(by), transaction.atomic():
        insp = _locked(inspection)
        insp.representative_name = representative_name.strip()[:64]
        insp.representative_signature = signature.strip()[:200]
        insp.acknowledged_at = acknowledged_at or timezone.now()
        insp.save(update_fields=["representative_name", "representative_signature", "acknowledged_at"])
        return insp


def _required_items(inspection: Inspection, template: ChecklistTemplate) -> list[ChecklistItem]:
    """Items that must be answered before closing: every item of a full-checklist inspection, the key items otherwise."""
    items = list(template.items.all())
    return items if inspection.scope == Scope.FULL else [i for i in items if i.key]


def _score(inspection: Inspection, answers: list[Answer]) -> None:
    failed = [a for a in answers if a.outcome == Answer.Outcome.FAIL]
    inspection.key_failures = sum(1 for a in failed if a.item.key)
    inspection.general_failures = len(failed) - inspection.key_failures
    inspection.failed_items = [a.item.number for a in sorted(failed, key=lambda a: a.item.order)]
    inspection.result = rules.compute_result(key_failures=inspection.key_failures, general_failures=inspection.general_failures)


def _seal(inspection: Inspection) -> str:
    answers = list(inspection.answers.select_related("item"))
    keys = [badge or username for badge, username in
            inspection.assignments.values_list("inspector__inspector_profile__badge_number", "inspector__username")]
    photos = list(inspection.photos.values_list("sha256", flat=True))
    return records.digest(records.content(inspection, answers, keys, photos))


def inspection_close(*, inspection: Inspection, rectification_days: int | None = None, closed_at: datetime | None = None,
                     by: User | None = None) -> Inspection:
    """Close the inspection: check it is complete, compute the result, seal the record, start the publication
    deadline and, if asked and anything failed, order rectification. Writes ``inspection.closed``."""
    from shian.rectification.services import order_issue

    when = closed_at or timezone.now()
    with acting_as(by), transaction.atomic():
        insp = _locked(inspection)
        template = _template(insp)
        answers = list(insp.answers.select_related("item"))
        answered = {a.item_id for a in answers}
        missing = [i.number for i in _required_items(insp, template) if i.pk not in answered]
        if missing:
            raise Invalid(_("Answer every required item before closing: %(items)s.") % {"items": "、".join(missing)}, code="items_unanswered",
                          field="answers", details={"items": missing})
        if insp.inspected_at is None:
            raise Invalid(_("Record the time of the inspection."), code="time_required", field="inspected_at")
        if not (insp.representative_name and insp.acknowledged_at):
            raise Invalid(_("The operator's representative must acknowledge the findings before closing."), code="acknowledgement_required",
                          field="representative_name")
        _score(insp, answers)
        insp.status = Status.CLOSED
        insp.closed_at = when
        insp.closed_by = _by(by)
        insp.publish_due = add_working_days(timezone.localdate(when), rules.PUBLISH_WORKING_DAYS)
        insp.record_hash = _seal(insp)
        insp.save()
        audit.record_event("inspection.closed", obj=insp, operator_id=insp.operator_id, data={
            "result": insp.result, "scope": insp.scope, "key_failures": insp.key_failures, "general_failures": insp.general_failures,
            "failed_items": insp.failed_items, "inspected_on": timezone.localdate(insp.inspected_at).isoformat() if insp.inspected_at else None,
            "draw": insp.draw_id, "record_hash": insp.record_hash})
        if rectification_days is not None and insp.failed_items:
            by_number = {a.item.number: a for a in answers}
            findings = "\n".join(f"{n} {by_number[n].item.text}" + (f"：{by_number[n].note}" if by_number[n].note else "") for n in insp.failed_items)
            order_issue(operator=insp.operator, source_app="inspection", source_id=insp.pk,
                        source_title=_("Inspection on %(date)s: %(result)s") % {"date": timezone.localdate(insp.inspected_at).isoformat(),
                                                                                "result": Result(insp.result).label},
                        findings=findings, working_days=rectification_days, issued_at=when, by=by)
        return insp


def amendment_create(*, inspection: Inspection, answers: Sequence[AnswerIn], reason: str, by: User | None = None) -> Amendment:
    """Correct a closed inspection: the changed answers are recorded before and after, the result recomputed,
    the record re-sealed under a new revision. Writes ``inspection.amended``."""
    if not reason.strip():
        raise Invalid(_("Give the reason for the correction."), code="reason_required", field="reason")
    with acting_as(by), transaction.atomic():
        insp = Inspection.objects.select_for_update(of=("self",)).select_related("operator", "template").get(pk=inspection.pk)
        if insp.status != Status.CLOSED:
            raise Conflict(_("Only a closed inspection is corrected by an amendment; edit the open inspection directly."),
                           code="inspection_not_closed", field="status")
        assert insp.template is not None
        changes = _write_answers(insp, answers, insp.template)
        if not changes:
            raise Invalid(_("The amendment changes nothing."), code="amendment_empty", field="answers")
        result_before, hash_before = insp.result, insp.record_hash
        _score(insp, list(insp.answers.select_related("item")))
        insp.revision += 1
        insp.record_hash = _seal(insp)
        insp.save()
        amendment = Amendment(inspection=insp, revision=insp.revision, reason=reason.strip(), changes=changes, result_before=result_before,
                              result_after=insp.result, hash_before=hash_before, hash_after=insp.record_hash, amended_by=_by(by))
        amendment.save()
        audit.record_event("inspection.amended", obj=insp, operator_id=insp.operator_id, data={
            "revision": insp.revision, "reason": amendment.reason, "changes": changes, "result_before": result_before, "result_after": insp.result,
            "hash_before": hash_before, "hash_after": insp.record_hash})
        return amendment
