"""EPCIS 2.0 event repository: capture and query following GS1's REST binding, and the event
store (with its trace-graph edge table) that trace back/forward and recall scope build on."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpcisConfig(AppConfig):
    name = "shian.epcis"
    label = "epcis"
    verbose_name = _("EPCIS event repository")

    def ready(self) -> None:
        from shian.core import audit
        from shian.epcis import services  # noqa: F401  registers the capture job

        audit.describe_actions({"epcis.captured": _("EPCIS events captured")})
