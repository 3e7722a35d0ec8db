"""Template filters over :mod:`shian.core.access`, for navigation and buttons."""

from __future__ import annotations

from django import template

from shian.core import access

register = template.Library()


@register.filter
def may(principal: access.Principal | None, rule: str) -> bool:
    """``{% if principal|may:"certificate.view" %}``: may the principal do the action on some records of the resource?"""
    resource, _, action = rule.partition(".")
    return access.can(principal, resource, action or "view")
