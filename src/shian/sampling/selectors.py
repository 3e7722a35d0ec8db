"""Reads for sampling, always through :mod:`shian.core.access` (resource ``sampling``).

Who sees what:

* regulators and inspectors: samples of operators in their jurisdiction subtree, with reports,
  notifications, re-tests and disposal cases;
* a laboratory: the samples sent to it for the first test or drawn to it for the re-test;
* an operator organisation: its operators' samples, results, re-tests and disposal cases;
* the public: only the published results of "you send, we test" (:mod:`shian.sampling.rapid`).

A sample is "of" an organisation through one of three fields (the operator's owner, the lab, the
re-test lab); with an ``own`` scope :func:`scoped` restricts once per field and joins the results.

The last section holds plain-row reads for other modules (risk grading, credit): they take
operator ids and a period and do no access check of their own; their callers do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from shian.accounts.models import Organisation, User
from shian.core import access
from shian.core.access import Principal, Role
from shian.core.errors import Forbidden, NotFound
from shian.registry.models import Operator
from shian.sampling.models import Disposal, FoodGroup, Limit, Notification, Report, Retest, Sample, TestResult

RESOURCE = "sampling"
JURISDICTION = "operator__jurisdiction__path"
VIEW_PARTIES = ("operator__owner_org_id", "lab_id", "retest__lab_id")
LAB_PARTIES = ("lab_id", "retest__lab_id")
OPERATOR_PARTIES = ("operator__owner_org_id",)
ACTION_PARTIES = {"view": VIEW_PARTIES, "report": LAB_PARTIES, "respond": OPERATOR_PARTIES}
SAMPLER_ROLES = (Role.CITY_REGULATOR, Role.DISTRICT_REGULATOR, Role.STATION_OFFICER, Role.INSPECTOR)


def scoped(qs: QuerySet[Any], principal: Principal | None, action: str, *, prefix: str = "") -> QuerySet[Any]:
    """The rows of ``qs`` (samples, or rows reaching a sample through ``prefix``) the principal may ``action``."""
    jurisdiction = prefix + JURISDICTION
    if access.scope_for(principal, RESOURCE, action) != "own":
        return access.restrict(qs, principal, RESOURCE, action, jurisdiction_field=jurisdiction)
    # A laboratory's own samples are those sent or drawn to it; an operator organisation's, those of its operators.
    lab = principal is not None and principal.role == Role.LAB
    parties = [p for p in ACTION_PARTIES.get(action, VIEW_PARTIES) if (p in LAB_PARTIES) == lab]
    if not parties:
        return qs.none()
    parts = [access.restrict(qs, principal, RESOURCE, action, jurisdiction_field=jurisdiction, org_field=prefix + p) for p in parties]
    out = parts[0]
    for part in parts[1:]:
        out = out | part
    return out


def _one(principal: Principal | None, action: str, qs: QuerySet[Any], *, prefix: str = "", **lookup: Any) -> Any:
    """One row: 404 outside the principal's view, 403 when viewable but not actionable."""
    access.require(principal, RESOURCE, action)
    obj = scoped(qs, principal, action, prefix=prefix).filter(**lookup).first()
    if obj is not None:
        return obj
    if action != "view" and access.can(principal, RESOURCE, "view") and scoped(qs, principal, "view", prefix=prefix).filter(**lookup).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise NotFound(_("The record does not exist or is outside your jurisdiction."))


def sees_cases(principal: Principal) -> bool:
    """Regulators and the operator see notifications and disposal cases; laboratories only the testing."""
    return principal.role != Role.LAB


# --- samples ----------------------------------------------------------------------------------

@dataclass
class SampleFilters:
    """Filters of the sample list (page and API share them)."""

    status: str = ""
    conclusion: str = ""
    purpose: str = ""
    q: str = ""
    operator_id: int | None = None

    @classmethod
    def from_params(cls, params: Any) -> SampleFilters:
        def pick(name: str, choices: Iterable[str]) -> str:
            value = (params.get(name) or "").strip()[:16]
            return value if value in choices else ""

        op = str(params.get("operator_id") or "").strip()
        return cls(status=pick("status", Sample.Status.values), conclusion=pick("conclusion", Sample.Conclusion.values),
                   purpose=pick("purpose", Sample.Purpose.values), q=(params.get("q") or "").strip()[:64],
                   operator_id=int(op) if op.isdigit() else None)


def samples_visible(principal: Principal | None) -> QuerySet[Sample]:
    return scoped(Sample.objects.all(), principal, "view")


def sample_list(principal: Principal | None, filters: SampleFilters | None = None) -> QuerySet[Sample]:
    """The samples the principal may see, newest first."""
    access.require(principal, RESOURCE, "view")
    qs = samples_visible(principal)
    if filters is not None:
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.conclusion:
            qs = qs.filter(conclusion=filters.conclusion)
        if filters.purpose:
            qs = qs.filter(purpose=filters.purpose)
        if filters.operator_id is not None:
            qs = qs.filter(operator_id=filters.operator_id)
        if filters.q:
            qs = qs.filter(Q(number=filters.q.upper()) | Q(product_name__contains=filters.q) | Q(seal_number=filters.q))
    return qs.select_related("operator", "lab", "food_group").order_by("-sampled_on", "-id")


def sample_for(principal: Principal | None, sample_id: int, action: str = "view") -> Sample:
    qs = Sample.objects.select_related("operator__jurisdiction", "lab", "food_group", "lot__product", "rapid_test")
    return _one(principal, action, qs, pk=sample_id)  # type: ignore[no-any-return]


def samples_for_report(principal: Principal | None, ids: Sequence[int]) -> dict[int, Sample]:
    """The samples a laboratory may post results for (sent to it, or drawn to it for the re-test), by id; 404 for others."""
    access.require(principal, RESOURCE, "report")
    # Only what choosing the round needs: the service loads and locks the full rows itself.
    qs = scoped(Sample.objects.filter(pk__in=list(ids)), principal, "report").only("id", "number", "lab_id", "status")
    found = {s.pk: s for s in qs}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(_("Sample %(ids)s does not exist or was not sent to your laboratory.") % {"ids": ", ".join(map(str, missing[:20]))})
    return found


def sample_ids_by_number(numbers: Sequence[str]) -> dict[str, int]:
    """Sample ids by sample number (a number reveals nothing: :func:`samples_for_report` checks access)."""
    return dict(Sample.objects.filter(number__in=[n.strip().upper() for n in numbers]).values_list("number", "id"))


@dataclass
class SampleDetail:
    reports: list[Report]
    notifications: list[Notification]
    retest: Retest | None
    disposal: Disposal | None
    samplers: list[User]


def sample_detail(sample: Sample, principal: Principal) -> SampleDetail:
    """Reports with their results, the re-test, and (for regulators and the operator) notifications and the disposal case."""
    reports = list(sample.reports.select_related("lab").prefetch_related(
        Prefetch("results", queryset=TestResult.objects.select_related("limit").order_by("position"))).order_by("round"))
    retest = Retest.objects.filter(sample=sample).select_related("lab").first()
    cases = sees_cases(principal)
    notifications = list(sample.notifications.select_related("organisation", "operator").order_by("id")) if cases else []
    disposal = Disposal.objects.filter(sample=sample).first() if cases else None
    return SampleDetail(reports, notifications, retest, disposal, list(sample.samplers.order_by("username")))


def round_for(principal: Principal, sample: Sample, requested: str | None = None) -> str:
    """The round a laboratory reports in; naming the other laboratory's round is refused (an admin may name either)."""
    inferred = report_round_for(principal, sample)
    if requested and requested != inferred and not principal.is_admin:
        raise Forbidden(_("Your laboratory does not test this sample in this round."), code="forbidden_round")
    return requested or inferred


def report_round_for(principal: Principal, sample: Sample) -> str:
    """The round a laboratory acts in: the first test (its own samples) or the re-test (drawn to it)."""
    if principal.organisation_id is not None and sample.lab_id == principal.organisation_id:
        return Report.Round.FIRST
    retest = Retest.objects.filter(sample=sample).only("lab_id").first()
    if retest is not None and (principal.organisation_id == retest.lab_id or principal.is_admin):
        return Report.Round.RETEST
    return Report.Round.FIRST


# --- choices for forms ------------------------------------------------------------------------

def operators_for_sampling(principal: Principal | None) -> QuerySet[Operator]:
    """Operators the principal may sample (its jurisdiction subtree)."""
    return access.restrict(Operator.objects.all(), principal, RESOURCE, "record")


def operator_for_sampling(principal: Principal | None, operator_id: int) -> Operator:
    access.require(principal, RESOURCE, "record")
    op = operators_for_sampling(principal).select_related("jurisdiction").filter(pk=operator_id).first()
    if op is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return op


def samplers_available(principal: Principal | None) -> QuerySet[User]:
    """Law-enforcement staff in the principal's subtree who may take samples."""
    users = User.objects.filter(role__in=SAMPLER_ROLES, is_active=True)
    return access.restrict(users, principal, RESOURCE, "record", jurisdiction_field="organisation__jurisdiction__path").order_by("username")


def samplers_by_id(principal: Principal | None, ids: Sequence[int]) -> list[User]:
    found = {u.pk: u for u in samplers_available(principal).filter(pk__in=list(ids))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(_("Sampler %(ids)s is not law-enforcement staff of your jurisdiction.") % {"ids": ", ".join(map(str, missing))})
    return [found[i] for i in dict.fromkeys(ids)]


def labs() -> QuerySet[Organisation]:
    """Laboratories a sample may be sent to (any active laboratory; the list of labs is public)."""
    return Organisation.objects.filter(kind=Organisation.Kind.LAB, is_active=True).order_by("code")


def lab_by_id(lab_id: int) -> Organisation:
    lab = labs().filter(pk=lab_id).first()
    if lab is None:
        raise NotFound(_("No active laboratory with this id."))
    return lab


def food_groups() -> QuerySet[FoodGroup]:
    return FoodGroup.objects.select_related("parent").order_by("code")


def food_group_by_code(code: str) -> FoodGroup:
    group = FoodGroup.objects.filter(code=code).first()
    if group is None:
        raise NotFound(_("Unknown food group: %(code)s.") % {"code": code})
    return group


def limit_table(*, food_group: str = "", item: str = "") -> QuerySet[Limit]:
    """The limits in use (public data: national standards)."""
    qs = Limit.objects.filter(active=True).select_related("food_group")
    if food_group:
        qs = qs.filter(food_group__code=food_group)
    if item:
        qs = qs.filter(Q(item_code=item) | Q(item__contains=item))
    return qs.order_by("standard", "food_group__code", "item_code")


# --- re-tests, notifications, disposals ---------------------------------------------------------

def retest_for(principal: Principal | None, retest_id: int) -> Retest:
    qs = Retest.objects.select_related("sample__lab", "sample__operator", "lab")
    return _one(principal, "view", qs, prefix="sample__", pk=retest_id)  # type: ignore[no-any-return]


def notification_for(principal: Principal | None, notification_id: int, action: str = "view") -> Notification:
    qs = Notification.objects.select_related("sample__operator", "operator", "organisation")
    if principal is not None and not sees_cases(principal):
        qs = qs.none()
    return _one(principal, action, qs, prefix="sample__", pk=notification_id)  # type: ignore[no-any-return]


@dataclass
class DisposalFilters:
    status: str = ""
    overdue: bool = False

    @classmethod
    def from_params(cls, params: Any) -> DisposalFilters:
        status = (params.get("status") or "").strip()[:10]
        return cls(status=status if status in Disposal.Status.values else "",
                   overdue=(params.get("overdue") or "").strip().lower() in ("1", "true", "yes"))


def disposals_visible(principal: Principal | None) -> QuerySet[Disposal]:
    if principal is None or not sees_cases(principal):
        return Disposal.objects.none()
    return scoped(Disposal.objects.all(), principal, "view", prefix="sample__")


def disposal_list(principal: Principal | None, filters: DisposalFilters | None = None, *, today: date | None = None) -> QuerySet[Disposal]:
    access.require(principal, RESOURCE, "view")
    qs = disposals_visible(principal)
    if filters is not None:
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.overdue and today is not None:
            qs = qs.exclude(status=Disposal.Status.CLOSED).filter(due_on__lt=today)
    return qs.select_related("sample__operator").order_by("status" if filters is None else "-opened_on", "-opened_on", "-id")


def disposal_for(principal: Principal | None, disposal_id: int, action: str = "view") -> Disposal:
    qs = Disposal.objects.select_related("sample__operator__jurisdiction", "sample__lot__product", "sample__food_group")
    if principal is not None and not sees_cases(principal):
        qs = qs.none()
    return _one(principal, action, qs, prefix="sample__", pk=disposal_id)  # type: ignore[no-any-return]


@dataclass
class Deadlines:
    """What is late or due: the tracking lists of the deadlines page."""

    not_received: list[Sample]
    received_late: int
    reports_overdue: list[Sample]
    reported_late: int
    retests_overdue: list[Retest]
    notifications_pending: list[Notification]
    notifications_late: int
    disposals_overdue: list[Disposal]
    disposals_open: int


def deadlines(principal: Principal | None, today: date, *, limit: int = 50) -> Deadlines:
    """Samples not received within 5 working days, reports past 20 working days, notifications not
    delivered within 2 working days, disposal cases past their deadline — in the principal's view."""
    access.require(principal, RESOURCE, "view")
    samples = samples_visible(principal).select_related("operator", "lab")
    cases = principal is not None and sees_cases(principal)
    notifications = scoped(Notification.objects.all(), principal, "view", prefix="sample__") if cases else Notification.objects.none()
    disposals = disposals_visible(principal)
    retests = scoped(Retest.objects.all(), principal, "view", prefix="sample__")
    return Deadlines(
        not_received=list(samples.filter(status=Sample.Status.SAMPLED, receive_due__lt=today).order_by("receive_due")[:limit]),
        received_late=samples.filter(received_on__isnull=False, received_on__gt=F("receive_due")).count(),
        reports_overdue=list(samples.filter(status=Sample.Status.RECEIVED, report_due__lt=today).order_by("report_due")[:limit]),
        reported_late=samples.filter(reported_on__isnull=False, reported_on__gt=F("report_due")).count(),
        retests_overdue=list(retests.filter(sample__status=Sample.Status.RETESTING, report_due__lt=today)
                             .select_related("sample", "lab").order_by("report_due")[:limit]),
        notifications_pending=list(notifications.filter(delivered_on__isnull=True).select_related("sample__operator", "organisation")
                                   .order_by("due_on")[:limit]),
        notifications_late=notifications.filter(delivered_on__gt=F("due_on")).count(),
        disposals_overdue=list(disposals.exclude(status=Disposal.Status.CLOSED).filter(due_on__lt=today)
                               .select_related("sample__operator").order_by("due_on")[:limit]),
        disposals_open=disposals.exclude(status=Disposal.Status.CLOSED).count(),
    )


# --- the dossier ----------------------------------------------------------------------------

def can_view_operator(principal: Principal, operator: Operator) -> bool:
    """True if the principal sees this operator's samples (the rule of :func:`scoped`, without a query)."""
    scope = access.scope_for(principal, RESOURCE, "view")
    if scope == "all":
        return True
    if scope == "own":
        return principal.role == Role.OPERATOR and principal.organisation_id is not None and operator.owner_org_id == principal.organisation_id
    return scope == "jurisdiction" and access.in_subtree(principal, operator.jurisdiction.path)


def operator_summary(principal: Principal, operator: Operator) -> dict[str, Any] | None:
    """What the dossier shows of an operator's sampling: recent samples, counts, open disposal cases (2 queries)."""
    if not can_view_operator(principal, operator):
        return None
    samples = Sample.objects.filter(operator=operator)
    recent = list(samples.select_related("disposal").order_by("-sampled_on", "-id")[:10])
    counts = samples.aggregate(total=Count("id"), nonconforming=Count("id", filter=Q(conclusion=Sample.Conclusion.NONCONFORMING)),
                               conforming=Count("id", filter=Q(conclusion=Sample.Conclusion.CONFORMING)),
                               open_disposals=Count("disposal", filter=Q(disposal__isnull=False) & ~Q(disposal__status=Disposal.Status.CLOSED)))
    return {"samples": recent, **counts}


# --- plain rows for the risk and credit modules ------------------------------------------------

def sample_results(operator_ids: Sequence[int], since: date | None = None, until: date | None = None) -> list[dict[str, Any]]:
    """Final sampling results of the operators, sampled within [since, until], as plain rows.

    One row per sample: ``sample_id, number, operator_id, purpose, sampled_on, reported_on,
    conclusion`` (final: the re-test's when there was one), ``retested``, ``nonconforming_items``
    (item codes), ``disposal_status`` and ``disposal_closed_on``. Three queries. No access check:
    the caller (risk grading, credit) decides who sees what it derives.
    """
    qs = Sample.objects.filter(operator_id__in=list(operator_ids))
    if since is not None:
        qs = qs.filter(sampled_on__gte=since)
    if until is not None:
        qs = qs.filter(sampled_on__lte=until)
    rows = list(qs.values("id", "number", "operator_id", "purpose", "sampled_on", "reported_on", "conclusion", "status",
                          "disposal__status", "disposal__closed_on").order_by("sampled_on", "id"))
    ids = [r["id"] for r in rows]
    failed: dict[int, list[str]] = {}
    for sample_id, round_, code in (TestResult.objects.filter(report__sample_id__in=ids, judgement=TestResult.Judgement.NONCONFORMING)
                                    .values_list("report__sample_id", "report__round", "item_code").order_by("report__sample_id", "position")):
        failed.setdefault(sample_id, []).append(f"{code}" if round_ == Report.Round.FIRST else f"{code}@retest")
    return [{"sample_id": r["id"], "number": r["number"], "operator_id": r["operator_id"], "purpose": r["purpose"],
             "sampled_on": r["sampled_on"], "reported_on": r["reported_on"], "conclusion": r["conclusion"],
             "retested": r["status"] == Sample.Status.RETESTED, "nonconforming_items": failed.get(r["id"], []),
             "disposal_status": r["disposal__status"], "disposal_closed_on": r["disposal__closed_on"]} for r in rows]


def disposal_cases(operator_ids: Sequence[int], since: date | None = None, until: date | None = None) -> list[dict[str, Any]]:
    """Disposal cases of the operators opened within [since, until], as plain rows (one query, no access check)."""
    qs = Disposal.objects.filter(sample__operator_id__in=list(operator_ids))
    if since is not None:
        qs = qs.filter(opened_on__gte=since)
    if until is not None:
        qs = qs.filter(opened_on__lte=until)
    return [{"disposal_id": r["id"], "sample_id": r["sample_id"], "operator_id": r["sample__operator_id"], "opened_on": r["opened_on"],
             "due_on": r["due_on"], "status": r["status"], "outcome": r["outcome"], "closed_on": r["closed_on"],
             "closed_late": r["closed_on"] is not None and r["closed_on"] > r["due_on"], "penalty_case_ref": r["penalty_case_ref"]}
            for r in qs.values("id", "sample_id", "sample__operator_id", "opened_on", "due_on", "status", "outcome", "closed_on",
                               "penalty_case_ref").order_by("opened_on", "id")]
