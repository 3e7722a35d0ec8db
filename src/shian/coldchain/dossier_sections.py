"""The dossier's "cold chain" section: first-stop entries of a central warehouse or importer, and excursions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.coldchain import selectors
from shian.core import dossier
from shian.core.access import Principal
from shian.core.dossier import Section, TimelineEntry
from shian.registry.models import Operator


def _coldchain(op: Operator, principal: Principal) -> Section | None:
    summary = selectors.operator_summary(principal, op)
    if summary is None:
        return None
    entries = summary["entries"]
    data = {
        "entry_count": summary["total"],
        "by_status": summary["counts"],
        "excursions": summary["excursions"],
        "recent_entries": [{"id": e.pk, "first_stop_code": e.lot.trace_code, "product": e.lot.product.name, "entry_date": e.entry_date.isoformat(),
                            "origin_country": e.origin_country, "storage_class": e.storage_class, "status": e.status,
                            "release_code": e.release_code, "warehouse_id": e.warehouse_id, "importer_id": e.importer_id,
                            "importer": e.importer_label} for e in entries],
    }
    timeline = []
    for e in entries:
        if e.warehouse_id == op.pk:
            title = _("Imported %(product)s coded at the first stop") % {"product": e.lot.product.name}
        else:
            title = _("Imported %(product)s entered %(warehouse)s") % {"product": e.lot.product.name, "warehouse": e.warehouse.name}
        timeline.append(TimelineEntry(e.entry_date, "first_stop", title, e.get_status_display(),
                                      url=reverse("coldchain-entry-detail", args=[e.pk]), kind_label=_("First-stop entry")))
    return Section("coldchain", _("Cold chain and imported food"), data, "coldchain/sections/coldchain.html", summary["total"], timeline,
                   {**summary, "operator": op})


def register() -> None:
    dossier.register_section("coldchain", _coldchain, order=65)
