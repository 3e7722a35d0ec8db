"""Writes for sampling. Each service is keyword-only, runs in one transaction as ``by``, validates
fully and writes its typed audit events (the change log is written by signal, or by
``record_changes_bulk`` on the bulk path of laboratory results).

The life of a sample: :func:`sample_create` (deadline for the lab's receipt) → :func:`sample_receive`
(report deadline) → :func:`reports_post` (results judged; a non-conforming result notifies the
operator and its regulator and opens a disposal case) → :func:`retest_request` (Art 88: within 7
working days; the re-test lab is drawn) → :func:`sample_receive` and :func:`reports_post` by the
re-test lab (final) → the disposal case: :func:`disposal_respond`, :func:`disposal_verify`,
:func:`disposal_close`.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Organisation, User
from shian.core import audit, draws
from shian.core.access import Principal, Role
from shian.core.calendar import add_working_days, add_working_days_many
from shian.core.context import acting_as
from shian.core.db import bulk_insert
from shian.core.errors import Conflict, Invalid, full_clean_or_raise
from shian.core.models import AuditEntry, Jurisdiction
from shian.registry.models import Operator
from shian.sampling import judgement, rules
from shian.sampling.limits import LimitIndex
from shian.sampling.models import (
    Disposal,
    FoodGroup,
    Limit,
    Notification,
    Report,
    Retest,
    Sample,
    SamplingPlan,
    TestResult,
)
from shian.sampling.selectors import SAMPLER_ROLES
from shian.trace.models import Lot

MAX_PROBLEMS = 50


def _today() -> date:
    return timezone.localdate()


def _not_future(day: date, field_name: str) -> None:
    if day > _today():
        raise Invalid(_("The date cannot be in the future."), code="date_in_future", field=field_name)


# --- samples ----------------------------------------------------------------------------------

def new_sample_number(day: date) -> str:
    """A fresh sample number: ``SP`` + date + 6 random hex digits (unique by the constraint)."""
    return f"SP{day:%Y%m%d}{secrets.token_hex(3).upper()}"


def sample_create(*, operator: Operator, place: str, product_name: str, food_group: FoodGroup, sampled_on: date, samplers: Sequence[User],
                  seal_number: str, quantity: Decimal, price_paid: Decimal, lab: Organisation, quantity_unit: str = "kg", number: str = "",
                  purpose: str = Sample.Purpose.ENFORCEMENT, lot: Lot | None = None, lot_code: str = "", rapid_test: Any = None, note: str = "",
                  by: User | None = None) -> Sample:
    """Record a sample taken from an operator: at least two samplers, bought (price paid), sealed, sent to a laboratory.

    The laboratory must receive it within 5 working days (``receive_due``). A duplicate sample number is a 409.
    """
    _not_future(sampled_on, "sampled_on")
    people = list({u.pk: u for u in samplers}.values())
    if len(people) < rules.MIN_SAMPLERS.value:
        raise Invalid(_("A sample is taken by at least %(n)s samplers.") % {"n": rules.MIN_SAMPLERS.value}, code="samplers_too_few",
                      field="samplers")
    for person in people:
        if person.role not in SAMPLER_ROLES or not person.is_active:
            raise Invalid(_("%(user)s is not law-enforcement staff and cannot take samples.") % {"user": person}, code="sampler_role",
                          field="samplers")
    if lab.kind != Organisation.Kind.LAB or not lab.is_active:
        raise Invalid(_("Choose an active laboratory."), code="lab_invalid", field="lab")
    if purpose not in Sample.Purpose.values:
        raise Invalid(_("Unknown purpose."), code="purpose_invalid", field="purpose")
    code = (number or "").strip().upper() or new_sample_number(sampled_on)
    with acting_as(by), transaction.atomic():
        if Sample.objects.filter(number=code).exists():
            raise Conflict(_("A sample with the number %(number)s already exists.") % {"number": code}, code="sample_number_duplicate",
                           field="number")
        sample = Sample(number=code, purpose=purpose, operator=operator, place=place.strip(), product_name=product_name.strip(),
                        food_group=food_group, lot=lot, lot_code=(lot_code or (lot.lot_code if lot else "")).strip(), sampled_on=sampled_on,
                        seal_number=seal_number.strip(), quantity=quantity, quantity_unit=quantity_unit, price_paid=price_paid, lab=lab,
                        receive_due=add_working_days(sampled_on, rules.RECEIVE_WORKING_DAYS.value), rapid_test=rapid_test, note=note.strip(),
                        created_by=by if getattr(by, "pk", None) else None)
        full_clean_or_raise(sample, ["samplers", "created_by"])
        try:
            with transaction.atomic():
                sample.save()
        except IntegrityError:
            raise Conflict(_("A sample with the number %(number)s already exists.") % {"number": code}, code="sample_number_duplicate",
                           field="number") from None
        sample.samplers.set(people)
        audit.record_event("sample.taken", obj=sample, operator_id=operator.pk, data={
            "number": code, "purpose": purpose, "product": sample.product_name, "food_group": food_group.code, "lot": lot.pk if lot else None,
            "lab": lab.code, "samplers": [u.pk for u in people], "seal_number": sample.seal_number, "price_paid": str(price_paid),
            "receive_due": sample.receive_due.isoformat(), "rapid_test": getattr(rapid_test, "pk", None)})
        return sample


def sample_receive(*, sample: Sample, round: str = Report.Round.FIRST, received_on: date | None = None, by: User | None = None) -> Sample:
    """The laboratory (first, or re-test) records receipt of the sample; the report is due 20 working days later."""
    day = received_on or _today()
    _not_future(day, "received_on")
    if day < sample.sampled_on:
        raise Invalid(_("A sample cannot be received before it was taken."), code="received_before_sampled", field="received_on")
    with acting_as(by), transaction.atomic():
        locked = Sample.objects.select_for_update().get(pk=sample.pk)
        due = add_working_days(day, rules.REPORT_WORKING_DAYS.value)
        if round == Report.Round.RETEST:
            retest = Retest.objects.select_for_update().filter(sample=locked).first()
            if retest is None or locked.status != Sample.Status.RETESTING:
                raise Conflict(_("This sample has no re-test awaiting receipt."), code="retest_not_pending", field="round")
            if retest.received_on is not None:
                raise Conflict(_("The re-test sample was already received on %(date)s.") % {"date": retest.received_on},
                               code="already_received", field="received_on")
            retest.received_on, retest.report_due = day, due
            retest.save(update_fields=["received_on", "report_due"])
            audit.record_event("retest.received", obj=retest, operator_id=locked.operator_id,
                               data={"received_on": day.isoformat(), "report_due": due.isoformat(), "lab": retest.lab_id})
            return locked
        if locked.status != Sample.Status.SAMPLED:
            raise Conflict(_("The sample was already received on %(date)s.") % {"date": locked.received_on}, code="already_received",
                           field="received_on")
        locked.received_on, locked.report_due, locked.status = day, due, Sample.Status.RECEIVED
        locked.save(update_fields=["received_on", "report_due", "status"])
        audit.record_event("sample.received", obj=locked, operator_id=locked.operator_id,
                           data={"received_on": day.isoformat(), "late": day > locked.receive_due, "report_due": due.isoformat()})
        return locked


# --- laboratory results -----------------------------------------------------------------------

@dataclass(frozen=True)
class ItemIn:
    """One test item as the laboratory posts it."""

    item: str
    value: str
    method_standard: str
    unit: str = ""
    limit_id: int | None = None
    unit_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportIn:
    """One sample's results for one round."""

    sample: Sample
    items: Sequence[ItemIn]
    round: str = Report.Round.FIRST
    reported_on: date | None = None


@dataclass
class _Checked:
    report: ReportIn
    day: date
    results: list[TestResult] = field(default_factory=list)
    conclusion: str = ""


def _conclusion(results: Sequence[TestResult]) -> str:
    judgements = {r.judgement for r in results}
    if TestResult.Judgement.NONCONFORMING in judgements:
        return Sample.Conclusion.NONCONFORMING
    if judgements == {TestResult.Judgement.NOT_JUDGED}:
        return Sample.Conclusion.NOT_JUDGED
    return Sample.Conclusion.CONFORMING


def _check_report(rep: ReportIn, index: LimitIndex, problems: list[dict[str, Any]], locked: Sample, retest: Retest | None) -> _Checked | None:
    """Validate one report against the sample's state and judge each item; problems name the sample and the item."""
    sample = locked
    day = rep.reported_on or _today()

    def problem(message: str, code: str, fld: str) -> None:
        problems.append({"sample": sample.number, "field": fld, "code": code, "message": f"{sample.number}: {message}"})

    if rep.round == Report.Round.RETEST:
        if retest is None or sample.status != Sample.Status.RETESTING or retest.received_on is None:
            problem(_("The re-test sample has not been received, or the re-test was already reported."), "retest_not_received", "round")
            return None
        received = retest.received_on
    else:
        if sample.status != Sample.Status.RECEIVED or sample.received_on is None:
            code = "sample_not_received" if sample.status == Sample.Status.SAMPLED else "already_reported"
            problem(_("Record the receipt first.") if code == "sample_not_received" else _("The results of this sample were already posted."),
                    code, "status")
            return None
        received = sample.received_on
    if day > _today() or day < received:
        problem(_("The report date must lie between the receipt and today."), "reported_on_invalid", "reported_on")
        return None
    if not rep.items:
        problem(_("Post at least one test item."), "items_required", "items")
        return None
    checked = _Checked(rep, day)
    seen: set[str] = set()
    for pos, item in enumerate(rep.items):
        where = f"items[{pos}]"
        name = (item.item or "").strip()
        try:
            limit = index.find(name, sample.food_group_id, item.limit_id)
        except LimitIndex.Unknown as exc:
            problem(exc.message, exc.code, f"{where}.item")
            continue
        code = limit.item_code if limit is not None else index.code_of(name)
        label = limit.item if limit is not None else name
        if code in seen:
            problem(_("%(item)s is posted twice.") % {"item": label}, "item_repeated", f"{where}.item")
            continue
        seen.add(code)
        if limit is None and sample.purpose == Sample.Purpose.ENFORCEMENT:
            problem(_("%(item)s: no limit for %(food)s in the limits table; enforcement results need a limit.") % {
                "item": label, "food": sample.food_group.name}, "limit_unknown", f"{where}.item")
            continue
        if not (item.method_standard or "").strip():
            problem(_("%(item)s: give the method standard.") % {"item": label}, "method_required", f"{where}.method_standard")
            continue
        try:
            judged = judgement.judge(index.spec(limit), item.value, item.unit, list(item.unit_values))
        except judgement.ItemProblem as exc:
            problem(_("%(item)s: %(problem)s") % {"item": label, "problem": exc.message}, exc.code, f"{where}.value")
            continue
        checked.results.append(TestResult(
            position=pos, item_code=code, item=label, limit=limit, standard=limit.standard if limit else "", clause=limit.clause if limit else "",
            limit_text=limit.display if limit else "", value_text=(item.value or "").strip()[:40], value=judged.value,
            unit=(item.unit or "").strip()[:16], unit_values=judged.unit_values, detected=judged.detected,
            value_in_limit_unit=judged.value_in_limit_unit, method_standard=item.method_standard.strip()[:64], judgement=judged.judgement))
    checked.conclusion = _conclusion(checked.results)
    return checked


def reports_post(*, reports: Sequence[ReportIn], by: User | None = None) -> list[Report]:
    """Post laboratory results for one or many samples, all or nothing.

    Each item is judged against the limits table (units converted; see :mod:`shian.sampling.judgement`).
    Any problem refuses the whole post with every problem listed (``details``), each naming the
    sample and the item. Non-conforming reports notify the operator and its regulator and open the
    disposal case; a re-test report is final. Rows and audit entries are written in bulk.
    """
    if not reports:
        raise Invalid(_("Post at least one report."), code="reports_required", field="reports")
    ids = [r.sample.pk for r in reports]
    if len(ids) != len(set(ids)):
        raise Invalid(_("Each sample appears once per post."), code="sample_repeated", field="reports")
    index = LimitIndex.load()
    with acting_as(by), transaction.atomic():
        locked = {s.pk: s for s in Sample.objects.select_for_update().filter(pk__in=ids).select_related("food_group", "operator__jurisdiction")}
        retests = {r.sample_id: r for r in Retest.objects.filter(sample_id__in=[r.sample.pk for r in reports if r.round == Report.Round.RETEST])}
        problems: list[dict[str, Any]] = []
        checked = [c for rep in reports
                   if (c := _check_report(rep, index, problems, locked[rep.sample.pk], retests.get(rep.sample.pk))) is not None]
        if problems:
            first = problems[0]
            raise Invalid(first["message"], code=first["code"], field=first["field"], details=problems[:MAX_PROBLEMS])
        return _write_reports(checked, locked, retests, by)


def _write_reports(checked: list[_Checked], samples: dict[int, Sample], retests: dict[int, Retest], by: User | None) -> list[Report]:
    posted_by = by if getattr(by, "pk", None) else None
    rows = []
    for c in checked:
        sample = samples[c.report.sample.pk]
        lab_id = retests[sample.pk].lab_id if c.report.round == Report.Round.RETEST else sample.lab_id
        rows.append(Report(sample_id=sample.pk, round=c.report.round, lab_id=lab_id, reported_on=c.day, conclusion=c.conclusion,
                           created_by=posted_by))
    try:
        with transaction.atomic():
            bulk_insert(Report, rows)
    except IntegrityError:
        raise Conflict(_("Results of one of these samples were posted at the same time; reload and check."), code="already_reported",
                       field="reports") from None
    operator_of = {r.pk: samples[r.sample_id].operator_id for r in rows}
    audit.record_changes_bulk(rows, operator=lambda r: operator_of[r.pk])
    results = []
    for report, c in zip(rows, checked, strict=True):
        for res in c.results:
            res.report_id = report.pk
            results.append(res)
    bulk_insert(TestResult, results)
    audit.record_changes_bulk(results, operator=lambda r: operator_of[r.report_id])
    _update_samples(rows, samples)
    events = [_event("sample.result_posted" if r.round == Report.Round.FIRST else "retest.reported", samples[r.sample_id],
                     {"round": r.round, "report": r.pk, "conclusion": r.conclusion, "reported_on": r.reported_on.isoformat(),
                      "items": len(c.results), "nonconforming_items": [x.item_code for x in c.results
                                                                       if x.judgement == TestResult.Judgement.NONCONFORMING]})
              for r, c in zip(rows, checked, strict=True)]
    audit.append(events)
    failed = [r for r in rows if r.conclusion == Sample.Conclusion.NONCONFORMING]
    if failed:
        _on_nonconforming(failed, samples)
    overturned = [r for r in rows if r.round == Report.Round.RETEST and r.conclusion != Sample.Conclusion.NONCONFORMING]
    for r in overturned:
        _close_overturned(samples[r.sample_id], r.reported_on)
    return rows


def _event(action: str, sample: Sample, data: dict[str, Any]) -> AuditEntry:
    """An unsaved typed event about a sample, for :func:`audit.append` in bulk (one chain lock for all)."""
    return audit.event_entry(action, model=audit.label_of(Sample), object_pk=sample.pk, operator_id=sample.operator_id,
                             data={"number": sample.number, **data})


def _update_samples(rows: Sequence[Report], samples: dict[int, Sample]) -> None:
    """Set the derived status/conclusion of the samples, one UPDATE per kind of outcome (derived columns are not change-logged)."""
    groups: dict[tuple[str, str, date | None], list[int]] = {}
    for r in rows:
        sample = samples[r.sample_id]
        key: tuple[str, str, date | None]
        if r.round == Report.Round.FIRST:
            key = (Sample.Status.REPORTED.value, r.conclusion, r.reported_on)
        else:
            key = (Sample.Status.RETESTED.value, r.conclusion, sample.reported_on)
        groups.setdefault(key, []).append(r.sample_id)
        sample.status, sample.conclusion, sample.reported_on = key
    for (status, conclusion, reported_on), ids in groups.items():
        for start in range(0, len(ids), 1000):
            Sample.objects.filter(pk__in=ids[start:start + 1000]).update(status=status, conclusion=conclusion, reported_on=reported_on)


# --- non-conforming results: notifications and disposal ------------------------------------------

def _regulator_offices(paths: set[str]) -> dict[str, Organisation]:
    """The nearest regulator office (district bureau, else city bureau) above each jurisdiction path."""
    ancestors = {"/".join(p.split("/")[:i]) for p in paths for i in range(1, p.count("/") + 2)}
    offices = list(Organisation.objects.filter(kind__in=[Organisation.Kind.DISTRICT_BUREAU, Organisation.Kind.CITY_BUREAU], is_active=True,
                                               jurisdiction__path__in=ancestors).select_related("jurisdiction"))
    out = {}
    for path in paths:
        above = [o for o in offices if o.jurisdiction and (path == o.jurisdiction.path or path.startswith(o.jurisdiction.path + "/"))]
        if above:
            out[path] = max(above, key=lambda o: len(o.jurisdiction.path) if o.jurisdiction else 0)
    return out


def _message(sample: Sample, report: Report) -> str:
    return _("Sample %(number)s (%(product)s) taken on %(date)s is non-conforming: see its results on the platform.") % {
        "number": sample.number, "product": sample.product_name, "date": sample.sampled_on.isoformat()}


def _on_nonconforming(reports: Sequence[Report], samples: dict[int, Sample]) -> None:
    """Notify the operator (enforcement sampling) and its regulator within 2 working days; open the disposal case."""
    now = timezone.now()
    days = sorted({r.reported_on for r in reports})
    dues = dict(zip(days, add_working_days_many(days, rules.NOTIFY_WORKING_DAYS.value), strict=True))
    offices = _regulator_offices({samples[r.sample_id].operator.jurisdiction.path for r in reports})
    notes: list[Notification] = []
    events: list[AuditEntry] = []
    for r in reports:
        sample = samples[r.sample_id]
        op = sample.operator
        office = offices.get(op.jurisdiction.path)
        text = _message(sample, r)
        notes.append(Notification(sample_id=sample.pk, recipient=Notification.Recipient.REGULATOR, organisation=office,
                                  jurisdiction_id=office.jurisdiction_id if office and office.jurisdiction_id else op.jurisdiction_id,
                                  channel=Notification.Channel.PLATFORM, due_on=dues[r.reported_on], sent_at=now, delivered_on=r.reported_on,
                                  message=text))
        if sample.purpose == Sample.Purpose.ENFORCEMENT:
            online = op.owner_org_id is not None
            notes.append(Notification(sample_id=sample.pk, recipient=Notification.Recipient.OPERATOR, operator=op, organisation_id=op.owner_org_id,
                                      jurisdiction_id=op.jurisdiction_id,
                                      channel=Notification.Channel.PLATFORM if online else Notification.Channel.PAPER,
                                      due_on=dues[r.reported_on], sent_at=now if online else None, delivered_on=r.reported_on if online else None,
                                      message=text))
        events.append(_event("sample.nonconforming", sample, {"round": r.round, "report": r.pk, "purpose": sample.purpose,
                                                              "notify_due": dues[r.reported_on].isoformat()}))
    bulk_insert(Notification, notes)
    audit.record_changes_bulk(notes, operator=lambda n: samples[n.sample_id].operator_id)
    events += [_event("sample.notified", samples[n.sample_id], {"notification": n.pk, "recipient": n.recipient, "channel": n.channel,
                                                                 "delivered_on": n.delivered_on.isoformat() if n.delivered_on else None})
               for n in notes if n.delivered_on is not None]
    audit.append(events)
    for r in reports:
        sample = samples[r.sample_id]
        if r.round == Report.Round.FIRST and sample.purpose == Sample.Purpose.ENFORCEMENT:
            _open_disposal(sample, r.reported_on)


def _scope_principal(sample: Sample) -> Principal:
    """Who the automatic recall scope is taken as: the regulator of the whole city the operator is in
    (holders downstream may be in other districts; the case page shows them only to regulators)."""
    root = sample.operator.jurisdiction.path.split("/")[0]
    return Principal(role=Role.CITY_REGULATOR, jurisdiction_path=root, organisation_id=None, label="sampling")


def scope_snapshot(lot_id: int, principal: Principal) -> dict[str, Any]:
    """The lots affected downstream of a lot and who holds them (trace recall scope), as JSON-safe data."""
    from shian.trace.recall import recall_scope

    scope = recall_scope([lot_id], principal=principal)
    lots = [{"identifier": n["identifier"], "lot_id": n["lot_id"], "lot_code": n["lot_code"], "trace_code": n["trace_code"],
             "product": n["product"], "owner": n["owner"], "depth": n["depth"]} for n in scope["affected"]]
    holders = [{"party": (h["party"] or {}).get("name") or (h["party"] or {}).get("id"), "operator_id": (h["party"] or {}).get("operator_id"),
                "lot_id": h["lot_id"], "lot_code": h["lot_code"], "product": h["product"], "uom": h["uom"], "received": str(h["received"]),
                "in_transit": str(h["in_transit"])} for h in scope["holders"]]
    return {"lots": lots, "holders": holders, "taken_as": principal.label}


def _open_disposal(sample: Sample, day: date) -> Disposal:
    case = Disposal(sample=sample, opened_on=day, due_on=day + timedelta(days=rules.disposal_days()))
    if sample.lot_id is not None:
        case.scope = scope_snapshot(sample.lot_id, _scope_principal(sample))
        case.scope_taken_at = timezone.now()
    case.save()
    audit.record_event("disposal.opened", obj=case, operator_id=sample.operator_id,
                       data={"sample": sample.pk, "due_on": case.due_on.isoformat(), "lots": len(case.scope.get("lots", [])),
                             "holders": len(case.scope.get("holders", []))})
    return case


def _close_overturned(sample: Sample, day: date) -> None:
    case = Disposal.objects.select_for_update().filter(sample=sample).exclude(status=Disposal.Status.CLOSED).first()
    if case is None:
        return
    case.status, case.outcome, case.closed_on = Disposal.Status.CLOSED, Disposal.Outcome.OVERTURNED, day
    case.save(update_fields=["status", "outcome", "closed_on"])
    audit.record_event("disposal.closed", obj=case, operator_id=sample.operator_id,
                       data={"sample": sample.pk, "outcome": case.outcome, "closed_on": day.isoformat(), "late": case.closed_late})


def notification_deliver(*, notification: Notification, delivered_on: date, by: User | None = None) -> Notification:
    """A regulator records the day a paper notification reached the operator (the re-test period starts then)."""
    _not_future(delivered_on, "delivered_on")
    with acting_as(by), transaction.atomic():
        locked = Notification.objects.select_for_update().select_related("sample").get(pk=notification.pk)
        if locked.delivered_on is not None:
            raise Conflict(_("This notification was delivered on %(date)s.") % {"date": locked.delivered_on}, code="already_delivered",
                           field="delivered_on")
        reported = locked.sample.reported_on
        if reported is not None and delivered_on < reported:
            raise Invalid(_("A notification cannot be delivered before the result."), code="delivered_before_result", field="delivered_on")
        locked.delivered_on = delivered_on
        locked.sent_at = locked.sent_at or timezone.now()
        locked.save(update_fields=["delivered_on", "sent_at"])
        audit.record_event("sample.notified", obj=locked.sample, operator_id=locked.sample.operator_id,
                           data={"notification": locked.pk, "recipient": locked.recipient, "channel": locked.channel,
                                 "delivered_on": delivered_on.isoformat(), "late": locked.late})
        return locked


# --- re-tests ---------------------------------------------------------------------------------

def retest_deadline(sample: Sample) -> date | None:
    """The last day to apply for a re-test (7 working days after the result reached the operator), or None before it did."""
    delivered = (Notification.objects.filter(sample=sample, recipient=Notification.Recipient.OPERATOR, delivered_on__isnull=False)
                 .order_by("delivered_on").values_list("delivered_on", flat=True).first())
    return add_working_days(delivered, rules.RETEST_APPLY_WORKING_DAYS.value) if delivered else None


def retest_pool(sample: Sample) -> list[Organisation]:
    """Qualified re-test laboratories other than the one that did the first test."""
    return list(Organisation.objects.filter(kind=Organisation.Kind.LAB, is_active=True, qualification__retest=True)
                .exclude(pk=sample.lab_id).order_by("code"))


def retest_request(*, sample: Sample, requested_on: date | None = None, reason: str = "", by: User | None = None,
                   seed: str | None = None) -> Retest:
    """The operator applies for a re-test (Food Safety Law Art 88); the re-test laboratory is drawn at once.

    Refused: for risk monitoring; before a non-conforming first result; a second time; for microbial
    results (Order 15, configurable); after the 7th working day from receiving the result (citing Art 88
    and the last allowed date); with no qualified laboratory other than the first. The draw records
    the seed, the pool's keys and fingerprint and the drawn laboratory (:func:`retest_draw_problems` re-runs it).
    """
    day = requested_on or _today()
    _not_future(day, "requested_on")
    with acting_as(by), transaction.atomic():
        locked = Sample.objects.select_for_update().select_related("lab").get(pk=sample.pk)
        if locked.purpose != Sample.Purpose.ENFORCEMENT:
            raise Invalid(_("Risk monitoring results are not enforcement conclusions and cannot be re-tested."), code="retest_not_applicable",
                          field="sample")
        if Retest.objects.filter(sample=locked).exists():
            raise Conflict(_("A re-test was already applied for; its result is final."), code="retest_exists", field="sample")
        if locked.status != Sample.Status.REPORTED or locked.conclusion != Sample.Conclusion.NONCONFORMING:
            raise Conflict(_("Only a non-conforming result can be re-tested."), code="retest_not_possible", field="sample")
        failed = list(TestResult.objects.filter(report__sample=locked, report__round=Report.Round.FIRST,
                                                judgement=TestResult.Judgement.NONCONFORMING).select_related("limit"))
        if (rules.NO_RETEST_MICROBIAL not in rules.disabled_rules() and failed
                and all(r.limit is not None and r.limit.kind == Limit.Kind.PATHOGEN for r in failed)):
            raise Invalid(_("Refused: microbial results cannot be re-tested (%(source)s).") % {"source": rules.NO_RETEST_MICROBIAL_SOURCE.text},
                          code="retest_microbial", field="sample")
        last = retest_deadline(locked)
        if last is not None and day > last:
            raise Invalid(_("Refused: under Article 88 of the Food Safety Law a re-test must be applied for within 7 working days of "
                            "receiving the result; the last allowed date was %(date)s.") % {"date": last.isoformat()},
                          code="retest_too_late", field="requested_on", details={"last_allowed_on": last.isoformat(), "article": "88"})
        pool = retest_pool(locked)
        if not pool:
            raise Invalid(_("No qualified laboratory other than %(lab)s can do the re-test; add one to the list first.") % {"lab": locked.lab},
                          code="retest_pool_empty", field="sample")
        result = draws.draw([lab.code for lab in pool], 1, seed or draws.new_seed())
        lab = next(lab for lab in pool if lab.code == result.drawn[0])
        retest = Retest(sample=locked, requested_on=day, last_allowed_on=last, reason=reason.strip(), requested_by=by if getattr(by, "pk", None) else None,
                        lab=lab, seed=result.seed, pool_hash=result.pool_hash, pool_keys=sorted(lab.code for lab in pool), drawn_key=lab.code,
                        drawn_at=timezone.now())
        full_clean_or_raise(retest, ["requested_by"])
        retest.save()
        locked.status = Sample.Status.RETESTING
        locked.save(update_fields=["status"])
        audit.record_event("retest.requested", obj=retest, operator_id=locked.operator_id, data={
            "sample": locked.pk, "requested_on": day.isoformat(), "last_allowed_on": last.isoformat() if last else None,
            "seed": result.seed, "pool_hash": result.pool_hash, "pool": retest.pool_keys, "drawn": lab.code, "first_lab": locked.lab.code})
        return retest


def retest_draw_problems(retest: Retest, first_lab_code: str) -> list[str]:
    """Re-run a recorded re-test draw: empty when the seed and the pool give the recorded laboratory,
    the pool matches its fingerprint and the first laboratory was not in it."""
    published = draws.Draw(seed=retest.seed, pool_hash=retest.pool_hash, pool_size=len(retest.pool_keys), count=1, drawn=(retest.drawn_key,))
    problems = draws.verify(list(retest.pool_keys), published)
    if first_lab_code in retest.pool_keys:
        problems.append("first_lab_in_pool")
    return problems


# --- disposal ---------------------------------------------------------------------------------

def _locked_case(case: Disposal, *allowed: str) -> Disposal:
    locked = Disposal.objects.select_for_update().select_related("sample").get(pk=case.pk)
    if locked.status not in allowed:
        raise Conflict(_("This disposal case is %(status)s.") % {"status": locked.get_status_display()}, code="disposal_state", field="status")
    return locked


def disposal_respond(*, case: Disposal, withdrawal: str, cause_analysis: str, by: User | None = None) -> Disposal:
    """The operator reports what it withdrew or recalled and why the product failed (again, until verified)."""
    if not withdrawal.strip() or not cause_analysis.strip():
        raise Invalid(_("Describe the withdrawal and the cause analysis."), code="response_required",
                      field="withdrawal" if not withdrawal.strip() else "cause_analysis")
    with acting_as(by), transaction.atomic():
        locked = _locked_case(case, Disposal.Status.OPEN, Disposal.Status.RESPONDED)
        locked.withdrawal, locked.cause_analysis = withdrawal.strip(), cause_analysis.strip()
        locked.responded_at, locked.status = timezone.now(), Disposal.Status.RESPONDED
        full_clean_or_raise(locked)
        locked.save(update_fields=["withdrawal", "cause_analysis", "responded_at", "status"])
        audit.record_event("disposal.responded", obj=locked, operator_id=locked.sample.operator_id, data={"sample": locked.sample_id})
        return locked


def disposal_verify(*, case: Disposal, verification: str, penalty_case_ref: str = "", by: User | None = None) -> Disposal:
    """The regulator records its verification of the withdrawal (and the penalty case number, when one was opened)."""
    if not verification.strip():
        raise Invalid(_("Describe the verification."), code="verification_required", field="verification")
    with acting_as(by), transaction.atomic():
        locked = _locked_case(case, Disposal.Status.RESPONDED, Disposal.Status.VERIFIED)
        locked.verification, locked.penalty_case_ref = verification.strip(), penalty_case_ref.strip()
        locked.verified_at, locked.status = timezone.now(), Disposal.Status.VERIFIED
        full_clean_or_raise(locked)
        locked.save(update_fields=["verification", "penalty_case_ref", "verified_at", "status"])
        audit.record_event("disposal.verified", obj=locked, operator_id=locked.sample.operator_id,
                           data={"sample": locked.sample_id, "penalty_case_ref": locked.penalty_case_ref})
        return locked


def disposal_close(*, case: Disposal, closed_on: date | None = None, by: User | None = None) -> Disposal:
    """Close a verified case; closing after ``due_on`` is allowed and recorded as late."""
    day = closed_on or _today()
    _not_future(day, "closed_on")
    with acting_as(by), transaction.atomic():
        locked = _locked_case(case, Disposal.Status.VERIFIED)
        if day < locked.opened_on:
            raise Invalid(_("A case cannot close before it opened."), code="closed_before_opened", field="closed_on")
        locked.status, locked.outcome, locked.closed_on = Disposal.Status.CLOSED, Disposal.Outcome.DISPOSED, day
        locked.save(update_fields=["status", "outcome", "closed_on"])
        audit.record_event("disposal.closed", obj=locked, operator_id=locked.sample.operator_id,
                           data={"sample": locked.sample_id, "outcome": locked.outcome, "closed_on": day.isoformat(), "late": locked.closed_late,
                                 "penalty_case_ref": locked.penalty_case_ref})
        return locked


def disposal_refresh_scope(*, case: Disposal, principal: Principal, by: User | None = None) -> Disposal:
    """Take the affected lots and holders again (trace recall scope, with the regulator's own view)."""
    if case.sample.lot_id is None:
        raise Invalid(_("The sample names no lot on the platform, so there is no downstream scope."), code="lot_unknown", field="lot")
    scope = scope_snapshot(case.sample.lot_id, principal)
    with acting_as(by), transaction.atomic():
        locked = Disposal.objects.select_for_update().get(pk=case.pk)
        locked.scope, locked.scope_taken_at = scope, timezone.now()
        locked.save(update_fields=["scope", "scope_taken_at"])
        return locked


# --- plans ------------------------------------------------------------------------------------

def default_target(population: int) -> int:
    """At least 7 batches per 1000 residents, rounded up (at least one)."""
    return max(1, math.ceil(population * rules.BATCHES_PER_1000.value / 1000))


def plan_create(*, jurisdiction: Jurisdiction, year: int, target_batches: int | None = None, note: str = "", by: User | None = None) -> SamplingPlan:
    """A jurisdiction's sampling plan for a year; the target defaults to 7 batches per 1000 residents and may not be lower."""
    floor = default_target(jurisdiction.population)
    target = floor if target_batches is None else target_batches
    if target < floor:
        raise Invalid(_("The target must be at least %(n)s batches (7 per 1000 of %(pop)s residents).") % {"n": floor, "pop": jurisdiction.population},
                      code="target_too_low", field="target_batches")
    with acting_as(by), transaction.atomic():
        if SamplingPlan.objects.filter(jurisdiction=jurisdiction, year=year).exists():
            raise Conflict(_("This jurisdiction already has a sampling plan for this year."), code="plan_exists", field="year")
        plan = SamplingPlan(jurisdiction=jurisdiction, year=year, target_batches=target, note=note.strip(),
                            created_by=by if getattr(by, "pk", None) else None)
        full_clean_or_raise(plan, ["created_by"])
        plan.save()
        audit.record_event("sampling_plan.created", obj=plan, data={"jurisdiction": jurisdiction.code, "year": year, "target": target,
                                                                    "population": jurisdiction.population})
        return plan
