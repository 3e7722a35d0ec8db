"""The dossier's own records: operators and what they hold.

Other modules attach their records to :class:`Operator` by foreign key and show them on the
dossier through :mod:`shian.core.dossier`; the registry never imports them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shian.accounts.models import Organisation
from shian.core.models import Jurisdiction


class OperatorType(models.Model):
    """A kind of food business (producer, restaurant, school canteen, farm...)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("operator type")
        verbose_name_plural = _("operator types")

    def __str__(self) -> str:
        return self.name


class FoodCategory(models.Model):
    """A food category used for business scope, licence scope and products, with its source."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=64)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("food category")
        verbose_name_plural = _("food categories")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Operator(models.Model):
    """A food business the platform supervises (食品生产经营者): the head of its dossier."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    class Scale(models.TextChoices):
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    name = models.CharField(_("name"), max_length=128, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    legal_representative = models.CharField(_("legal representative"), max_length=64)
    types = models.ManyToManyField(OperatorType, related_name="operators", verbose_name=_("operator types"))
    scope = models.ManyToManyField(FoodCategory, blank=True, related_name="operators", verbose_name=_("business scope"))
    address = models.CharField(_("address"), max_length=200)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="operators", verbose_name=_("jurisdiction"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices, default=Scale.SMALL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    owner_org = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="operators",
                                  verbose_name=_("account organisation"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("operator")
        verbose_name_plural = _("operators")
        constraints = [
            models.UniqueConstraint(fields=["uscc"], name="registry_operator_uscc_unique",
                                    violation_error_message=_("An operator with this unified social credit code already exists.")),
            models.CheckConstraint(condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="registry_operator_latitude_range",
                                   violation_error_message=_("Latitude must be between -90 and 90.")),
            models.CheckConstraint(condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180), name="registry_operator_longitude_range",
                                   violation_error_message=_("Longitude must be between -180 and 180.")),
        ]

    def __str__(self) -> str:
        return self.name


class Premises(models.Model):
    """A place where the operator produces, stores, sells or serves food."""

    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Production site")
        STORE = "store", _("Shop")
        KITCHEN = "kitchen", _("Kitchen / dining")
        WAREHOUSE = "warehouse", _("Warehouse / cold store")
        FARM = "farm", _("Farm / base")
        STALL = "stall", _("Market stall")

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="premises", verbose_name=_("operator"))
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="premises", verbose_name=_("jurisdiction"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__isnull=True) | Q(area_m2__gt=0), name="registry_premises_area_positive",
                                   violation_error_message=_("The area must be positive.")),
        ]

    def __str__(self) -> str:
        return self.name


class Licence(models.Model):
    """A food production (SC) or business (JY) licence."""

    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Food production licence (SC)")
        BUSINESS = "business", _("Food business licence (JY)")

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        CANCELLED = "cancelled", _("Cancelled")

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="licences", verbose_name=_("operator"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("licence number"), max_length=16)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), db_index=True)
    authority = models.CharField(_("issuing authority"), max_length=128)
    scope = models.ManyToManyField(FoodCategory, blank=True, related_name="licences", verbose_name=_("licensed scope"))
    premises = models.ForeignKey(Premises, null=True, blank=True, on_delete=models.SET_NULL, related_name="licences", verbose_name=_("premises"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID, db_index=True)

    class Meta:
        ordering = ["expires_on"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="registry_licence_number_unique",
                                    violation_error_message=_("A licence with this number already exists.")),
            models.CheckConstraint(condition=Q(expires_on__gt=models.F("issued_on")), name="registry_licence_dates_order",
                                   violation_error_message=_("The expiry date must be after the issue date.")),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": _("The expiry date must be after the issue date.")})


class StaffMember(models.Model):
    """A person working for the operator; the food-safety manager is marked and certified."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="staff", verbose_name=_("operator"))
    name = models.CharField(_("name"), max_length=64)
    position = models.CharField(_("position"), max_length=64, blank=True)
    is_safety_manager = models.BooleanField(_("food-safety manager"), default=False)
    certificate_number = models.CharField(_("manager certificate number"), max_length=32, blank=True)
    certified_until = models.DateField(_("certified until"), null=True, blank=True)
    health_certificate_until = models.DateField(_("health certificate valid until"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["-is_safety_manager", "id"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.CheckConstraint(condition=Q(is_safety_manager=False) | ~Q(certificate_number=""), name="registry_staff_manager_certificate",
                                   violation_error_message=_("A food-safety manager needs a certificate number.")),
        ]

    def __str__(self) -> str:
        return self.name


class InsurancePolicy(models.Model):
    """A food-safety liability insurance policy (食品安全责任保险)."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="insurance_policies", verbose_name=_("operator"))
    insurer = models.CharField(_("insurer"), max_length=128)
    policy_number = models.CharField(_("policy number"), max_length=64)
    coverage_yuan = models.DecimalField(_("coverage (yuan)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["-ends_on"]
        verbose_name = _("liability insurance policy")
        verbose_name_plural = _("liability insurance policies")
        constraints = [
            models.UniqueConstraint(fields=["insurer", "policy_number"], name="registry_insurance_policy_unique",
                                    violation_error_message=_("This policy is already recorded.")),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="registry_insurance_dates_order",
                                   violation_error_message=_("The end date must be after the start date.")),
            models.CheckConstraint(condition=Q(coverage_yuan__gt=0), name="registry_insurance_coverage_positive",
                                   violation_error_message=_("The coverage must be positive.")),
        ]

    def __str__(self) -> str:
        return self.policy_number

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("The end date must be after the start date.")})


class SelfInspection(models.Model):
    """A self-inspection report the operator files on itself (自查报告)."""

    class Result(models.TextChoices):
        COMPLIANT = "compliant", _("No problems found")
        ISSUES_FIXED = "issues_fixed", _("Problems found and fixed")
        ISSUES_OPEN = "issues_open", _("Problems found, being fixed")

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="self_inspections", verbose_name=_("operator"))
    inspected_on = models.DateField(_("inspection date"))
    result = models.CharField(_("result"), max_length=14, choices=Result.choices)
    issues_found = models.PositiveIntegerField(_("problems found"), default=0)
    summary = models.TextField(_("summary"), max_length=4000, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on"]
        verbose_name = _("self-inspection report")
        verbose_name_plural = _("self-inspection reports")
        constraints = [
            models.CheckConstraint(condition=Q(result="compliant", issues_found=0) | ~Q(result="compliant"), name="registry_selfinspection_consistent",
                                   violation_error_message=_("A report without problems cannot list problems found.")),
        ]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.inspected_on}"
