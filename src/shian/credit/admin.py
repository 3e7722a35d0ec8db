"""Admin lists of the credit file (read mostly: writes go through the services and the pages)."""

from django.contrib import admin

from shian.credit.models import CreditRecord, HygieneGrade, Listing, RepairApplication, ViolationPoint


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ("operator", "kind", "severity", "title", "occurred_on", "display_until", "public", "repaired", "withdrawn")
    list_filter = ("kind", "severity", "public", "repaired", "withdrawn")
    search_fields = ("operator__name", "operator__uscc", "title", "decision_number", "source_ref")
    raw_id_fields = ("operator", "created_by")
    readonly_fields = ("source_ref", "period_rule", "created_at")


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("operator", "status", "ground", "proposed_on", "published_on", "removal_due", "removed_on")
    list_filter = ("status", "ground")
    raw_id_fields = ("operator", "penalty", "record", "proposed_by", "decided_by")


@admin.register(RepairApplication)
class RepairApplicationAdmin(admin.ModelAdmin):
    list_display = ("operator", "record", "status", "applied_on", "due_on", "decided_on")
    list_filter = ("status",)
    raw_id_fields = ("operator", "record", "applied_by", "decided_by")


@admin.register(ViolationPoint)
class ViolationPointAdmin(admin.ModelAdmin):
    list_display = ("operator", "occurred_on", "points", "violation", "withdrawn")
    raw_id_fields = ("operator", "created_by")


@admin.register(HygieneGrade)
class HygieneGradeAdmin(admin.ModelAdmin):
    list_display = ("operator", "kind", "grade", "score", "assessed_on", "year")
    list_filter = ("kind", "grade")
    raw_id_fields = ("operator",)
