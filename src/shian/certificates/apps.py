"""Produce certificates (承诺达标合格证): issue with a QR code, re-issue after mixing or repacking,
revoke, and check at market entry."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "shian.certificates"
    label = "certificates"
    verbose_name = _("Produce certificates")

    def ready(self) -> None:
        from shian.certificates import dossier_sections, models
        from shian.core import audit

        audit.register(models.ProduceCertificate, operator=lambda o: o.issuer_id)
        audit.register(models.CertificateSource, operator=lambda o: o.child.issuer_id)
        audit.register(models.CertificateCheck, operator=lambda o: o.market_id)
        dossier_sections.register()
        audit.describe_actions({
            "certificate.issued": _("Produce certificate issued"),
            "certificate.reissued": _("Produce certificate re-issued after mixing or repacking"),
            "certificate.revoked": _("Produce certificate revoked"),
            "certificate.checked": _("Produce certificate checked at market entry"),
        })
