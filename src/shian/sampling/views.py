"""Sampling pages: samples (list, take, detail), the laboratory's receipt and results, re-tests and their
draw, notifications, disposal cases, deadlines, plans, indicators, the limits table, rapid tests,
residents' requests and the public results page.

Each view parses input, checks access through the selectors, calls at most one service and renders.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.models import User
from shian.core import access
from shian.core.errors import ShianError
from shian.core.pages import page_errors
from shian.core.pages import principal as _principal
from shian.core.pages import querystring as _querystring
from shian.core.pagination import CappedPaginator
from shian.sampling import indicators, inputs, rapid, rules, selectors, services
from shian.sampling.api import draw_out
from shian.sampling.forms import (
    AnswerForm,
    CloseForm,
    DeliverForm,
    PeriodForm,
    PlanForm,
    RapidForm,
    ReceiveForm,
    ReportDateForm,
    RequestForm,
    RespondForm,
    ResultRowForm,
    RetestForm,
    SampleForm,
    VerifyForm,
)
from shian.sampling.models import Disposal, FoodGroup, Notification, RapidTest, Report, Sample

PAGE_SIZE = 25
RESULT_ROWS = 6
ResultRows = formset_factory(ResultRowForm, extra=RESULT_ROWS, max_num=60)
R = "sampling"


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _today() -> date:
    return timezone.localdate()


def _nav(principal: access.Principal) -> dict[str, bool]:
    """Which module links the principal gets (shown at the top of every sampling page)."""
    return {"can_view": access.can(principal, R, "view"), "can_record": access.can(principal, R, "record"),
            "can_verify": access.can(principal, R, "verify"), "can_plan": access.can(principal, R, "plan"),
            "can_rapid": access.can(principal, R, "rapid_view"), "can_rapid_record": access.can(principal, R, "rapid_record"),
            "can_request": access.can(principal, R, "request") or access.can(principal, R, "request_handle")}


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**context, "nav": _nav(_principal(request))}, status=status)


def _error_to_form(form: Any, exc: ShianError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- samples ----------------------------------------------------------------------------------

@login_required
@page_errors
def sample_list(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), R, "view")
    filters = selectors.SampleFilters.from_params(request.GET)
    page = CappedPaginator(selectors.sample_list(principal, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "sampling/sample_list.html", {
        "page": page, "filters": filters, "statuses": Sample.Status.choices, "conclusions": Sample.Conclusion.choices,
        "purposes": Sample.Purpose.choices, "querystring": _querystring(request)})


def _prefill(request: HttpRequest, principal: access.Principal) -> dict[str, Any]:
    """Initial values: from a positive rapid test (one-click official sampling) or an operator named in the link."""
    initial: dict[str, Any] = {"sampled_on": _today(), "purpose": Sample.Purpose.ENFORCEMENT}
    rapid_id = request.GET.get("rapid_test", "")
    if rapid_id.isdigit():
        test = rapid.rapid_for(principal, int(rapid_id))
        initial.update(rapid_test=test.pk, product_name=test.product_name, lot_code=test.lot_code,
                       trace_code=test.lot.trace_code if test.lot_id and test.lot else "",
                       note=_("Prompted by a positive rapid test (%(item)s) on %(date)s") % {"item": test.item, "date": test.tested_on})
        if test.operator_id is not None and test.operator is not None:
            initial.update(operator=str(test.operator_id), place=test.operator.address)
    operator_id = request.GET.get("operator_id", "")
    if operator_id.isdigit():
        initial["operator"] = operator_id
    return initial


@login_required
@page_errors
def sample_new(request: HttpRequest) -> HttpResponse:
    """The sampling form (抽样单); a positive rapid test pre-fills it."""
    principal = access.require(_principal(request), R, "record")
    form = SampleForm(request.POST or None, initial=_prefill(request, principal), samplers=selectors.samplers_available(principal),
                      labs=selectors.labs())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            operator = inputs.operator_from_ref(selectors.operators_for_sampling(principal), d["operator"])
            lot = inputs.lot_for_sample(operator, trace_code=d.get("trace_code") or "")
            test = rapid.rapid_for(principal, d["rapid_test"]) if d.get("rapid_test") else None
            sample = services.sample_create(
                number=d.get("number") or "", purpose=d["purpose"], operator=operator, place=d["place"], product_name=d["product_name"],
                food_group=d["food_group"], lot=lot, lot_code=d.get("lot_code") or "", sampled_on=d["sampled_on"], samplers=list(d["samplers"]),
                seal_number=d["seal_number"], quantity=d["quantity"], quantity_unit=d["quantity_unit"], price_paid=d["price_paid"], lab=d["lab"],
                rapid_test=test, note=d.get("note") or "", by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            _error_to_form(form, exc)
        else:
            messages.success(request, _("Sample %(number)s recorded; the laboratory must receive it by %(date)s.") % {
                "number": sample.number, "date": sample.receive_due.isoformat()})
            return redirect("sampling-sample-detail", sample_id=sample.pk)
    return _render(request, "sampling/sample_form.html", {"form": form, "rules": rules}, status=400 if request.method == "POST" else 200)


def _detail(request: HttpRequest, sample: Sample, *, status: int = 200, error: str | None = None, **forms: Any) -> HttpResponse:
    principal = _principal(request)
    detail = selectors.sample_detail(sample, principal)
    may_report = access.can(principal, R, "report") and selectors.scoped(Sample.objects.filter(pk=sample.pk), principal, "report").exists()
    round_ = selectors.report_round_for(principal, sample) if may_report else Report.Round.FIRST
    retest = detail.retest
    awaiting_receipt = (sample.status == Sample.Status.SAMPLED and round_ == Report.Round.FIRST) or (
        round_ == Report.Round.RETEST and retest is not None and retest.received_on is None)
    awaiting_results = (sample.status == Sample.Status.RECEIVED and round_ == Report.Round.FIRST) or (
        round_ == Report.Round.RETEST and retest is not None and retest.received_on is not None and sample.status == Sample.Status.RETESTING)
    may_respond = access.can(principal, R, "respond") and selectors.scoped(Sample.objects.filter(pk=sample.pk), principal, "respond").exists()
    retest_open = (sample.purpose == Sample.Purpose.ENFORCEMENT and sample.status == Sample.Status.REPORTED
                   and sample.conclusion == Sample.Conclusion.NONCONFORMING and retest is None)
    last = services.retest_deadline(sample) if retest_open and selectors.sees_cases(principal) else None
    may_deliver = access.can(principal, R, "record") and selectors.sees_cases(principal)
    return _render(request, "sampling/sample_detail.html", {
        "sample": sample, "detail": detail, "round": round_,
        "may_receive": may_report and awaiting_receipt, "may_post": may_report and awaiting_results,
        "may_retest": may_respond and retest_open, "retest_last": last, "may_deliver": may_deliver,
        "receive_form": forms.get("receive_form") or ReceiveForm(initial={"received_on": _today()}),
        "retest_form": forms.get("retest_form") or RetestForm(initial={"requested_on": _today()}),
        "deliver_form": DeliverForm(initial={"delivered_on": _today()}), "error": error,
        "can_see_operator": selectors.can_view_operator(principal, sample.operator) if principal.role != "lab" else False,
    }, status=status)


@login_required
@page_errors
def sample_detail(request: HttpRequest, sample_id: int) -> HttpResponse:
    return _detail(request, selectors.sample_for(_principal(request), sample_id))


@login_required
@require_POST
@page_errors
def sample_receive(request: HttpRequest, sample_id: int) -> HttpResponse:
    principal = _principal(request)
    sample = selectors.sample_for(principal, sample_id, "report")
    form = ReceiveForm(request.POST)
    if not form.is_valid():
        return _detail(request, sample, status=400, receive_form=form)
    try:
        services.sample_receive(sample=sample, round=selectors.report_round_for(principal, sample), received_on=form.cleaned_data["received_on"],
                                by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, sample, status=exc.status, error=exc.message, receive_form=form)
    messages.success(request, _("Receipt recorded; the report is due within %(n)s working days.") % {"n": rules.REPORT_WORKING_DAYS.value})
    return redirect("sampling-sample-detail", sample_id=sample.pk)


@login_required
@page_errors
def sample_results(request: HttpRequest, sample_id: int) -> HttpResponse:
    """The laboratory posts its results item by item; limits and judgements are computed."""
    principal = _principal(request)
    sample = selectors.sample_for(principal, sample_id, "report")
    round_ = selectors.report_round_for(principal, sample)
    rows = ResultRows(request.POST or None, prefix="items")
    date_form = ReportDateForm(request.POST or None, initial={"reported_on": _today()})
    error, details = None, None
    if request.method == "POST" and rows.is_valid() and date_form.is_valid():
        items = [item for f in rows.forms if (item := f.item_in()) is not None]
        try:
            services.reports_post(reports=[services.ReportIn(sample=sample, items=items, round=round_,
                                                             reported_on=date_form.cleaned_data["reported_on"])],
                                  by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            error, details = exc.message, exc.details
        else:
            messages.success(request, _("Results posted and judged."))
            return redirect("sampling-sample-detail", sample_id=sample.pk)
    limits = list(selectors.limit_table().filter(food_group__in=_group_chain(sample)))
    return _render(request, "sampling/results_form.html", {"sample": sample, "rows": rows, "date_form": date_form, "round": round_,
                                                           "error": error, "details": details if isinstance(details, list) else None,
                                                           "limits": limits},
                   status=400 if request.method == "POST" else 200)


def _group_chain(sample: Sample) -> list[int]:
    """The sample's food group and its parents (their limits apply)."""
    chain: list[int] = []
    group: FoodGroup | None = sample.food_group
    while group is not None and group.pk not in chain:
        chain.append(group.pk)
        group = group.parent
    return chain


@login_required
@require_POST
@page_errors
def retest_request(request: HttpRequest, sample_id: int) -> HttpResponse:
    sample = selectors.sample_for(_principal(request), sample_id, "respond")
    form = RetestForm(request.POST)
    if not form.is_valid():
        return _detail(request, sample, status=400, retest_form=form)
    try:
        retest = services.retest_request(sample=sample, requested_on=form.cleaned_data["requested_on"], reason=form.cleaned_data["reason"],
                                         by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, sample, status=exc.status, error=exc.message, retest_form=form)
    messages.success(request, _("Re-test applied for; %(lab)s was drawn to do it.") % {"lab": retest.lab.name})
    return redirect("sampling-sample-detail", sample_id=sample.pk)


@login_required
@page_errors
def retest_draw(request: HttpRequest, retest_id: int) -> HttpResponse:
    """The re-test laboratory draw, re-run for anyone to check: seed, pool, fingerprint, ranking."""
    retest = selectors.retest_for(_principal(request), retest_id)
    return _render(request, "sampling/draw.html", {"retest": retest, "draw": draw_out(retest)})


@login_required
@require_POST
@page_errors
def notification_deliver(request: HttpRequest, notification_id: int) -> HttpResponse:
    note: Notification = selectors.notification_for(_principal(request), notification_id, "record")
    form = DeliverForm(request.POST)
    if not form.is_valid():
        return _detail(request, note.sample, status=400, error=_("Give the delivery date."))
    try:
        services.notification_deliver(notification=note, delivered_on=form.cleaned_data["delivered_on"], by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _detail(request, note.sample, status=exc.status, error=exc.message)
    messages.success(request, _("Delivery recorded; the re-test period runs from that day."))
    return redirect("sampling-sample-detail", sample_id=note.sample_id)


# --- disposal ---------------------------------------------------------------------------------

@login_required
@page_errors
def disposal_list(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), R, "view")
    filters = selectors.DisposalFilters.from_params(request.GET)
    page = CappedPaginator(selectors.disposal_list(principal, filters, today=_today()), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "sampling/disposal_list.html", {"page": page, "filters": filters, "statuses": Disposal.Status.choices,
                                                            "today": _today(), "querystring": _querystring(request)})


def _case(request: HttpRequest, case: Disposal, *, status: int = 200, error: str | None = None, **forms: Any) -> HttpResponse:
    principal = _principal(request)
    sample_qs = Sample.objects.filter(pk=case.sample_id)
    may_respond = access.can(principal, R, "respond") and selectors.scoped(sample_qs, principal, "respond").exists()
    may_verify = access.can(principal, R, "verify") and selectors.scoped(sample_qs, principal, "verify").exists()
    return _render(request, "sampling/disposal_detail.html", {
        "case": case, "sample": case.sample, "today": _today(), "error": error, "show_scope": access.can(principal, R, "verify"),
        "may_respond": may_respond and case.status in (Disposal.Status.OPEN, Disposal.Status.RESPONDED),
        "may_verify": may_verify and case.status in (Disposal.Status.RESPONDED, Disposal.Status.VERIFIED),
        "may_close": may_verify and case.status == Disposal.Status.VERIFIED,
        "respond_form": forms.get("respond_form") or RespondForm(initial={"withdrawal": case.withdrawal, "cause_analysis": case.cause_analysis}),
        "verify_form": forms.get("verify_form") or VerifyForm(initial={"verification": case.verification, "penalty_case_ref": case.penalty_case_ref}),
        "close_form": forms.get("close_form") or CloseForm(initial={"closed_on": _today()}),
    }, status=status)


@login_required
@page_errors
def disposal_detail(request: HttpRequest, disposal_id: int) -> HttpResponse:
    return _case(request, selectors.disposal_for(_principal(request), disposal_id))


def _case_action(request: HttpRequest, disposal_id: int, action: str, form_class: Any, key: str, run: Any, done: str) -> HttpResponse:
    case = selectors.disposal_for(_principal(request), disposal_id, action)
    form = form_class(request.POST)
    if not form.is_valid():
        return _case(request, case, status=400, **{key: form})
    try:
        run(case, form.cleaned_data)
    except ShianError as exc:
        return _case(request, case, status=exc.status, error=exc.message, **{key: form})
    messages.success(request, done)
    return redirect("sampling-disposal-detail", disposal_id=case.pk)


@login_required
@require_POST
@page_errors
def disposal_respond(request: HttpRequest, disposal_id: int) -> HttpResponse:
    return _case_action(request, disposal_id, "respond", RespondForm, "respond_form",
                        lambda case, d: services.disposal_respond(case=case, withdrawal=d["withdrawal"], cause_analysis=d["cause_analysis"],
                                                                  by=_user(request)),
                        _("Withdrawal and cause analysis submitted; the regulator will verify them."))


@login_required
@require_POST
@page_errors
def disposal_verify(request: HttpRequest, disposal_id: int) -> HttpResponse:
    return _case_action(request, disposal_id, "verify", VerifyForm, "verify_form",
                        lambda case, d: services.disposal_verify(case=case, verification=d["verification"], penalty_case_ref=d["penalty_case_ref"],
                                                                 by=_user(request)),
                        _("Verification recorded."))


@login_required
@require_POST
@page_errors
def disposal_close(request: HttpRequest, disposal_id: int) -> HttpResponse:
    return _case_action(request, disposal_id, "verify", CloseForm, "close_form",
                        lambda case, d: services.disposal_close(case=case, closed_on=d["closed_on"], by=_user(request)),
                        _("Disposal case closed."))


@login_required
@require_POST
@page_errors
def disposal_scope(request: HttpRequest, disposal_id: int) -> HttpResponse:
    principal = _principal(request)
    case = selectors.disposal_for(principal, disposal_id, "verify")
    try:
        services.disposal_refresh_scope(case=case, principal=principal, by=request.user)  # type: ignore[arg-type]
    except ShianError as exc:
        return _case(request, case, status=exc.status, error=exc.message)
    messages.success(request, _("Affected lots and holders taken again."))
    return redirect("sampling-disposal-detail", disposal_id=case.pk)


@login_required
@page_errors
def deadlines(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    return _render(request, "sampling/deadlines.html", {"d": selectors.deadlines(principal, _today()), "today": _today(),
                                                        "shows_cases": selectors.sees_cases(principal), "rules": rules})


# --- plans, indicators, limits ------------------------------------------------------------------

@login_required
@page_errors
def plan_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    plans = indicators.plan_list(principal)
    can_plan = access.can(principal, R, "plan")
    form = PlanForm(request.POST or None, initial={"year": _today().year}, places=indicators.jurisdictions_for_planning(principal)) if can_plan else None
    if request.method == "POST":
        access.require(principal, R, "plan")
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            try:
                plan = services.plan_create(jurisdiction=d["jurisdiction"], year=d["year"], target_batches=d.get("target_batches"), note=d["note"],
                                            by=request.user)  # type: ignore[arg-type]
            except ShianError as exc:
                _error_to_form(form, exc)
            else:
                messages.success(request, _("Sampling plan created."))
                return redirect("sampling-plan-detail", plan_id=plan.pk)
    page = CappedPaginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = indicators.plan_progress_many(list(page.object_list), today=_today())
    return _render(request, "sampling/plan_list.html", {"page": page, "progress": progress, "form": form, "querystring": "", "rules": rules},
                   status=400 if request.method == "POST" else 200)


@login_required
@page_errors
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = indicators.plan_for(_principal(request), plan_id)
    return _render(request, "sampling/plan_detail.html", {"p": indicators.plan_progress(plan, today=_today()), "rules": rules})


@login_required
@page_errors
def indicator_page(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), R, "verify")
    form = PeriodForm(request.GET or None)
    since = until = None
    code = ""
    if form.is_bound and form.is_valid():
        since, until, code = form.cleaned_data.get("since"), form.cleaned_data.get("until"), form.cleaned_data.get("jurisdiction") or ""
    start, end = inputs.period(since, until)
    rows = indicators.indicators(principal, since=start, until=end, code=code)
    return _render(request, "sampling/indicators.html", {"form": form, "rows": rows, "since": start, "until": end, "rules": rules})


@login_required
@page_errors
def limit_list(request: HttpRequest) -> HttpResponse:
    group, item = (request.GET.get("food_group") or "")[:32], (request.GET.get("item") or "")[:64]
    return _render(request, "sampling/limits.html", {"limits": list(selectors.limit_table(food_group=group, item=item)),
                                                     "groups": selectors.food_groups(), "group": group, "item": item})


# --- rapid tests and residents' requests --------------------------------------------------------

@login_required
@page_errors
def rapid_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    result = (request.GET.get("result") or "")[:8]
    page = CappedPaginator(rapid.rapid_list(principal, result=result), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "sampling/rapid_list.html", {"page": page, "result": result, "results": RapidTest.Result.choices,
                                                         "querystring": _querystring(request)})


@login_required
@page_errors
def rapid_new(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), R, "rapid_record")
    form = RapidForm(request.POST or None, initial={"tested_on": _today()}, ask_station=principal.is_admin)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            station = rapid.station_for_recording(principal, d.get("station_id"))
            operator = inputs.operator_from_ref(rapid.operators_for_rapid(principal), d["operator"]) if d.get("operator") else None
            lot = inputs.lot_for_sample(operator, trace_code=d.get("trace_code") or "") if operator is not None else None
            test = rapid.rapid_test_record(station=station, tested_on=d["tested_on"], item=d["item"], product_name=d["product_name"],
                                           result=d["result"], operator=operator, vendor_name=d.get("vendor_name") or "", lot=lot,
                                           lot_code=d.get("lot_code") or "", method=d.get("method") or "", note=d.get("note") or "",
                                           by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            _error_to_form(form, exc)
        else:
            if test.result == RapidTest.Result.POSITIVE:
                messages.warning(request, _("Positive rapid test recorded: take an official sample to confirm it."))
            else:
                messages.success(request, _("Rapid test recorded."))
            return redirect("sampling-rapid-detail", rapid_id=test.pk)
    return _render(request, "sampling/rapid_form.html", {"form": form, "items": rapid.RAPID_ITEMS}, status=400 if request.method == "POST" else 200)


@login_required
@page_errors
def rapid_detail(request: HttpRequest, rapid_id: int) -> HttpResponse:
    principal = _principal(request)
    test = rapid.rapid_for(principal, rapid_id)
    sample_url = None
    if test.result == RapidTest.Result.POSITIVE and access.can(principal, R, "record"):
        sample_url = f"{reverse('sampling-sample-new')}?rapid_test={test.pk}"
    return _render(request, "sampling/rapid_detail.html", {"test": test, "sample_url": sample_url, "samples": list(test.samples.all()[:5])})


@login_required
@page_errors
def request_list(request: HttpRequest) -> HttpResponse:
    """A resident's own requests and the form to submit one; a regulator's street or district requests."""
    principal = _principal(request)
    resident = access.can(principal, R, "request") and not principal.is_admin
    form = RequestForm(request.POST or None, initial={"bought_on": _today()}, streets=rapid.streets()) if resident else None
    if request.method == "POST":
        access.require(principal, R, "request")
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            try:
                req = rapid.request_submit(by=request.user, street=d["street"], product_name=d["product_name"], bought_at=d["bought_at"],  # type: ignore[arg-type]
                                           bought_on=d["bought_on"], items=d["items"], phone=d.get("phone") or "")
            except ShianError as exc:
                _error_to_form(form, exc)
            else:
                messages.success(request, _("Request submitted; bring the food to the street's market supervision station."))
                return redirect("sampling-request-detail", request_id=req.pk)
    page = CappedPaginator(rapid.request_list(principal), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "sampling/request_list.html", {"page": page, "form": form, "querystring": ""},
                   status=400 if request.method == "POST" else 200)


@login_required
@page_errors
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    principal = _principal(request)
    req = rapid.request_for(principal, request_id)
    may_answer = access.can(principal, R, "rapid_record") and req.rapid_test_id is None
    form = AnswerForm(request.POST or None, initial={"tested_on": _today()}, ask_station=principal.is_admin) if may_answer else None
    if request.method == "POST":
        access.require(principal, R, "rapid_record")
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            try:
                station = rapid.station_for_recording(principal, d.get("station_id"))
                rapid.request_answer(request=req, station=station, item=d["item"], result=d["result"], tested_on=d["tested_on"],
                                     method=d.get("method") or "", note=d.get("note") or "", by=request.user)  # type: ignore[arg-type]
            except ShianError as exc:
                _error_to_form(form, exc)
            else:
                messages.success(request, _("Result recorded and published."))
                return redirect("sampling-request-detail", request_id=req.pk)
    return _render(request, "sampling/request_detail.html", {"req": req, "form": form, "items": rapid.RAPID_ITEMS},
                   status=400 if request.method == "POST" else 200)


def public_results(request: HttpRequest) -> HttpResponse:
    """Published results of "you send, we test" (no login)."""
    page = CappedPaginator(rapid.published_requests(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sampling/public.html", {"page": page, "rows": [rapid.public_row(r) for r in page.object_list], "querystring": ""})
