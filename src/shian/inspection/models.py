"""Inspections (监督检查): inspectors, recusals, checklists, yearly plans, double-random draws,
inspections with their answers, photos and amendments.

A closed inspection is immutable: its record hash and verification code are fixed; a correction
is an :class:`Amendment`, which keeps the answers before and after, recomputes the result and
gives the record a new revision and hash.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shian.core.models import Jurisdiction
from shian.registry.models import Operator, OperatorType


def new_verify_code() -> str:
    """The code in the record's QR link (64 random bits, URL-safe)."""
    return secrets.token_urlsafe(8)


class Scope(models.TextChoices):
    """What an inspection covers."""

    FULL = "full", _("Full checklist")
    FOCUSED = "focused", _("Focused inspection")
    ROUTINE = "routine", _("Routine inspection")


class Result(models.TextChoices):
    """The result of an inspection (符合 / 基本符合 / 不符合)."""

    COMPLIANT = "compliant", _("Compliant")
    BASICALLY_COMPLIANT = "basically_compliant", _("Basically compliant")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")


class InspectorProfile(models.Model):
    """A user who may be drawn as an inspector: the law-enforcement badge number is the pool key."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inspector_profile", verbose_name=_("user"))
    badge_number = models.CharField(_("law-enforcement badge number"), max_length=32, unique=True)
    qualified = models.BooleanField(_("qualified"), default=True, help_text=_("Holds a valid law-enforcement certificate for food inspections"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["badge_number"]
        verbose_name = _("inspector profile")
        verbose_name_plural = _("inspector profiles")

    def __str__(self) -> str:
        return f"{self.badge_number} {self.user}"


class ConflictOfInterest(models.Model):
    """An inspector who must not inspect an operator (回避): kin, former employer, a dispute."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inspection_conflicts", verbose_name=_("inspector"))
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="inspector_conflicts", verbose_name=_("operator"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["inspector", "operator"], name="inspection_conflict_once",
                                               violation_error_message=_("This conflict is already recorded."))]

    def __str__(self) -> str:
        return f"{self.inspector_id} × {self.operator_id}"


class ChecklistTemplate(models.Model):
    """A versioned checklist (检查要点表) for some operator types; a new version is a new row."""

    code = models.CharField(_("code"), max_length=32)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=128)
    operator_types = models.ManyToManyField(OperatorType, related_name="checklists", verbose_name=_("operator types"))
    active = models.BooleanField(_("in use"), default=True)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="inspection_checklist_version_unique",
                                               violation_error_message=_("This checklist version exists already."))]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ChecklistItem(models.Model):
    """One item of a checklist: key item (重点项) or general item (一般项), with its legal basis."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items", verbose_name=_("checklist"))
    number = models.CharField(_("number"), max_length=8)
    section = models.CharField(_("section"), max_length=64)
    text = models.CharField(_("item"), max_length=300)
    key = models.BooleanField(_("key item"), default=False)
    basis = models.CharField(_("legal basis"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["template_id", "order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="inspection_item_number_unique",
                                               violation_error_message=_("Each item number appears once per checklist."))]

    def __str__(self) -> str:
        return f"{self.number} {self.text}"


class InspectionPlan(models.Model):
    """A jurisdiction's yearly inspection plan, generated from risk grades (one per jurisdiction and year)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="inspection_plans", verbose_name=_("jurisdiction"))
    year = models.PositiveIntegerField(_("year"))
    frequencies = models.JSONField(_("inspections per year by grade"), default=dict)
    item_count = models.PositiveIntegerField(_("planned inspections"), default=0)
    operator_count = models.PositiveIntegerField(_("operators"), default=0)
    digest = models.CharField(_("SHA-256 of the items"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "jurisdiction__path"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="inspection_plan_once_per_year",
                                               violation_error_message=_("This jurisdiction already has a plan for this year."))]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.year}"


class PlanItem(models.Model):
    """One planned inspection of one operator, due in a month (and its quarter)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="plan_items", verbose_name=_("operator"))
    grade = models.CharField(_("risk grade"), max_length=1)
    grade_source = models.CharField(_("grade source"), max_length=12)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    # Comma-separated codes of shian.inspection.rules.FOCUS_REASONS (plain text: plans are written with COPY, 100k+ rows).
    focus_reasons = models.CharField(_("reasons for focused inspection"), max_length=120, blank=True)
    due_month = models.PositiveSmallIntegerField(_("due month"))
    due_quarter = models.PositiveSmallIntegerField(_("due quarter"))

    class Meta:
        ordering = ["plan_id", "due_month", "operator_id", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        indexes = [models.Index(fields=["plan", "due_quarter"], name="inspection_planitem_quarter")]
        constraints = [
            models.CheckConstraint(condition=Q(due_month__gte=1, due_month__lte=12), name="inspection_planitem_month_range",
                                   violation_error_message=_("The month must be between 1 and 12.")),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.operator_id} {self.due_month}"

    @property
    def reason_codes(self) -> list[str]:
        return [c for c in self.focus_reasons.split(",") if c]

    @property
    def reason_labels(self) -> list[str]:
        from shian.inspection.rules import FOCUS_REASONS

        return [str(FOCUS_REASONS.get(c, c)) for c in self.reason_codes]


class Draw(models.Model):
    """A double-random draw (双随机): targets from a pool of operators, then inspectors for each from a pool of inspectors.

    Both pools are stored as their sorted keys (USCCs, badge numbers), one per line, so that
    anyone can re-run the draw from the published seed (:mod:`shian.core.draws`).
    """

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="inspection_draws", verbose_name=_("jurisdiction"))
    title = models.CharField(_("title"), max_length=128)
    plan = models.ForeignKey(InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="draws", verbose_name=_("plan"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    filters = models.JSONField(_("target filters"), default=dict)
    seed = models.CharField(_("seed"), max_length=64)
    target_keys = models.TextField(_("target pool"), help_text=_("Sorted USCCs, one per line"))
    target_pool_hash = models.CharField(_("target pool SHA-256"), max_length=64)
    target_pool_size = models.PositiveIntegerField(_("target pool size"))
    inspector_keys = models.TextField(_("inspector pool"), help_text=_("Sorted badge numbers, one per line"))
    inspector_pool_hash = models.CharField(_("inspector pool SHA-256"), max_length=64)
    inspector_pool_size = models.PositiveIntegerField(_("inspector pool size"))
    proportion = models.DecimalField(_("proportion (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    count = models.PositiveIntegerField(_("targets drawn"))
    inspectors_per_inspection = models.PositiveSmallIntegerField(_("inspectors per inspection"), default=2)
    drawn = models.JSONField(_("result"), default=list, help_text=_("[{target, inspectors, excluded}] in draw order"))
    ran_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("run by"))
    ran_by_label = models.CharField(_("run by"), max_length=150)
    ran_at = models.DateTimeField(_("run at"))
    publish_due = models.DateField(_("publish by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("double-random draw")
        verbose_name_plural = _("double-random draws")
        constraints = [
            models.CheckConstraint(condition=Q(inspectors_per_inspection__gte=2), name="inspection_draw_two_inspectors",
                                   violation_error_message=_("At least two inspectors take part in each inspection.")),
        ]

    def __str__(self) -> str:
        return self.title


class Inspection(models.Model):
    """One inspection of one operator by at least two inspectors: assigned, in progress, then closed (immutable)."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("operator"))
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("draw"))
    plan_item = models.OneToOneField(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspection", verbose_name=_("plan item"))
    template = models.ForeignKey(ChecklistTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections",
                                 verbose_name=_("checklist"))
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.ROUTINE)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ASSIGNED, db_index=True)
    inspectors: models.ManyToManyField[Any, Any] = models.ManyToManyField(settings.AUTH_USER_MODEL, through="InspectionInspector", related_name="inspections",
                                        verbose_name=_("inspectors"))
    due_on = models.DateField(_("due by"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspection time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    representative_name = models.CharField(_("operator's representative"), max_length=64, blank=True)
    representative_signature = models.CharField(_("representative's signature"), max_length=200, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    summary = models.TextField(_("findings and notes"), max_length=4000, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    key_failures = models.PositiveIntegerField(_("key items failed"), default=0)
    general_failures = models.PositiveIntegerField(_("general items failed"), default=0)
    failed_items = models.JSONField(_("items failed"), default=list, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("closed by"))
    revision = models.PositiveIntegerField(_("revision"), default=0)
    record_hash = models.CharField(_("record SHA-256"), max_length=64, blank=True)
    verify_code = models.CharField(_("verification code"), max_length=16, unique=True, default=new_verify_code, editable=False)
    publish_due = models.DateField(_("publish by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["operator", "closed_at"], name="inspection_operator_closed")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="closed") | ~Q(result=""), name="inspection_closed_has_result",
                                   violation_error_message=_("A closed inspection has a result.")),
            models.CheckConstraint(condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="inspection_latitude_range",
                                   violation_error_message=_("Latitude must be between -90 and 90.")),
            models.CheckConstraint(condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                                   name="inspection_longitude_range", violation_error_message=_("Longitude must be between -180 and 180.")),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.operator_id} {self.get_status_display()}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class InspectionInspector(models.Model):
    """An inspector assigned to an inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("inspection"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_assignments",
                                  verbose_name=_("inspector"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("assigned inspector")
        verbose_name_plural = _("assigned inspectors")
        constraints = [models.UniqueConstraint(fields=["inspection", "inspector"], name="inspection_inspector_once",
                                               violation_error_message=_("This inspector is already assigned."))]

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.inspector_id}"


class Answer(models.Model):
    """The finding on one checklist item: conforming, not conforming or not applicable, with a note."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Conforms")
        FAIL = "fail", _("Does not conform")
        NA = "na", _("Not applicable")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers", verbose_name=_("inspection"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("checklist item"))
    outcome = models.CharField(_("finding"), max_length=4, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["item__order", "id"]
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_answer_once",
                                               violation_error_message=_("Each item is answered once."))]

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.item_id} {self.outcome}"


def photo_path(instance: Photo, filename: str) -> str:
    """Content-addressed: ``inspections/<first two hex digits>/<sha256>``."""
    return f"inspections/{instance.sha256[:2]}/{instance.sha256}"


class Photo(models.Model):
    """Evidence photographed during an inspection (PNG, JPEG or PDF, checked by content)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection"))
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist item"))
    file = models.FileField(_("file"), upload_to=photo_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=64)
    original_name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        constraints = [models.UniqueConstraint(fields=["inspection", "sha256"], name="inspection_photo_once",
                                               violation_error_message=_("This photo is already attached."))]

    def __str__(self) -> str:
        return self.original_name


class Amendment(models.Model):
    """A recorded correction of a closed inspection: the answers before and after, the reason and who made it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("inspection"))
    revision = models.PositiveIntegerField(_("revision"))
    reason = models.TextField(_("reason"), max_length=1000)
    changes = models.JSONField(_("changes"), default=list)
    result_before = models.CharField(_("result before"), max_length=20)
    result_after = models.CharField(_("result after"), max_length=20)
    hash_before = models.CharField(_("record SHA-256 before"), max_length=64)
    hash_after = models.CharField(_("record SHA-256 after"), max_length=64)
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("amended by"))
    amended_at = models.DateTimeField(_("amended at"), auto_now_add=True)

    class Meta:
        ordering = ["inspection_id", "revision"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [models.UniqueConstraint(fields=["inspection", "revision"], name="inspection_amendment_revision_unique",
                                               violation_error_message=_("This revision exists already."))]

    def __str__(self) -> str:
        return f"{self.inspection_id} r{self.revision}"
