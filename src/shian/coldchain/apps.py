"""Cold chain and imported food: first-stop coding (首站赋码), certificates, release and temperatures."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ColdchainConfig(AppConfig):
    name = "shian.coldchain"
    label = "coldchain"
    verbose_name = _("Cold chain and imported food")

    def ready(self) -> None:
        from shian.coldchain import dossier_sections, models
        from shian.core import audit

        audit.register(models.FirstStopEntry, operator=lambda o: o.warehouse_id)
        audit.register(models.EntryCertificate, operator=lambda o: o.entry.warehouse_id)
        audit.register(models.TemperatureReading, operator=lambda o: o.recorder_id)
        dossier_sections.register()
        from shian.coldchain.services import shipment_guard
        from shian.trace.guards import register_shipment_guard

        register_shipment_guard("coldchain", shipment_guard)
        from shian.coldchain.services import readings_from_stored_events
        from shian.epcis.hooks import register_stored_hook

        register_stored_hook("coldchain", readings_from_stored_events)
        audit.describe_actions({
            "coldchain.first_stop_registered": _("Imported lot coded at the first stop"),
            "coldchain.imported": _("Imported lot entered the central warehouse"),
            "coldchain.certificate_attached": _("Certificate attached to a first-stop entry"),
            "coldchain.released": _("First-stop entry released"),
            "coldchain.rejected": _("First-stop entry rejected"),
            "coldchain.readings_recorded": _("Temperatures recorded"),
            "coldchain.excursion": _("Temperature excursion"),
        })
