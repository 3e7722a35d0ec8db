"""Reads for the credit file, through :mod:`shian.core.access` (resource ``credit``).

Who sees what:

* regulators and inspectors: the whole file (every record, repaired and withdrawn ones too) of
  operators in their jurisdiction subtree;
* an operator organisation: its own operators' files, and the public profile of any operator;
* everyone, without logging in: the public profile (records that may be published, within their
  display period and not repaired; the serious-violation mark; violation points and hygiene grades
  of catering operators) and the published serious-violation list.

:func:`profile` builds either view of one operator in a fixed number of queries; callers check
access first (:func:`operator_for`) or ask for the public view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.access import Principal
from shian.core.errors import Forbidden, NotFound
from shian.credit import repair, rules, standing
from shian.credit.models import CreditRecord, HygieneGrade, Listing, RepairApplication, ViolationPoint
from shian.credit.sanctions import Sanctions, combine
from shian.registry.models import Licence, Operator

RESOURCE = "credit"
FIELDS = {"jurisdiction_field": "operator__jurisdiction__path", "org_field": "operator__owner_org_id"}


def _not_found() -> NotFound:
    return NotFound(_("The record does not exist or is outside your jurisdiction."))


def _one(principal: Principal | None, qs: QuerySet[Any], action: str, **lookup: Any) -> Any:
    """One row: 404 outside the principal's view, 403 when it may view but not ``action``."""
    access.require(principal, RESOURCE, action)
    obj = access.restrict(qs, principal, RESOURCE, action, **FIELDS).filter(**lookup).first()
    if obj is not None:
        return obj
    if action != "view" and access.restrict(qs, principal, RESOURCE, "view", **FIELDS).filter(**lookup).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise _not_found()


# --- operators ----------------------------------------------------------------------------------

def operators_visible(principal: Principal | None, action: str = "view") -> QuerySet[Operator]:
    return access.restrict(Operator.objects.all(), principal, RESOURCE, action)


def operator_for(principal: Principal | None, operator_id: int, action: str = "view") -> Operator:
    """An operator whose credit file the principal may ``action`` (404 outside, 403 when view-only)."""
    access.require(principal, RESOURCE, action)
    qs = Operator.objects.select_related("jurisdiction")
    obj = access.restrict(qs, principal, RESOURCE, action).filter(pk=operator_id).first()
    if obj is not None:
        return obj  # type: ignore[no-any-return]
    if action != "view" and access.restrict(qs, principal, RESOURCE, "view").filter(pk=operator_id).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise _not_found()


def operator_by_uscc(uscc: str) -> Operator:
    """Any operator by its USCC, for the public profile (no login)."""
    op = Operator.objects.select_related("jurisdiction").filter(uscc=uscc.strip().upper()).first()
    if op is None:
        raise NotFound(_("No operator has this unified social credit code."))
    return op


def operator_by_ref(principal: Principal | None, ref: str, action: str) -> Operator:
    """An operator named by id or USCC that the principal may ``action`` (forms take either)."""
    ref = (ref or "").strip()
    if ref.isdigit():
        return operator_for(principal, int(ref), action)
    op = Operator.objects.filter(uscc=ref.upper()).only("pk").first()
    if op is None:
        raise _not_found()
    return operator_for(principal, op.pk, action)


def can_view_operator(principal: Principal, operator: Operator) -> bool:
    """True if the principal sees this operator's internal credit file (no query; the dossier has a budget)."""
    scope = access.scope_for(principal, RESOURCE, "view")
    if scope == "all":
        return True
    if scope == "own":
        return principal.organisation_id is not None and operator.owner_org_id == principal.organisation_id
    return scope == "jurisdiction" and access.in_subtree(principal, operator.jurisdiction.path)


# --- records ------------------------------------------------------------------------------------

def records_visible(principal: Principal | None, action: str = "view") -> QuerySet[CreditRecord]:
    return access.restrict(CreditRecord.objects.all(), principal, RESOURCE, action, **FIELDS)


@dataclass
class RecordFilters:
    kind: str = ""
    severity: str = ""
    state: str = ""  # "" all, "displayed", "repaired", "withdrawn"

    @classmethod
    def from_params(cls, params: Any) -> RecordFilters:
        kind, severity, state = (str(params.get(k, "") or "") for k in ("kind", "severity", "state"))
        return cls(kind if kind in CreditRecord.Kind.values else "", severity if severity in rules.SEVERITIES else "",
                   state if state in ("displayed", "repaired", "withdrawn") else "")


def record_list(principal: Principal | None, filters: RecordFilters | None = None, *, today: date | None = None) -> QuerySet[CreditRecord]:
    access.require(principal, RESOURCE, "view")
    f = filters or RecordFilters()
    today = today or timezone.localdate()
    qs = records_visible(principal).select_related("operator")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.state == "displayed":
        qs = qs.filter(public=True, repaired=False, withdrawn=False, display_until__gt=today, occurred_on__lte=today)
    elif f.state == "repaired":
        qs = qs.filter(repaired=True)
    elif f.state == "withdrawn":
        qs = qs.filter(withdrawn=True)
    return qs.order_by("-occurred_on", "-id")


def record_for(principal: Principal | None, record_id: int, action: str = "view") -> CreditRecord:
    return _one(principal, CreditRecord.objects.select_related("operator", "operator__jurisdiction", "created_by"), action,  # type: ignore[no-any-return]
                pk=record_id)


def record_applications(record: CreditRecord) -> list[RepairApplication]:
    return list(record.repair_applications.select_related("applied_by", "decided_by").order_by("-applied_on", "-id"))


# --- profile ------------------------------------------------------------------------------------

@dataclass
class PointsSummary:
    """A catering operator's violation points in the current 12-month cycle."""

    cycle_start: date
    cycle_end: date
    total: int
    grade: str
    consequence: str
    source: rules.Source
    entries: list[ViolationPoint]


@dataclass
class HygieneSummary:
    """The latest dynamic smiley (none within the quiet months after a new licence) and annual grade."""

    dynamic: HygieneGrade | None
    annual: HygieneGrade | None
    quiet_until: date | None

    @property
    def dynamic_label(self) -> str:
        return str(rules.DYNAMIC_LABELS.get(self.dynamic.grade, self.dynamic.grade)) if self.dynamic else ""


@dataclass
class Profile:
    """One operator's credit profile: the regulator's view (everything) or the public view."""

    operator: Operator
    public: bool
    today: date
    records: list[CreditRecord]
    standing: standing.Standing
    sanctions: Sanctions
    listing: Listing | None
    listings: list[Listing] = field(default_factory=list)
    repairs: list[RepairApplication] = field(default_factory=list)
    points: PointsSummary | None = None
    hygiene: HygieneSummary | None = None
    catering: bool = False

    @property
    def show_level(self) -> bool:
        return not self.public or rules.public_level()

    def displayed(self, record: CreditRecord) -> bool:
        return standing.displayed(record, self.today)

    def in_effect(self, record: CreditRecord) -> bool:
        return standing.in_effect(record, self.today)


def _points(operator_id: int, issued: date | None, today: date) -> PointsSummary:
    start, end = rules.points_cycle(issued, today)
    entries = list(ViolationPoint.objects.filter(operator_id=operator_id, withdrawn=False, occurred_on__gte=start, occurred_on__lt=end)
                   .order_by("-occurred_on", "-id"))
    total = sum(e.points for e in entries)
    grade = rules.points_grade(total)
    text, source = rules.GRADE_CONSEQUENCES.get(grade, ("", rules.GRADE_SOURCE))
    return PointsSummary(start, end, total, grade, str(text), source, entries)


def _hygiene(operator_id: int, licences: list[date], today: date) -> HygieneSummary:
    grades = list(HygieneGrade.objects.filter(operator_id=operator_id).order_by("-assessed_on", "-id")[:50])
    dynamic = next((g for g in grades if g.kind == HygieneGrade.Kind.DYNAMIC), None)
    annual = next((g for g in grades if g.kind == HygieneGrade.Kind.ANNUAL), None)
    newest = max(licences) if licences else None
    quiet_until = rules.add_months(newest, rules.NEW_LICENCE_QUIET_MONTHS) if newest else None
    if quiet_until is not None and today >= quiet_until:
        quiet_until = None
    if quiet_until is not None and dynamic is not None and dynamic.assessed_on < (newest or today):
        dynamic = None  # a grade from before the new licence does not describe the new business
    return HygieneSummary(dynamic, annual, quiet_until)


def profile(operator: Operator, *, public: bool, today: date | None = None) -> Profile:
    """The credit profile of an operator (8 queries at most). No access check: callers check or ask for ``public``."""
    today = today or timezone.localdate()
    catering = any(t.code in rules.CATERING_TYPES for t in operator.types.all())
    records = list(CreditRecord.objects.filter(operator=operator).order_by("-occurred_on", "-id"))
    st = standing.standing_of(records, today)
    sanctions = combine(operator.pk, st.counts)
    listings = list(Listing.objects.filter(operator=operator).select_related("penalty").order_by("-proposed_on", "-id"))
    active = next((x for x in listings if x.status == Listing.Status.LISTED), None)
    points = hygiene = None
    if catering:
        licences = list(Licence.objects.filter(operator=operator).values_list("issued_on", flat=True))
        held = [d for d in licences if d <= today]
        points = _points(operator.pk, max(held, default=None), today)
        hygiene = _hygiene(operator.pk, held, today)
    if public:
        shown = [r for r in records if standing.displayed(r, today)]
        return Profile(operator, True, today, shown, st, sanctions, active, [], [], points, hygiene, catering)
    repairs = list(RepairApplication.objects.filter(operator=operator).select_related("record").order_by("-applied_on", "-id")[:50])
    return Profile(operator, False, today, records, st, sanctions, active, listings, repairs, points, hygiene, catering)


# --- what-if ------------------------------------------------------------------------------------

@dataclass
class Candidate:
    record: CreditRecord
    eligibility: repair.Eligibility


@dataclass
class WhatIf:
    """What repairing some records would change: the level, the sanctions and the public profile."""

    before: standing.Standing
    after: standing.Standing
    sanctions_before: Sanctions
    sanctions_after: Sanctions
    shown_before: int
    shown_after: int
    candidates: list[Candidate]
    chosen: set[int]


def what_if(operator: Operator, record_ids: set[int] | None = None, *, today: date | None = None) -> WhatIf:
    """Candidates for repair (records on public display), each with its eligibility (obligations assumed
    fulfilled), and the standing before and after repairing ``record_ids`` (default: the eligible ones)."""
    today = today or timezone.localdate()
    records = list(CreditRecord.objects.filter(operator=operator).order_by("-occurred_on", "-id"))
    penalties = [(r.pk, r.occurred_on, r.severity) for r in records if r.kind == CreditRecord.Kind.PENALTY and not r.withdrawn]
    candidates = []
    for r in records:
        if r.is_positive or not standing.displayed(r, today):
            continue
        others = [(day, severity) for pk, day, severity in penalties if pk != r.pk]
        candidates.append(Candidate(r, repair.eligibility(r, today=today, later_penalties=others, obligations_fulfilled=True, harm_removed=True)))
    known = {c.record.pk for c in candidates}
    chosen = (record_ids & known) if record_ids is not None else {c.record.pk for c in candidates if c.eligibility.eligible}
    before = standing.standing_of(records, today)
    after = standing.standing_if_repaired(records, chosen, today)
    shown_before = sum(1 for r in records if standing.displayed(r, today))
    return WhatIf(before, after, combine(operator.pk, before.counts), combine(operator.pk, after.counts), shown_before,
                  shown_before - len(chosen), candidates, chosen)


# --- repair applications and listings -------------------------------------------------------------

def repairs_visible(principal: Principal | None, action: str = "view") -> QuerySet[RepairApplication]:
    return access.restrict(RepairApplication.objects.all(), principal, RESOURCE, action, **FIELDS)


def repair_list(principal: Principal | None, *, status: str = "") -> QuerySet[RepairApplication]:
    access.require(principal, RESOURCE, "view")
    qs = repairs_visible(principal).select_related("operator", "record")
    if status in RepairApplication.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_on", "-id")


def repair_for(principal: Principal | None, application_id: int, action: str = "view") -> RepairApplication:
    qs = RepairApplication.objects.select_related("operator", "record", "applied_by", "decided_by")
    return _one(principal, qs, action, pk=application_id)  # type: ignore[no-any-return]


def listings_visible(principal: Principal | None, action: str = "view") -> QuerySet[Listing]:
    return access.restrict(Listing.objects.all(), principal, RESOURCE, action, **FIELDS)


def listing_list(principal: Principal | None, *, status: str = "") -> QuerySet[Listing]:
    access.require(principal, RESOURCE, "view")
    qs = listings_visible(principal).select_related("operator", "penalty")
    if status in Listing.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-proposed_on", "-id")


def listing_for(principal: Principal | None, listing_id: int, action: str = "view") -> Listing:
    qs = Listing.objects.select_related("operator", "penalty", "record", "proposed_by", "decided_by")
    return _one(principal, qs, action, pk=listing_id)  # type: ignore[no-any-return]


def public_listings() -> QuerySet[Listing]:
    """The published serious-violation list: operators listed now, newest first (no login)."""
    return (Listing.objects.filter(status=Listing.Status.LISTED).select_related("operator", "operator__jurisdiction", "penalty")
            .only("id", "ground", "published_on", "removal_due", "operator__name", "operator__uscc", "operator__jurisdiction__name",
                  "penalty__decision_number").order_by("-published_on", "-id"))


# --- the dossier --------------------------------------------------------------------------------

def operator_summary(principal: Principal, operator: Operator, *, today: date | None = None) -> dict[str, Any] | None:
    """What the dossier shows of the credit file (2 queries), or None when the principal may not see it."""
    if not can_view_operator(principal, operator):
        return None
    today = today or timezone.localdate()
    records = list(CreditRecord.objects.filter(operator=operator).order_by("-occurred_on", "-id"))
    st = standing.standing_of(records, today)
    listings = list(Listing.objects.filter(operator=operator).order_by("-proposed_on", "-id")[:20])
    return {"records": records, "standing": st, "sanctions": combine(operator.pk, st.counts), "listings": listings,
            "displayed": sum(1 for r in records if standing.displayed(r, today)), "today": today}
