"""The dossier's "inspections" section: the operator's inspections the principal may see.

Closed inspections reach the dossier timeline through their ``inspection.closed`` audit events
(the history section), so this section adds no timeline entries of its own.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from shian.core import access, dossier
from shian.core.access import Principal
from shian.core.dossier import Section
from shian.inspection import selectors
from shian.registry.models import Operator

LIMIT = 20


def _inspections(op: Operator, principal: Principal) -> Section | None:
    if not access.can(principal, selectors.RESOURCE, "view"):
        return None
    items = list(selectors.inspections_visible(principal).filter(operator_id=op.pk).order_by("-id")[:LIMIT])
    data = [{"id": i.pk, "status": i.status, "scope": i.scope, "result": i.result, "inspected_at": i.inspected_at.isoformat() if i.inspected_at else None,
             "key_failures": i.key_failures, "general_failures": i.general_failures} for i in items]
    return Section("inspections", _("Inspections"), data, "inspection/sections/inspections.html", len(items), [], {"inspections": items})


def register() -> None:
    dossier.register_section("inspections", _inspections, order=70)
