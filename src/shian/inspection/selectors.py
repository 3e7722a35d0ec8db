"""Reads for inspections, through :mod:`shian.core.access` (resource ``inspection``).

Who sees what:

* regulators: plans, draws and inspections of their jurisdiction subtree;
* inspectors (and anyone acting as one): only the inspections they are assigned to;
* an operator: its own closed inspections (never an announced visit before it happens);
* the public: published draws and published results only (:func:`public_draws`, :func:`public_results`).

The plain-row selectors (:func:`closed_inspections`) take no principal: the risk and credit
modules read them on the server.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.access import Principal, Role
from shian.core.errors import Forbidden, NotFound
from shian.inspection.models import ChecklistTemplate, Draw, Inspection, InspectionInspector, InspectionPlan, Photo, PlanItem
from shian.registry.models import Operator

RESOURCE = "inspection"
FIELDS = {"jurisdiction_field": "operator__jurisdiction__path", "org_field": "operator__owner_org_id"}
PLACE_FIELDS = {"jurisdiction_field": "jurisdiction__path"}  # plans and draws belong to a jurisdiction (no role has "own" on them)
Status = Inspection.Status


def _not_found() -> NotFound:
    return NotFound(_("The record does not exist or is outside your jurisdiction."))


# --- inspections -----------------------------------------------------------------------------------

def inspections_visible(principal: Principal | None, action: str = "view") -> QuerySet[Inspection]:
    """Inspections the principal may ``action`` (see the module docstring)."""
    qs = access.restrict(Inspection.objects.all(), principal, RESOURCE, action, **FIELDS)
    if principal is None:
        return qs.none()
    if principal.role == Role.OPERATOR:
        return qs.filter(status=Status.CLOSED)
    if not principal.is_admin and (principal.role == Role.INSPECTOR or action == "perform"):
        return qs.filter(assignments__inspector=principal.user) if principal.user is not None else qs.none()
    return qs


@dataclass
class InspectionFilters:
    status: str = ""
    result: str = ""
    draw: int | None = None

    @classmethod
    def from_params(cls, params: Any) -> InspectionFilters:
        status, result = str(params.get("status", "") or ""), str(params.get("result", "") or "")
        draw = str(params.get("draw", "") or "")
        return cls(status if status in Status.values else "", result if result in ("compliant", "basically_compliant", "non_compliant") else "",
                   int(draw) if draw.isdigit() else None)


def inspection_list(principal: Principal | None, filters: InspectionFilters | None = None) -> QuerySet[Inspection]:
    access.require(principal, RESOURCE, "view")
    f = filters or InspectionFilters()
    qs = inspections_visible(principal).select_related("operator", "draw", "template")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.result:
        qs = qs.filter(result=f.result)
    if f.draw:
        qs = qs.filter(draw_id=f.draw)
    return qs.order_by("-id")


def my_assignments(principal: Principal | None, *, open_only: bool = True) -> QuerySet[Inspection]:
    """The inspections the principal is assigned to (open ones by default), soonest due first."""
    access.require(principal, RESOURCE, "perform")
    assert principal is not None
    qs = Inspection.objects.filter(assignments__inspector=principal.user) if principal.user is not None else Inspection.objects.none()
    qs = access.restrict(qs, principal, RESOURCE, "perform", **FIELDS)
    if open_only:
        qs = qs.exclude(status=Status.CLOSED)
    return qs.select_related("operator", "template").order_by("due_on", "id")


def inspection_for(principal: Principal | None, inspection_id: int, action: str = "view") -> Inspection:
    """One inspection: 404 outside the principal's view, 403 when it may view but not ``action``."""
    access.require(principal, RESOURCE, "view" if action == "view" else action)
    base = ("operator", "operator__jurisdiction", "template", "draw", "closed_by")
    obj = inspections_visible(principal, action).select_related(*base).filter(pk=inspection_id).first()
    if obj is not None:
        return obj
    if action != "view" and inspections_visible(principal).filter(pk=inspection_id).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise _not_found()


@dataclass
class Detail:
    """An inspection with its checklist, answers, inspectors, photos and amendments."""

    inspection: Inspection
    items: list[Any]  # ChecklistItem with ``answer`` set (or None)
    inspectors: list[InspectionInspector]
    photos: list[Photo]
    amendments: list[Any]

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.answer is not None)


def inspection_detail(inspection: Inspection) -> Detail:
    """The detail of one inspection in a fixed number of queries."""
    answers = {a.item_id: a for a in inspection.answers.all()}
    items = list(inspection.template.items.all()) if inspection.template is not None else []
    for item in items:
        item.answer = answers.get(item.pk)  # type: ignore[attr-defined]  # shown beside each item
    inspectors = list(inspection.assignments.select_related("inspector", "inspector__inspector_profile", "inspector__organisation"))
    return Detail(inspection, items, inspectors, list(inspection.photos.all()), list(inspection.amendments.select_related("amended_by")))


def photo_for(principal: Principal | None, photo_id: int) -> Photo:
    access.require(principal, RESOURCE, "view")
    photo = Photo.objects.filter(pk=photo_id, inspection__in=inspections_visible(principal)).first()
    if photo is None:
        raise _not_found()
    return photo


def inspection_by_code(code: str) -> Inspection:
    """A closed inspection by the code in its QR link (the public check: no login)."""
    obj = Inspection.objects.select_related("operator").filter(verify_code=code, status=Status.CLOSED).first()
    if obj is None:
        raise NotFound(_("No inspection record has this verification code."))
    return obj


# --- plans and draws ------------------------------------------------------------------------------

def plans_visible(principal: Principal | None) -> QuerySet[InspectionPlan]:
    return access.restrict(InspectionPlan.objects.all(), principal, RESOURCE, "plan", **PLACE_FIELDS)


def plan_list(principal: Principal | None) -> QuerySet[InspectionPlan]:
    access.require(principal, RESOURCE, "plan")
    return plans_visible(principal).select_related("jurisdiction", "created_by").order_by("-year", "jurisdiction__path")


def plan_for(principal: Principal | None, plan_id: int) -> InspectionPlan:
    access.require(principal, RESOURCE, "plan")
    obj = plans_visible(principal).select_related("jurisdiction").filter(pk=plan_id).first()
    if obj is None:
        raise _not_found()
    return obj  # type: ignore[no-any-return]


def plan_items(plan: InspectionPlan, *, quarter: int | None = None, month: int | None = None, scope: str = "", grade: str = "") -> QuerySet[PlanItem]:
    qs = plan.items.select_related("operator", "inspection")
    if quarter:
        qs = qs.filter(due_quarter=quarter)
    if month:
        qs = qs.filter(due_month=month)
    if scope:
        qs = qs.filter(scope=scope)
    if grade:
        qs = qs.filter(grade=grade)
    return qs.order_by("due_month", "operator_id", "id")


def plan_summary(plan: InspectionPlan) -> dict[str, Any]:
    """Counts by quarter, scope and grade, and how many items are done (one query each)."""
    items = plan.items.all()
    return {
        "by_quarter": dict(items.values_list("due_quarter").annotate(n=Count("id")).order_by()),
        "by_scope": dict(items.values_list("scope").annotate(n=Count("id")).order_by()),
        "by_grade": dict(items.values_list("grade").annotate(n=Count("id")).order_by()),
        "done": items.filter(inspection__status=Status.CLOSED).count(),
    }


def draws_visible(principal: Principal | None, action: str = "plan") -> QuerySet[Draw]:
    return access.restrict(Draw.objects.all(), principal, RESOURCE, action, **PLACE_FIELDS)


def draw_list(principal: Principal | None) -> QuerySet[Draw]:
    access.require(principal, RESOURCE, "plan")
    return draws_visible(principal).select_related("jurisdiction", "ran_by").defer("target_keys", "inspector_keys").order_by("-ran_at", "-id")


def draw_for(principal: Principal | None, draw_id: int, action: str = "plan") -> Draw:
    access.require(principal, RESOURCE, action)
    obj = draws_visible(principal, action).select_related("jurisdiction", "ran_by", "plan").filter(pk=draw_id).first()
    if obj is not None:
        return obj  # type: ignore[no-any-return]
    if action != "plan" and draws_visible(principal).filter(pk=draw_id).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise _not_found()


def draw_rows(draw: Draw, start: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
    """The draw's result (or the rows ``start``..``start + limit``) with operator and inspector names (three queries)."""
    drawn = draw.drawn[start:None if limit is None else start + limit]
    usccs = [a["target"] for a in drawn]
    ops = {o.uscc: o for o in Operator.objects.filter(uscc__in=usccs).only("id", "name", "uscc", "address")}
    from shian.inspection.models import InspectorProfile

    badges = {b for a in drawn for b in a["inspectors"]}
    people = {p.badge_number: p.user for p in InspectorProfile.objects.filter(badge_number__in=badges).select_related("user")}
    inspections = dict(draw.inspections.filter(operator__uscc__in=usccs).values_list("operator__uscc", "pk"))
    return [{"rank": start + i + 1, "target": a["target"], "operator": ops.get(a["target"]), "inspection_id": inspections.get(a["target"]),
             "inspectors": [(b, people.get(b)) for b in a["inspectors"]], "excluded": a["excluded"]} for i, a in enumerate(drawn)]


def published_draw(draw_id: int) -> Draw:
    obj = Draw.objects.select_related("jurisdiction").filter(pk=draw_id, published_at__isnull=False).first()
    if obj is None:
        raise NotFound(_("No published draw has this number."))
    return obj


def public_draws() -> QuerySet[Draw]:
    return Draw.objects.filter(published_at__isnull=False).select_related("jurisdiction").defer("target_keys", "inspector_keys").order_by("-published_at")


def public_results() -> QuerySet[Inspection]:
    """Published results of closed inspections (name, date, result), newest first."""
    return (Inspection.objects.filter(status=Status.CLOSED, published_at__isnull=False).select_related("operator", "operator__jurisdiction")
            .only("id", "operator__name", "operator__uscc", "operator__jurisdiction__name", "inspected_at", "result", "published_at", "verify_code",
                  "draw_id").order_by("-published_at", "-id"))


def overdue_publication(principal: Principal | None) -> tuple[QuerySet[Draw], QuerySet[Inspection]]:
    """Draws and closed inspections whose 20-working-day publication deadline has passed unpublished."""
    access.require(principal, RESOURCE, "plan")
    today = timezone.localdate()
    draws = draws_visible(principal).filter(published_at__isnull=True, publish_due__lt=today).select_related("jurisdiction")
    insps = (access.restrict(Inspection.objects.all(), principal, RESOURCE, "plan", **FIELDS)
             .filter(status=Status.CLOSED, published_at__isnull=True, publish_due__lt=today).select_related("operator"))
    return draws.defer("target_keys", "inspector_keys").order_by("publish_due"), insps.order_by("publish_due", "id")


def templates() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.prefetch_related("operator_types", "items").order_by("code", "-version")


# --- for the risk and credit modules (no principal) ------------------------------------------------

@dataclass(frozen=True)
class ClosedInspection:
    """One closed inspection as the risk and credit modules read it."""

    operator_id: int
    inspection_id: int
    inspected_on: date
    result: str
    scope: str
    key_failures: int
    general_failures: int
    failed_items: tuple[str, ...]


def closed_inspections(operator_ids: Collection[int] | None, since: date | None = None, until: date | None = None) -> list[ClosedInspection]:
    """Inspections closed in the window (inclusive dates), by operator (``None``: every operator)."""
    qs = Inspection.objects.filter(status=Status.CLOSED)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(closed_at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        qs = qs.filter(closed_at__lte=datetime.combine(until, time.max, tzinfo=tz))
    if operator_ids is not None:
        qs = qs.filter(operator_id__in=list(operator_ids))
    rows = qs.order_by("operator_id", "closed_at", "id").values_list("operator_id", "pk", "inspected_at", "closed_at", "result", "scope",
                                                                     "key_failures", "general_failures", "failed_items")
    return [ClosedInspection(op, pk, timezone.localdate(inspected or closed), result, scope, kf, gf, tuple(failed or ()))
            for op, pk, inspected, closed, result, scope, kf, gf, failed in rows]


# --- indicators -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CoverageRow:
    grade: str
    operators: int
    inspected: int

    @property
    def rate(self) -> float | None:
        return self.inspected / self.operators if self.operators else None


def coverage_by_grade(principal: Principal | None, *, path: str, since: date, until: date) -> list[CoverageRow]:
    """Share of active operators in a jurisdiction subtree (within the principal's) inspected in the period, by risk grade."""
    from shian.inspection.planning import operators_in
    from shian.risk.grades import grades_for

    access.require(principal, RESOURCE, "plan")
    assert principal is not None
    if not access.in_subtree(principal, path) and access.scope_for(principal, RESOURCE, "plan") != "all":
        raise _not_found()
    ids = operators_in(path).values("pk")
    by_grade = grades_for(ids)
    tz = timezone.get_current_timezone()
    inspected = set(Inspection.objects.filter(operator_id__in=ids, status=Status.CLOSED,
                                              closed_at__gte=datetime.combine(since, time.min, tzinfo=tz),
                                              closed_at__lte=datetime.combine(until, time.max, tzinfo=tz))
                    .values_list("operator_id", flat=True).distinct())
    totals: dict[str, list[int]] = {}
    for op_id, grade in by_grade.items():
        row = totals.setdefault(grade, [0, 0])
        row[0] += 1
        row[1] += op_id in inspected
    return [CoverageRow(g, n, k) for g, (n, k) in sorted(totals.items())]


# --- choices for the forms ------------------------------------------------------------------------

def jurisdictions_for(principal: Principal | None, action: str) -> list[tuple[str, str]]:
    """(code, name) of the jurisdictions (city, districts, streets) where the principal may ``action``."""
    from shian.core.models import Jurisdiction

    qs = access.restrict(Jurisdiction.objects.all(), principal, RESOURCE, action, jurisdiction_field="path")
    return [(j.code, f"{'　' * (j.path.count('/'))}{j.name}") for j in qs.order_by("path")]


def jurisdiction_for(principal: Principal | None, code: str, action: str) -> Any:
    from shian.core.models import Jurisdiction

    access.require(principal, RESOURCE, action)
    obj = access.restrict(Jurisdiction.objects.all(), principal, RESOURCE, action, jurisdiction_field="path").filter(code=code).first()
    if obj is None:
        raise _not_found()
    return obj


def inspector_organisations(principal: Principal | None) -> list[tuple[str, str]]:
    """Offices in the principal's jurisdiction that have qualified inspectors."""
    from shian.accounts.models import Organisation

    qs = access.restrict(Organisation.objects.filter(users__inspector_profile__qualified=True, users__inspector_profile__active=True).distinct(),
                         principal, RESOURCE, "draw", jurisdiction_field="jurisdiction__path")
    return [(str(o.pk), o.name) for o in qs.order_by("code")]


def plans_for_choice(principal: Principal | None) -> list[tuple[str, str]]:
    return [(str(p.pk), f"{p.year} {p.jurisdiction.name}") for p in plan_list(principal)[:50]]
