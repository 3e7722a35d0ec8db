"""Writes for the credit file. Each service is keyword-only, runs in one transaction as ``by``,
validates fully and writes its typed audit events (the change log is written by signal; the
sync's bulk inserts log their rows with ``audit.record_changes_bulk``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.core import audit
from shian.core.calendar import add_working_days
from shian.core.context import acting_as
from shian.core.db import bulk_insert
from shian.core.errors import Conflict, Invalid, full_clean_or_raise
from shian.credit import repair, rules
from shian.credit import sync as sync_module
from shian.credit.models import CreditRecord, HygieneGrade, Listing, RepairApplication, ViolationPoint
from shian.registry.models import Operator

Kind = CreditRecord.Kind


def _today(day: date | None) -> date:
    return day or timezone.localdate()


def _user(by: User | None) -> User | None:
    return by if getattr(by, "pk", None) else None


def periods(kind: str, severity: str, occurred_on: date) -> dict[str, Any]:
    """The dates a record gets from its period rule (effect, public display, earliest repair)."""
    key = rules.period_key(kind, severity)
    p = rules.period_for(kind, severity)
    return {
        "effect_until": rules.add_months(occurred_on, p.effect_months),
        "public": p.display_months is not None,
        "display_until": rules.add_months(occurred_on, p.display_months) if p.display_months is not None else None,
        "repair_from": rules.add_months(occurred_on, p.repair_after_months) if p.repair_after_months is not None else None,
        "period_rule": key,
    }


def is_catering(operator: Operator) -> bool:
    return any(t.code in rules.CATERING_TYPES for t in operator.types.all())


# --- records entered by people -------------------------------------------------------------------

def record_create(*, operator: Operator, kind: str, title: str, occurred_on: date, severity: str = "", facts: str = "",
                  legal_ground: str = "", decision_number: str = "", withhold: bool = False, today: date | None = None,
                  by: User | None = None) -> CreditRecord:
    """Enter a penalty (行政处罚), a verified complaint, a credit commitment (信用承诺) or an award.

    A penalty needs its decision number (unique: the same decision is entered once) and legal ground.
    The display period follows from the kind and severity (:func:`rules.period_for`); ``withhold``
    keeps a record that could be published out of the public profile. A penalty of a catering
    operator also scores violation points.
    """
    today = _today(today)
    title, decision_number = title.strip(), decision_number.strip()
    if kind not in rules.MANUAL_KINDS:
        raise Invalid(_("Choose a penalty, a verified complaint, a credit commitment or an award."), code="kind_invalid", field="kind")
    if kind in rules.POSITIVE_KINDS:
        severity = ""
    elif severity not in rules.SEVERITIES:
        raise Invalid(_("Choose the severity: minor, moderate or serious."), code="severity_invalid", field="severity")
    if occurred_on > today:
        raise Invalid(_("The date cannot be in the future."), code="date_in_future", field="occurred_on")
    if not title:
        raise Invalid(_("Enter a title."), code="title_required", field="title")
    if kind == Kind.PENALTY:
        if not decision_number:
            raise Invalid(_("A penalty needs its decision number."), code="decision_number_required", field="decision_number")
        if not legal_ground.strip():
            raise Invalid(_("A penalty needs its legal ground."), code="legal_ground_required", field="legal_ground")
        source_ref = f"penalty:{decision_number}"
    else:
        source_ref = f"{kind}:{uuid.uuid4().hex}"
    with acting_as(by), transaction.atomic():
        if CreditRecord.objects.filter(source_ref=source_ref).exists():
            raise Conflict(_("A penalty with this decision number is already in the credit file."), code="decision_number_duplicate",
                           field="decision_number")
        dates = periods(kind, severity, occurred_on)
        if withhold:
            dates["public"] = False
        record = CreditRecord(operator=operator, kind=kind, severity=severity, title=title, facts=facts.strip(), legal_ground=legal_ground.strip(),
                              decision_number=decision_number, source_ref=source_ref, occurred_on=occurred_on, created_by=_user(by), **dates)
        full_clean_or_raise(record)
        record.save()
        audit.record_event("credit.record_created", obj=record, operator_id=operator.pk,
                           data={"kind": kind, "severity": severity, "title": title, "occurred_on": occurred_on.isoformat(),
                                 "decision_number": decision_number, "public": record.public,
                                 "display_until": record.display_until.isoformat() if record.display_until else None})
        if kind == Kind.PENALTY and is_catering(operator):
            _points_create(operator=operator, points=rules.POINTS_PER_PENALTY[severity], violation=title[:200], occurred_on=occurred_on,
                           source_ref=source_ref, by=by)
        return record


def record_withdraw(*, record: CreditRecord, reason: str, by: User | None = None) -> CreditRecord:
    """Withdraw a record entered in error or overturned: it leaves the level and the public profile, stays in the file."""
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Give the reason for the withdrawal."), code="reason_required", field="reason")
    with acting_as(by), transaction.atomic():
        record = CreditRecord.objects.select_for_update().get(pk=record.pk)
        if record.withdrawn:
            raise Conflict(_("This record is already withdrawn."), code="already_withdrawn", field="record_id")
        if record.kind == Kind.LISTING:
            raise Invalid(_("A listing ends by removal from the list, not by withdrawal."), code="listing_not_withdrawable", field="record_id")
        record.withdrawn, record.withdrawn_reason = True, reason[:300]
        record.save()
        for points in ViolationPoint.objects.filter(source_ref=record.source_ref, withdrawn=False):
            points.withdrawn = True
            points.save()
        audit.record_event("credit.record_withdrawn", obj=record, operator_id=record.operator_id, data={"reason": reason})
        return record


# --- violation points (餐饮违法记分) --------------------------------------------------------------

def _points_create(*, operator: Operator, points: int, violation: str, occurred_on: date, source_ref: str, by: User | None) -> ViolationPoint:
    row = ViolationPoint(operator=operator, points=points, violation=violation, occurred_on=occurred_on, source_ref=source_ref,
                         created_by=_user(by))
    full_clean_or_raise(row)
    row.save()
    audit.record_event("credit.points_recorded", obj=row, operator_id=operator.pk,
                       data={"points": points, "violation": violation, "occurred_on": occurred_on.isoformat()})
    return row


def points_record(*, operator: Operator, points: int, violation: str, occurred_on: date, today: date | None = None,
                  by: User | None = None) -> ViolationPoint:
    """Score a catering operator's violation with 1, 2 or 5 points (Shenzhen's measures)."""
    today = _today(today)
    if not is_catering(operator):
        raise Invalid(_("Violation points apply to catering operators only."), code="not_catering", field="operator_id")
    if points not in rules.POINT_VALUES:
        raise Invalid(_("A violation scores 1, 2 or 5 points."), code="points_invalid", field="points")
    if occurred_on > today:
        raise Invalid(_("The date cannot be in the future."), code="date_in_future", field="occurred_on")
    if not violation.strip():
        raise Invalid(_("Describe the violation."), code="violation_required", field="violation")
    with acting_as(by), transaction.atomic():
        return _points_create(operator=operator, points=points, violation=violation.strip()[:200], occurred_on=occurred_on,
                              source_ref=f"points:{uuid.uuid4().hex}", by=by)


# --- credit repair (信用修复) ----------------------------------------------------------------------

def later_penalties(record: CreditRecord) -> list[tuple[date, str]]:
    """(date, severity) of the operator's other penalties in force in the file (one query)."""
    return list(CreditRecord.objects.filter(operator_id=record.operator_id, kind=Kind.PENALTY, withdrawn=False).exclude(pk=record.pk)
                .values_list("occurred_on", "severity"))


def repair_check(*, record: CreditRecord, obligations_fulfilled: bool, harm_removed: bool = False, today: date | None = None) -> repair.Eligibility:
    """Would an application for ``record`` be accepted today? (No write.)"""
    return repair.eligibility(record, today=_today(today), later_penalties=later_penalties(record), obligations_fulfilled=obligations_fulfilled,
                              harm_removed=harm_removed)


def repair_apply(*, record: CreditRecord, obligations_fulfilled: bool, harm_removed: bool = False, evidence: str = "",
                 applied_on: date | None = None, by: User | None = None) -> RepairApplication:
    """Apply to repair a record (or, for a listing, to leave the list early).

    An ineligible application is refused with the reason and the earliest date (400, nothing is
    written). An accepted one is decided within the working days of :func:`rules.repair_decision_days`.
    """
    applied_on = _today(applied_on)
    check = repair_check(record=record, obligations_fulfilled=obligations_fulfilled, harm_removed=harm_removed, today=applied_on)
    if not check.eligible:
        raise check.error(record.pk)
    with acting_as(by), transaction.atomic():
        if RepairApplication.objects.select_for_update().filter(record=record, status=RepairApplication.Status.PENDING).exists():
            raise Conflict(_("This record already has an application awaiting decision."), code="repair_pending", field="record_id")
        app = RepairApplication(record=record, operator_id=record.operator_id, applied_on=applied_on, applied_by=_user(by),
                                obligations_fulfilled=obligations_fulfilled, harm_removed=harm_removed, evidence=evidence.strip(),
                                due_on=add_working_days(applied_on, rules.repair_decision_days()))
        full_clean_or_raise(app)
        app.save()
        audit.record_event("credit.repair_applied", obj=app, operator_id=record.operator_id,
                           data={"record": record.pk, "kind": record.kind, "due_on": app.due_on.isoformat()})
        return app


def repair_decide(*, application: RepairApplication, approve: bool, reason: str = "", decided_on: date | None = None,
                  earliest_date: date | None = None, by: User | None = None) -> RepairApplication:
    """Approve (the record stops being displayed; a listing is removed early) or refuse with a reason."""
    decided_on = _today(decided_on)
    reason = reason.strip()
    if not approve and not reason:
        raise Invalid(_("Give the reason for the refusal."), code="reason_required", field="reason")
    with acting_as(by), transaction.atomic():
        app = RepairApplication.objects.select_for_update().select_related("record").get(pk=application.pk)
        if app.status != RepairApplication.Status.PENDING:
            raise Conflict(_("This application has already been decided."), code="already_decided", field="application_id")
        if decided_on < app.applied_on:
            raise Invalid(_("The decision cannot be dated before the application."), code="date_before_application", field="decided_on")
        record = app.record
        if approve:
            check = repair_check(record=record, obligations_fulfilled=app.obligations_fulfilled, harm_removed=app.harm_removed, today=decided_on)
            if not check.eligible:
                raise check.error(record.pk)
            record.repaired, record.repaired_on = True, decided_on
            record.save()
            if record.kind == Kind.LISTING:
                _listing_remove(Listing.objects.select_for_update().get(record=record), on=decided_on, how=Listing.Removal.EARLY)
        app.status = RepairApplication.Status.APPROVED if approve else RepairApplication.Status.REFUSED
        app.decided_on, app.decided_by, app.decision_reason = decided_on, _user(by), reason[:500]
        app.earliest_date = None if approve else earliest_date
        app.save()
        audit.record_event("credit.repair_approved" if approve else "credit.repair_refused", obj=app, operator_id=app.operator_id,
                           data={"record": record.pk, "reason": reason, "decided_on": decided_on.isoformat(),
                                 "on_time": decided_on <= app.due_on,
                                 "earliest_date": earliest_date.isoformat() if earliest_date and not approve else None})
        return app


# --- serious-violation list (严重违法失信名单) ------------------------------------------------------

def listing_propose(*, penalty: CreditRecord, ground: str, facts: str, proposed_on: date | None = None, by: User | None = None) -> Listing:
    """Propose listing the operator of a serious penalty, on one of the legal grounds."""
    proposed_on = _today(proposed_on)
    if penalty.kind != Kind.PENALTY or penalty.withdrawn:
        raise Invalid(_("A listing is proposed on an administrative penalty in the credit file."), code="not_a_penalty", field="penalty_id")
    if penalty.severity != "serious":
        raise Invalid(_("Only a serious penalty (a heavier penalty) can lead to listing."), code="penalty_not_serious", field="penalty_id")
    if ground not in rules.LISTING_GROUNDS:
        raise Invalid(_("Choose the legal ground for listing."), code="ground_invalid", field="ground")
    if not facts.strip():
        raise Invalid(_("Describe the facts of the serious violation."), code="facts_required", field="facts")
    if proposed_on < penalty.occurred_on:
        raise Invalid(_("A listing cannot be proposed before the penalty."), code="date_before_penalty", field="proposed_on")
    with acting_as(by), transaction.atomic():
        if Listing.objects.select_for_update().filter(penalty=penalty, status__in=[Listing.Status.PROPOSED, Listing.Status.LISTED]).exists():
            raise Conflict(_("This penalty already has a listing proposal or a listing."), code="listing_exists", field="penalty_id")
        listing = Listing(operator_id=penalty.operator_id, penalty=penalty, ground=ground, facts=facts.strip(), proposed_on=proposed_on,
                          proposed_by=_user(by))
        full_clean_or_raise(listing)
        listing.save()
        audit.record_event("credit.listing_proposed", obj=listing, operator_id=penalty.operator_id,
                           data={"penalty": penalty.pk, "decision_number": penalty.decision_number, "ground": ground})
        return listing


def listing_decide(*, listing: Listing, approve: bool, reason: str = "", decided_on: date | None = None, by: User | None = None) -> Listing:
    """Approve (the listing is published from the decision date, with its credit record) or reject with a reason."""
    decided_on = _today(decided_on)
    reason = reason.strip()
    if not approve and not reason:
        raise Invalid(_("Give the reason for the rejection."), code="reason_required", field="reason")
    with acting_as(by), transaction.atomic():
        listing = Listing.objects.select_for_update().select_related("penalty").get(pk=listing.pk)
        if listing.status != Listing.Status.PROPOSED:
            raise Conflict(_("This proposal has already been decided."), code="already_decided", field="listing_id")
        if decided_on < listing.proposed_on:
            raise Invalid(_("The decision cannot be dated before the proposal."), code="date_before_proposal", field="decided_on")
        listing.decided_on, listing.decided_by, listing.decision_reason = decided_on, _user(by), reason[:500]
        if approve:
            dates = periods(Kind.LISTING, "serious", decided_on)
            due = rules.add_months(decided_on, 12 * rules.listing_years())
            dates.update(effect_until=due, display_until=due, public=True)
            with translation.override(settings.LANGUAGE_CODE):  # stored text: the platform's language, whoever decides
                title, ground = str(_("Listed as a serious violator")), str(rules.LISTING_GROUNDS[listing.ground])
            record = CreditRecord(operator_id=listing.operator_id, kind=Kind.LISTING, severity="serious", title=title,
                                  facts=listing.facts, legal_ground=f"{ground}；{rules.LISTING_GROUND_SOURCE.text}"[:300],
                                  decision_number=listing.penalty.decision_number, source_ref=f"listing:{listing.pk}", occurred_on=decided_on,
                                  created_by=_user(by), **dates)
            full_clean_or_raise(record)
            record.save()
            listing.status, listing.published_on, listing.removal_due, listing.record = Listing.Status.LISTED, decided_on, due, record
        else:
            listing.status = Listing.Status.REJECTED
        full_clean_or_raise(listing)
        listing.save()
        audit.record_event("credit.listing_approved" if approve else "credit.listing_rejected", obj=listing, operator_id=listing.operator_id,
                           data={"reason": reason, "decided_on": decided_on.isoformat(),
                                 "removal_due": listing.removal_due.isoformat() if listing.removal_due else None})
        return listing


def _listing_remove(listing: Listing, *, on: date, how: str) -> None:
    listing.status, listing.removed_on, listing.removal = Listing.Status.REMOVED, on, how
    listing.save()
    audit.record_event("credit.listing_removed", obj=listing, operator_id=listing.operator_id, data={"removed_on": on.isoformat(), "removal": how})


def listings_expire(*, today: date | None = None, by: User | None = None) -> int:
    """Remove every listing whose period has ended (the daily job); returns how many."""
    today = _today(today)
    with acting_as(by), transaction.atomic():
        due = list(Listing.objects.select_for_update().filter(status=Listing.Status.LISTED, removal_due__lte=today).order_by("id"))
        for listing in due:
            assert listing.removal_due is not None
            _listing_remove(listing, on=listing.removal_due, how=Listing.Removal.EXPIRED)
        return len(due)


# --- the sync from inspections and sampling ---------------------------------------------------------

@dataclass
class SyncResult:
    operators: int = 0
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    points: int = 0
    hygiene: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def sync(*, operator_ids: Collection[int] | None = None, since: date | None = None, until: date | None = None, today: date | None = None,
         by: User | None = None, progress: Callable[[int, int], None] | None = None) -> SyncResult:
    """Bring the credit file up to date with the inspection and sampling modules (idempotent by source reference).

    For the operators (every one when ``None``) and facts dated in [since, until] (default: the last
    three years, the longest period): a record for each fact that gives one, updated when the fact
    changed, withdrawn when the fact no longer gives one (an amended inspection, a re-test that
    overturned a result); for catering operators, violation points and dynamic hygiene grades.
    """
    today = _today(today)
    until = until or today
    since = since or rules.add_months(today, -36)
    ids = sorted(operator_ids) if operator_ids is not None else list(Operator.objects.order_by("pk").values_list("pk", flat=True))
    result = SyncResult(operators=len(ids))
    step = sync_module.CHUNK
    with acting_as(by):
        for start in range(0, len(ids), step):
            with transaction.atomic():
                sync_module.sync_chunk(ids[start:start + step], since=since, until=until, result=result)
            if progress is not None:
                progress(min(start + step, len(ids)), len(ids))
    return result


# --- hygiene grades (量化分级): the annual grade --------------------------------------------------

def hygiene_annual(*, year: int, operator_ids: Collection[int] | None = None, by: User | None = None) -> int:
    """Grade every catering operator inspected in ``year`` A/B/C from its inspections' scores; returns how many were graded.

    New grades go in with one COPY, logged with :func:`audit.record_changes_bulk` and one chained
    ``credit.hygiene_graded`` event each (a whole city's year in seconds, not an hour of single
    saves); a grade that changed (an amended inspection) is saved on its own, with its change log.
    """
    from shian.credit import sources

    catering = Operator.objects.filter(types__code__in=rules.CATERING_TYPES)
    if operator_ids is not None:
        catering = catering.filter(pk__in=list(operator_ids))
    ids = sorted(set(catering.values_list("pk", flat=True)))
    scores: dict[int, list[int]] = {}
    for fact in sources.inspection_facts(ids, date(year, 1, 1), date(year, 12, 31)):
        scores.setdefault(fact.operator_id, []).append(rules.inspection_score(fact.outcome, fact.key_failures))
    graded = 0
    new: list[HygieneGrade] = []
    changed: list[HygieneGrade] = []
    with acting_as(by), transaction.atomic():
        existing = {g.source_ref: g for g in HygieneGrade.objects.filter(kind=HygieneGrade.Kind.ANNUAL, year=year, operator_id__in=list(scores))}
        for op_id, values in sorted(scores.items()):
            score = Decimal(str(round(sum(values) / len(values), 1)))
            grade = rules.annual_grade(score)
            if not grade:
                continue
            graded += 1
            ref = f"annual:{op_id}:{year}"
            row = existing.get(ref)
            if row is None:
                new.append(HygieneGrade(operator_id=op_id, kind=HygieneGrade.Kind.ANNUAL, grade=grade, score=score,
                                        assessed_on=date(year, 12, 31), year=year, source_ref=ref))
            elif (row.grade, row.score) != (grade, score):
                row.grade, row.score = grade, score
                row.save()
                changed.append(row)
        bulk_insert(HygieneGrade, new)
        audit.record_changes_bulk(new, operator=lambda o: o.operator_id)
        audit.append([audit.event_entry("credit.hygiene_graded", model=audit.label_of(HygieneGrade), object_pk=row.pk, operator_id=row.operator_id,
                                        data={"kind": "annual", "year": year, "grade": row.grade, "score": str(row.score)})
                      for row in new + changed])
    return graded
