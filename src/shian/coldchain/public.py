"""Public facts of a first-stop lot for the consumer page (扫码查询): what a shopper may read about
imported cold-chain food without logging in. :mod:`shian.trace.consumer` calls
:func:`published_for_lot`; nothing here reveals certificates' files, importers' codes or readings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from shian.coldchain.models import FirstStopEntry, TemperatureReading
from shian.trace.models import Lot


def celsius(value: Decimal) -> str:
    """A temperature without trailing zeros and never in exponent form ("-18", "-18.5", "10")."""
    return format(value.normalize(), "f")


def published_for_lot(lot: Lot) -> list[dict[str, Any]]:
    """The lot's public cold-chain facts as ``{"key", "label", "value"[, "url"]}`` items, in display
    order; an empty list when the lot was not coded at the first stop. Two queries.

    Keys: ``first_stop_code``, ``origin_country``, ``entry_date``, ``release_status`` (with the
    release certificate page's ``url`` when released), ``temperature_range`` (min–max °C, when
    readings exist) and ``temperature_excursion`` (``value`` is "yes"/"no" text, ``excursion`` a bool).
    """
    entry = FirstStopEntry.objects.filter(lot_id=lot.pk).only(
        "id", "lot_id", "origin_country", "entry_date", "status", "release_code", "released_at", "storage_class").first()
    if entry is None:
        return []
    facts: list[dict[str, Any]] = [
        {"key": "first_stop_code", "label": _("First-stop code"), "value": lot.trace_code},
        {"key": "origin_country", "label": _("Country or region of origin"), "value": entry.origin_country_name,
         "code": entry.origin_country},
        {"key": "entry_date", "label": _("Entered the central warehouse"), "value": entry.entry_date.isoformat()},
    ]
    status: dict[str, Any] = {"key": "release_status", "label": _("Release from the central warehouse"), "value": entry.get_status_display(),
                              "status": entry.status}
    if entry.status == FirstStopEntry.Status.RELEASED and entry.release_code:
        status["url"] = reverse("coldchain-release-public", args=[entry.release_code])
        status["release_code"] = entry.release_code
    facts.append(status)
    stats = TemperatureReading.objects.filter(lot_id=lot.pk).aggregate(
        n=Count("id"), low=Min("value"), high=Max("value"), excursions=Count("id", filter=Q(excursion=True)))
    if stats["n"]:
        facts.append({"key": "temperature_range", "label": _("Temperatures recorded"),
                      "value": _("%(low)s °C to %(high)s °C") % {"low": celsius(stats["low"]), "high": celsius(stats["high"])},
                      "min": celsius(stats["low"]), "max": celsius(stats["high"]), "count": stats["n"]})
        facts.append({"key": "temperature_excursion", "label": _("Temperature excursion"),
                      "value": _("Yes") if stats["excursions"] else _("No"), "excursion": bool(stats["excursions"])})
    return facts
