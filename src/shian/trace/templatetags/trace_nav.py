"""Template filters for traceability navigation."""

from __future__ import annotations

from django import template

from shian.core import access

register = template.Library()


@register.filter
def trace_can(principal: access.Principal | None, action: str) -> bool:
    """``{% if principal|trace_can:"view" %}``: may the principal do ``action`` on some trace records?"""
    return access.can(principal, "trace", action)
