"""Risk grading (风险分级): scores from static and dynamic factors in a rules table, grades A/B/C/D with
their history, overrides, risk warnings, event-driven re-scoring, and predictive targeting of inspections.
Every module reads grades through :mod:`shian.risk.grades`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "shian.risk"
    label = "risk"
    verbose_name = _("Risk grading")

    def ready(self) -> None:
        from shian.core import audit
        from shian.risk import dossier_sections, hooks, jobs, models

        # is_current is a derived index column (the newest row is current): not change-logged, so bulk regrades may UPDATE it.
        audit.register(models.RiskGrade, operator=lambda o: o.operator_id, exclude=("is_current",))
        audit.register(models.RiskWarning, operator=lambda o: o.operator_id)
        audit.register(models.RiskFactor)
        audit.register(models.GradeBand)
        audit.register(models.RiskParameter)
        audit.register(models.TargetingModelVersion, exclude=("active",))
        dossier_sections.register()
        jobs.register()
        hooks.connect()  # re-score after an inspection found non-compliant, a non-conforming sample, a listing
        audit.describe_actions({
            "risk.grade_set": _("Risk grade set"),
            "risk.grade_changed": _("Risk grade changed"),
            "risk.overridden": _("Risk grade overridden"),
            "risk.warning": _("Risk warning raised"),
            "risk.warning_handled": _("Risk warning handled"),
            "risk.rules_changed": _("Risk rules changed"),
            "risk.targeting_trained": _("Targeting model trained"),
        })
