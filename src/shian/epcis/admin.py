"""Read-only admin views of captures and events (rows are never edited: they are evidence)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shian.core.admin import ReadOnlyAdmin
from shian.epcis.models import Capture, EpcisEvent, event_id_q


@admin.register(Capture)
class CaptureAdmin(ReadOnlyAdmin):
    list_display = ("id", "status", "source", "created_by_org", "created_at", "event_count", "duplicate_count")
    list_filter = ("status", "source")


@admin.register(EpcisEvent)
class EpcisEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "event_type", "event_time", "biz_step", "biz_location", "operator", "source")
    list_filter = ("event_type", "source")
    search_fields = ("=event_id",)  # searched through event_id_q: only declared IDs are indexed as such
    list_select_related = ("operator",)
    raw_id_fields = ("capture", "recorded_by", "operator")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> tuple[QuerySet[Any], bool]:
        """An exact event ID, declared or assigned (``ni:///sha-256;…``), found through its index."""
        term = search_term.strip()
        return (queryset.filter(event_id_q([term])), False) if term else (queryset, False)
