"""Read-only admin views of captures and events (rows are never edited: they are evidence)."""

from django.contrib import admin

from shian.core.admin import ReadOnlyAdmin
from shian.epcis.models import Capture, EpcisEvent


@admin.register(Capture)
class CaptureAdmin(ReadOnlyAdmin):
    list_display = ("id", "status", "source", "created_by_org", "created_at", "event_count", "duplicate_count")
    list_filter = ("status", "source")


@admin.register(EpcisEvent)
class EpcisEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "event_type", "event_time", "biz_step", "biz_location", "operator", "source")
    list_filter = ("event_type", "source")
    search_fields = ("=event_id",)
    list_select_related = ("operator",)
    raw_id_fields = ("capture", "recorded_by", "operator")
