"""Template context: the acting principal, for role-aware navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shian.core import access


def principal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    p = user.principal if user is not None and user.is_authenticated else None
    return {
        "principal": p,
        "can_view_operators": access.can(p, "operator", "view"),
        "can_import_operators": access.can(p, "operator", "import"),
        "can_view_audit": access.can(p, "audit", "verify"),
    }
