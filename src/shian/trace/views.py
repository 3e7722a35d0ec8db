"""Traceability pages: receipts (list, record, answer, attach documents), the regulators' flagged list,
products and lots, shipments, and document downloads.

Each view parses input, checks access through the selectors, calls at most one service and renders.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.core import access
from shian.core.errors import Invalid, NotFound, ShianError
from shian.core.pages import page_errors, stored_file
from shian.core.pages import principal as _principal
from shian.core.pages import querystring as _querystring
from shian.core.pagination import CappedPaginator
from shian.trace import epcis_events, graph, graph_view, recall, rules, selectors, services
from shian.trace.forms import (
    DisputeForm,
    LotForm,
    ProductForm,
    RecallForm,
    ReceiptForm,
    ReceiptLineForm,
    ShipmentForm,
    ShipmentLineForm,
    TransformationForm,
    TransformationOutputForm,
    UploadForm,
)
from shian.trace.models import Receipt, TransformationLine
from shian.trace.resolve import LineSpec, resolve_lines
from shian.trace.steps import step_label

PAGE_SIZE = 25
LINE_ROWS = 5
ReceiptLines = formset_factory(ReceiptLineForm, extra=LINE_ROWS, max_num=50)
ShipmentLines = formset_factory(ShipmentLineForm, extra=LINE_ROWS, max_num=50)
OutputLines = formset_factory(TransformationOutputForm, extra=2, max_num=20)


def _asks_operator(principal: access.Principal) -> bool:
    return len(selectors.operators_for_recording(principal)[:2]) != 1


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




@login_required
@page_errors
def lot_trace(request: HttpRequest, lot_id: int) -> HttpResponse:
    """A lot's trace back (to the origin) and forward (to the last receiver) as two timelines."""
    lot, back, forward = graph.lot_trace(_principal(request), lot_id)
    _label_steps(back, forward)
    owner = {"id": epcis_events.party(lot.product.owner.uscc), "name": lot.product.owner.name}
    return render(request, "trace/lot_trace.html", {"lot": lot, "back": back, "forward": forward,
                                                    "graph_view": graph_view.layout(owner, back, forward)})


def _label_steps(*results: dict[str, Any] | None) -> None:
    for result in results:
        for edge in (result or {}).get("edges", ()):
            edge["step_label"] = step_label(edge["biz_step"], edge["event_type"])


# --- transformations --------------------------------------------------------------------------

@login_required
@page_errors
def transformation_list(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "trace", "view")
    page = CappedPaginator(selectors.transformation_list(principal), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trace/transformation_list.html", {"page": page, "querystring": "",
                                                              "can_record": access.can(principal, "trace", "record")})


@login_required
@page_errors
def transformation_detail(request: HttpRequest, transformation_id: int) -> HttpResponse:
    record = selectors.transformation_for(_principal(request), transformation_id)
    lines = list(record.lines.select_related("lot__product"))
    return render(request, "trace/transformation_detail.html", {
        "record": record, "inputs": [ln for ln in lines if ln.role == TransformationLine.Role.INPUT],
        "outputs": [ln for ln in lines if ln.role == TransformationLine.Role.OUTPUT]})


@login_required
@page_errors
def transformation_new(request: HttpRequest) -> HttpResponse:
    """Record input lots turned into new lots (processing, mixing, repacking)."""
    principal = access.require(_principal(request), "trace", "record")
    held = selectors.lots_for_recording_qs(principal)
    own_lots = selectors.lots_owned_for_recording_qs(principal)
    products = selectors.products_for_recording_qs(principal).order_by("name")
    form = TransformationForm(request.POST or None, ask_operator=_asks_operator(principal))
    inputs = ShipmentLines(request.POST or None, prefix="inputs", form_kwargs={"lots": held})
    outputs = OutputLines(request.POST or None, prefix="outputs", form_kwargs={"products": products, "lots": own_lots})
    held_choices = [(lot.pk, f"{lot.product.name} · {lot.lot_code} · {lot.trace_code}")
                    for lot in held.select_related("product").order_by("-production_date", "-id")[:200]]
    _share_choices(inputs, "lot", held_choices)
    _share_choices(outputs, "product", [(p.pk, str(p)) for p in products[:500]])
    _share_choices(outputs, "lot", [(lot.pk, f"{lot.product.name} · {lot.lot_code}")
                                    for lot in own_lots.select_related("product").order_by("-production_date", "-id")[:200]])
    error = None
    if request.method == "POST" and form.is_valid() and inputs.is_valid() and outputs.is_valid():
        d = form.cleaned_data
        try:
            operator = selectors.acting_operator(principal, d.get("operator_id"))
            ins = resolve_lines(principal, _line_specs(inputs), allow_new=False)
            outs = resolve_lines(principal, _line_specs(outputs), allow_new=True)
            record = services.transformation_record(operator=operator, kind=d["kind"], transformed_on=d["transformed_on"], inputs=ins,
                                                    outputs=outs, note=d["note"], by=request.user)  # type: ignore[arg-type]
        except (Invalid, NotFound) as exc:
            error = exc.message
        else:
            messages.success(request, _("Transformation recorded."))
            return redirect("trace-transformation-detail", transformation_id=record.pk)
    return render(request, "trace/transformation_form.html", {"form": form, "inputs": inputs, "outputs": outputs, "error": error},
                  status=400 if request.method == "POST" else 200)


# --- recall scope -----------------------------------------------------------------------------

def _recall_from(request: HttpRequest) -> tuple[RecallForm, dict[str, Any] | None]:
    """The form (bound to the query string) and, when it is valid, the recall scope."""
    principal = access.require(_principal(request), "trace", "view")
    form = RecallForm(request.GET if "codes" in request.GET else None)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    lots = selectors.lots_by_trace_code(principal, d["codes"])
    tz = timezone.get_current_timezone()
    since = datetime.combine(d["since"], time.min, tz) if d.get("since") else None
    until = datetime.combine(d["until"], time.min, tz) + timedelta(days=1) if d.get("until") else None
    scope = recall.recall_scope([lots[c].pk for c in d["codes"]], principal=principal, since=since, until=until)
    _label_steps(scope)
    return form, scope


@login_required
@page_errors
def recall_scope(request: HttpRequest) -> HttpResponse:
    """What a recall of one or more lots must reach: affected lots, who holds how much, every event."""
    try:
        form, scope = _recall_from(request)
    except (Invalid, NotFound) as exc:
        form, scope = RecallForm(request.GET), None
        form.add_error(None, exc.message)
    return render(request, "trace/recall.html", {"form": form, "scope": scope, "querystring": request.GET.urlencode()},
                  status=400 if form.is_bound and not form.is_valid() else 200)


@login_required
@page_errors
def recall_export(request: HttpRequest) -> HttpResponse:
    """The recall scope as Excel: one row per traceability event and lot with its key data elements."""
    form, scope = _recall_from(request)
    if scope is None:
        raise Invalid(" ".join(str(e) for errs in form.errors.values() for e in errs) or _("Give at least one trace code."), code="recall_form")
    response = HttpResponse(recall.rows_xlsx(scope), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="recall-scope.xlsx"'
    return response


# --- documents --------------------------------------------------------------------------------

@login_required
@page_errors
def document_file(request: HttpRequest, document_id: int) -> HttpResponse:
    """The stored file, for those who may see the document; served with the type recognised on upload."""
    doc = selectors.document_for(_principal(request), document_id)
    return stored_file(doc)


