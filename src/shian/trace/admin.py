"""Read-only admin for traceability records: writes go through the services (they verify and audit),
and the lists are restricted by ``core.access`` like every page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shian.core.admin import ReadOnlyAdmin as CoreReadOnlyAdmin
from shian.trace import selectors
from shian.trace.models import Document, Lot, Product, Receipt, Shipment


class ReadOnlyAdmin(CoreReadOnlyAdmin):
    """Lists and shows records the user may view; no add, change or delete."""

    parties: tuple[str, ...] = ("owner",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        principal = getattr(request.user, "principal", None)
        return selectors.scoped(super().get_queryset(request), principal, "view", self.parties)


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ("name", "owner", "category", "gtin", "imported")
    search_fields = ("name", "gtin")


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    parties = ("product__owner",)
    list_display = ("lot_code", "trace_code", "product", "production_date", "expiry_date", "quantity", "unit")
    search_fields = ("lot_code", "trace_code")


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("kind", "original_name", "owner", "issued_on", "valid_until", "sha256")
    list_filter = ("kind",)
    search_fields = ("sha256", "original_name")


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    parties = selectors.SHIPMENT_PARTIES
    list_display = ("pk", "supplier", "buyer", "shipped_on")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    parties = selectors.RECEIPT_PARTIES
    list_display = ("pk", "buyer", "supplier", "supplier_name", "received_on", "status", "verified")
    list_filter = ("status", "verified")
