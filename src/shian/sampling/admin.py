"""Admin: the limits table, food groups and the list of qualified laboratories are edited here
(changes are change-logged); samples and their records are read-only, restricted like the pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shian.core.admin import ReadOnlyAdmin
from shian.sampling import selectors
from shian.sampling.models import Disposal, FoodGroup, Limit, QualifiedLab, RapidTest, Sample, SamplingPlan


@admin.register(FoodGroup)
class FoodGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "category_codes")
    search_fields = ("code", "name")


@admin.register(Limit)
class LimitAdmin(admin.ModelAdmin):
    list_display = ("item", "item_code", "food_group", "display", "standard", "clause", "confidence", "active")
    list_filter = ("standard", "kind", "confidence", "active")
    search_fields = ("item", "item_code", "food_group__name", "clause")
    list_select_related = ("food_group",)


@admin.register(QualifiedLab)
class QualifiedLabAdmin(admin.ModelAdmin):
    list_display = ("organisation", "retest", "listed_since", "note")
    list_filter = ("retest",)


class _Scoped(ReadOnlyAdmin):
    prefix = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        principal = getattr(request.user, "principal", None)
        return selectors.scoped(super().get_queryset(request), principal, "view", prefix=self.prefix)


@admin.register(Sample)
class SampleAdmin(_Scoped):
    list_display = ("number", "operator", "product_name", "sampled_on", "lab", "status", "conclusion")
    list_filter = ("purpose", "status", "conclusion")
    search_fields = ("number", "product_name", "seal_number")


@admin.register(Disposal)
class DisposalAdmin(_Scoped):
    prefix = "sample__"
    list_display = ("sample", "opened_on", "due_on", "status", "closed_on", "outcome")
    list_filter = ("status", "outcome")


@admin.register(SamplingPlan)
class SamplingPlanAdmin(ReadOnlyAdmin):
    list_display = ("jurisdiction", "year", "target_batches")


@admin.register(RapidTest)
class RapidTestAdmin(ReadOnlyAdmin):
    list_display = ("tested_on", "station", "item", "product_name", "result")
    list_filter = ("result",)
