"""Template helpers for the inspection pages: ``principal|can_do:"resource.action"``."""

from __future__ import annotations

from typing import Any

from django import template

from shian.core import access

register = template.Library()


@register.filter
def can_do(principal: Any, resource_action: str) -> bool:
    """True if the principal may do the action on the resource at all (``"inspection.plan"``)."""
    resource, _, action = resource_action.partition(".")
    return principal is not None and access.can(principal, resource, action)
