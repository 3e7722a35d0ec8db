"""Credit supervision: credit file and profile, serious-violation list, joint sanctions, credit repair,
restaurant violation points and hygiene grades (信用监管)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "shian.credit"
    label = "credit"
    verbose_name = _("Credit supervision")

    def ready(self) -> None:
        from shian.core import audit
        from shian.credit import dossier_sections, jobs, models, sanctions
        from shian.inspection import hooks

        audit.register(models.CreditRecord, operator=lambda o: o.operator_id)
        audit.register(models.Listing, operator=lambda o: o.operator_id)
        audit.register(models.RepairApplication, operator=lambda o: o.operator_id)
        audit.register(models.ViolationPoint, operator=lambda o: o.operator_id)
        audit.register(models.HygieneGrade, operator=lambda o: o.operator_id)
        dossier_sections.register()
        jobs.register()
        # The inspection plan's extra frequency and the draw's credit filter (Food Safety Law Art 113).
        hooks.set_extra_frequency(sanctions.extra_frequency)
        hooks.set_credit_flags(sanctions.credit_flags)
        audit.describe_actions({
            "credit.record_created": _("Credit record entered"),
            "credit.record_withdrawn": _("Credit record withdrawn"),
            "credit.points_recorded": _("Violation points recorded"),
            "credit.repair_applied": _("Credit repair applied for"),
            "credit.repair_approved": _("Credit repair approved"),
            "credit.repair_refused": _("Credit repair refused"),
            "credit.listing_proposed": _("Serious-violation listing proposed"),
            "credit.listing_approved": _("Listed as a serious violator"),
            "credit.listing_rejected": _("Serious-violation listing rejected"),
            "credit.listing_removed": _("Removed from the serious-violation list"),
            "credit.hygiene_graded": _("Hygiene grade assessed"),
        })
