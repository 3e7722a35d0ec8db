"""Admin for the registry (system administrators), through the same access rules as pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shian.core import access
from shian.registry.models import FoodCategory, InsurancePolicy, Licence, Operator, OperatorType, Premises, SelfInspection, StaffMember


class ScopedAdmin(admin.ModelAdmin):
    """Restricts the admin list to the rows ``core.access`` lets the user change."""

    resource = "operator"
    jurisdiction_field = "jurisdiction__path"
    org_field = "owner_org_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        principal = getattr(request.user, "principal", None)
        return access.restrict(qs, principal, self.resource, "change", jurisdiction_field=self.jurisdiction_field, org_field=self.org_field)


@admin.register(Operator)
class OperatorAdmin(ScopedAdmin):
    list_display = ("name", "uscc", "jurisdiction", "status", "scale")
    list_filter = ("status", "scale", "types")
    search_fields = ("name", "uscc")
    raw_id_fields = ("jurisdiction", "owner_org")
    filter_horizontal = ("types", "scope")


class ChildAdmin(ScopedAdmin):
    jurisdiction_field = "operator__jurisdiction__path"
    org_field = "operator__owner_org_id"


@admin.register(Licence)
class LicenceAdmin(ChildAdmin):
    resource = "licence"
    list_display = ("number", "kind", "operator", "issued_on", "expires_on", "status")
    list_filter = ("kind", "status")
    search_fields = ("number", "operator__name")
    raw_id_fields = ("operator", "premises")


class OperatorChildAdmin(ChildAdmin):
    raw_id_fields = ("operator",)


for model in (Premises, StaffMember, InsurancePolicy, SelfInspection):
    admin.site.register(model, OperatorChildAdmin)

admin.site.register(OperatorType)
admin.site.register(FoodCategory)
