"""Risk pages: the grades of a jurisdiction, an operator's grade explained (with history and override),
risk warnings, the rules table (administrators edit it), the yearly regrade and the pending-inspection
list ordered by the targeting model.

Each view parses input, checks access through the selectors, calls at most one service and renders.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.core import access, jobs
from shian.core.errors import ShianError
from shian.core.pages import page_errors
from shian.core.pages import principal as _principal
from shian.core.pages import querystring as _querystring
from shian.core.pagination import CappedPaginator
from shian.risk import grades, ranking, rules, selectors, services
from shian.risk.forms import BandsForm, FactorForm, HandleForm, OverrideForm, ParameterForm
from shian.risk.models import RiskGrade, RiskWarning

PAGE_SIZE = 25


def _nav(principal: access.Principal) -> dict[str, bool]:
    return {name: access.can(principal, "risk", name) for name in ("view", "warnings", "rules", "configure", "regrade", "targeting", "retrain")}


# --- grades -------------------------------------------------------------------------------------------

@login_required
@page_errors
def overview(request: HttpRequest) -> HttpResponse:
    """Active operators in view by grade, riskiest score first (an operator never scored shows its default)."""
    principal = _principal(request)
    filters = selectors.GradeFilters.from_params(request.GET)
    page = CappedPaginator(selectors.grade_list(principal, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    defaults = grades.grade_infos([o.pk for o in page if not o.g_grade])
    for o in page:
        o.shown_grade = o.g_grade or (defaults[o.pk].grade if o.pk in defaults else rules.DEFAULT_GRADE)
    summary = selectors.grade_summary(principal)
    return render(request, "risk/overview.html", {
        "page": page, "filters": filters, "grades": rules.GRADES, "summary": [(g, summary.get(g, 0)) for g in rules.GRADES],
        "ungraded": summary.get("", 0), "querystring": _querystring(request), "nav": _nav(principal), "sources": RiskGrade.Source,
    })


def _operator_page(request: HttpRequest, operator_id: int, *, status: int = 200, form: OverrideForm | None = None,
                   error: str | None = None) -> HttpResponse:
    principal = _principal(request)
    op = selectors.operator_for(principal, operator_id)
    row = selectors.current_grade(op)
    default = None if row is not None else grades.grade_infos([op.pk]).get(op.pk)
    may_override = access.can(principal, "risk", "override") and selectors.operators_visible(principal, "override").filter(pk=op.pk).exists()
    return render(request, "risk/operator.html", {
        "operator": op, "row": row, "default": default, "explanation": selectors.explain(row), "history": selectors.grade_history(op),
        "may_override": may_override, "form": form or OverrideForm(initial={"grade": row.grade if row else None}), "error": error,
        "nav": _nav(principal), "grading_source": rules.GRADING, "score_source": rules.SCORE_SOURCE, "override_source": rules.OVERRIDE_SOURCE,
        "default_source": rules.DEFAULT_SOURCE,
    }, status=status)


@login_required
@page_errors
def operator(request: HttpRequest, operator_id: int) -> HttpResponse:
    return _operator_page(request, operator_id)


@login_required
@require_POST
@page_errors
def override(request: HttpRequest, operator_id: int) -> HttpResponse:
    op = selectors.operator_for(_principal(request), operator_id, "override")
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _operator_page(request, op.pk, status=400, form=form)
    try:
        services.grade_override(operator=op, grade=form.cleaned_data["grade"], reason=form.cleaned_data.get("reason") or "",
                                by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            return _operator_page(request, op.pk, status=exc.status, form=form)
        return _operator_page(request, op.pk, status=exc.status, form=form, error=exc.message)
    messages.success(request, _("The risk grade is overridden; the reason is in the history."))
    return redirect("risk-operator", operator_id=op.pk)


# --- warnings -----------------------------------------------------------------------------------------

@login_required
@page_errors
def warning_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    status = str(request.GET.get("status", "open") or "")
    page = CappedPaginator(selectors.warning_list(principal, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "risk/warning_list.html", {"page": page, "status": status, "statuses": RiskWarning.Status.choices,
                                                      "querystring": _querystring(request), "nav": _nav(principal), "form": HandleForm(),
                                                      "source": rules.WARNING_SOURCE})


@login_required
@require_POST
@page_errors
def warning_handle(request: HttpRequest, warning_id: int) -> HttpResponse:
    warning = selectors.warning_for(_principal(request), warning_id)
    form = HandleForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        services.warning_handle(warning=warning, note=note, by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        messages.error(request, exc.message)
        return redirect("risk-warning-list")
    messages.success(request, _("The warning is marked as handled."))
    return redirect("risk-warning-list")


# --- rules --------------------------------------------------------------------------------------------

@login_required
@page_errors
def rules_page(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    table = selectors.rules_table(principal)
    return render(request, "risk/rules.html", {"t": table, "sources": rules.sources(), "nav": _nav(principal),
                                               "points": {f.code: json.dumps(f.points, ensure_ascii=False) for f in table.factors}})


@login_required
@page_errors
def bands(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "risk", "configure")
    table = selectors.rules_table(principal)
    form = BandsForm(request.POST or None, bands=table.bands)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.bands_set(bands=form.bands(), by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            error = exc.message
            for problem in exc.details or []:
                if problem["message"] != error:
                    form.add_error(None, problem["message"])
        else:
            messages.success(request, _("The grade bands are saved; they apply from the next grading."))
            return redirect("risk-rules")
    status = 400 if request.method == "POST" else 200
    return render(request, "risk/bands_form.html", {"form": form, "error": error, "nav": _nav(principal), "source": rules.BANDS_SOURCE},
                  status=status)


@login_required
@page_errors
def factor(request: HttpRequest, code: str) -> HttpResponse:
    principal = _principal(request)
    row = selectors.factor_for(principal, code)
    initial = {"weight": row.weight, "cap": row.cap, "points": json.dumps(row.points, ensure_ascii=False, indent=1)}
    form = FactorForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.factor_update(factor=row, weight=d["weight"], cap=d["cap"], points=d["points"], by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                error = exc.message
        else:
            messages.success(request, _("The factor is saved; it applies from the next grading."))
            return redirect("risk-rules")
    status = 400 if request.method == "POST" else 200
    return render(request, "risk/factor_form.html", {"form": form, "factor": row, "error": error, "nav": _nav(principal)}, status=status)


@login_required
@page_errors
def parameter(request: HttpRequest, code: str) -> HttpResponse:
    principal = _principal(request)
    row = selectors.parameter_for(principal, code)
    form = ParameterForm(request.POST or None, initial={"value": row.value})
    if request.method == "POST" and form.is_valid():
        try:
            services.parameter_set(parameter=row, value=form.cleaned_data["value"], by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            form.add_error("value", exc.message)
        else:
            messages.success(request, _("The parameter is saved."))
            return redirect("risk-rules")
    status = 400 if request.method == "POST" else 200
    return render(request, "risk/parameter_form.html", {"form": form, "parameter": row, "nav": _nav(principal)}, status=status)


@login_required
@require_POST
@page_errors
def regrade(request: HttpRequest) -> HttpResponse:
    """Start the regrade of every active operator in the principal's jurisdiction (a job with progress)."""
    principal = access.require(_principal(request), "risk", "regrade")
    params: dict[str, Any] = {"reason": _("Yearly assessment")}
    if access.scope_for(principal, "risk", "regrade") != "all":
        params["path"] = principal.jurisdiction_path
    job = jobs.submit("risk.regrade", params=params, by=request.user)
    return redirect("job-detail", job_id=job.pk)


# --- predictive targeting ------------------------------------------------------------------------------

@login_required
@page_errors
def targeting(request: HttpRequest) -> HttpResponse:
    """Operators due for inspection, ordered by the model's probability of a failed key item, with the top reasons."""
    principal = _principal(request)
    quarter_raw = str(request.GET.get("quarter", "") or "")
    quarter = int(quarter_raw) if quarter_raw in ("1", "2", "3", "4") else None
    today = timezone.localdate()
    version, rows = ranking.ranked_pending(principal, today=today, quarter=quarter)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "risk/targeting.html", {"page": page, "version": version, "quarter": quarter, "today": today,
                                                   "current_quarter": (today.month - 1) // 3 + 1, "querystring": _querystring(request),
                                                   "nav": _nav(principal), "source": rules.TARGETING_SOURCE})


@login_required
@require_POST
@page_errors
def retrain(request: HttpRequest) -> HttpResponse:
    access.require(_principal(request), "risk", "retrain")
    job = jobs.submit("risk.retrain_targeting", params={}, by=request.user)
    return redirect("job-detail", job_id=job.pk)
