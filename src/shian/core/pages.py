"""Helpers for server-rendered pages: turn platform errors into friendly pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.errors import Forbidden, NotAuthenticated, NotFound, ShianError


def page_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render 403/404 (and other refused operations) as pages in the user's language."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            message = _("The record does not exist or is outside your jurisdiction.")
            return render(request, "core/error.html", {"title": _("Not found"), "message": message}, status=404)
        except (Forbidden, NotAuthenticated) as exc:
            return render(request, "core/error.html", {"title": _("Not allowed"), "message": exc.message}, status=403)
        except ShianError as exc:
            return render(request, "core/error.html", {"title": _("Cannot do this"), "message": exc.message}, status=exc.status)

    return wrapper


def principal(request: HttpRequest) -> access.Principal:
    """The logged-in user's principal (views behind ``login_required``)."""
    return request.user.principal  # type: ignore[union-attr]


def querystring(request: HttpRequest) -> str:
    """The request's query string without ``page``, for pager links that keep the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def stored_file(stored: Any) -> HttpResponse:
    """An uploaded file (anything with ``file``, ``content_type`` and ``original_name``) served inline with the type
    recognised on upload, in a sandbox so that a file's content can never run as a page; 404 when the bytes are gone."""
    from django.http import FileResponse

    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("The record does not exist or is outside your jurisdiction.")) from None
    response = FileResponse(handle, content_type=stored.content_type, as_attachment=False, filename=stored.original_name)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; object-src 'none'; sandbox"
    return response  # type: ignore[return-value]  # a FileResponse streams; page_errors passes it through
