"""Credit pages: the credit file list, profiles (regulator and public, with the table-sticker QR code),
record entry and detail, credit repair, the serious-violation list, the what-if view and violation points.

Each view parses input, checks access through the selectors, calls at most one service and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shian.core import access
from shian.core.errors import ShianError
from shian.core.pages import page_errors
from shian.core.pages import principal as _principal
from shian.core.pages import querystring as _querystring
from shian.core.pagination import CappedPaginator
from shian.credit import qr, rules, selectors, services, standing
from shian.credit.forms import DecideForm, ListingDecideForm, ListingForm, PointsForm, ReasonForm, RecordForm, RepairForm
from shian.credit.models import CreditRecord, Listing, RepairApplication

PAGE_SIZE = 25


def _nav(principal: access.Principal) -> dict[str, bool]:
    return {"can_view": access.can(principal, "credit", "view"), "can_record": access.can(principal, "credit", "record"),
            "can_commit": access.can(principal, "credit", "commit"), "can_decide": access.can(principal, "credit", "decide")}


# --- the file -----------------------------------------------------------------------------------------

@login_required
@page_errors
def record_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    filters = selectors.RecordFilters.from_params(request.GET)
    page = CappedPaginator(selectors.record_list(principal, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/record_list.html", {
        "page": page, "filters": filters, "kinds": CreditRecord.Kind.choices, "severities": CreditRecord.Severity.choices[1:],
        "querystring": _querystring(request), "nav": _nav(principal), "today": timezone.localdate(),
    })


@login_required
@page_errors
def record_new(request: HttpRequest) -> HttpResponse:
    """Enter a penalty, a verified complaint or an award (regulators) or a credit commitment (the operator too)."""
    principal = _principal(request)
    kinds = [k for k in rules.MANUAL_KINDS if access.can(principal, "credit", "commit" if k == "commitment" else "record")]
    if not kinds:
        access.require(principal, "credit", "record")
    form = RecordForm(request.POST or None, kinds=kinds, initial={"operator": request.GET.get("operator", "")})
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            op = selectors.operator_by_ref(principal, d["operator"], "commit" if d["kind"] == "commitment" else "record")
            record = services.record_create(operator=op, kind=d["kind"], severity=d.get("severity") or "", title=d["title"],
                                            occurred_on=d["occurred_on"], facts=d.get("facts") or "", legal_ground=d.get("legal_ground") or "",
                                            decision_number=d.get("decision_number") or "", withhold=bool(d.get("withhold")),
                                            by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            error = exc.message
            if exc.field and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
                error = None
        else:
            messages.success(request, _("The record is in the credit file."))
            return redirect("credit-record-detail", record_id=record.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "credit/record_form.html", {"form": form, "error": error, "nav": _nav(principal)}, status=status)


def _record_page(request: HttpRequest, record: CreditRecord, *, status: int = 200, **forms: Any) -> HttpResponse:
    principal = _principal(request)
    today = timezone.localdate()
    may = {action: selectors.records_visible(principal, action).filter(pk=record.pk).exists() if access.can(principal, "credit", action) else False
           for action in ("apply", "record", "propose")}
    check = services.repair_check(record=record, obligations_fulfilled=True, harm_removed=True, today=today) if may["apply"] else None
    may_list = may["propose"] and record.kind == CreditRecord.Kind.PENALTY and record.severity == "serious" and not record.withdrawn
    try:
        period_source = rules.period_for(record.kind, record.severity).source
    except KeyError:
        period_source = rules.RECORDS_SOURCE
    return render(request, "credit/record_detail.html", {
        "record": record, "applications": selectors.record_applications(record), "listings": list(record.listings.all()),
        "displayed": standing.displayed(record, today), "in_effect": standing.in_effect(record, today),
        "period_source": period_source, "check": check, "may_apply": may["apply"] and check is not None and check.eligible,
        "may_withdraw": may["record"] and not record.withdrawn and record.kind != CreditRecord.Kind.LISTING, "may_list": may_list,
        "repair_form": forms.get("repair") or RepairForm(), "withdraw_form": forms.get("withdraw") or ReasonForm(),
        "listing_form": forms.get("listing") or ListingForm(), "error": forms.get("error"), "nav": _nav(principal), "today": today,
        "repair_source": rules.REPAIR_SOURCE, "removal_source": rules.REMOVAL_SOURCE,
    }, status=status)


@login_required
@page_errors
def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    return _record_page(request, selectors.record_for(_principal(request), record_id))


@login_required
@require_POST
@page_errors
def record_withdraw(request: HttpRequest, record_id: int) -> HttpResponse:
    record = selectors.record_for(_principal(request), record_id, "record")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _record_page(request, record, status=400, withdraw=form)
    try:
        services.record_withdraw(record=record, reason=form.cleaned_data["reason"], by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _record_page(request, record, status=exc.status, withdraw=form, error=exc.message)
    messages.success(request, _("The record is withdrawn; it stays in the internal file."))
    return redirect("credit-record-detail", record_id=record.pk)


@login_required
@require_POST
@page_errors
def repair_apply(request: HttpRequest, record_id: int) -> HttpResponse:
    record = selectors.record_for(_principal(request), record_id, "apply")
    form = RepairForm(request.POST)
    if not form.is_valid():
        return _record_page(request, record, status=400, repair=form)
    d = form.cleaned_data
    try:
        app = services.repair_apply(record=record, obligations_fulfilled=bool(d.get("obligations_fulfilled")), harm_removed=bool(d.get("harm_removed")),
                                    evidence=d.get("evidence") or "", by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:  # an ineligible record: the message names the reason and the earliest date
        return _record_page(request, record, status=exc.status, repair=form, error=exc.message)
    messages.success(request, _("The application is submitted; the decision is due by %(date)s.") % {"date": app.due_on.isoformat()})
    return redirect("credit-repair-detail", application_id=app.pk)


@login_required
@require_POST
@page_errors
def listing_propose(request: HttpRequest, record_id: int) -> HttpResponse:
    record = selectors.record_for(_principal(request), record_id, "propose")
    form = ListingForm(request.POST)
    if not form.is_valid():
        return _record_page(request, record, status=400, listing=form)
    try:
        listing = services.listing_propose(penalty=record, ground=form.cleaned_data["ground"], facts=form.cleaned_data["facts"],
                                           by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _record_page(request, record, status=exc.status, listing=form, error=exc.message)
    messages.success(request, _("The listing is proposed; a district or city regulator decides."))
    return redirect("credit-listing-detail", listing_id=listing.pk)


# --- profiles -----------------------------------------------------------------------------------------

@login_required
@page_errors
def profile(request: HttpRequest, operator_id: int) -> HttpResponse:
    """The regulator's (and the operator's own) view: every record, the level explained, sanctions, repairs."""
    principal = _principal(request)
    op = selectors.operator_for(principal, operator_id)
    p = selectors.profile(op, public=False)
    may_record = access.can(principal, "credit", "record") and selectors.operators_visible(principal, "record").filter(pk=op.pk).exists()
    return render(request, "credit/profile.html", {
        "p": p, "operator": op, "nav": _nav(principal), "may_record": may_record, "points_form": PointsForm(),
        "level_source": rules.LEVEL_SOURCE, "rules": rules, "sanction_labels": rules.TRIGGER_LABELS,
    })


@require_GET
def public_profile(request: HttpRequest, uscc: str) -> HttpResponse:
    """What the table sticker's QR code opens, for anyone: only what may be published."""
    try:
        op = selectors.operator_by_uscc(uscc)
    except ShianError as exc:
        return render(request, "credit/public_unknown.html", {"uscc": uscc[:32], "message": exc.message}, status=404)
    p = selectors.profile(op, public=True)
    response = render(request, "credit/public.html", {"p": p, "operator": op, "rules": rules})
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@page_errors
def sticker(request: HttpRequest, operator_id: int) -> HttpResponse:
    """A printable table sticker (桌贴) with the QR code of the public profile."""
    op = selectors.operator_for(_principal(request), operator_id)
    url = qr.public_url(request, op.uscc)
    return render(request, "credit/sticker.html", {"operator": op, "url": url, "svg": qr.svg(url)})


@login_required
@require_GET
@page_errors
def sticker_png(request: HttpRequest, operator_id: int) -> HttpResponse:
    op = selectors.operator_for(_principal(request), operator_id)
    response = HttpResponse(qr.png(qr.public_url(request, op.uscc)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="credit-{op.uscc}.png"'
    return response


@login_required
@page_errors
def what_if(request: HttpRequest, operator_id: int) -> HttpResponse:
    """What repairing records would change: level, sanctions, public display (nothing is written)."""
    op = selectors.operator_for(_principal(request), operator_id)
    chosen = {int(x) for x in request.GET.getlist("record") if x.isdigit()} if "record" in request.GET or "go" in request.GET else None
    return render(request, "credit/what_if.html", {"operator": op, "w": selectors.what_if(op, chosen), "labels": rules.TRIGGER_LABELS})


@login_required
@require_POST
@page_errors
def points_new(request: HttpRequest, operator_id: int) -> HttpResponse:
    principal = _principal(request)
    op = selectors.operator_for(principal, operator_id, "record")
    form = PointsForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.points_record(operator=op, points=d["points"], violation=d["violation"], occurred_on=d["occurred_on"],
                                   by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The points are recorded."))
    else:
        messages.error(request, _("Enter the points, the violation and the date."))
    return redirect("credit-profile", operator_id=op.pk)


# --- repair applications ------------------------------------------------------------------------------

@login_required
@page_errors
def repair_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    status = str(request.GET.get("status", "") or "")
    page = CappedPaginator(selectors.repair_list(principal, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/repair_list.html", {"page": page, "status": status, "statuses": RepairApplication.Status.choices,
                                                       "querystring": _querystring(request), "nav": _nav(principal), "today": timezone.localdate()})


def _repair_page(request: HttpRequest, app: RepairApplication, *, status: int = 200, **forms: Any) -> HttpResponse:
    principal = _principal(request)
    may_decide = app.status == RepairApplication.Status.PENDING and access.can(principal, "credit", "decide") and \
        selectors.repairs_visible(principal, "decide").filter(pk=app.pk).exists()
    return render(request, "credit/repair_detail.html", {"app": app, "may_decide": may_decide, "form": forms.get("form") or DecideForm(),
                                                         "error": forms.get("error"), "nav": _nav(principal), "today": timezone.localdate(),
                                                         "deadline_source": rules.REPAIR_DECISION_SOURCE}, status=status)


@login_required
@page_errors
def repair_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    return _repair_page(request, selectors.repair_for(_principal(request), application_id))


@login_required
@require_POST
@page_errors
def repair_decide(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.repair_for(_principal(request), application_id, "decide")
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _repair_page(request, app, status=400, form=form)
    d = form.cleaned_data
    try:
        services.repair_decide(application=app, approve=d["decision"] == "approve", reason=d.get("reason") or "",
                               earliest_date=d.get("earliest_date"), by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _repair_page(request, app, status=exc.status, form=form, error=exc.message)
    messages.success(request, _("The decision is recorded."))
    return redirect("credit-repair-detail", application_id=app.pk)


# --- the serious-violation list -----------------------------------------------------------------------

@login_required
@page_errors
def listing_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    status = str(request.GET.get("status", "") or "")
    page = CappedPaginator(selectors.listing_list(principal, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/listing_list.html", {"page": page, "status": status, "statuses": Listing.Status.choices,
                                                        "querystring": _querystring(request), "nav": _nav(principal), "grounds": rules.LISTING_GROUNDS})


def _listing_page(request: HttpRequest, listing: Listing, *, status: int = 200, **forms: Any) -> HttpResponse:
    principal = _principal(request)
    may_decide = listing.status == Listing.Status.PROPOSED and access.can(principal, "credit", "decide") and \
        selectors.listings_visible(principal, "decide").filter(pk=listing.pk).exists()
    return render(request, "credit/listing_detail.html", {
        "listing": listing, "ground_label": rules.LISTING_GROUNDS.get(listing.ground, listing.ground), "may_decide": may_decide,
        "form": forms.get("form") or ListingDecideForm(), "error": forms.get("error"), "nav": _nav(principal),
        "ground_source": rules.LISTING_GROUND_SOURCE, "removal_source": rules.REMOVAL_SOURCE,
    }, status=status)


@login_required
@page_errors
def listing_detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    return _listing_page(request, selectors.listing_for(_principal(request), listing_id))


@login_required
@require_POST
@page_errors
def listing_decide(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = selectors.listing_for(_principal(request), listing_id, "decide")
    form = ListingDecideForm(request.POST)
    if not form.is_valid():
        return _listing_page(request, listing, status=400, form=form)
    d = form.cleaned_data
    try:
        services.listing_decide(listing=listing, approve=d["decision"] == "approve", reason=d.get("reason") or "",
                                by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _listing_page(request, listing, status=exc.status, form=form, error=exc.message)
    messages.success(request, _("The decision is recorded."))
    return redirect("credit-listing-detail", listing_id=listing.pk)


@require_GET
def public_listings(request: HttpRequest) -> HttpResponse:
    """The published serious-violation list, for anyone."""
    page = CappedPaginator(selectors.public_listings(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/public_listings.html", {"page": page, "querystring": "", "grounds": rules.LISTING_GROUNDS,
                                                           "source": rules.LISTING_GROUND_SOURCE})


@require_GET
def rules_page(request: HttpRequest) -> HttpResponse:
    """Every credit rule with its legal source and confidence (public)."""
    return render(request, "credit/rules.html", {"sources": rules.sources(), "level_rules": rules.level_rules(), "count_names": rules.COUNT_NAMES,
                                                 "measures": rules.sanction_measures(), "labels": rules.TRIGGER_LABELS})
