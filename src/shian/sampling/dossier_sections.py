"""The dossier's "sampling" section: recent samples, conclusions, open disposal cases; timeline entries."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core import access, dossier
from shian.core.access import Principal
from shian.core.dossier import Section, TimelineEntry
from shian.registry.models import Operator
from shian.sampling import selectors
from shian.sampling.models import Sample


def _sampling(op: Operator, principal: Principal) -> Section | None:
    summary = selectors.operator_summary(principal, op)
    if summary is None:
        return None
    samples: list[Sample] = summary["samples"]
    data = {
        "total": summary["total"], "conforming": summary["conforming"], "nonconforming": summary["nonconforming"],
        "open_disposals": summary["open_disposals"],
        "recent": [{"id": s.pk, "number": s.number, "sampled_on": s.sampled_on.isoformat(), "product": s.product_name, "purpose": s.purpose,
                    "status": s.status, "conclusion": s.conclusion} for s in samples],
    }
    timeline = []
    for s in samples:
        url = reverse("sampling-sample-detail", args=[s.pk])
        timeline.append(TimelineEntry(s.sampled_on, "sample", _("Sampled: %(product)s") % {"product": s.product_name}, s.number, url=url,
                                      kind_label=_("Sampling")))
        if s.reported_on and s.conclusion == Sample.Conclusion.NONCONFORMING:
            timeline.append(TimelineEntry(s.reported_on, "sample_nonconforming", _("Non-conforming: %(product)s") % {"product": s.product_name},
                                          s.number, url=url, kind_label=_("Sampling")))
        case = getattr(s, "disposal", None)
        if case is not None and case.closed_on:
            timeline.append(TimelineEntry(case.closed_on, "disposal_closed", _("Disposal closed: %(number)s") % {"number": s.number},
                                          case.get_outcome_display(), url=reverse("sampling-disposal-detail", args=[case.pk]),
                                          kind_label=_("Sampling")))
    return Section("sampling", _("Sampling and testing"), data, "sampling/sections/sampling.html", summary["total"], timeline,
                   {**summary, "operator": op, "can_record": access.can(principal, "sampling", "record")})


def register() -> None:
    dossier.register_section("sampling", _sampling, order=70)
