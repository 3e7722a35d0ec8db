"""Traceability records: products, lots, documents, shipments and receipts (进货查验记录).

A supplier's shipment to a buyer on the platform creates the buyer's pending receipt with the same
lines (供销关系确认); a buyer can also record a receipt directly, from a registry operator or from
an outside supplier. Documents are stored once, by content hash, and referenced by every receipt
that needs them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shian.registry.models import FoodCategory, Operator
from shian.trace.identifiers import TRACE_CODE_LENGTH, digital_link, new_trace_code, normalise_gtin, validate_lot_code


class Unit(models.TextChoices):
    """Units a lot's quantity is counted in."""

    KG = "kg", _("kg")
    G = "g", _("g")
    TONNE = "t", _("tonne")
    LITRE = "L", _("litre")
    ML = "mL", _("millilitre")
    PIECE = "piece", _("piece")
    CASE = "case", _("case")
    BOTTLE = "bottle", _("bottle")
    BAG = "bag", _("bag")
    HEAD = "head", _("head (livestock)")


class Product(models.Model):
    """A product an operator makes, packs or handles (a line of its catalogue)."""

    owner = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="products", verbose_name=_("owner"))
    name = models.CharField(_("product name"), max_length=128)
    category = models.ForeignKey(FoodCategory, on_delete=models.PROTECT, related_name="products", verbose_name=_("food category"))
    specification = models.CharField(_("specification"), max_length=64, blank=True)
    gtin = models.CharField(_("GTIN"), max_length=14, null=True, blank=True, help_text=_("8, 12, 13 or 14 digits; stored as GTIN-14"))
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    imported = models.BooleanField(_("imported food"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["owner", "gtin"], condition=Q(gtin__isnull=False), name="trace_product_gtin_unique_per_owner",
                                    violation_error_message=_("This operator already has a product with this GTIN.")),
            models.CheckConstraint(condition=Q(shelf_life_days__isnull=True) | Q(shelf_life_days__gt=0), name="trace_product_shelf_life_positive",
                                   violation_error_message=_("The shelf life must be at least one day.")),
        ]
        indexes = [models.Index(fields=["gtin"], name="trace_product_gtin")]  # the consumer page resolves GTIN + lot code

    def __str__(self) -> str:
        return f"{self.name} {self.specification}".strip()

    def clean(self) -> None:
        if self.gtin == "":
            self.gtin = None
        if self.gtin is not None:
            try:
                self.gtin = normalise_gtin(self.gtin)
            except ValidationError as exc:
                raise ValidationError({"gtin": exc.messages[0]}, code=exc.code) from None


class Lot(models.Model):
    """A quantity of one product made or packed together (批次), identified by GTIN + lot code or a trace code."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots", verbose_name=_("product"))
    lot_code = models.CharField(_("lot code"), max_length=20, validators=[validate_lot_code])
    trace_code = models.CharField(_("trace code"), max_length=TRACE_CODE_LENGTH, default=new_trace_code, editable=False)
    production_date = models.DateField(_("production date"))
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.KG)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-production_date", "-id"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(fields=["product", "lot_code"], name="trace_lot_code_unique_per_product",
                                    violation_error_message=_("This product already has a lot with this lot code.")),
            models.UniqueConstraint(fields=["trace_code"], name="trace_lot_trace_code_unique",
                                    violation_error_message=_("This trace code is already in use.")),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="trace_lot_quantity_not_negative",
                                   violation_error_message=_("The quantity cannot be negative.")),
            models.CheckConstraint(condition=Q(expiry_date__isnull=True) | Q(expiry_date__gte=F("production_date")),
                                   name="trace_lot_expiry_after_production",
                                   violation_error_message=_("The expiry date cannot be before the production date.")),
        ]

    def __str__(self) -> str:
        return f"{self.lot_code} ({self.trace_code})"

    def clean(self) -> None:
        if self.expiry_date is None and self.production_date and self.product_id is not None:
            days = self.product.shelf_life_days
            if days:
                self.expiry_date = self.production_date + timedelta(days=days)
        errors = {}
        if self.quantity is not None and self.quantity < 0:
            errors["quantity"] = _("The quantity cannot be negative.")
        if self.expiry_date and self.production_date and self.expiry_date < self.production_date:
            errors["expiry_date"] = _("The expiry date cannot be before the production date.")
        if errors:
            raise ValidationError(errors)

    @property
    def digital_link(self) -> str | None:
        """The lot's GS1 Digital Link URI, when its product has a GTIN."""
        gtin = self.product.gtin
        return digital_link(gtin, self.lot_code) if gtin else None

    @property
    def epc_class(self) -> str:
        """The identifier EPCIS events use for this lot: the Digital Link, or the platform trace code URN."""
        return self.digital_link or f"urn:shian:lot:{self.trace_code}"


def document_path(instance: Document, filename: str) -> str:
    """Content-addressed storage: ``documents/<first two hex digits>/<sha256>`` (no client-chosen name)."""
    return f"documents/{instance.sha256[:2]}/{instance.sha256}"


class Document(models.Model):
    """A supporting document (licence copy, invoice, test report, certificate), stored once by content hash."""

    class Kind(models.TextChoices):
        SUPPLIER_LICENCE = "supplier_licence", _("Supplier's licence")
        INVOICE = "invoice", _("Invoice")
        DELIVERY_NOTE = "delivery_note", _("Delivery note")
        TEST_REPORT = "test_report", _("Test report")
        PRODUCE_CERTIFICATE = "produce_certificate", _("Produce certificate")
        QUARANTINE_CERTIFICATE = "quarantine_certificate", _("Animal quarantine certificate")
        CUSTOMS_DECLARATION = "customs_declaration", _("Customs declaration")
        INSPECTION_QUARANTINE_CERTIFICATE = "inspection_quarantine_certificate", _("Entry inspection and quarantine certificate")
        DISINFECTION_CERTIFICATE = "disinfection_certificate", _("Disinfection certificate")
        NUCLEIC_ACID_REPORT = "nucleic_acid_report", _("Nucleic acid test report")
        OTHER = "other", _("Other")

    owner = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.PROTECT, related_name="documents", verbose_name=_("owner"))
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    content_type = models.CharField(_("content type"), max_length=64, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="documents", verbose_name=_("lot"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["sha256"], name="trace_document_sha256_unique",
                                    violation_error_message=_("This file has already been uploaded.")),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("issued_on")), name="trace_document_validity_order",
                                   violation_error_message=_("The end of validity cannot be before the issue date.")),
            models.CheckConstraint(condition=Q(size__gt=0), name="trace_document_not_empty", violation_error_message=_("The file is empty.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    def clean(self) -> None:
        if self.valid_until and self.issued_on and self.valid_until < self.issued_on:
            raise ValidationError({"valid_until": _("The end of validity cannot be before the issue date.")})


class Shipment(models.Model):
    """Goods a supplier sends to a buyer on the platform; it creates the buyer's pending receipt."""

    supplier = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("supplier"))
    buyer = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="incoming_shipments", verbose_name=_("buyer"))
    shipped_on = models.DateField(_("shipped on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-shipped_on", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.CheckConstraint(condition=~Q(supplier=F("buyer")), name="trace_shipment_not_to_self",
                                   violation_error_message=_("A supplier cannot ship to itself.")),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.shipped_on}"


class ShipmentLine(models.Model):
    """One lot and quantity of a shipment."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment"))
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="shipment_lines", verbose_name=_("lot"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["id"]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "lot"], name="trace_shipmentline_lot_once",
                                    violation_error_message=_("Each lot appears once per shipment.")),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="trace_shipmentline_quantity_positive",
                                   violation_error_message=_("The quantity must be positive.")),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}/{self.lot_id} × {self.quantity}"

    def clean(self) -> None:
        if self.quantity is not None and self.quantity <= 0:
            raise ValidationError({"quantity": _("The quantity must be positive.")})


class Receipt(models.Model):
    """A received delivery with its documents (进货查验记录) and the result of inbound verification (索证索票).

    The supplier is a registry operator, or an outside supplier named with its USCC. A receipt
    that fails verification is stored all the same, with ``verified=False`` and the reasons.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        CORRECTED = "corrected", _("Corrected")
        DISPUTED = "disputed", _("Disputed")
        RECORDED = "recorded", _("Recorded by the buyer")

    buyer = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("buyer"))
    supplier = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.PROTECT, related_name="supplied_receipts",
                                 verbose_name=_("supplier"))
    supplier_name = models.CharField(_("outside supplier's name"), max_length=128, blank=True)
    supplier_uscc = models.CharField(_("outside supplier's unified social credit code"), max_length=18, blank=True)
    supplier_licence_number = models.CharField(_("outside supplier's licence number"), max_length=16, blank=True)
    received_on = models.DateField(_("received on"), db_index=True)
    shipment = models.OneToOneField(Shipment, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt", verbose_name=_("shipment"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECORDED, db_index=True)
    imported = models.BooleanField(_("imported food"), default=False)
    documents = models.ManyToManyField(Document, blank=True, related_name="receipts", verbose_name=_("documents"))
    verified = models.BooleanField(_("verification passed"), default=False, db_index=True)
    verification_flags = models.JSONField(_("verification problems"), default=list, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    dispute_reason = models.TextField(_("reason for the dispute"), max_length=1000, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("receipt record")
        verbose_name_plural = _("receipt records")
        constraints = [
            models.CheckConstraint(
                condition=(Q(supplier__isnull=False, supplier_name="", supplier_uscc="", supplier_licence_number="")
                           | (Q(supplier__isnull=True) & ~Q(supplier_name="") & ~Q(supplier_uscc=""))),
                name="trace_receipt_one_supplier",
                violation_error_message=_("Name either a supplier in the registry or an outside supplier with its credit code."),
            ),
            models.CheckConstraint(condition=Q(supplier__isnull=True) | ~Q(supplier=F("buyer")), name="trace_receipt_not_from_self",
                                   violation_error_message=_("A buyer cannot receive from itself.")),
            models.CheckConstraint(condition=Q(shipment__isnull=True, status="recorded") | (Q(shipment__isnull=False) & ~Q(status="recorded")),
                                   name="trace_receipt_status_matches_origin",
                                   violation_error_message=_("Only a receipt created from a shipment awaits confirmation.")),
            models.CheckConstraint(condition=~Q(status="disputed") | ~Q(dispute_reason=""), name="trace_receipt_dispute_has_reason",
                                   violation_error_message=_("Give a reason for the dispute.")),
        ]
        indexes = [models.Index(fields=["buyer", "received_on"], name="trace_receipt_buyer_date"),
                   models.Index(fields=["supplier", "received_on"], name="trace_receipt_supplier_date")]

    def __str__(self) -> str:
        return f"{self.pk} {self.received_on}"

    @property
    def supplier_label(self) -> str:
        return self.supplier.name if self.supplier_id is not None and self.supplier else self.supplier_name

    def clean(self) -> None:
        if self.supplier_id is None and not (self.supplier_name.strip() and self.supplier_uscc.strip()):
            raise ValidationError({"supplier_name": _("Name either a supplier in the registry or an outside supplier with its credit code.")})
        if self.supplier_id is not None and self.supplier_id == self.buyer_id:
            raise ValidationError({"supplier": _("A buyer cannot receive from itself.")})
        if self.status == self.Status.DISPUTED and not self.dispute_reason.strip():
            raise ValidationError({"dispute_reason": _("Give a reason for the dispute.")})


class ReceiptLine(models.Model):
    """One lot and quantity of a receipt; ``quantity_confirmed`` is what the buyer says arrived."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines", verbose_name=_("receipt record"))
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="receipt_lines", verbose_name=_("lot"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    quantity_confirmed = models.DecimalField(_("quantity confirmed"), max_digits=14, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        constraints = [
            models.UniqueConstraint(fields=["receipt", "lot"], name="trace_receiptline_lot_once",
                                    violation_error_message=_("Each lot appears once per receipt.")),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="trace_receiptline_quantity_positive",
                                   violation_error_message=_("The quantity must be positive.")),
            models.CheckConstraint(condition=Q(quantity_confirmed__isnull=True) | Q(quantity_confirmed__gte=0),
                                   name="trace_receiptline_confirmed_not_negative",
                                   violation_error_message=_("The confirmed quantity cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}/{self.lot_id} × {self.quantity}"

    def clean(self) -> None:
        errors = {}
        if self.quantity is not None and self.quantity <= 0:
            errors["quantity"] = _("The quantity must be positive.")
        if self.quantity_confirmed is not None and self.quantity_confirmed < 0:
            errors["quantity_confirmed"] = _("The confirmed quantity cannot be negative.")
        if errors:
            raise ValidationError(errors)

    @property
    def mismatch(self) -> bool:
        """True when the buyer confirmed a different quantity from the one shipped."""
        return self.quantity_confirmed is not None and self.quantity_confirmed != self.quantity


class Transformation(models.Model):
    """Input lots turned into output lots by one operator (mixing, processing, repacking), with quantities.

    The outputs are the operator's own lots; the inputs are lots it holds (its own, or lots it received).
    """

    class Kind(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        MIXING = "mixing", _("Mixing")
        REPACKING = "repacking", _("Repacking")

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="transformations", verbose_name=_("operator"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    transformed_on = models.DateField(_("transformed on"), db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-transformed_on", "-id"]
        verbose_name = _("transformation")
        verbose_name_plural = _("transformations")

    def __str__(self) -> str:
        return f"{self.pk} {self.get_kind_display()} {self.transformed_on}"


class TransformationLine(models.Model):
    """One input or output lot of a transformation and its quantity (in the lot's unit)."""

    class Role(models.TextChoices):
        INPUT = "input", _("Input")
        OUTPUT = "output", _("Output")

    transformation = models.ForeignKey(Transformation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("transformation"))
    role = models.CharField(_("role"), max_length=6, choices=Role.choices)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="transformation_lines", verbose_name=_("lot"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("transformation line")
        verbose_name_plural = _("transformation lines")
        constraints = [
            models.UniqueConstraint(fields=["transformation", "lot"], name="trace_transformationline_lot_once",
                                    violation_error_message=_("A lot appears once per transformation, as an input or as an output.")),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="trace_transformationline_quantity_positive",
                                   violation_error_message=_("The quantity must be positive.")),
        ]

    def __str__(self) -> str:
        return f"{self.transformation_id} {self.role} {self.lot_id} × {self.quantity}"
