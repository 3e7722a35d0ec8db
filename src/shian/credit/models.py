"""The credit file (信用档案): records with their display periods, listings on the serious-violation list
(严重违法失信名单), credit repair applications (信用修复), restaurant violation points (餐饮违法记分) and
hygiene grades (量化分级).

A record is never deleted: repair ends its public display (``repaired``), a correction withdraws it
(``withdrawn``, with the reason); both stay in the internal file. Periods are computed from
:mod:`shian.credit.rules` when the record is written, and the rule's key is kept with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shian.registry.models import Operator


class CreditRecord(models.Model):
    """One fact in an operator's credit file."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Inspection result")
        SAMPLING = "sampling", _("Sampling result")
        PENALTY = "penalty", _("Administrative penalty")
        COMPLAINT = "complaint", _("Verified complaint")
        COMMITMENT = "commitment", _("Credit commitment")
        AWARD = "award", _("Award or honour")
        LISTING = "listing", _("Serious-violation list")

    class Severity(models.TextChoices):
        NONE = "", _("Not applicable (good record)")
        MINOR = "minor", _("Minor")
        MODERATE = "moderate", _("Moderate")
        SERIOUS = "serious", _("Serious")

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="credit_records", verbose_name=_("operator"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(_("facts"), max_length=4000, blank=True)
    legal_ground = models.CharField(_("legal ground"), max_length=300, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    source_ref = models.CharField(_("source reference"), max_length=100, editable=False)
    source_url = models.CharField(_("source link"), max_length=200, blank=True)
    occurred_on = models.DateField(_("date"))
    effect_until = models.DateField(_("counts for the credit level until"))
    public = models.BooleanField(_("published"), default=True)
    display_until = models.DateField(_("public display until"), null=True, blank=True)
    repair_from = models.DateField(_("repair possible from"), null=True, blank=True)
    period_rule = models.CharField(_("period rule"), max_length=40, blank=True)
    repaired = models.BooleanField(_("repaired"), default=False)
    repaired_on = models.DateField(_("repaired on"), null=True, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        indexes = [models.Index(fields=["operator", "occurred_on"], name="credit_record_operator_date")]
        constraints = [
            models.UniqueConstraint(fields=["source_ref"], name="credit_record_source_unique",
                                    violation_error_message=_("This fact is already in the credit file.")),
            models.CheckConstraint(condition=Q(effect_until__gte=F("occurred_on")), name="credit_record_effect_after_date",
                                   violation_error_message=_("A record cannot stop counting before its date.")),
            models.CheckConstraint(condition=~Q(kind__in=["commitment", "award"]) | Q(severity=""), name="credit_record_positive_no_severity",
                                   violation_error_message=_("A commitment or an award has no severity.")),
            models.CheckConstraint(condition=Q(kind__in=["commitment", "award"]) | ~Q(severity=""), name="credit_record_negative_severity",
                                   violation_error_message=_("Choose the severity.")),
        ]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.kind} {self.occurred_on}: {self.title}"

    @property
    def is_positive(self) -> bool:
        return self.kind in (self.Kind.COMMITMENT, self.Kind.AWARD)


class Listing(models.Model):
    """A proposal to put an operator on the serious-violation list, its decision, publication and removal."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        REJECTED = "rejected", _("Not listed")
        LISTED = "listed", _("Listed")
        REMOVED = "removed", _("Removed")

    class Removal(models.TextChoices):
        EARLY = "early", _("Removed early on application")
        EXPIRED = "expired", _("Removed automatically at the end of the period")

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="credit_listings", verbose_name=_("operator"))
    penalty = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="listings", verbose_name=_("penalty"))
    ground = models.CharField(_("legal ground"), max_length=24)
    facts = models.TextField(_("facts"), max_length=4000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("proposed by"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("decided by"))
    decision_reason = models.CharField(_("reason for the decision"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    removal_due = models.DateField(_("automatic removal on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal = models.CharField(_("removal"), max_length=8, choices=Removal.choices, blank=True)
    record = models.OneToOneField(CreditRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="listing_of",
                                  verbose_name=_("credit record"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        verbose_name = _("serious-violation listing")
        verbose_name_plural = _("serious-violation listings")
        constraints = [
            models.UniqueConstraint(fields=["penalty"], condition=Q(status__in=["proposed", "listed"]), name="credit_listing_one_active",
                                    violation_error_message=_("This penalty already has a listing proposal or a listing.")),
            models.CheckConstraint(condition=~Q(status="listed") | Q(published_on__isnull=False, removal_due__isnull=False),
                                   name="credit_listing_listed_published", violation_error_message=_("A listing is published when decided.")),
        ]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.status} {self.proposed_on}"


class RepairApplication(models.Model):
    """An application to end a record's public display early (信用修复) or to leave the list early (提前移出)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="repair_applications", verbose_name=_("credit record"))
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="credit_repairs", verbose_name=_("operator"))
    applied_on = models.DateField(_("applied on"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("applied by"))
    obligations_fulfilled = models.BooleanField(_("legal obligations fulfilled"), default=False)
    harm_removed = models.BooleanField(_("harm removed"), default=False)
    evidence = models.TextField(_("evidence"), max_length=4000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    due_on = models.DateField(_("decision due"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("decided by"))
    decision_reason = models.CharField(_("reason for the decision"), max_length=500, blank=True)
    earliest_date = models.DateField(_("may apply again from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        constraints = [
            models.UniqueConstraint(fields=["record"], condition=Q(status="pending"), name="credit_repair_one_pending",
                                    violation_error_message=_("This record already has an application awaiting decision.")),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.status} {self.applied_on}"


class ViolationPoint(models.Model):
    """Points for one violation of a catering operator (餐饮违法记分)."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="violation_points", verbose_name=_("operator"))
    occurred_on = models.DateField(_("date"))
    points = models.PositiveSmallIntegerField(_("points"))
    violation = models.CharField(_("violation"), max_length=200)
    source_ref = models.CharField(_("source reference"), max_length=100, editable=False)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("violation points")
        verbose_name_plural = _("violation points")
        indexes = [models.Index(fields=["operator", "occurred_on"], name="credit_points_operator_date")]
        constraints = [
            models.UniqueConstraint(fields=["source_ref"], name="credit_points_source_unique",
                                    violation_error_message=_("Points for this violation are already recorded.")),
            models.CheckConstraint(condition=Q(points__in=[1, 2, 5]), name="credit_points_value",
                                   violation_error_message=_("A violation scores 1, 2 or 5 points.")),
        ]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.occurred_on} {self.points}"


class HygieneGrade(models.Model):
    """A hygiene grade (量化分级): the dynamic smiley after an inspection, or the annual A/B/C."""

    class Kind(models.TextChoices):
        DYNAMIC = "dynamic", _("Dynamic grade")
        ANNUAL = "annual", _("Annual grade")

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="hygiene_grades", verbose_name=_("operator"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    grade = models.CharField(_("grade"), max_length=8)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    assessed_on = models.DateField(_("assessed on"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    source_ref = models.CharField(_("source reference"), max_length=100, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("hygiene grade")
        verbose_name_plural = _("hygiene grades")
        indexes = [models.Index(fields=["operator", "kind", "assessed_on"], name="credit_hygiene_operator")]
        constraints = [models.UniqueConstraint(fields=["source_ref"], name="credit_hygiene_source_unique",
                                               violation_error_message=_("This grade is already recorded."))]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.kind} {self.grade} {self.assessed_on}"
