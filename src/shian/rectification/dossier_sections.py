"""The dossier's "rectification" section: the operator's rectification orders the principal may see.

Their typed events (issued, overdue, closed) reach the timeline through the history section.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from shian.core import access, dossier
from shian.core.access import Principal
from shian.core.dossier import Section
from shian.rectification import selectors
from shian.registry.models import Operator

LIMIT = 20


def _orders(op: Operator, principal: Principal) -> Section | None:
    if not access.can(principal, selectors.RESOURCE, "view"):
        return None
    items = list(selectors.orders_visible(principal).filter(operator_id=op.pk).order_by("-issued_at", "-id")[:LIMIT])
    data = [{"id": o.pk, "status": o.status, "source_app": o.source_app, "source_id": o.source_id, "title": o.source_title,
             "deadline": o.deadline.isoformat(), "times_overdue": o.times_overdue, "closed_on_time": o.closed_on_time} for o in items]
    return Section("rectification", _("Rectification orders"), data, "rectification/sections/orders.html", len(items), [], {"orders": items})


def register() -> None:
    dossier.register_section("rectification", _orders, order=75)
