"""Cold-chain pages: first-stop entries (list, register, detail with certificates, release and
rejection), the public release verification page, a lot's temperatures (chart and entry form) and
the regulators' excursion list.

Each view parses input, checks access through the selectors, calls at most one service and renders.
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.coldchain import checks, rules, selectors, services
from shian.coldchain.chart import temperature_chart
from shian.coldchain.forms import CertificateForm, EntryForm, ReadingRowForm, ReadingsForm, RejectForm
from shian.coldchain.models import FirstStopEntry, StorageClass
from shian.core import access
from shian.core.errors import NotFound, ShianError
from shian.core.pages import page_errors, stored_file
from shian.core.pages import principal as _principal
from shian.core.pages import querystring as _querystring
from shian.core.pagination import CappedPaginator

PAGE_SIZE = 25
READING_ROWS = 6
ReadingRows = formset_factory(ReadingRowForm, extra=READING_ROWS, max_num=50)


def _release_url(request: HttpRequest, entry: FirstStopEntry) -> str:
    return request.build_absolute_uri(reverse("coldchain-release-public", args=[entry.release_code]))


def _qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (segno builds it from our own URL: no user markup)."""
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff"))  # noqa: S308


# --- entries ----------------------------------------------------------------------------------

@login_required
@page_errors
def entry_list(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "coldchain", "view")
    filters = selectors.EntryFilters.from_params(request.GET)
    page = CappedPaginator(selectors.entry_list(principal, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "coldchain/entry_list.html", {
        "page": page, "filters": filters, "statuses": FirstStopEntry.Status.choices, "storage_classes": StorageClass.choices,
        "querystring": _querystring(request), "can_record": access.can(principal, "coldchain", "record"),
        "can_list_excursions": access.can(principal, "coldchain", "excursion_list"),
    })


@login_required
@page_errors
def entry_new(request: HttpRequest) -> HttpResponse:
    """Code imported food at the first stop (首站赋码); the entry is held until it is released."""
    principal = access.require(_principal(request), "coldchain", "record")
    ask = len(selectors.warehouses_for_recording(principal)[:2]) != 1
    form = EntryForm(request.POST or None, ask_warehouse=ask)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            warehouse = selectors.acting_warehouse(principal, d.get("warehouse_id"))
            entry = services.first_stop_register(
                warehouse=warehouse, importer_uscc=d["importer_uscc"], importer_name=d["importer_name"],
                product=services.ProductSpec(name=d["product_name"], category_code=d["category"].code, specification=d["specification"],
                                             gtin=d["gtin"] or None),
                lot_code=d["lot_code"], production_date=d["production_date"], expiry_date=d["expiry_date"], quantity=d["quantity"],
                unit=d["unit"], origin_country=d["origin_country"], customs_declaration_number=d["customs_declaration_number"],
                entry_date=d["entry_date"], storage_class=d["storage_class"], note=d["note"], by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Entry registered; first-stop code %(code)s. Attach the certificates, then release it.")
                             % {"code": entry.lot.trace_code})
            return redirect("coldchain-entry-detail", entry_id=entry.pk)
    return render(request, "coldchain/entry_form.html", {"form": form}, status=400 if request.method == "POST" else 200)


def _detail(request: HttpRequest, entry: FirstStopEntry, *, status: int = 200, **forms: Any) -> HttpResponse:
    principal = _principal(request)
    certs = selectors.certificates_of(entry)
    states = checks.check(certs, timezone.localdate())
    required = {c.kind for c in states}
    held = entry.status == FirstStopEntry.Status.HELD
    stats = selectors.reading_stats([entry.lot_id]).get(entry.lot_id)
    release_url = _release_url(request, entry) if entry.release_code else None
    return render(request, "coldchain/entry_detail.html", {
        "entry": entry, "lot": entry.lot, "checks": states, "other_certificates": [c for c in certs if c.document.kind not in required],
        "releasable": held and not checks.problems(states), "may_attach": held and selectors.may(principal, entry, "record"),
        "may_decide": held and selectors.may(principal, entry, "release"), "stats": stats,
        "release_url": release_url, "qr": _qr_svg(release_url) if release_url else None,
        "certificate_form": forms.get("certificate_form") or CertificateForm(), "reject_form": forms.get("reject_form") or RejectForm(),
        "error": forms.get("error"), "error_details": forms.get("error_details"),
    }, status=status)


@login_required
@page_errors
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _detail(request, selectors.entry_for(_principal(request), entry_id))


@login_required
@require_POST
@page_errors
def entry_attach(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_for(_principal(request), entry_id, "record")
    form = CertificateForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, entry, status=400, certificate_form=form)
    d = form.cleaned_data
    try:
        services.attach_certificate(entry=entry, file=d["file"], name=d["file"].name, size=d["file"].size, kind=d["kind"], number=d["number"],
                                    issued_on=d["issued_on"], valid_until=d.get("valid_until"), by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, entry, status=exc.status, error=exc.message, certificate_form=form)
    messages.success(request, _("Certificate attached."))
    return redirect("coldchain-entry-detail", entry_id=entry.pk)


@login_required
@require_POST
@page_errors
def entry_release(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_for(_principal(request), entry_id, "release")
    try:
        entry = services.release(entry=entry, by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, entry, status=exc.status, error=exc.message)
    messages.success(request, _("Released; release certificate %(code)s issued.") % {"code": entry.release_code})
    return redirect("coldchain-entry-detail", entry_id=entry.pk)


@login_required
@require_POST
@page_errors
def entry_reject(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_for(_principal(request), entry_id, "release")
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail(request, entry, status=400, reject_form=form)
    try:
        services.reject(entry=entry, reason=form.cleaned_data["reason"], by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, entry, status=exc.status, error=exc.message, reject_form=form)
    messages.success(request, _("The entry is rejected; the goods may not be released."))
    return redirect("coldchain-entry-detail", entry_id=entry.pk)


@login_required
@page_errors
def certificate_file(request: HttpRequest, entry_id: int, certificate_id: int) -> HttpResponse:
    """A certificate's stored file, for those who may view the entry; served with the type recognised on upload."""
    doc = selectors.certificate_for(_principal(request), entry_id, certificate_id).document
    return stored_file(doc)


# --- public verification ----------------------------------------------------------------------

def release_public(request: HttpRequest, code: str) -> HttpResponse:
    """The public page a release certificate's QR code opens: no login; a friendly 404 for an unknown number."""
    try:
        entry = selectors.release_by_code(code)
    except NotFound:
        return render(request, "coldchain/release_unknown.html", {"code": code[:40]}, status=404)
    certs = selectors.certificates_of(entry)
    return render(request, "coldchain/release_public.html", {
        "entry": entry, "lot": entry.lot, "kinds": sorted({c.document.get_kind_display() for c in certs}),
        "qr": _qr_svg(_release_url(request, entry)),
    })


# --- temperatures -----------------------------------------------------------------------------

@login_required
@page_errors
def lot_temperature(request: HttpRequest, lot_id: int) -> HttpResponse:
    """A lot's temperatures: the chart with its limits and excursions, and the latest readings."""
    principal = _principal(request)
    entry = selectors.lot_entry(principal, lot_id)
    readings = selectors.readings_of(entry)
    low, high = rules.limits(entry.storage_class)
    chart = temperature_chart([(r.measured_at, r.value, r.excursion) for r in readings], low, high)
    return render(request, "coldchain/lot_temperature.html", {
        "entry": entry, "lot": entry.lot, "chart": chart, "latest": list(reversed(readings[-100:])), "count": len(readings),
        "excursions": sum(1 for r in readings if r.excursion), "low": low, "high": high,
        "threshold": rules.threshold_for(entry.storage_class), "tolerance": rules.tolerance(), "tolerance_source": rules.TOLERANCE_SOURCE,
        "may_record": selectors.may(principal, entry, "record"),
    })


@login_required
@page_errors
def readings_new(request: HttpRequest, lot_id: int) -> HttpResponse:
    """Enter temperatures of a first-stop lot (the warehouse); all rows are stored or none."""
    entry = selectors.lot_entry(_principal(request), lot_id, "record")
    form = ReadingsForm(request.POST or None)
    rows = ReadingRows(request.POST or None, prefix="readings")
    error, details = None, None
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        readings = [r for f in rows.forms if (r := f.reading()) is not None]
        try:
            result = services.record_readings(lot=entry.lot, readings=readings, step=form.cleaned_data["step"], by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            error, details = exc.message, exc.details
        else:
            if result.excursions:
                messages.warning(request, _("%(n)s reading(s) recorded; %(x)s outside the limits.") % {"n": len(result.stored),
                                                                                                      "x": len(result.excursions)})
            else:
                messages.success(request, _("%(n)s reading(s) recorded.") % {"n": len(result.stored)})
            return redirect("coldchain-lot-temperature", lot_id=entry.lot_id)
    return render(request, "coldchain/readings_form.html", {"entry": entry, "lot": entry.lot, "form": form, "rows": rows, "error": error,
                                                             "details": details}, status=400 if request.method == "POST" else 200)


@login_required
@page_errors
def excursion_list(request: HttpRequest) -> HttpResponse:
    page = CappedPaginator(selectors.excursion_list(_principal(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "coldchain/excursion_list.html", {"page": page, "querystring": ""})
