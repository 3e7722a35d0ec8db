"""Produce certificate pages: list, issue, detail with QR code, re-issue, revoke, the market's entry
check, the list of checks, and the public verification page (no login).

Each view parses input, checks access through the selectors, calls at most one service and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shian.certificates import qr, rules, selectors, services, validity
from shian.certificates.codes import parse_code
from shian.certificates.forms import CheckForm, IssueForm, ReissueForm, RevokeForm
from shian.certificates.models import CertificateCheck, ProduceCertificate
from shian.core import access
from shian.core.errors import Forbidden, ShianError
from shian.core.pages import page_errors
from shian.core.pages import principal as _principal
from shian.core.pages import querystring as _querystring
from shian.core.pagination import CappedPaginator
from shian.trace import selectors as trace_selectors

PAGE_SIZE = 25


def _form_error(form: Any, exc: ShianError) -> None:
    """Show a refused operation on the form, at its field when the form has it."""
    field = exc.field or ""
    if field in ("issuer", "holder", "market", "issuer_id", "holder_id", "market_id"):
        field = "operator" if "operator" in form.fields else "operator_id"
    form.add_error(field if field in form.fields else None, exc.message)


# --- list and detail --------------------------------------------------------------------------

@login_required
@page_errors
def certificate_list(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "certificate", "view")
    filters = selectors.CertificateFilters.from_params(request.GET)
    page = CappedPaginator(selectors.certificate_list(principal, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/certificate_list.html", {
        "page": page, "filters": filters, "statuses": ProduceCertificate.Status.choices, "querystring": _querystring(request),
        "can_issue": access.can(principal, "certificate", "record") and selectors.farms_for_issuing(principal).exists(),
        "can_reissue": access.can(principal, "certificate", "record"),
        "can_check": access.can(principal, "certificate", "check") and selectors.markets_for_checking(principal).exists(),
    })


@login_required
@page_errors
def certificate_detail(request: HttpRequest, certificate_id: int) -> HttpResponse:
    principal = _principal(request)
    cert = selectors.certificate_for(principal, certificate_id)
    parents, children = selectors.certificate_family(principal, cert)
    checks = selectors.certificate_checks(principal, cert)
    to_reissue, at_entry = selectors.remaining(cert)
    url = qr.public_url(request, cert.code)
    return render(request, "certificates/certificate_detail.html", {
        "cert": cert, "parents": parents, "children": children, "checks": [(k, validity.describe(k.reasons)) for k in checks],
        "remaining_to_reissue": to_reissue, "remaining_at_entry": at_entry, "public_url": url, "qr_svg": qr.svg(url),
        "may_revoke": cert.status == ProduceCertificate.Status.VALID and selectors.may_revoke(principal, cert),
        "may_reissue": access.can(principal, "certificate", "record") and cert.status == ProduceCertificate.Status.VALID,
        "sources": {"fields": rules.FIELDS, "basis": rules.BASIS, "retention": rules.RETENTION},
    })


@login_required
@require_GET
@page_errors
def certificate_qr(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The QR code as a PNG to print on a label: it carries the public page's URL."""
    cert = selectors.certificate_for(_principal(request), certificate_id)
    response = HttpResponse(qr.png(qr.public_url(request, cert.code)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.code}.png"'
    return response


# --- issue, re-issue, revoke ------------------------------------------------------------------

@login_required
@page_errors
def certificate_new(request: HttpRequest) -> HttpResponse:
    """A farm issues a certificate (承诺达标合格证)."""
    principal = access.require(_principal(request), "certificate", "record")
    farms = selectors.farms_for_issuing(principal)
    if not farms.exists():
        raise Forbidden(_("Only a farm issues produce certificates, and none of your operators is registered as a farm."), code="no_farm")
    lots = trace_selectors.lots_for_recording_qs(principal).filter(product__category__code__in=sorted(rules.SCOPE_CATEGORIES),
                                                                   product__owner__in=farms).select_related("product")
    form = IssueForm(request.POST or None, request.FILES or None, operators=farms, lots=lots.order_by("-production_date", "-id"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d.get("test_report")
        try:
            cert = services.certificate_issue(
                issuer=selectors.acting_issuer(principal, form.acting_id()), lot=d.get("lot"), product_name=d.get("product_name") or "",
                category_code=d["category"].code if d.get("category") else "", quantity=d["quantity"], unit=d["unit"], origin=d.get("origin") or "",
                contact_phone=d.get("contact_phone") or "", issued_on=d.get("issued_on"), basis=d["basis"], test_report_file=upload,
                test_report_name=upload.name if upload else "", test_report_size=upload.size if upload else None, by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Certificate issued; print its QR code or show the code %(code)s.") % {"code": cert.code})
            return redirect("certificate-detail", certificate_id=cert.pk)
    return render(request, "certificates/certificate_form.html", {"form": form, "title": _("Issue a produce certificate"), "multipart": True,
                                                                  "commitment": rules.COMMITMENT_TEXT},
                  status=400 if request.method == "POST" else 200)


@login_required
@page_errors
def certificate_reissue(request: HttpRequest) -> HttpResponse:
    """A holder re-issues a certificate after mixing or repacking, naming the certificates received."""
    principal = access.require(_principal(request), "certificate", "record")
    holders = selectors.operators_for_recording(principal)
    initial = {"parents": request.GET.get("from", "")[:64]} if request.method == "GET" else None
    form = ReissueForm(request.POST or None, initial=initial, operators=holders)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            holder = selectors.acting_holder(principal, form.acting_id())
            found = {c.code: c for c in selectors.certificates_by_code(principal, [code for code, _q in d["parents"]])}
            parents = [services.ParentIn(found[parse_code(code)], q) for code, q in d["parents"]]
            cert = services.certificate_reissue(
                holder=holder, parents=parents, kind=d["kind"], product_name=d.get("product_name") or "",
                category_code=d["category"].code if d.get("category") else "", quantity=d["quantity"], unit=d.get("unit") or "",
                origin=d.get("origin") or "", contact_phone=d.get("contact_phone") or "", issued_on=d.get("issued_on"), basis=d["basis"],
                by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Certificate re-issued; print its QR code or show the code %(code)s.") % {"code": cert.code})
            return redirect("certificate-detail", certificate_id=cert.pk)
    return render(request, "certificates/certificate_form.html", {"form": form, "title": _("Re-issue after mixing or repacking"),
                                                                  "commitment": rules.COMMITMENT_TEXT},
                  status=400 if request.method == "POST" else 200)


@login_required
@page_errors
def certificate_revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_for(_principal(request), certificate_id, "record")
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(certificate=cert, reason=form.cleaned_data["reason"], by=request.user)  # type: ignore[arg-type]
        except ShianError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Certificate revoked; markets will refuse it at entry."))
            return redirect("certificate-detail", certificate_id=cert.pk)
    return render(request, "certificates/certificate_revoke.html", {"cert": cert, "form": form},
                  status=400 if request.method == "POST" else 200)


# --- the market's entry check -----------------------------------------------------------------

@login_required
@page_errors
def certificate_check(request: HttpRequest) -> HttpResponse:
    """Scan or type a code at the market gate: a big 有效 / 无效, stored with who checked and when."""
    principal = access.require(_principal(request), "certificate", "check")
    markets = selectors.markets_for_checking(principal)
    if not markets.exists():
        raise Forbidden(_("Only a market checks produce certificates at entry, and none of your operators is registered as a market."),
                        code="no_market")
    form = CheckForm(request.POST or None, operators=markets)
    check: CertificateCheck | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            check = services.certificate_check(code=d["code"], market=selectors.acting_market(principal, form.acting_id()), quantity=d.get("quantity"),
                                               by=request.user, by_label=principal.label)  # type: ignore[arg-type]
        except ShianError as exc:
            _form_error(form, exc)
        else:
            form = CheckForm(operators=markets, initial={"operator": d.get("operator"), "operator_id": d.get("operator_id")})  # ready for the next scan
    public = selectors.public_view(check.certificate) if check is not None and check.certificate is not None else None
    return render(request, "certificates/check.html", {
        "form": form, "check": check, "reasons": validity.describe(check.reasons) if check else [], "public": public,
        "recent": [(k, validity.describe(k.reasons)) for k in selectors.recent_checks_by(principal, list(markets[:50]))],
    }, status=400 if request.method == "POST" and check is None else 200)


@login_required
@page_errors
def check_list(request: HttpRequest) -> HttpResponse:
    principal = access.require(_principal(request), "certificate", "view")
    filters = selectors.CheckFilters.from_params(request.GET)
    page = CappedPaginator(selectors.check_list(principal, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/check_list.html", {
        "page": page, "rows": [(k, validity.describe(k.reasons)) for k in page], "filters": filters,
        "results": CertificateCheck.Result.choices, "querystring": _querystring(request),
    })


# --- the public page --------------------------------------------------------------------------

@require_GET
def certificate_public(request: HttpRequest, code: str) -> HttpResponse:
    """What a QR code opens, for anyone: the certificate's public facts and whether it is still valid."""
    public = selectors.certificate_by_code(code)
    if public is None:
        return render(request, "certificates/public_unknown.html", {"code": code[:64]}, status=404)
    response = render(request, "certificates/public.html", {"c": public, "scope_source": rules.SCOPE})
    response["X-Robots-Tag"] = "noindex"
    return response
