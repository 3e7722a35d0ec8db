"""Admin for the kernel: jurisdictions and the working-day calendar are editable; the audit
trail and jobs are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shian.core.models import AuditEntry, CalendarDay, CalendarYear, Job, Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "population")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("path",)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "source")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows nobody edits through the admin (the audit trail must stay tamper-evident)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "kind", "action", "model", "object_pk", "actor_label", "request_id")
    list_filter = ("kind", "model")
    search_fields = ("action", "object_pk", "actor_label", "request_id")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("name", "status", "done", "total", "created_by", "created_at", "finished_at")
    list_filter = ("status", "name")
