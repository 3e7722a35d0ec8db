"""Inspection pages: plans, draws (form, result, verification, publication), the inspector's
assignments, the checklist form on a phone, the inspection detail with its PDF record and
amendments, the overdue-publication list, indicators, and the public pages (published draws and
results, the record check behind the QR code).

Each view parses input, checks access through the selectors, calls at most one service and renders.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.core import access
from shian.core.errors import Invalid, NotFound, ShianError
from shian.core.pages import page_errors, stored_file
from shian.core.pages import principal as _principal
from shian.core.pages import querystring as _querystring
from shian.core.pagination import CappedPaginator
from shian.inspection import pdf, rules, selectors, services, verification
from shian.inspection.forms import AcknowledgeForm, AmendForm, CloseForm, DrawForm, PhotoForm, PlanForm, VisitForm
from shian.inspection.models import Answer, Inspection, Result, Scope
from shian.rectification import selectors as rectification_selectors

PAGE_SIZE = 25
RESOURCE = selectors.RESOURCE


def _page(request: HttpRequest, qs: Any) -> Any:
    return CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# --- plans -----------------------------------------------------------------------------------------

@login_required
@page_errors
def plan_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    page = _page(request, selectors.plan_list(principal))
    return render(request, "inspection/plan_list.html", {"page": page, "querystring": "", "can_generate": access.can(principal, RESOURCE, "draw"),
                                                          "rules": rules.sources()})


@login_required
@page_errors
def plan_new(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), RESOURCE, "draw")
    choices = selectors.jurisdictions_for(principal, "draw")
    form = PlanForm(request.POST or None, jurisdictions=choices, initial={"year": timezone.localdate().year})
    error = None
    if request.method == "POST" and form.is_valid():
        jurisdiction = selectors.jurisdiction_for(principal, form.cleaned_data["jurisdiction"], "draw")
        try:
            plan = services.plan_generate(jurisdiction=jurisdiction, year=form.cleaned_data["year"], frequencies=form.frequencies(),
                                          by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            error = exc.message
        else:
            messages.success(request, _("The plan was generated: %(n)d planned inspections.") % {"n": plan.item_count})
            return redirect("inspection-plan-detail", plan_id=plan.pk)
    return render(request, "inspection/plan_form.html", {"form": form, "error": error, "sources": rules.sources()},
                  status=400 if request.method == "POST" else 200)


@login_required
@page_errors
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    principal = _principal(request)
    plan = selectors.plan_for(principal, plan_id)
    quarter = request.GET.get("quarter", "")
    scope = request.GET.get("scope", "")
    grade = request.GET.get("grade", "")
    items = selectors.plan_items(plan, quarter=int(quarter) if quarter in ("1", "2", "3", "4") else None,
                                 scope=scope if scope in Scope.values else "", grade=grade if grade in ("A", "B", "C", "D") else "")
    return render(request, "inspection/plan_detail.html", {
        "plan": plan, "page": _page(request, items), "querystring": _querystring(request), "summary": selectors.plan_summary(plan),
        "scopes": Scope.choices, "quarter": quarter, "scope": scope, "grade": grade, "focus_labels": rules.FOCUS_REASONS,
        "can_draw": access.can(principal, RESOURCE, "draw"),
    })


# --- draws -----------------------------------------------------------------------------------------

@login_required
@page_errors
def draw_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    return render(request, "inspection/draw_list.html", {"page": _page(request, selectors.draw_list(principal)), "querystring": "",
                                                          "can_draw": access.can(principal, RESOURCE, "draw")})


def _draw_form(principal: access.Principal, data: Any = None, initial: dict[str, Any] | None = None) -> DrawForm:
    return DrawForm(data, jurisdictions=selectors.jurisdictions_for(principal, "draw"), plans=selectors.plans_for_choice(principal),
                    organisations=selectors.inspector_organisations(principal), initial=initial)


@login_required
@page_errors
def draw_new(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), RESOURCE, "draw")
    initial = {"plan": request.GET.get("plan", ""), "quarter": request.GET.get("quarter", ""), "per_inspection": rules.MIN_INSPECTORS}
    form = _draw_form(principal, request.POST or None, initial)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            jurisdiction = selectors.jurisdiction_for(principal, d["jurisdiction"], "draw")
            plan = selectors.plan_for(principal, int(d["plan"])) if d.get("plan") else None
            filters = services.TargetFilters(jurisdiction=jurisdiction, type_codes=[t.code for t in d["types"]], grades=list(d["grades"]),
                                             credit=d.get("credit") or "", plan=plan, quarter=d.get("quarter"))
            draw = services.draw_run(title=d["title"], filters=filters, inspector_organisations=[int(o) for o in d["organisations"]],
                                     count=d.get("count"), proportion=d.get("proportion"), per_inspection=d["per_inspection"], scope=d["scope"],
                                     by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            error = exc
        else:
            messages.success(request, _("Draw completed: %(n)d inspections assigned.") % {"n": draw.count})
            return redirect("inspection-draw-detail", draw_id=draw.pk)
    return render(request, "inspection/draw_form.html", {"form": form, "error": error}, status=400 if request.method == "POST" else 200)


@login_required
@page_errors
def draw_detail(request: HttpRequest, draw_id: int) -> HttpResponse:
    principal = _principal(request)
    draw = selectors.draw_for(principal, draw_id)
    # A city-wide draw has thousands of rows: show them a page at a time; re-running the draw is the verify page's job.
    pages = max(1, -(-len(draw.drawn) // DRAW_ROWS_PER_PAGE))
    page = min(max(1, _int(request.GET.get("page"), 1)), pages)
    return render(request, "inspection/draw_detail.html", {
        "draw": draw, "rows": selectors.draw_rows(draw, (page - 1) * DRAW_ROWS_PER_PAGE, DRAW_ROWS_PER_PAGE),
        "page": page, "pages": pages, "previous": page - 1 if page > 1 else None, "next": page + 1 if page < pages else None,
        "can_publish": access.can(principal, RESOURCE, "draw") and selectors.draws_visible(principal, "draw").filter(pk=draw.pk).exists(),
        "today": timezone.localdate(),
    })


DRAW_ROWS_PER_PAGE = 200


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_POST
@page_errors
def draw_publish(request: HttpRequest, draw_id: int) -> HttpResponse:
    draw = selectors.draw_for(_principal(request), draw_id, "draw")
    services.draw_publish(draw=draw, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The draw and its closed results are published."))
    return redirect("inspection-draw-detail", draw_id=draw.pk)


def _visible_draw(request: HttpRequest, draw_id: int) -> Any:
    """A published draw for anyone; an unpublished one only for regulators who see it."""
    try:
        return selectors.published_draw(draw_id)
    except NotFound:
        if not request.user.is_authenticated:
            raise
        return selectors.draw_for(_principal(request), draw_id)


@page_errors
def draw_pool(request: HttpRequest, draw_id: int, kind: str) -> HttpResponse:
    draw = _visible_draw(request, draw_id)
    if kind not in ("targets", "inspectors"):
        raise NotFound(_("Not found."))
    text = draw.target_keys if kind == "targets" else draw.inspector_keys
    response = HttpResponse(text + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}-{kind}.txt"'
    return response


@page_errors
def draw_verify(request: HttpRequest, draw_id: int) -> HttpResponse:
    """Re-run the draw from its published seed and pools and show whether it checks out."""
    draw = _visible_draw(request, draw_id)
    problems = verification.check(draw)
    return render(request, "inspection/draw_verify.html", {"draw": draw, "problems": problems, "published": verification.published(draw),
                                                            "rows": selectors.draw_rows(draw) if draw.published_at else None})


# --- inspections -----------------------------------------------------------------------------------

@login_required
@page_errors
def inspection_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    filters = selectors.InspectionFilters.from_params(request.GET)
    return render(request, "inspection/inspection_list.html", {
        "page": _page(request, selectors.inspection_list(principal, filters)), "filters": filters, "querystring": _querystring(request),
        "statuses": Inspection.Status.choices, "results": Result.choices, "can_plan": access.can(principal, RESOURCE, "plan"),
        "can_perform": access.can(principal, RESOURCE, "perform"),
    })


@login_required
@page_errors
def assignments(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    show_closed = request.GET.get("closed") == "1"
    return render(request, "inspection/assignments.html", {
        "page": _page(request, selectors.my_assignments(principal, open_only=not show_closed)), "querystring": _querystring(request),
        "show_closed": show_closed, "today": timezone.localdate(),
    })


def _detail_context(request: HttpRequest, inspection: Inspection) -> dict[str, Any]:
    principal = _principal(request)
    detail = selectors.inspection_detail(inspection)
    may_perform = not inspection.is_closed and selectors.inspections_visible(principal, "perform").filter(pk=inspection.pk).exists()
    may_amend = inspection.is_closed and access.can(principal, RESOURCE, "amend") and \
        selectors.inspections_visible(principal, "amend").filter(pk=inspection.pk).exists()
    return {"inspection": inspection, "detail": detail, "may_perform": may_perform, "may_amend": may_amend,
            "may_publish": inspection.is_closed and inspection.published_at is None and access.can(principal, RESOURCE, "draw"),
            "orders": rectification_selectors.orders_for_source(principal, "inspection", inspection.pk),
            "verify_url": request.build_absolute_uri(reverse("inspection-verify-record", args=[inspection.verify_code])) if inspection.is_closed else ""}


@login_required
@page_errors
def inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_for(_principal(request), inspection_id)
    return render(request, "inspection/inspection_detail.html", _detail_context(request, inspection))


def _posted_answers(request: HttpRequest, items: list[Any]) -> list[services.AnswerIn]:
    out = []
    for item in items:
        outcome = str(request.POST.get(f"item-{item.pk}", "") or "")
        if not outcome:
            continue
        out.append(services.AnswerIn(item.pk, outcome, str(request.POST.get(f"note-{item.pk}", "") or "")))
    return out


def _form_page(request: HttpRequest, inspection: Inspection, *, status: int = 200, **forms: Any) -> HttpResponse:
    detail = selectors.inspection_detail(inspection)
    visit = forms.get("visit") or VisitForm(initial={
        "inspected_at": timezone.localtime(inspection.inspected_at or timezone.now()).strftime("%Y-%m-%dT%H:%M"),
        "place": inspection.place or inspection.operator.address, "latitude": inspection.latitude, "longitude": inspection.longitude,
        "summary": inspection.summary})
    failed = sum(1 for i in detail.items if i.answer is not None and i.answer.outcome == Answer.Outcome.FAIL)
    return render(request, "inspection/inspection_form.html", {
        "inspection": inspection, "detail": detail, "visit": visit, "outcomes": Answer.Outcome.choices,
        "photo_form": forms.get("photo") or PhotoForm(items=[(str(i.pk), f"{i.number} {i.text[:20]}") for i in detail.items]),
        "ack_form": forms.get("ack") or AcknowledgeForm(initial={"representative_name": inspection.representative_name,
                                                                 "signature": inspection.representative_signature}),
        "close_form": forms.get("close") or CloseForm(initial={"working_days": forms.get("default_days")}),
        "error": forms.get("error"), "failed": failed, "full": inspection.scope == Scope.FULL,
    }, status=status)


@login_required
@page_errors
def inspection_form(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """The checklist on a phone: every item with 符合/不符合/不适用 and a note, time and place of the visit."""
    principal = _principal(request)
    inspection = selectors.inspection_for(principal, inspection_id, "perform")
    if inspection.is_closed:
        closed = _("This inspection is closed and can no longer be edited; record a correction as an amendment.")
        return _form_page(request, inspection, status=409, error=closed)
    if inspection.template_id is None:
        services.inspection_save(inspection=inspection, by=request.user)  # type: ignore[arg-type]
        inspection.refresh_from_db()
    if request.method != "POST":
        return _form_page(request, inspection)
    visit = VisitForm(request.POST)
    if not visit.is_valid():
        return _form_page(request, inspection, status=400, visit=visit)
    d = visit.cleaned_data
    items = selectors.inspection_detail(inspection).items
    try:
        services.inspection_save(inspection=inspection, answers=_posted_answers(request, items), inspected_at=d["inspected_at"], place=d.get("place") or "",
                                 latitude=d.get("latitude"), longitude=d.get("longitude"), summary=d.get("summary") or "",
                                 by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _form_page(request, inspection, status=exc.status, visit=visit, error=exc.message)
    messages.success(request, _("Saved."))
    return redirect("inspection-form", inspection_id=inspection.pk)


@login_required
@require_POST
@page_errors
def photo_add(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_for(_principal(request), inspection_id, "perform")
    detail = selectors.inspection_detail(inspection)
    form = PhotoForm(request.POST, request.FILES, items=[(str(i.pk), i.number) for i in detail.items])
    if not form.is_valid():
        return _form_page(request, inspection, status=400, photo=form)
    item = next((i for i in detail.items if str(i.pk) == form.cleaned_data.get("item")), None)
    f = form.cleaned_data["file"]
    try:
        services.photo_add(inspection=inspection, file=f, name=f.name, size=f.size, item=item, by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _form_page(request, inspection, status=exc.status, photo=form, error=exc.message)
    messages.success(request, _("Photo attached."))
    return redirect("inspection-form", inspection_id=inspection.pk)


@login_required
@require_POST
@page_errors
def acknowledge(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_for(_principal(request), inspection_id, "perform")
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _form_page(request, inspection, status=400, ack=form)
    try:
        services.inspection_acknowledge(inspection=inspection, representative_name=form.cleaned_data["representative_name"],
                                        signature=form.cleaned_data["signature"], by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _form_page(request, inspection, status=exc.status, ack=form, error=exc.message)
    messages.success(request, _("The representative's acknowledgement is recorded."))
    return redirect("inspection-form", inspection_id=inspection.pk)


@login_required
@require_POST
@page_errors
def close(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_for(_principal(request), inspection_id, "perform")
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _form_page(request, inspection, status=400, close=form)
    days = None
    if form.cleaned_data.get("order_rectification"):
        from shian.rectification.rules import default_working_days

        days = form.cleaned_data.get("working_days") or default_working_days()
    try:
        services.inspection_close(inspection=inspection, rectification_days=days, by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _form_page(request, inspection, status=exc.status, close=form, error=exc.message)
    messages.success(request, _("The inspection is closed; its record is sealed."))
    return redirect("inspection-detail", inspection_id=inspection.pk)


@login_required
@page_errors
def amend(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """Correct a closed inspection through a recorded amendment."""
    inspection = selectors.inspection_for(_principal(request), inspection_id, "amend")
    detail = selectors.inspection_detail(inspection)
    form = AmendForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.amendment_create(inspection=inspection, answers=_posted_answers(request, detail.items), reason=form.cleaned_data["reason"],
                                      by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            error = exc.message
        else:
            messages.success(request, _("The amendment is recorded; the record has a new revision."))
            return redirect("inspection-detail", inspection_id=inspection.pk)
    return render(request, "inspection/amend.html", {"inspection": inspection, "detail": detail, "form": form, "error": error,
                                                     "outcomes": Answer.Outcome.choices}, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
@page_errors
def publish(request: HttpRequest, inspection_id: int) -> HttpResponse:
    principal = access.require(_principal(request), RESOURCE, "draw")
    inspection = selectors.inspection_for(principal, inspection_id)
    if not inspection.is_closed:
        raise Invalid(_("Only the result of a closed inspection is published."), code="inspection_not_closed")
    services.results_publish(inspections=[inspection], by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The result is published."))
    return redirect("inspection-detail", inspection_id=inspection.pk)


@login_required
@page_errors
def record_pdf(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """The inspection record as a PDF (Chinese, with a QR code that opens the public check)."""
    inspection = selectors.inspection_for(_principal(request), inspection_id)
    if not inspection.is_closed:
        raise Invalid(_("The record is issued when the inspection is closed."), code="inspection_not_closed")
    content = pdf.record_pdf(inspection, verify_url=request.build_absolute_uri(reverse("inspection-verify-record", args=[inspection.verify_code])))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inspection-{inspection.pk}-r{inspection.revision}.pdf"'
    return response


@login_required
@page_errors
def photo_file(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = selectors.photo_for(_principal(request), photo_id)
    return stored_file(photo)


@login_required
@page_errors
def overdue(request: HttpRequest) -> HttpResponse:
    draws, inspections = selectors.overdue_publication(_principal(request))
    return render(request, "inspection/overdue.html", {"draws": draws[:200], "page": _page(request, inspections), "querystring": "",
                                                        "today": timezone.localdate()})


@login_required
@page_errors
def indicators(request: HttpRequest) -> HttpResponse:
    """Inspection coverage by risk grade and rectification on-time rate, for a jurisdiction and period."""
    principal = access.require(_principal(request), RESOURCE, "plan")
    choices = selectors.jurisdictions_for(principal, "plan")
    code = request.GET.get("jurisdiction") or (choices[0][0] if choices else "")
    today = timezone.localdate()
    try:
        since = date.fromisoformat(request.GET.get("since") or f"{today.year}-01-01")
        until = date.fromisoformat(request.GET.get("until") or today.isoformat())
    except ValueError:
        raise Invalid(_("Enter dates as YYYY-MM-DD."), code="date_invalid") from None
    coverage: list[Any] = []
    on_time: list[Any] = []
    if code:
        jurisdiction = selectors.jurisdiction_for(principal, code, "plan")
        coverage = selectors.coverage_by_grade(principal, path=jurisdiction.path, since=since, until=until)
        if access.can(principal, "rectification", "view"):
            on_time = rectification_selectors.on_time_rate(principal, since=since, until=until)
    return render(request, "inspection/indicators.html", {"choices": choices, "code": code, "since": since, "until": until,
                                                          "coverage": coverage, "on_time": on_time})


# --- public pages (no login) ------------------------------------------------------------------------

@page_errors
def public(request: HttpRequest) -> HttpResponse:
    """Published draws and published results (双随机、一公开), for the public portal."""
    return render(request, "inspection/public.html", {"draws": selectors.public_draws()[:20], "page": _page(request, selectors.public_results()),
                                                      "querystring": ""})


@page_errors
def public_draw(request: HttpRequest, draw_id: int) -> HttpResponse:
    draw = selectors.published_draw(draw_id)
    return render(request, "inspection/draw_verify.html", {"draw": draw, "problems": verification.check(draw),
                                                            "published": verification.published(draw), "rows": selectors.draw_rows(draw)})


@page_errors
def verify_record(request: HttpRequest, code: str) -> HttpResponse:
    """The page behind the record's QR code: operator, date, result, revision and the record's SHA-256."""
    inspection = selectors.inspection_by_code(code)
    return render(request, "inspection/verify_record.html", {"inspection": inspection, "published": inspection.published_at is not None})


