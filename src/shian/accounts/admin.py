"""Admin for organisations, users and API keys (system administrators only)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from shian.accounts.models import ApiKey, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "jurisdiction", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Role"), {"fields": ("role", "organisation", "display_name", "phone")}))  # type: ignore[misc]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created with `shian apikey create`; the admin lists and revokes them."""

    list_display = ("organisation", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("organisation", "name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: object) -> bool:
        return False
