"""Read-only admin views of captures and events (rows are never edited: they are evidence)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shian.epcis.models import Capture, EpcisEvent


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Capture)
class CaptureAdmin(_ReadOnly):
    list_display = ("id", "status", "source", "created_by_org", "created_at", "event_count", "duplicate_count")
    list_filter = ("status", "source")


@admin.register(EpcisEvent)
class EpcisEventAdmin(_ReadOnly):
    list_display = ("event_id", "event_type", "event_time", "biz_step", "biz_location", "operator", "source")
    list_filter = ("event_type", "source")
    search_fields = ("=event_id",)
    list_select_related = ("operator",)
    raw_id_fields = ("capture", "recorded_by", "operator")
