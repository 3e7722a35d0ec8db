"""Admin for risk grades: administrators add a grade (through the service, audited); rows are never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shian.risk import services
from shian.risk.models import RiskGrade


@admin.register(RiskGrade)
class RiskGradeAdmin(admin.ModelAdmin):
    list_display = ("operator", "grade", "since", "source", "is_current", "created_by")
    list_filter = ("grade", "source", "is_current")
    search_fields = ("operator__name", "operator__uscc")
    raw_id_fields = ("operator",)
    fields = ("operator", "grade", "since", "source", "note")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RiskGrade, form: Any, change: bool) -> None:
        saved = services.grade_set(operator=obj.operator, grade=obj.grade, since=obj.since, source=obj.source, note=obj.note,
                                   by=request.user)  # type: ignore[arg-type]
        obj.pk = saved.pk
