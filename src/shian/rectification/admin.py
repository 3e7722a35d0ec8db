"""Rectification orders are written by services (audited events); the admin only lists them."""

from __future__ import annotations

from django.contrib import admin

from shian.core.admin import ReadOnlyAdmin
from shian.rectification.models import RectificationOrder


@admin.register(RectificationOrder)
class RectificationOrderAdmin(ReadOnlyAdmin):
    list_display = ("pk", "operator", "source_app", "source_title", "deadline", "status", "times_overdue", "closed_on_time")
    list_filter = ("status", "source_app")
    search_fields = ("operator__name", "source_title")
