"""Shared kernel: jurisdictions, audit trail, access control, calendar, jobs, errors."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shian.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from shian.core import audit, lookups  # noqa: F401  (registers the search_contains lookup)

        audit.connect_signals()
        audit.describe_actions({"create": _("Created"), "update": _("Changed"), "delete": _("Deleted")})
