"""The REST API root: ``/api/v1/`` with OpenAPI docs, one error shape, API keys and sessions.

Every error is ``{"code": ..., "message": ..., "field": ...}`` with a Chinese message; clients
authenticate with ``Authorization: Bearer <organisation API key>`` or a logged-in session
(with CSRF).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from shian.accounts.selectors import apikey_for_secret
from shian.core.access import Principal
from shian.core.errors import ShianError, from_validation_error


class BearerKey(HttpBearer):
    """``Authorization: Bearer <key>``: the organisation's API key."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        key = apikey_for_secret(token)
        return key.principal if key is not None else None


def principal_of(request: HttpRequest) -> Principal | None:
    """The acting principal of an API request (API key or session user)."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, Principal):
        return auth
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        principal: Principal = user.principal
        return principal
    return None


api = NinjaAPI(
    title="食安 Shian API",
    version="1",
    description="食品安全智慧监管平台开放接口。错误统一为 {code, message, field}。认证：Authorization: Bearer <机构API密钥>，或登录会话。",
    auth=[BearerKey(), django_auth],
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, field: str | None = None, details: Any = None) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(ShianError)
def _shian_error(request: HttpRequest, exc: ShianError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.field, exc.details)


@api.exception_handler(ValidationError)
def _django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _shian_error(request, from_validation_error(exc))


@api.exception_handler(NinjaValidationError)
def _schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload", "form", "file")]
        problems.append({"field": ".".join(loc) or None, "message": _translate_pydantic(err), "type": err.get("type")})
    first = problems[0] if problems else {"field": None, "message": _("Invalid request.")}
    return _error(request, 422, "validation_error", _("Invalid input: %(field)s %(msg)s") % {"field": first["field"] or "", "msg": first["message"]},
                  first["field"], problems)


def _translate_pydantic(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    messages = {
        "missing": _("is required"),
        "extra_forbidden": _("is not an accepted field"),
        "string_too_long": _("is too long"),
        "string_too_short": _("is too short"),
        "int_parsing": _("must be a whole number"),
        "decimal_parsing": _("must be a number"),
        "float_parsing": _("must be a number"),
        "date_from_datetime_parsing": _("must be a date (YYYY-MM-DD)"),
        "date_parsing": _("must be a date (YYYY-MM-DD)"),
        "bool_parsing": _("must be true or false"),
        "list_type": _("must be a list"),
        "string_type": _("must be text"),
        "json_invalid": _("is not valid JSON"),
        "model_attributes_type": _("must be an object"),
        "dict_type": _("must be an object"),
    }
    return str(messages.get(kind, _("is invalid")))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Log in, or send a valid API key as Authorization: Bearer <key>."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and "parse" in str(exc).lower():
        return _error(request, 400, "malformed_body", _("The request body is not valid JSON."))
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "forbidden", _("Your role may not do this."))


def _register_routers() -> None:
    from shian.core.api import router as core_router
    from shian.registry.api import router as registry_router
    from shian.trace.api import router as trace_router

    api.add_router("/", core_router)
    api.add_router("/", registry_router)
    api.add_router("/trace", trace_router)
    api.add_router("/coldchain", "shian.coldchain.api.router")
    api.add_router("/certificates", "shian.certificates.api.router")
    api.add_router("/inspections", "shian.inspection.api.router")
    api.add_router("/rectifications", "shian.rectification.api.router")
    api.add_router("/sampling", "shian.sampling.api.router")
    api.add_router("/credit", "shian.credit.api.router")
    api.add_router("/risk", "shian.risk.api.router")


_register_routers()
