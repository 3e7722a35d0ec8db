"""Produce certificates (承诺达标合格证) and their checks at market entry.

A farm issues a certificate with the goods it sells; the certificate's public code is printed as
a QR code. A holder that mixes or repacks goods issues a new certificate naming the ones it
received (its parents, with the quantity taken from each). Markets check certificates at entry;
every check is kept, including checks of codes the platform does not know. Certificates are
never deleted: a wrong one is revoked, with the reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.certificates import rules
from shian.certificates.codes import CODE_LENGTH, new_certificate_code
from shian.registry.models import FoodCategory, Operator
from shian.trace.models import Document, Lot, Unit


class ProduceCertificate(models.Model):
    """A produce certificate: the issuer's commitment that the goods meet the residue standards."""

    class Basis(models.TextChoices):
        QUALITY_CONTROL = "quality_control", _("Quality control")
        SELF_TEST = "self_test", _("Self-test")
        THIRD_PARTY_TEST = "third_party_test", _("Third-party test")

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked by the issuer")

    class ReissueKind(models.TextChoices):
        MIXING = "mixing", _("Mixed packing")
        REPACKING = "repacking", _("Repacking")

    code = models.CharField(_("certificate code"), max_length=CODE_LENGTH, default=new_certificate_code, editable=False)
    issuer = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="produce_certificates", verbose_name=_("issuer"))
    product_name = models.CharField(_("product name"), max_length=128)
    category = models.ForeignKey(FoodCategory, on_delete=models.PROTECT, related_name="produce_certificates", verbose_name=_("food category"))
    quantity = models.DecimalField(_("quantity or weight"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.KG)
    origin = models.CharField(_("origin"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    issued_on = models.DateField(_("date of issue"))
    basis = models.CharField(_("basis of the commitment"), max_length=20, choices=Basis.choices)
    commitment = models.TextField(_("commitment"), max_length=500)
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="produce_certificates", verbose_name=_("lot"))
    test_report = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="produce_certificates",
                                    verbose_name=_("test report"))
    reissue_kind = models.CharField(_("re-issued after"), max_length=10, choices=ReissueKind.choices, blank=True)
    parents: models.ManyToManyField[ProduceCertificate, CertificateSource] = models.ManyToManyField(
        "self", through="CertificateSource", through_fields=("child", "parent"), symmetrical=False, related_name="children", blank=True,
        verbose_name=_("re-issued from"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID, db_index=True)
    revoke_reason = models.TextField(_("reason for revocation"), max_length=1000, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    retain_until = models.DateField(_("kept until"), editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("issued by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("produce certificate")
        verbose_name_plural = _("produce certificates")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="certificates_certificate_code_unique",
                                    violation_error_message=_("This certificate code is already in use.")),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="certificates_certificate_quantity_positive",
                                   violation_error_message=_("The quantity must be positive.")),
            models.CheckConstraint(condition=Q(basis__in=["quality_control", "self_test", "third_party_test"]),
                                   name="certificates_certificate_basis_known",
                                   violation_error_message=_("Choose the basis of the commitment: quality control, self-test or third-party test.")),
            models.CheckConstraint(condition=Q(test_report__isnull=True) | Q(basis="third_party_test"),
                                   name="certificates_certificate_report_needs_third_party",
                                   violation_error_message=_("A test report is attached only when the basis is a third-party test.")),
            models.CheckConstraint(condition=Q(reissue_kind__in=["", "mixing", "repacking"]), name="certificates_certificate_reissue_kind_known",
                                   violation_error_message=_("A certificate is re-issued after mixing or repacking.")),
            models.CheckConstraint(
                condition=Q(status="valid", revoke_reason="", revoked_at__isnull=True)
                | (Q(status="revoked", revoked_at__isnull=False) & ~Q(revoke_reason="")),
                name="certificates_certificate_revocation_has_reason",
                violation_error_message=_("A revoked certificate needs the reason and time of revocation."),
            ),
            models.CheckConstraint(condition=~Q(product_name="") & ~Q(origin="") & ~Q(contact_phone=""),
                                   name="certificates_certificate_required_fields",
                                   violation_error_message=_("A certificate names the product, its origin and a contact phone.")),
            models.CheckConstraint(condition=Q(retain_until__gt=F("issued_on")), name="certificates_certificate_retention_after_issue",
                                   violation_error_message=_("A certificate is kept for at least two years after it is issued.")),
        ]
        indexes = [models.Index(fields=["issuer", "issued_on"], name="certificates_issuer_date"),
                   models.Index(fields=["lot", "status"], name="certificates_lot_status")]

    def __str__(self) -> str:
        return f"{self.product_name} {self.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.issued_on:  # derived, never entered: kept two years from issue
            self.retain_until = rules.retain_until(self.issued_on)
        super().save(*args, **kwargs)

    @property
    def is_reissue(self) -> bool:
        return bool(self.reissue_kind)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.quantity is not None and self.quantity <= 0:
            errors["quantity"] = ValidationError(_("The quantity must be positive."), code="quantity_positive")
        if self.category_id is not None and self.category.code not in rules.SCOPE_CATEGORIES:
            errors["category"] = ValidationError(
                _("Produce certificates cover vegetables, fruit, fresh tea leaves, livestock and poultry, eggs and farmed aquatic products "
                  "only (categories A01–A06)."), code="category_out_of_scope")
        if self.test_report_id is not None and self.basis != self.Basis.THIRD_PARTY_TEST:
            errors["test_report"] = ValidationError(_("A test report is attached only when the basis is a third-party test."),
                                                    code="report_needs_third_party")
        if self.status == self.Status.REVOKED and not (self.revoke_reason or "").strip():
            errors["revoke_reason"] = ValidationError(_("Give the reason for revoking the certificate."), code="reason_required")
        if errors:
            raise ValidationError(errors)


class CertificateSource(models.Model):
    """A re-issued certificate's parent, with the quantity taken from it (in the parent's unit)."""

    child = models.ForeignKey(ProduceCertificate, on_delete=models.PROTECT, related_name="source_links", verbose_name=_("re-issued certificate"))
    parent = models.ForeignKey(ProduceCertificate, on_delete=models.PROTECT, related_name="reissue_links", verbose_name=_("original certificate"))
    quantity = models.DecimalField(_("quantity taken"), max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["id"]
        verbose_name = _("certificate source")
        verbose_name_plural = _("certificate sources")
        constraints = [
            models.UniqueConstraint(fields=["child", "parent"], name="certificates_source_parent_once",
                                    violation_error_message=_("Each certificate is named once as a source.")),
            models.CheckConstraint(condition=~Q(child=F("parent")), name="certificates_source_not_self",
                                   violation_error_message=_("A certificate cannot be re-issued from itself.")),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="certificates_source_quantity_positive",
                                   violation_error_message=_("The quantity must be positive.")),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} ← {self.parent_id} × {self.quantity}"


class CertificateCheck(models.Model):
    """A market's check of a certificate at entry (scan → valid or invalid, by whom, when).

    The code scanned is kept as it was read; a code the platform does not know gives an invalid
    check without a certificate.
    """

    class Result(models.TextChoices):
        VALID = "valid", _("Valid")
        INVALID = "invalid", _("Invalid")

    certificate = models.ForeignKey(ProduceCertificate, null=True, blank=True, on_delete=models.PROTECT, related_name="checks",
                                    verbose_name=_("produce certificate"))
    code_scanned = models.CharField(_("code scanned"), max_length=64)
    market = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="certificate_checks", verbose_name=_("market"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("checked by"))
    checked_by_label = models.CharField(_("checked by (name)"), max_length=150, blank=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    quantity = models.DecimalField(_("quantity presented"), max_digits=14, decimal_places=3, null=True, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("certificate check")
        verbose_name_plural = _("certificate checks")
        constraints = [
            models.CheckConstraint(condition=Q(result__in=["valid", "invalid"]), name="certificates_check_result_known",
                                   violation_error_message=_("A check is either valid or invalid.")),
            models.CheckConstraint(condition=Q(result="invalid") | Q(certificate__isnull=False), name="certificates_check_valid_names_certificate",
                                   violation_error_message=_("Only a known certificate can pass the check.")),
            models.CheckConstraint(condition=Q(quantity__isnull=True) | Q(quantity__gt=0), name="certificates_check_quantity_positive",
                                   violation_error_message=_("The quantity must be positive.")),
        ]
        indexes = [models.Index(fields=["market", "checked_at"], name="certificates_check_market_time"),
                   models.Index(fields=["certificate", "checked_at"], name="certificates_check_cert_time")]

    def __str__(self) -> str:
        return f"{self.code_scanned} {self.result} {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def is_valid(self) -> bool:
        return self.result == self.Result.VALID
