"""Rectification orders (责令整改): one closed loop reused by inspections, kitchen events and complaints."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "shian.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self) -> None:
        from shian.core import audit
        from shian.rectification import dossier_sections, jobs, models

        audit.register(models.RectificationOrder, operator=lambda o: o.operator_id)
        audit.register(models.Response, operator=lambda o: o.order.operator_id)
        audit.register(models.Review, operator=lambda o: o.order.operator_id)
        dossier_sections.register()
        jobs.register()
        audit.describe_actions({
            "rectification.issued": _("Rectification ordered"),
            "rectification.answered": _("Rectification reported"),
            "rectification.rejected": _("Rectification not accepted"),
            "rectification.reinspection_requested": _("Re-inspection requested"),
            "rectification.closed": _("Rectification closed"),
            "rectification.overdue": _("Rectification overdue"),
        })
