"""The dossier's "trace" section: products, recent receipts and verification flags."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core import dossier
from shian.core.access import Principal
from shian.core.dossier import Section, TimelineEntry
from shian.registry.models import Operator
from shian.trace import selectors


def _trace(op: Operator, principal: Principal) -> Section | None:
    summary = selectors.operator_summary(principal, op)
    if summary is None:
        return None
    receipts = summary["receipts"]
    data = {
        "product_count": summary["product_count"],
        "products": [{"id": p.pk, "name": p.name, "category": p.category.code, "gtin": p.gtin} for p in summary["products"]],
        "recent_receipts": [{"id": r.pk, "received_on": r.received_on.isoformat(), "status": r.status, "verified": r.verified,
                             "buyer_id": r.buyer_id, "supplier_id": r.supplier_id, "supplier": r.supplier_label} for r in receipts],
        "flagged_receipts": summary["flagged"],
    }
    timeline = []
    for r in receipts:
        if r.buyer_id == op.pk:
            title = _("Received goods from %(supplier)s") % {"supplier": r.supplier_label}
        else:
            title = _("Supplied goods to %(buyer)s") % {"buyer": r.buyer.name}
        detail = r.get_status_display() if r.verified else _("%(status)s; failed inbound verification") % {"status": r.get_status_display()}
        timeline.append(TimelineEntry(r.received_on, "receipt", title, detail, url=reverse("trace-receipt-detail", args=[r.pk]),
                                      kind_label=_("Receipt")))
    return Section("trace", _("Traceability"), data, "trace/sections/trace.html", summary["product_count"], timeline,
                   {**summary, "operator": op})


def register() -> None:
    dossier.register_section("trace", _trace, order=60)
