"""Traceability pages: receipts (list, record, answer, attach documents), the regulators' flagged list,
products and lots, shipments, and document downloads.

Each view parses input, checks access through the selectors, calls at most one service and renders.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import formset_factory
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shian.core import access
from shian.core.errors import Invalid, NotFound, ShianError
from shian.core.pages import page_errors
from shian.core.pagination import CappedPaginator
from shian.trace import graph, rules, selectors, services
from shian.trace.forms import (
    DisputeForm,
    LotForm,
    ProductForm,
    ReceiptForm,
    ReceiptLineForm,
    ShipmentForm,
    ShipmentLineForm,
    UploadForm,
)
from shian.trace.models import Receipt
from shian.trace.resolve import LineSpec, resolve_lines

PAGE_SIZE = 25
LINE_ROWS = 5
ReceiptLines = formset_factory(ReceiptLineForm, extra=LINE_ROWS, max_num=50)
ShipmentLines = formset_factory(ShipmentLineForm, extra=LINE_ROWS, max_num=50)


def _principal(request: HttpRequest) -> access.Principal:
    return request.user.principal  # type: ignore[union-attr]


def _asks_operator(principal: access.Principal) -> bool:
    return len(selectors.operators_for_recording(principal)[:2]) != 1


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- receipts ---------------------------------------------------------------------------------

@login_required
@page_errors
def receipt_list(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "trace", "view")
    filters = selectors.ReceiptFilters.from_params(request.GET)
    page = CappedPaginator(selectors.receipt_list(principal, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trace/receipt_list.html", {
        "page": page, "filters": filters, "statuses": Receipt.Status.choices, "querystring": _querystring(request),
        "can_record": access.can(principal, "trace", "record"), "can_verify_list": access.can(principal, "trace", "verify_list"),
    })


@login_required
@page_errors
def flagged_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    page = CappedPaginator(selectors.flagged_receipts(principal), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trace/flagged_list.html", {"page": page, "querystring": ""})


def _detail(request: HttpRequest, receipt: Receipt, *, status: int = 200, **forms: Any) -> HttpResponse:
    principal = _principal(request)
    lines, attached, of_lots = selectors.receipt_detail(receipt)
    may_answer = selectors.may_record_receipt(principal, receipt)
    flags = [{**f, "source": rules.source_of(f.get("code", ""))} for f in receipt.verification_flags]
    return render(request, "trace/receipt_detail.html", {
        "receipt": receipt, "lines": lines, "attached": attached, "lot_documents": of_lots, "flags": flags,
        "has_mismatch": any(ln.mismatch for ln in lines), "may_answer": may_answer and receipt.status == Receipt.Status.PENDING,
        "may_attach": may_answer, "dispute_form": forms.get("dispute_form") or DisputeForm(),
        "upload_form": forms.get("upload_form") or UploadForm(), "error": forms.get("error"),
    }, status=status)


@login_required
@page_errors
def receipt_detail(request: HttpRequest, receipt_id: int) -> HttpResponse:
    return _detail(request, selectors.receipt_for(_principal(request), receipt_id))


@login_required
@require_POST
@page_errors
def receipt_confirm(request: HttpRequest, receipt_id: int) -> HttpResponse:
    receipt = selectors.receipt_for(_principal(request), receipt_id, "record")
    try:
        services.receipt_confirm(receipt=receipt, by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, receipt, status=exc.status, error=exc.message)
    messages.success(request, _("Receipt confirmed."))
    return redirect("trace-receipt-detail", receipt_id=receipt.pk)


def _quantities(request: HttpRequest) -> dict[int, Decimal]:
    """The confirmed quantities posted as ``line-<id>`` fields."""
    out: dict[int, Decimal] = {}
    for key in request.POST:
        value = str(request.POST.get(key, "")).strip()
        if key.startswith("line-") and key[5:].isdigit() and value:
            try:
                out[int(key[5:])] = Decimal(value)
            except InvalidOperation:
                raise Invalid(_("Enter a number for each quantity."), code="quantity_invalid", field="lines") from None
    return out


@login_required
@require_POST
@page_errors
def receipt_correct(request: HttpRequest, receipt_id: int) -> HttpResponse:
    receipt = selectors.receipt_for(_principal(request), receipt_id, "record")
    try:
        services.receipt_correct(receipt=receipt, quantities=_quantities(request), by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, receipt, status=exc.status, error=exc.message)
    messages.success(request, _("The quantities received are recorded; the supplier and the regulator can see the difference."))
    return redirect("trace-receipt-detail", receipt_id=receipt.pk)


@login_required
@require_POST
@page_errors
def receipt_dispute(request: HttpRequest, receipt_id: int) -> HttpResponse:
    receipt = selectors.receipt_for(_principal(request), receipt_id, "record")
    form = DisputeForm(request.POST)
    if not form.is_valid():
        return _detail(request, receipt, status=400, dispute_form=form)
    try:
        services.receipt_dispute(receipt=receipt, reason=form.cleaned_data["reason"], by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, receipt, status=exc.status, error=exc.message, dispute_form=form)
    messages.success(request, _("The dispute is recorded; the supplier's shipment is kept as it was."))
    return redirect("trace-receipt-detail", receipt_id=receipt.pk)


@login_required
@require_POST
@page_errors
def receipt_attach(request: HttpRequest, receipt_id: int) -> HttpResponse:
    principal = _principal(request)
    receipt = selectors.receipt_for(principal, receipt_id, "record")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, receipt, status=400, upload_form=form)
    d = form.cleaned_data
    try:
        if d.get("file"):
            services.receipt_attach_upload(receipt=receipt, file=d["file"], name=d["file"].name, size=d["file"].size, kind=d["kind"],
                                           issued_on=d["issued_on"], valid_until=d.get("valid_until"), by=request.user)  # type: ignore[arg-type]
        else:
            docs = selectors.documents_attachable(principal, supplier_id=receipt.supplier_id, receipt_id=receipt.pk, sha256=[d["sha256"]])
            services.receipt_attach_documents(receipt=receipt, documents=docs, by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, receipt, status=exc.status, error=exc.message, upload_form=form)
    messages.success(request, _("Document attached; the receipt was verified again."))
    return redirect("trace-receipt-detail", receipt_id=receipt.pk)


def _share_choices(formset: Any, field: str, choices: list[tuple[Any, str]]) -> None:
    """Give every row the same loaded choices (one query for the page, not one per row)."""
    full = [("", "---------"), *choices]
    for f in formset.forms:
        f.fields[field].choices = full


def _line_specs(formset: Any) -> list[LineSpec]:
    specs = [spec for f in formset.forms if (spec := f.spec()) is not None]
    if not specs:
        raise Invalid(_("Add at least one lot."), code="lines_required", field="lines")
    return specs


@login_required
@page_errors
def receipt_new(request: HttpRequest) -> HttpResponse:
    """Record a receipt (进货查验记录); it is verified as soon as it is saved."""
    principal = access.require(_principal(request), "trace", "record")
    ask = _asks_operator(principal)
    products = selectors.products_for_recording_qs(principal).order_by("name")
    form = ReceiptForm(request.POST or None, ask_operator=ask)
    lines = ReceiptLines(request.POST or None, prefix="lines", form_kwargs={"products": products})
    _share_choices(lines, "product", [(p.pk, str(p)) for p in products[:500]])
    error = None
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        d = form.cleaned_data
        try:
            buyer = selectors.acting_operator(principal, d.get("operator_id"))
            specs = resolve_lines(principal, _line_specs(lines), allow_new=True)
            receipt = services.receipt_record(buyer=buyer, supplier_uscc=d["supplier_uscc"], supplier_name=d["supplier_name"],
                                              supplier_licence_number=d["supplier_licence_number"], received_on=d["received_on"],
                                              imported=d["imported"], note=d["note"], lines=specs, by=request.user)  # type: ignore[arg-type]
        except (Invalid, NotFound) as exc:
            error = exc.message
        else:
            if receipt.verified:
                messages.success(request, _("Receipt recorded; inbound verification passed."))
            else:
                messages.warning(request, _("Receipt recorded, but inbound verification found problems: see below."))
            return redirect("trace-receipt-detail", receipt_id=receipt.pk)
    return render(request, "trace/receipt_form.html", {"form": form, "lines": lines, "error": error},
                  status=400 if request.method == "POST" else 200)


# --- shipments --------------------------------------------------------------------------------

@login_required
@page_errors
def shipment_new(request: HttpRequest) -> HttpResponse:
    """Record a shipment to a buyer on the platform; the buyer gets a receipt to confirm (供销关系确认)."""
    principal = access.require(_principal(request), "trace", "record")
    ask = _asks_operator(principal)
    lots = selectors.lots_for_recording_qs(principal).select_related("product").order_by("-production_date", "-id")[:200]
    form = ShipmentForm(request.POST or None, ask_operator=ask)
    lines = ShipmentLines(request.POST or None, prefix="lines", form_kwargs={"lots": selectors.lots_for_recording_qs(principal)})
    _share_choices(lines, "lot", [(lot.pk, f"{lot.product.name} · {lot.lot_code} · {lot.trace_code}") for lot in lots])
    error = None
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        d = form.cleaned_data
        try:
            supplier = selectors.acting_operator(principal, d.get("operator_id"))
            buyer = selectors.operator_by_uscc(principal, d["buyer_uscc"])
            specs = resolve_lines(principal, _line_specs(lines), allow_new=False)
            shipment = services.shipment_create(supplier=supplier, buyer=buyer, shipped_on=d["shipped_on"], lines=specs, note=d["note"],
                                                by=request.user)  # type: ignore[arg-type]
        except (Invalid, NotFound) as exc:
            error = exc.message
        else:
            messages.success(request, _("Shipment recorded; %(buyer)s will confirm it.") % {"buyer": buyer.name})
            return redirect("trace-receipt-detail", receipt_id=shipment.receipt.pk)
    return render(request, "trace/shipment_form.html", {"form": form, "lines": lines, "error": error},
                  status=400 if request.method == "POST" else 200)


# --- products and lots ------------------------------------------------------------------------

@login_required
@page_errors
def product_list(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "trace", "view")
    can_record = access.can(principal, "trace", "record")
    form = ProductForm(request.POST or None, ask_operator=can_record and _asks_operator(principal)) if can_record else None
    if request.method == "POST":
        access.require(principal, "trace", "record")
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            try:
                owner = selectors.acting_operator(principal, d.get("operator_id"))
                product = services.product_create(owner=owner, name=d["name"], category_code=d["category"].code, specification=d["specification"],
                                                  gtin=d["gtin"] or None, shelf_life_days=d["shelf_life_days"], imported=d["imported"],
                                                  by=request.user)  # type: ignore[arg-type]
            except ShianError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Product added."))
                return redirect("trace-product-detail", product_id=product.pk)
    page = CappedPaginator(selectors.product_list(principal), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trace/product_list.html", {"page": page, "form": form, "querystring": ""},
                  status=400 if request.method == "POST" else 200)


@login_required
@page_errors
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    principal = _principal(request)
    product = selectors.product_for(principal, product_id)
    may_record = selectors.may_record_product(principal, product)
    form = LotForm(request.POST or None) if may_record else None
    if request.method == "POST":
        product = selectors.product_for_recording(principal, product_id)
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            try:
                lot = services.lot_create(product=product, lot_code=d["lot_code"], production_date=d["production_date"], quantity=d["quantity"],
                                          unit=d["unit"], expiry_date=d["expiry_date"], by=request.user)  # type: ignore[arg-type]
            except ShianError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Lot %(lot)s recorded; trace code %(code)s.") % {"lot": lot.lot_code, "code": lot.trace_code})
                return redirect("trace-product-detail", product_id=product.pk)
    lots = list(product.lots.order_by("-production_date", "-id")[:100])
    return render(request, "trace/product_detail.html", {"product": product, "lots": lots, "form": form},
                  status=400 if request.method == "POST" else 200)


# CBV business steps the platform records, and the ones other systems commonly send, as people say them.
STEP_LABELS = {
    "shipping": gettext_lazy("Shipping"), "receiving": gettext_lazy("Receiving"), "repackaging": gettext_lazy("Repackaging"),
    "commissioning": gettext_lazy("Commissioning"), "packing": gettext_lazy("Packing"), "transporting": gettext_lazy("Transporting"),
    "storing": gettext_lazy("Storing"), "retail_selling": gettext_lazy("Retail sale"), "accepting": gettext_lazy("Accepting"),
    "inspecting": gettext_lazy("Inspecting"), "sensor_reporting": gettext_lazy("Sensor reading"), "destroying": gettext_lazy("Destroying"),
}


@login_required
@page_errors
def lot_trace(request: HttpRequest, lot_id: int) -> HttpResponse:
    """A lot's trace back (to the origin) and forward (to the last receiver) as two timelines."""
    lot, back, forward = graph.lot_trace(_principal(request), lot_id)
    for result in (back, forward):
        for edge in (result or {}).get("edges", ()):
            edge["step_label"] = STEP_LABELS.get(edge["biz_step"]) or edge["biz_step"] or edge["event_type"]
    return render(request, "trace/lot_trace.html", {"lot": lot, "back": back, "forward": forward})


# --- documents --------------------------------------------------------------------------------

@login_required
@page_errors
def document_file(request: HttpRequest, document_id: int) -> HttpResponse:
    """The stored file, for those who may see the document; served with the type recognised on upload."""
    doc = selectors.document_for(_principal(request), document_id)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise NotFound("") from None
    response = FileResponse(handle, content_type=doc.content_type, as_attachment=False, filename=doc.original_name)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; object-src 'none'; sandbox"
    return response  # type: ignore[return-value]  # a FileResponse streams; page_errors passes it through


