"""Read-only admin for cold-chain records: writes go through the services (they check, audit and
record EPCIS events), and the lists are restricted by ``core.access`` like every page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shian.coldchain import selectors
from shian.coldchain.models import EntryCertificate, FirstStopEntry, TemperatureReading
from shian.core.admin import ReadOnlyAdmin


def _principal(request: HttpRequest) -> Any:
    return getattr(request.user, "principal", None)


@admin.register(FirstStopEntry)
class FirstStopEntryAdmin(ReadOnlyAdmin):
    list_display = ("lot", "warehouse", "importer", "importer_name", "origin_country", "entry_date", "storage_class", "status", "release_code")
    list_filter = ("status", "storage_class")
    search_fields = ("lot__trace_code", "customs_declaration_number", "release_code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(pk__in=selectors.entries_visible(_principal(request)).values("pk"))


@admin.register(EntryCertificate)
class EntryCertificateAdmin(ReadOnlyAdmin):
    list_display = ("entry", "document", "number", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(entry__in=selectors.entries_visible(_principal(request)).values("pk"))


@admin.register(TemperatureReading)
class TemperatureReadingAdmin(ReadOnlyAdmin):
    list_display = ("lot", "measured_at", "value", "excursion", "location", "device", "source")
    list_filter = ("excursion", "source", "step")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        visible = selectors.entries_visible(_principal(request)).values("lot_id")
        return super().get_queryset(request).filter(lot_id__in=visible)
