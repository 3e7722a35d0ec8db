"""Read-only admin for the demo city's hidden state."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from shian.demo.models import SimulatedOperator


@admin.register(SimulatedOperator)
class SimulatedOperatorAdmin(admin.ModelAdmin):
    """Shows each generated operator's hidden quality (for demo staff only; not editable)."""

    list_display = ("operator", "quality")
    list_select_related = ("operator",)
    search_fields = ("operator__name",)
    readonly_fields = ("operator", "quality")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
