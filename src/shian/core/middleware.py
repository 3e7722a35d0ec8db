"""Request id, audit actor and security headers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from shian.core.context import acting_as, new_request_id, reset_request_id, set_request_id

Handler = Callable[[HttpRequest], HttpResponse]


def client_ip(request: HttpRequest) -> str:
    """The client's address for login throttling.

    Directly exposed, it is REMOTE_ADDR. Behind our reverse proxy (SHIAN_BEHIND_PROXY=1), it is
    the right-most X-Forwarded-For entry: the one our proxy appended, which a client cannot forge.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestContextMiddleware:
    """Give each request an id (from ``X-Request-ID`` or new) and echo it in the response."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming[:64] if incoming and incoming.isprintable() else new_request_id()
        request.request_id = rid  # type: ignore[attr-defined]
        token = set_request_id(rid)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = rid
        return response


class AuditActorMiddleware:
    """Make the logged-in user the actor of every audit entry written during the request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with acting_as(user):
                return self.get_response(request)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content Security Policy and a restrictive Permissions-Policy on every response."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") and request.path.endswith("/docs"):
            # The interactive API docs page needs its own inline bootstrap script.
            policy = settings.CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
            response.setdefault("Content-Security-Policy", policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"))
        else:
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        return response


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Simplified Chinese unless the user chose another language (the language switch
    sets a cookie); a browser's Accept-Language alone does not switch a government system's
    pages to English. API clients (``/api/``, ``/epcis/``) may still ask with Accept-Language."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(("/api/", "/epcis/")):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        translation.activate(chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
