"""Cold chain and imported food: first-stop coding (首站赋码) at the central warehouse (集中监管仓),
certificates, release (出仓放行) and temperature readings per lot.

When imported chilled or frozen food first enters the region it is stored at a central warehouse
(a registry operator of type ``cold_store``). A :class:`FirstStopEntry` records the importer, the
origin, the customs declaration and the storage class, and creates the platform lot
(:class:`shian.trace.models.Lot`) whose trace code is the first-stop code other cities recognise.
The entry is *held* until every required certificate is attached and valid; then it is *released*
with a release certificate code (printed as a QR code pointing at a public verification page), or
*rejected*. :class:`TemperatureReading` rows record the lot's temperatures with excursions flagged.
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shian.coldchain.countries import country_name
from shian.registry.models import Operator
from shian.trace.models import Document, Lot

RELEASE_CODE_PREFIX = "JMR"  # Jiangmen release; 12 base32 characters follow
RELEASE_CODE_LENGTH = len(RELEASE_CODE_PREFIX) + 12


def new_release_code() -> str:
    """A fresh release certificate code: "JMR" and 12 base32 characters from 60 random bits (unguessable)."""
    return RELEASE_CODE_PREFIX + base64.b32encode(secrets.token_bytes(8)).decode("ascii")[:12]


class StorageClass(models.TextChoices):
    FROZEN = "frozen", _("Frozen")
    CHILLED = "chilled", _("Chilled")


class FirstStopEntry(models.Model):
    """A lot of imported chilled or frozen food coded at the region's first stop (首站赋码记录).

    The importer is a registry operator, or an outside importer named with its USCC. The lot's
    product belongs to the importer when it is on the registry, otherwise to the warehouse.
    """

    class Status(models.TextChoices):
        HELD = "held", _("Held for checks")
        RELEASED = "released", _("Released")
        REJECTED = "rejected", _("Rejected")

    warehouse = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="first_stop_entries", verbose_name=_("central warehouse"))
    importer = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.PROTECT, related_name="imported_entries",
                                 verbose_name=_("importer"))
    importer_name = models.CharField(_("outside importer's name"), max_length=128, blank=True)
    importer_uscc = models.CharField(_("outside importer's unified social credit code"), max_length=18, blank=True)
    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="first_stop", verbose_name=_("lot"))
    origin_country = models.CharField(_("country or region of origin"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    customs_declaration_number = models.CharField(_("customs declaration number"), max_length=18)
    entry_date = models.DateField(_("entry date"), db_index=True)
    storage_class = models.CharField(_("storage class"), max_length=8, choices=StorageClass.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD, db_index=True)
    release_code = models.CharField(_("release certificate number"), max_length=RELEASE_CODE_LENGTH, null=True, blank=True, editable=False)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for the rejection"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("decided by"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("registered by"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-entry_date", "-id"]
        verbose_name = _("first-stop entry")
        verbose_name_plural = _("first-stop entries")
        constraints = [
            models.CheckConstraint(
                condition=(Q(importer__isnull=False, importer_name="", importer_uscc="")
                           | (Q(importer__isnull=True) & ~Q(importer_name="") & ~Q(importer_uscc=""))),
                name="coldchain_entry_one_importer",
                violation_error_message=_("Name either an importer in the registry or an outside importer with its credit code."),
            ),
            models.CheckConstraint(condition=Q(status__in=["held", "released", "rejected"]), name="coldchain_entry_status_valid",
                                   violation_error_message=_("Unknown status.")),
            models.CheckConstraint(condition=Q(storage_class__in=["frozen", "chilled"]), name="coldchain_entry_storage_class_valid",
                                   violation_error_message=_("Unknown storage class.")),
            models.CheckConstraint(
                condition=(Q(status="released", release_code__isnull=False, released_at__isnull=False)
                           | (~Q(status="released") & Q(release_code__isnull=True))),
                name="coldchain_entry_release_code_iff_released",
                violation_error_message=_("A release certificate belongs to a released entry only."),
            ),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="coldchain_entry_rejection_reason",
                                   violation_error_message=_("Give a reason for the rejection.")),
            models.UniqueConstraint(fields=["release_code"], name="coldchain_entry_release_code_unique",
                                    violation_error_message=_("This release certificate number is already in use.")),
        ]
        indexes = [models.Index(fields=["warehouse", "-entry_date"], name="coldchain_entry_wh_date_idx")]

    def __str__(self) -> str:
        return f"{self.lot.trace_code} {self.entry_date}"

    @property
    def first_stop_code(self) -> str:
        """The first-stop code is the platform trace code of the lot it created."""
        return self.lot.trace_code

    @property
    def origin_country_name(self) -> str:
        return country_name(self.origin_country)

    @property
    def importer_label(self) -> str:
        return self.importer.name if self.importer_id is not None and self.importer else self.importer_name

    @property
    def importer_code(self) -> str:
        return self.importer.uscc if self.importer_id is not None and self.importer else self.importer_uscc


class EntryCertificate(models.Model):
    """A certificate attached to a first-stop entry: a stored document (by content hash) with its number."""

    entry = models.ForeignKey(FirstStopEntry, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("first-stop entry"))
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="first_stop_links", verbose_name=_("document"))
    number = models.CharField(_("certificate number"), max_length=64, blank=True)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("attached by"))
    created_at = models.DateTimeField(_("attached at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("entry certificate")
        verbose_name_plural = _("entry certificates")
        constraints = [
            models.UniqueConstraint(fields=["entry", "document"], name="coldchain_certificate_once",
                                    violation_error_message=_("This document is already attached to the entry.")),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.document}"


class TemperatureReading(models.Model):
    """One temperature of a lot at a time and place, with the limits it was judged against."""

    class Source(models.TextChoices):
        PLATFORM = "platform", _("Recorded on the platform")
        EPCIS = "epcis", _("Captured through EPCIS")

    class Step(models.TextChoices):
        STORING = "storing", _("Storage")
        TRANSPORTING = "transporting", _("Transport")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="temperature_readings", verbose_name=_("lot"))
    measured_at = models.DateTimeField(_("measured at"))
    value = models.DecimalField(_("temperature (°C)"), max_digits=6, decimal_places=2)
    location = models.CharField(_("location"), max_length=100, blank=True)
    device = models.CharField(_("device"), max_length=100, blank=True)
    step = models.CharField(_("stage"), max_length=12, choices=Step.choices, default=Step.STORING)
    recorder = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.PROTECT, related_name="temperature_readings",
                                 verbose_name=_("recorded for"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PLATFORM)
    excursion = models.BooleanField(_("temperature excursion"), default=False)
    limit_low = models.DecimalField(_("lower limit (°C)"), max_digits=6, decimal_places=2, null=True, blank=True)
    limit_high = models.DecimalField(_("upper limit (°C)"), max_digits=6, decimal_places=2, null=True, blank=True)
    event = models.ForeignKey("epcis.EpcisEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("EPCIS event"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["lot", "measured_at", "id"]
        verbose_name = _("temperature reading")
        verbose_name_plural = _("temperature readings")
        constraints = [
            models.UniqueConstraint(fields=["lot", "measured_at", "device", "location"], name="coldchain_reading_once",
                                    violation_error_message=_("This reading is already recorded.")),
            models.CheckConstraint(condition=Q(value__gte=-80, value__lte=60), name="coldchain_reading_plausible",
                                   violation_error_message=_("A temperature must be between -80 °C and 60 °C.")),
            models.CheckConstraint(condition=Q(source__in=["platform", "epcis"]), name="coldchain_reading_source_valid",
                                   violation_error_message=_("Unknown source.")),
        ]
        indexes = [
            models.Index(fields=["lot", "measured_at"], name="coldchain_reading_lot_idx"),
            models.Index(fields=["excursion", "-measured_at"], name="coldchain_reading_exc_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.measured_at:%Y-%m-%d %H:%M} {self.value} °C"
