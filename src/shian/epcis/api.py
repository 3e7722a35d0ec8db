"""The EPCIS 2.0 REST binding under ``/epcis/``: capture (asynchronous and synchronous) and query.

``POST /epcis/capture``       an EPCISDocument or EPCISQueryDocument → 202, ``Location: /epcis/capture/{id}``
``GET  /epcis/capture/{id}``  the capture job (``running``, ``success``, ``errors``, counts)
``POST /epcis/events``        one event (with ``@context``) or a document, captured at once → 201/200, or 400 with every error
``GET  /epcis/events``        the standard's query parameters → an EPCISQueryDocument, ``Link: <…>; rel="next"``
``GET  /epcis/events/{eventID}`` one event

Its own NinjaAPI (the platform's API lives under ``/api/v1/``), with the same authentication
(an organisation's API key as ``Authorization: Bearer <key>``, or a session) and the same error
shape ``{code, message, field, details}``. Bodies are read here, not by ninja, so that the size
limit (413, naming it) is applied before anything is parsed.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from shian.api import BearerKey, principal_of
from shian.core.errors import Invalid, NotFound, ShianError, TooLarge
from shian.epcis import rules, selectors, services
from shian.epcis.models import Capture

VERSION_HEADERS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}
JSON_TYPES = ("application/json", "application/ld+json")

epcis_api = NinjaAPI(
    title="食安 Shian EPCIS 2.0",
    version="2.0",
    description="GS1 EPCIS 2.0 采集与查询接口（REST 绑定）。认证：Authorization: Bearer <机构API密钥>，或登录会话。",
    auth=[BearerKey(), django_auth],
    urls_namespace="epcis",
)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse(body, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False},
                        headers={**VERSION_HEADERS, **(headers or {})}, safe=False)


def _error(status: int, code: str, message: str, field: str | None = None, details: Any = None,
           headers: dict[str, str] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    if details is not None:
        body["details"] = details
    return _json(body, status, headers)


def _limit_headers() -> dict[str, str]:
    return {"GS1-EPCIS-Capture-Limit": str(rules.max_events()), "GS1-EPCIS-Capture-File-Size-Limit": str(rules.max_bytes())}


@epcis_api.exception_handler(ShianError)
def _shian_error(request: HttpRequest, exc: ShianError) -> HttpResponse:
    headers = _limit_headers() if isinstance(exc, TooLarge) else None
    return _error(exc.status, exc.code, exc.message, exc.field, exc.details, headers)


@epcis_api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(401, "not_authenticated", _("Log in, or send a valid API key as Authorization: Bearer <key>."))


@epcis_api.exception_handler(NinjaValidationError)
def _schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(400, "invalid", _("Invalid request."), details=[{"field": ".".join(map(str, e.get("loc", ()))), "type": e.get("type")}
                                                               for e in exc.errors])


@epcis_api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(exc.status_code, "http_error", str(exc))


@epcis_api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(404, "not_found", _("Not found."))


class UnsupportedMediaType(ShianError):
    status = 415
    code = "unsupported_media_type"


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def read_json(request: HttpRequest) -> Any:
    """The request body as JSON: 413 above the size limit, 415 if not JSON, 400 if malformed."""
    limit = rules.max_bytes()
    too_large = TooLarge(_("The body is larger than the capture limit of %(mb)s MB (%(n)s bytes).") % {"mb": limit // (1024 * 1024), "n": limit},
                         code="capture_too_large", details={"limit_bytes": limit})
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise too_large
    content_type = (request.content_type or "").lower()
    if content_type not in JSON_TYPES:
        raise UnsupportedMediaType(_("Send the document as application/json or application/ld+json."))
    data = request.read(limit + 1)
    if len(data) > limit:
        raise too_large
    try:
        return json.loads(data, parse_constant=_reject_constant, parse_float=_finite)
    except (ValueError, RecursionError):
        raise Invalid(_("The request body is not valid JSON."), code="malformed_body") from None


def capture_job_out(capture: Capture) -> dict[str, Any]:
    """A capture job in the binding's shape, with our counts."""
    return {
        "captureID": str(capture.pk),
        "createdAt": capture.created_at,
        "finishedAt": capture.finished_at,
        "running": capture.status == Capture.Status.RUNNING,
        "success": capture.status != Capture.Status.FAILED,
        "captureErrorBehaviour": "rollback",
        "status": capture.status,
        "eventCount": capture.event_count,
        "duplicateCount": capture.duplicate_count,
        "errors": capture.errors,
        "warnings": capture.warnings,
    }


@epcis_api.post("/capture", url_name="epcis-capture", summary="异步采集 EPCIS 文档（全部成功或全部不存）", response={202: Any})
def capture(request: HttpRequest) -> HttpResponse:
    principal = rules.require_capture(principal_of(request))
    body = read_json(request)
    job = services.capture_submit(body=body, principal=principal)
    location = f"/epcis/capture/{job.pk}"
    return _json(capture_job_out(job), 202, {"Location": location})


@epcis_api.get("/capture/{capture_id}", url_name="epcis-capture-job", summary="采集任务状态", response={200: Any})
def capture_status(request: HttpRequest, capture_id: str) -> HttpResponse:
    try:
        pk = UUID(capture_id)
    except ValueError:
        raise NotFound(_("No such capture job.")) from None
    return _json(capture_job_out(selectors.capture_for(principal_of(request), pk)))


@epcis_api.post("/events", url_name="epcis-events-capture", summary="同步采集单个事件或文档", response={201: Any, 200: Any})
def events_capture(request: HttpRequest) -> HttpResponse:
    principal = rules.require_capture(principal_of(request))
    body = read_json(request)
    outcome = services.capture_now(body=body, principal=principal)
    ids = [e.event_id for e in outcome.stored]
    out = {"captureID": str(outcome.capture.pk), "success": True, "eventCount": len(ids), "duplicateCount": len(outcome.duplicates),
           "eventIDs": ids, "duplicates": outcome.duplicates, "warnings": outcome.warnings}
    headers = {"Location": f"/epcis/events/{quote(ids[0], safe='')}"} if len(ids) == 1 else {}
    return _json(out, 201 if ids else 200, headers)


@epcis_api.get("/events", url_name="epcis-events-query", summary="按 EPCIS 标准参数查询事件（分页）", response={200: Any})
def events_query(request: HttpRequest) -> HttpResponse:
    params = {name: request.GET.getlist(name) for name in request.GET}
    events, token = selectors.event_query(principal_of(request), params)
    headers = {}
    if token is not None:
        nxt = {k: v for k, v in params.items() if k != "nextPageToken"}
        nxt["nextPageToken"] = [token]
        headers["Link"] = f'</epcis/events?{urlencode(nxt, doseq=True)}>; rel="next"'
        headers["GS1-Next-Page-Token"] = token
    return _json(selectors.query_document(events), 200, headers)


@epcis_api.get("/events/{path:event_id}", url_name="epcis-event", summary="单个事件", response={200: Any})
def event_detail(request: HttpRequest, event_id: str) -> HttpResponse:
    return _json(selectors.as_epcis(selectors.event_for(principal_of(request), event_id)))
