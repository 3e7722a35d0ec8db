"""Read-only admin for produce certificates: writes go through the services (they validate and audit),
and the lists are restricted by ``core.access`` like every page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shian.certificates import selectors
from shian.certificates.models import CertificateCheck, ProduceCertificate
from shian.core.admin import ReadOnlyAdmin


@admin.register(ProduceCertificate)
class ProduceCertificateAdmin(ReadOnlyAdmin):
    list_display = ("code", "product_name", "issuer", "category", "quantity", "unit", "issued_on", "basis", "status", "reissue_kind")
    list_filter = ("status", "basis", "reissue_kind")
    search_fields = ("code", "product_name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        principal = getattr(request.user, "principal", None)
        return super().get_queryset(request).filter(pk__in=selectors.certificates_visible(principal).values("pk"))


@admin.register(CertificateCheck)
class CertificateCheckAdmin(ReadOnlyAdmin):
    list_display = ("checked_at", "code_scanned", "market", "result", "checked_by_label", "quantity")
    list_filter = ("result",)
    search_fields = ("code_scanned",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        principal = getattr(request.user, "principal", None)
        return super().get_queryset(request).filter(pk__in=selectors.checks_visible(principal).values("pk"))
