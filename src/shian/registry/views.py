"""Registry pages: operator list, dossier, licence expiry list, import and exports.

Each view parses input, checks access through the selectors, calls at most one service and
renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.errors import Invalid, NotFound, ShianError
from shian.core.pages import page_errors
from shian.core.pages import principal as _principal
from shian.core.pagination import CappedPaginator
from shian.registry import rules, selectors
from shian.registry.dossier_forms import FORMS
from shian.registry.exports_views import XLSX, licences_xlsx, operators_xlsx
from shian.registry.forms import model_form_data
from shian.registry.imports import start_import, template_workbook
from shian.registry.models import Operator, OperatorType

PAGE_SIZE = 25


@login_required
@page_errors
def operator_list(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "operator", "view")
    filters = selectors.OperatorFilters.from_params(request.GET)
    qs = selectors.with_types(selectors.operator_search(principal, filters))
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    districts = selectors.jurisdiction_choices(principal)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registry/operator_list.html", {
        "page": page, "filters": filters, "types": OperatorType.objects.all(), "districts": districts,
        "statuses": Operator.Status.choices, "querystring": query.urlencode(),
    })


@login_required
@page_errors
def operator_export(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "operator", "view")
    return operators_xlsx(principal, selectors.OperatorFilters.from_params(request.GET))


@login_required
@page_errors
def dossier(request: HttpRequest, operator_id: int) -> HttpResponse:
    principal = _principal(request)
    op, sections, timeline = selectors.dossier_for(principal, operator_id)
    allowed = selectors.dossier_actions(principal, op)
    actions = [spec for spec in FORMS.values() if spec.action in allowed]
    return render(request, "registry/dossier.html", {"op": op, "sections": sections, "timeline": timeline[:50], "actions": actions})


def _within_days(request: HttpRequest) -> int:
    """The expiry window from the query string, clamped to 0..3650 days (default: the rule's 90)."""
    try:
        return max(0, min(int(request.GET.get("within_days", rules.LICENCE_EXPIRY_WARNING_DAYS.value)), 3650))
    except ValueError:
        return rules.LICENCE_EXPIRY_WARNING_DAYS.value


@login_required
@page_errors
def licence_expiry(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "licence", "view")
    within = _within_days(request)
    page = Paginator(selectors.licences_expiring(principal, within_days=within), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.annotate_expiry(list(page.object_list))
    return render(request, "registry/licence_expiry.html", {"page": page, "rows": rows, "within_days": within,
                                                            "querystring": f"within_days={within}"})


@login_required
@page_errors
def licence_expiry_export(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "licence", "view")
    return licences_xlsx(principal, _within_days(request))


@login_required
@page_errors
def operator_import(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "operator", "import")
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file to upload.")
        else:
            try:
                job = start_import(principal, upload)
            except Invalid as exc:
                error = exc.message
            else:
                return redirect("job-detail", job_id=job.pk)
    return render(request, "registry/import.html", {"error": error}, status=400 if error else 200)


@login_required
@page_errors
def import_template(request: HttpRequest) -> HttpResponse:
    access.require(_principal(request), "operator", "import")
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''operator-import-template.xlsx"
    return response


@login_required
@page_errors
def dossier_form(request: HttpRequest, operator_id: int, key: str) -> HttpResponse:
    """Add a record to the dossier (premises, staff, insurance, self-inspection) or change status."""
    spec = FORMS.get(key)
    if spec is None:
        raise NotFound("")
    op = selectors.operator_for(_principal(request), operator_id, spec.action)
    form = spec.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = model_form_data(form) if isinstance(form, ModelForm) else dict(form.cleaned_data)
        try:
            spec.save(operator=op, by=request.user, data=data)
        except ShianError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('operator-dossier', args=[op.pk])}#{key if key != 'status' else 'history'}")
    return render(request, "registry/dossier_form.html", {"op": op, "form": form, "spec": spec},
                  status=400 if request.method == "POST" else 200)
