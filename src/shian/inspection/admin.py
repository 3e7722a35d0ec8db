"""Admin for inspections: administrators keep inspector profiles, conflicts of interest (回避) and
checklist versions; a checklist version already used by an inspection is read-only (add a new
version instead). Plans, draws and inspections are read-only here: they are written by services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shian.core.admin import ReadOnlyAdmin
from shian.inspection.models import ChecklistItem, ChecklistTemplate, ConflictOfInterest, Draw, Inspection, InspectionPlan, InspectorProfile


@admin.register(InspectorProfile)
class InspectorProfileAdmin(admin.ModelAdmin):
    list_display = ("badge_number", "user", "qualified", "active")
    list_filter = ("qualified", "active")
    search_fields = ("badge_number", "user__username", "user__display_name")
    raw_id_fields = ("user",)


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ("inspector", "operator", "reason", "created_at")
    search_fields = ("inspector__username", "operator__name", "operator__uscc")
    raw_id_fields = ("inspector", "operator")


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("order", "number", "section", "text", "key", "basis")


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version", "active", "effective_from")
    list_filter = ("active", "code")
    filter_horizontal = ("operator_types",)
    inlines = [ItemInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.inspections.exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and not obj.inspections.exists() and super().has_delete_permission(request, obj)


@admin.register(InspectionPlan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("year", "jurisdiction", "operator_count", "item_count", "created_at")


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ("title", "jurisdiction", "count", "target_pool_size", "ran_at", "published_at")
    exclude = ("target_keys", "inspector_keys")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "operator", "scope", "status", "result", "closed_at")
    list_filter = ("status", "result", "scope")
    search_fields = ("operator__name", "operator__uscc", "verify_code")
