"""Risk grading: the rules table (factors, grade bands, parameters), the grade history per operator,
risk warnings and the predictive-targeting model versions.

Grades are a history: every regrade, event re-score and override writes a new :class:`RiskGrade`
row and the newest is current (``is_current`` marks it: one per operator, a derived index column
that is not change-logged). A row keeps the score and each factor's contribution, so the grade
page explains it as it was computed, whatever the rules say today.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shian.registry.models import Operator


class Confidence(models.TextChoices):
    VERIFIED = "V", _("V · read in the primary text")
    SECONDARY = "S", _("S · from a secondary source")
    UNVERIFIED = "U", _("U · not verified (local practice, configurable)")


class RiskFactor(models.Model):
    """One factor of the score: its points per input value, weight, cap and legal source (editable by administrators).

    A static or dynamic factor contributes ``min(cap, weight × raw points)``; an adjustment raises
    the grade by ``weight`` whole levels when it applies (0 switches a factor off).
    """

    class Kind(models.TextChoices):
        STATIC = "static", _("Static risk")
        DYNAMIC = "dynamic", _("Dynamic risk")
        ADJUSTMENT = "adjustment", _("Grade adjustment")

    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2,
                                 help_text=_("Multiplier of the raw points; for an adjustment, the number of grade levels it raises"))
    cap = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2, default=0)
    points = models.JSONField(_("points per input value"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=400)
    confidence = models.CharField(_("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.UNVERIFIED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("risk factor")
        verbose_name_plural = _("risk factors")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="risk_factor_weight_not_negative",
                                   violation_error_message=_("A weight cannot be negative.")),
            models.CheckConstraint(condition=Q(cap__gte=0), name="risk_factor_cap_not_negative",
                                   violation_error_message=_("The maximum points cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class GradeBand(models.Model):
    """The scores that give a grade: ``lower < score <= upper`` (the lowest band includes its lower bound; no upper: open)."""

    grade = models.CharField(_("risk grade"), max_length=1, unique=True, choices=[(g, g) for g in ("A", "B", "C", "D")])
    lower = models.DecimalField(_("from (exclusive)"), max_digits=6, decimal_places=2)
    upper = models.DecimalField(_("to (inclusive)"), max_digits=6, decimal_places=2, null=True, blank=True,
                                help_text=_("Empty: no upper bound (the riskiest band)"))
    source = models.CharField(_("source"), max_length=400, blank=True)
    confidence = models.CharField(_("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.UNVERIFIED)

    class Meta:
        ordering = ["grade"]
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        constraints = [
            models.CheckConstraint(condition=Q(upper__isnull=True) | Q(upper__gt=models.F("lower")), name="risk_band_upper_above_lower",
                                   violation_error_message=_("A band's upper bound must be above its lower bound.")),
        ]

    def __str__(self) -> str:
        return f"{self.grade}: {self.lower}–{self.upper if self.upper is not None else '∞'}"


class RiskParameter(models.Model):
    """A number of the risk rules that is not a factor (the warning threshold), with its source."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=2)
    source = models.CharField(_("source"), max_length=400)
    confidence = models.CharField(_("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.UNVERIFIED)

    class Meta:
        ordering = ["code"]
        verbose_name = _("risk parameter")
        verbose_name_plural = _("risk parameters")
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="risk_parameter_not_negative",
                                              violation_error_message=_("The value cannot be negative."))]

    def __str__(self) -> str:
        return f"{self.code} = {self.value}"


class RiskGrade(models.Model):
    """One grade an operator held from ``since``; the newest is current (one per operator).

    ``grade`` is the grade in force; ``computed_grade`` what the score and adjustments gave (they
    differ after a manual override); ``factors`` holds each factor's contribution as computed:
    ``{code: [points, raw, detail]}`` (adjustments: ``[levels, applies, detail]``).
    """

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    class Source(models.TextChoices):
        DEFAULT = "default", _("Default by operator type")
        MANUAL = "manual", _("Set by a regulator")
        ASSESSMENT = "assessment", _("Yearly assessment")
        EVENT = "event", _("Re-scored after an event")

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="risk_grades", verbose_name=_("operator"))
    grade = models.CharField(_("risk grade"), max_length=1, choices=Grade.choices)
    since = models.DateField(_("since"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=500, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    score = models.DecimalField(_("risk score"), max_digits=6, decimal_places=2, null=True, blank=True)
    computed_grade = models.CharField(_("computed grade"), max_length=1, blank=True)
    overridden = models.BooleanField(_("set by a regulator's override"), default=False)
    factors = models.JSONField(_("factor contributions"), default=dict, blank=True)
    rules_digest = models.CharField(_("rules fingerprint"), max_length=16, blank=True)
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


class RiskWarning(models.Model):
    """A risk warning (风险预警): the operator's score jumped by at least the threshold, or it crossed into a riskier band."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Handled")

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="risk_warnings", verbose_name=_("operator"))
    grade = models.ForeignKey(RiskGrade, on_delete=models.CASCADE, related_name="warnings", verbose_name=_("risk grade"))
    raised_on = models.DateField(_("raised on"))
    jumped = models.BooleanField(_("score jumped"), default=False)
    crossed = models.BooleanField(_("crossed into a riskier band"), default=False)
    score_before = models.DecimalField(_("score before"), max_digits=6, decimal_places=2)
    score_after = models.DecimalField(_("score after"), max_digits=6, decimal_places=2)
    grade_before = models.CharField(_("grade before"), max_length=1)
    grade_after = models.CharField(_("grade after"), max_length=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("handled by"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handling_note = models.CharField(_("how it was handled"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("risk warning")
        verbose_name_plural = _("risk warnings")
        indexes = [models.Index(fields=["status", "raised_on"], name="risk_warning_status_day")]
        constraints = [
            models.CheckConstraint(condition=Q(jumped=True) | Q(crossed=True), name="risk_warning_has_reason",
                                   violation_error_message=_("A warning is raised by a jump or a band crossing.")),
        ]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.raised_on} {self.grade_before}→{self.grade_after}"


class TargetingModelVersion(models.Model):
    """A trained predictive-targeting model: when, by whom, on what data, how well it back-tested, and its file.

    The file (``shian.risk.targeting`` JSON) is checked against ``sha256`` when loaded; one version is active.
    """

    trained_at = models.DateTimeField(_("trained at"))
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("trained by"))
    data_from = models.DateField(_("data from"), null=True, blank=True)
    data_until = models.DateField(_("data until"), null=True, blank=True)
    examples = models.PositiveIntegerField(_("inspections learned from"))
    positives = models.PositiveIntegerField(_("with failed key items"))
    params = models.JSONField(_("parameters"), default=dict)
    validation = models.JSONField(_("validation figures"), default=dict, blank=True)
    backtest = models.JSONField(_("back-test figures"), default=dict, blank=True)
    versions = models.JSONField(_("library versions"), default=dict, blank=True)
    file_path = models.CharField(_("model file"), max_length=300)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = _("targeting model")
        verbose_name_plural = _("targeting models")
        constraints = [models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="risk_targeting_one_active",
                                               violation_error_message=_("One targeting model is in use at a time."))]

    def __str__(self) -> str:
        return f"{self.trained_at:%Y-%m-%d %H:%M} ({self.examples})"
