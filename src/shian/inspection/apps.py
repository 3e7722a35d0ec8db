"""Inspections (监督检查): yearly plans from risk grades, double-random draws, checklists on a phone,
the inspection record (PDF with a verifying QR code) and publication of results."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "shian.inspection"
    label = "inspection"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from shian.core import audit
        from shian.inspection import dossier_sections, models

        audit.register(models.InspectionPlan)
        audit.register(models.Draw, exclude=("target_keys", "inspector_keys", "drawn"))  # pools and result: hashed in the event
        audit.register(models.Inspection, operator=lambda o: o.operator_id)
        audit.register(models.InspectionInspector, operator=lambda o: o.inspection.operator_id)
        audit.register(models.Answer, operator=lambda o: o.inspection.operator_id)
        audit.register(models.Photo, operator=lambda o: o.inspection.operator_id)
        audit.register(models.Amendment, operator=lambda o: o.inspection.operator_id)
        audit.register(models.InspectorProfile)
        audit.register(models.ConflictOfInterest, operator=lambda o: o.operator_id)
        audit.register(models.ChecklistTemplate)
        audit.register(models.ChecklistItem)
        dossier_sections.register()
        audit.describe_actions({
            "inspection.plan_generated": _("Inspection plan generated"),
            "inspection.draw_run": _("Double-random draw run"),
            "inspection.draw_published": _("Draw published"),
            "inspection.closed": _("Inspection closed"),
            "inspection.amended": _("Inspection record amended"),
            "inspection.results_published": _("Inspection result published"),
        })
