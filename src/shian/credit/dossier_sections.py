"""The dossier's "credit" section: level, sanctions, records on display, listings; timeline entries."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core import dossier
from shian.core.access import Principal
from shian.core.dossier import Section, TimelineEntry
from shian.credit import selectors
from shian.credit.models import Listing
from shian.registry.models import Operator

TIMELINE_RECORDS = 30


def _credit(op: Operator, principal: Principal) -> Section | None:
    summary = selectors.operator_summary(principal, op)
    if summary is None:
        return None
    st, sanctions, records = summary["standing"], summary["sanctions"], summary["records"]
    data = {
        "level": st.level, "decided_by": st.decided_by, "counts": st.counts, "displayed": summary["displayed"], "records": len(records),
        "sanctions": sanctions.as_dict(),
        "listings": [{"id": x.pk, "status": x.status, "published_on": x.published_on.isoformat() if x.published_on else None,
                      "removal_due": x.removal_due.isoformat() if x.removal_due else None} for x in summary["listings"]],
    }
    profile_url = reverse("credit-profile", args=[op.pk])
    timeline = []
    for r in records[:TIMELINE_RECORDS]:
        detail = r.get_severity_display() if r.severity else r.get_kind_display()
        if r.withdrawn:
            detail = _("%(detail)s; withdrawn") % {"detail": detail}
        elif r.repaired:
            detail = _("%(detail)s; repaired") % {"detail": detail}
        timeline.append(TimelineEntry(r.occurred_on, f"credit_{r.kind}", r.title, detail, url=reverse("credit-record-detail", args=[r.pk]),
                                      kind_label=_("Credit")))
    for x in summary["listings"]:
        if x.removed_on:
            timeline.append(TimelineEntry(x.removed_on, "credit_listing_removed", _("Removed from the serious-violation list"),
                                          x.get_removal_display(), url=reverse("credit-listing-detail", args=[x.pk]), kind_label=_("Credit")))
        elif x.status == Listing.Status.PROPOSED:
            timeline.append(TimelineEntry(x.proposed_on, "credit_listing_proposed", _("Serious-violation listing proposed"), "",
                                          url=reverse("credit-listing-detail", args=[x.pk]), kind_label=_("Credit")))
    return Section("credit", _("Credit"), data, "credit/sections/credit.html", len(records), timeline,
                   {**summary, "operator": op, "profile_url": profile_url})


def register() -> None:
    dossier.register_section("credit", _credit, order=90)
