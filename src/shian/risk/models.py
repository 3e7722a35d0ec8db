"""Risk grades: a history of grades per operator; the row marked ``is_current`` is in force."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shian.registry.models import Operator


class RiskGrade(models.Model):
    """One grade an operator held from ``since``; the newest is current (one per operator)."""

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    class Source(models.TextChoices):
        DEFAULT = "default", _("Default by operator type")
        MANUAL = "manual", _("Set by a regulator")
        ASSESSMENT = "assessment", _("Yearly assessment")

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="risk_grades", verbose_name=_("operator"))
    grade = models.CharField(_("risk grade"), max_length=1, choices=Grade.choices)
    since = models.DateField(_("since"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("set by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["operator_id", "-since", "-id"]
        verbose_name = _("risk grade")
        verbose_name_plural = _("risk grades")
        constraints = [
            models.UniqueConstraint(fields=["operator"], condition=Q(is_current=True), name="risk_riskgrade_one_current",
                                    violation_error_message=_("An operator has one current risk grade.")),
        ]

    def __str__(self) -> str:
        return f"{self.operator_id}: {self.grade} ({self.since})"
