"""Traceability: products, lots, documents, shipments and receipts with inbound verification (索证索票)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "shian.trace"
    label = "trace"
    verbose_name = _("Traceability")

    def ready(self) -> None:
        from shian.core import audit
        from shian.trace import dossier_sections, models

        audit.register(models.Product, operator=lambda o: o.owner_id)
        audit.register(models.Lot, operator=lambda o: o.product.owner_id)
        audit.register(models.Document, operator=lambda o: o.owner_id)
        audit.register(models.Shipment, operator=lambda o: o.supplier_id)
        audit.register(models.ShipmentLine, operator=lambda o: o.shipment.supplier_id)
        audit.register(models.Receipt, operator=lambda o: o.buyer_id)
        audit.register(models.ReceiptLine, operator=lambda o: o.receipt.buyer_id)
        audit.register(models.Transformation, operator=lambda o: o.operator_id)
        audit.register(models.TransformationLine, operator=lambda o: o.transformation.operator_id)
        dossier_sections.register()
        audit.describe_actions({
            "product.created": _("Product added"),
            "lot.created": _("Lot recorded"),
            "document.uploaded": _("Document uploaded"),
            "shipment.recorded": _("Shipment recorded"),
            "receipt.recorded": _("Receipt recorded"),
            "receipt.confirmed": _("Receipt confirmed"),
            "receipt.corrected": _("Receipt corrected"),
            "receipt.disputed": _("Receipt disputed"),
            "receipt.flagged": _("Receipt failed inbound verification"),
            "receipt.verified": _("Receipt passed inbound verification"),
            "receipt.documents_attached": _("Documents attached to a receipt"),
        })
