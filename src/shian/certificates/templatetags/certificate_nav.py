"""Template filters for produce certificate navigation."""

from __future__ import annotations

from django import template

from shian.core import access

register = template.Library()


@register.filter
def certificate_can(principal: access.Principal | None, action: str) -> bool:
    """``{% if principal|certificate_can:"view" %}``: may the principal do ``action`` on some certificates?"""
    return access.can(principal, "certificate", action)
