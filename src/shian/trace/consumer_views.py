"""The public consumer page (扫码查询) and the operators' QR labels.

Public, no login:

* ``GET /01/<gtin>/10/<lot>`` the GS1 Digital Link resolver (further key qualifiers and query
  attributes are accepted; a GTIN of 8, 12 or 13 digits is padded to 14);
* ``GET /t/<trace code>`` the platform trace code;
* ``GET /t/?code=…`` the lookup form: a typed or scanned code (trace code, Digital Link, GS1 element
  string) is redirected to one of the two above.

Each answers HTML or, with ``Accept: application/json`` or ``?format=json``, JSON. A code that names
no lot gets a friendly 404 page with the lookup form (or ``{"code", "message", "field"}``); a
malformed code (a wrong GTIN check digit, say) the same, with the reason. Never a 500.

Logged in: ``/trace/lots/<id>/label/`` (the label page) and ``label.png|svg|pdf`` for the lot's
producer and its regulators (:func:`shian.trace.labels.lot_for_label`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shian.core.errors import Invalid, NotFound
from shian.core.pages import page_errors
from shian.trace import consumer, labels
from shian.trace.identifiers import is_trace_code

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _wants_json(request: HttpRequest) -> bool:
    if request.GET.get("format") == "json":
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _unknown(request: HttpRequest, message: str, code: str, *, typed: str = "") -> HttpResponse:
    """The friendly answer to a code that names no lot: 404, with the lookup form on the page."""
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"code": code, "message": message, "field": "code"}, status=404,
                                              json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "trace/consumer_unknown.html", {"message": message, "typed": typed}, status=404)
    patch_vary_headers(response, ["Accept"])
    return response


def _answer(request: HttpRequest, code: consumer.Code) -> HttpResponse:
    as_json = _wants_json(request)
    lang = request.GET.get("lang")
    with translation.override(lang if lang in LANGUAGE_CODES else translation.get_language()):
        page = None if as_json else consumer.cached_page(code)
        if page is None:
            view = consumer.consumer_view(code, render=None if as_json else _body)
            if view is None:
                return _unknown(request, _("No lot with this code is on the platform. Check the code, or ask the shop where you bought it."),
                                "lot_unknown")
            if as_json:
                response: HttpResponse = JsonResponse(view.as_json(), json_dumps_params={"ensure_ascii": False})
                patch_vary_headers(response, ["Accept"])
                return response
            page = render_to_string("trace/consumer.html", {"view": view, "body": mark_safe(view.html or ""),  # noqa: S308  # our own output
                                                            "path": code.path})
            consumer.cache_page(code, page)
    response = HttpResponse(page)
    patch_vary_headers(response, ["Accept", "Cookie"])
    return response


def _body(view: consumer.ConsumerView) -> str:
    """The page's content: it holds nothing of the request, so it is rendered once per cached view and language."""
    return render_to_string("trace/consumer_body.html", {"view": view})


@require_safe
def resolve_digital_link(request: HttpRequest, gtin: str, rest: str | None = None) -> HttpResponse:
    """The GS1 Digital Link resolver: ``/01/<gtin>/10/<lot>``."""
    try:
        code = consumer.resolver_code(gtin, rest)
    except Invalid as exc:
        return _unknown(request, exc.message, exc.code)
    return _answer(request, code)


@require_safe
def resolve_trace_code(request: HttpRequest, trace_code: str) -> HttpResponse:
    """A platform trace code: ``/t/JM…``."""
    code = trace_code.strip().upper()
    if not is_trace_code(code):
        return _unknown(request, _("A trace code is JM followed by 12 letters and digits."), "trace_code_format")
    return _answer(request, consumer.Code(trace_code=code))


@require_safe
def lookup(request: HttpRequest) -> HttpResponse:
    """The lookup form: a typed or scanned code goes to its lot's page."""
    typed = str(request.GET.get("code", ""))
    if not typed.strip():
        return render(request, "trace/consumer_lookup.html", {"typed": ""})
    try:
        code = consumer.parse_code(typed)
    except Invalid as exc:
        return _unknown(request, exc.message, exc.code, typed=typed[: consumer.CODE_MAX])
    return redirect(code.path + ("?format=json" if request.GET.get("format") == "json" else ""))


# --- labels ---------------------------------------------------------------------------------------

def _principal(request: HttpRequest) -> Any:
    return request.user.principal  # type: ignore[union-attr]


@login_required
@page_errors
def lot_label(request: HttpRequest, lot_id: int) -> HttpResponse:
    """The label page: the label as it prints, and its PNG, SVG and PDF files."""
    lot = labels.lot_for_label(_principal(request), lot_id)
    label = labels.label_for(lot, labels.resolver_base(request))
    return render(request, "trace/label.html", {"lot": lot, "label": label})


@login_required
@page_errors
def lot_label_file(request: HttpRequest, lot_id: int, fmt: str) -> HttpResponse:
    """``label.png`` (the QR code), ``label.svg`` and ``label.pdf`` (the printable label)."""
    if fmt not in labels.FORMATS:
        raise NotFound("")
    lot = labels.lot_for_label(_principal(request), lot_id)
    label = labels.label_for(lot, labels.resolver_base(request))
    content_type, render_fn = labels.FORMATS[fmt]
    response = HttpResponse(render_fn(label), content_type=content_type)  # type: ignore[operator]
    response["Content-Disposition"] = f'inline; filename="label-{lot.trace_code}.{fmt}"'
    return response
