"""One error type for the whole platform.

Services raise :class:`ShianError` (or a subclass); the API turns it into
``{"code", "message", "field"}`` with the HTTP status, and pages show ``message``.
Messages are Chinese by default through gettext.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ShianError(Exception):
    """A refused operation with a machine-readable code and a human message."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.field = field
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.details is not None:
            body["details"] = self.details
        return body


class Invalid(ShianError):
    status = 400
    code = "invalid"


class NotAuthenticated(ShianError):
    status = 401
    code = "not_authenticated"


class Forbidden(ShianError):
    status = 403
    code = "forbidden"


class NotFound(ShianError):
    status = 404
    code = "not_found"


class Conflict(ShianError):
    status = 409
    code = "conflict"


class TooLarge(ShianError):
    status = 413
    code = "too_large"


def full_clean_or_raise(obj: Any, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()`` (uniqueness left to services and constraints), as one ``Invalid``."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def from_validation_error(exc: ValidationError) -> Invalid:
    """Turn Django's ValidationError into one Invalid naming the first field and listing all."""
    problems: list[dict[str, str | None]]
    if hasattr(exc, "error_dict"):
        problems = [{"field": f, "message": str(m)} for f, errs in exc.message_dict.items() for m in errs]
    else:
        problems = [{"field": None, "message": str(m)} for m in exc.messages]
    first: dict[str, str | None] = problems[0] if problems else {"field": None, "message": _("Invalid input.")}
    field = None if first["field"] == "__all__" else first["field"]
    return Invalid(str(first["message"]), code="invalid", field=field, details=problems if len(problems) > 1 else None)
