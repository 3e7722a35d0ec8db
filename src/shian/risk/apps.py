"""Risk grading (风险分级): the operator's current grade A/B/C/D, read by every module through
:mod:`shian.risk.grades`. This is the minimal start the later risk issue builds on."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "shian.risk"
    label = "risk"
    verbose_name = _("Risk grading")

    def ready(self) -> None:
        from shian.core import audit
        from shian.risk import models

        audit.register(models.RiskGrade, operator=lambda o: o.operator_id)
        audit.describe_actions({"risk.grade_set": _("Risk grade set")})
