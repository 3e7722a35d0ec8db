"""Rectification orders (责令整改): the closed loop warning → offline rectification → online report.

An order concerns one operator and names where it comes from with plain fields (``source_app``,
``source_id``, ``source_title``), so inspections, kitchen events and complaints all use it
without a generic foreign key. The operator answers online (notes, photos); the issuer accepts,
sends it back with a new deadline, or asks for an on-site re-inspection.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shian.registry.models import Operator


class RectificationOrder(models.Model):
    """An order to fix findings by a deadline (in working days from issue)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the operator's answer")
        ANSWERED = "answered", _("Answered, awaiting review")
        REINSPECTION = "reinspection", _("Awaiting re-inspection")
        CLOSED = "closed", _("Closed")

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="rectification_orders", verbose_name=_("operator"))
    source_app = models.CharField(_("source module"), max_length=32)
    source_id = models.CharField(_("source record"), max_length=64)
    source_title = models.CharField(_("source"), max_length=200)
    findings = models.TextField(_("findings"), max_length=4000)
    requirements = models.TextField(_("what must be done"), max_length=4000, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days allowed"))
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="issued_rectifications",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"))
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    times_overdue = models.PositiveSmallIntegerField(_("times overdue"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("rectified on time"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        indexes = [models.Index(fields=["source_app", "source_id"], name="rectification_source")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False), name="rectification_closed_has_time",
                                   violation_error_message=_("A closed order has a closing time.")),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.source_title}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Response(models.Model):
    """The operator's report of what it fixed."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="responses", verbose_name=_("rectification order"))
    notes = models.TextField(_("what was done"), max_length=4000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    on_time = models.BooleanField(_("before the deadline"), default=True)

    class Meta:
        ordering = ["order_id", "id"]
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")

    def __str__(self) -> str:
        return f"{self.order_id} {self.submitted_at:%Y-%m-%d}"


def photo_path(instance: ResponsePhoto, filename: str) -> str:
    """Content-addressed: ``rectifications/<first two hex digits>/<sha256>``."""
    return f"rectifications/{instance.sha256[:2]}/{instance.sha256}"


class ResponsePhoto(models.Model):
    """A photo (or PDF) attached to a report, checked by content and stored by SHA-256."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="photos", verbose_name=_("rectification report"))
    file = models.FileField(_("file"), upload_to=photo_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=64)
    original_name = models.CharField(_("file name"), max_length=200)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return self.original_name


class Review(models.Model):
    """The issuer's decision on a report: accept (closes), reject (new deadline) or re-inspect on site."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accept: rectified")
        REJECT = "reject", _("Not rectified: set a new deadline")
        REINSPECT = "reinspect", _("Re-inspect on site")

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("rectification order"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        ordering = ["order_id", "id"]
        verbose_name = _("rectification review")
        verbose_name_plural = _("rectification reviews")

    def __str__(self) -> str:
        return f"{self.order_id} {self.decision}"
