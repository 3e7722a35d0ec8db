"""The dossier's "risk grade" section: the current grade, its score and where it comes from, with a link to its explanation.

Grade changes, overrides and warnings are typed audit events with the operator's id, so they appear on
the dossier timeline through the change-history section; this section adds no timeline entries of its own.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core import dossier
from shian.core.access import Principal
from shian.core.dossier import Section
from shian.registry.models import Operator
from shian.risk import grades, selectors


def _risk(op: Operator, principal: Principal) -> Section | None:
    if not selectors.can_view_operator(principal, op):
        return None
    row = selectors.current_grade(op)
    default = None if row is not None else grades.grade_infos([op.pk]).get(op.pk)
    data = {
        "grade": row.grade if row else (default.grade if default else None),
        "source": row.source if row else "default",
        "since": row.since.isoformat() if row else None,
        "score": str(row.score) if row and row.score is not None else None,
        "computed_grade": row.computed_grade if row else None,
        "overridden": row.overridden if row else False,
        "url": reverse("risk-operator", args=[op.pk]),
    }
    return Section("risk", _("Risk grade"), data, "risk/sections/risk.html", None, [],
                   {"row": row, "default": default, "url": data["url"], "operator": op})


def register() -> None:
    dossier.register_section("risk", _risk, order=85)
