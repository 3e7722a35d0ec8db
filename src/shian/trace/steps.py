"""CBV 2.0 business steps as people say them (the platform's own and those other systems commonly send)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

STEP_LABELS = {
    "shipping": gettext_lazy("Shipping"), "receiving": gettext_lazy("Receiving"), "repackaging": gettext_lazy("Repackaging"),
    "commissioning": gettext_lazy("Commissioning"), "packing": gettext_lazy("Packing"), "transporting": gettext_lazy("Transporting"),
    "storing": gettext_lazy("Storing"), "retail_selling": gettext_lazy("Retail sale"), "accepting": gettext_lazy("Accepting"),
    "inspecting": gettext_lazy("Inspecting"), "sensor_reporting": gettext_lazy("Sensor reading"), "destroying": gettext_lazy("Destroying"),
}


def step_label(step: str | None, fallback: str = "") -> str:
    """The label of a business step, or the step's CBV name (or ``fallback``) when there is none."""
    return str(STEP_LABELS.get(step or "") or step or fallback)
