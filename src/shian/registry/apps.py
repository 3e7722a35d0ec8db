"""The operator dossier (一户一档): operators, premises, licences, staff, insurance, self-inspections."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "shian.registry"
    label = "registry"
    verbose_name = _("Operator registry")

    def ready(self) -> None:
        from shian.core import audit
        from shian.registry import dossier_sections, models

        audit.register(models.Operator, operator=lambda o: o.pk)
        for model in (models.Premises, models.Licence, models.StaffMember, models.InsurancePolicy, models.SelfInspection):
            audit.register(model, operator=lambda o: o.operator_id)
        dossier_sections.register()
        audit.describe_actions({
            "operator.registered": _("Operator registered"),
            "operator.types_changed": _("Operator types changed"),
            "operator.scope_changed": _("Business scope changed"),
            "operator.active": _("Operator reactivated"),
            "operator.suspended": _("Operator suspended"),
            "operator.cancelled": _("Operator cancelled"),
            "operators.imported": _("Operators imported"),
            "licence.recorded": _("Licence recorded"),
            "licence.valid": _("Licence restored"),
            "licence.suspended": _("Licence suspended"),
            "licence.revoked": _("Licence revoked"),
            "licence.cancelled": _("Licence cancelled"),
            "self_inspection.submitted": _("Self-inspection report filed"),
        })
