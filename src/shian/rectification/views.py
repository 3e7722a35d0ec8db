"""Rectification pages: list, overdue list, detail with the operator's answer form and the issuer's review.

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
from django.views.decorators.http import require_POST

from shian.core.errors import ShianError
from shian.core.pages import page_errors, stored_file
from shian.core.pages import principal as _principal
from shian.core.pages import querystring as _querystring
from shian.core.pagination import CappedPaginator
from shian.rectification import selectors, services
from shian.rectification.forms import AnswerForm, ReviewForm
from shian.rectification.models import RectificationOrder

PAGE_SIZE = 25


@login_required
@page_errors
def order_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    filters = selectors.OrderFilters.from_params(request.GET)
    page = CappedPaginator(selectors.order_list(principal, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rectification/order_list.html", {"page": page, "filters": filters, "statuses": RectificationOrder.Status.choices,
                                                             "querystring": _querystring(request), "today": timezone.localdate()})


@login_required
@page_errors
def overdue_list(request: HttpRequest) -> HttpResponse:
    page = CappedPaginator(selectors.overdue_list(_principal(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rectification/overdue.html", {"page": page, "querystring": "", "today": timezone.localdate()})


def _detail(request: HttpRequest, order: RectificationOrder, *, status: int = 200, **forms: Any) -> HttpResponse:
    principal = _principal(request)
    may_answer = order.status == RectificationOrder.Status.OPEN and selectors.orders_visible(principal, "answer").filter(pk=order.pk).exists()
    may_review = order.status in (RectificationOrder.Status.ANSWERED, RectificationOrder.Status.REINSPECTION) and \
        selectors.orders_visible(principal, "review").filter(pk=order.pk).exists()
    return render(request, "rectification/order_detail.html", {
        "order": order, **selectors.order_detail(order), "may_answer": may_answer, "may_review": may_review,
        "answer_form": forms.get("answer") or AnswerForm(), "review_form": forms.get("review") or ReviewForm(), "error": forms.get("error"),
        "today": timezone.localdate(),
    }, status=status)


@login_required
@page_errors
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    return _detail(request, selectors.order_for(_principal(request), order_id))


@login_required
@require_POST
@page_errors
def order_answer(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_for(_principal(request), order_id, "answer")
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, order, status=400, answer=form)
    uploads = [services.Upload(f, f.name, f.size) for f in form.cleaned_data.get("photos") or []]
    try:
        services.response_submit(order=order, notes=form.cleaned_data["notes"], uploads=uploads, by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, order, status=exc.status, answer=form, error=exc.message)
    messages.success(request, _("Your report is submitted; the regulator will review it."))
    return redirect("rectification-detail", order_id=order.pk)


@login_required
@require_POST
@page_errors
def order_review(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_for(_principal(request), order_id, "review")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _detail(request, order, status=400, review=form)
    d = form.cleaned_data
    try:
        services.order_review(order=order, decision=d["decision"], note=d.get("note") or "", working_days=d.get("working_days"),
                              by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, order, status=exc.status, review=form, error=exc.message)
    messages.success(request, _("The review is recorded."))
    return redirect("rectification-detail", order_id=order.pk)


@login_required
@page_errors
def photo_file(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = selectors.photo_for(_principal(request), photo_id)
    return stored_file(photo)
