"""The dossier's "certificates" section: produce certificates the operator issued and the entry checks it made."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.certificates import selectors
from shian.core import dossier
from shian.core.access import Principal
from shian.core.dossier import Section, TimelineEntry
from shian.registry.models import Operator


def _certificates(op: Operator, principal: Principal) -> Section | None:
    summary = selectors.operator_summary(principal, op)
    if summary is None or not (summary["issued"] or summary["checks"]):
        return None
    data = {
        "issued_count": summary["issued_count"],
        "revoked_count": summary["revoked"],
        "recent_issued": [{"id": c.pk, "code": c.code, "product": c.product_name, "category": c.category.code, "issued_on": c.issued_on.isoformat(),
                           "status": c.status, "reissued": c.is_reissue} for c in summary["issued"]],
        "check_count": summary["check_count"],
        "invalid_check_count": summary["invalid_checks"],
        "recent_checks": [{"id": k.pk, "checked_at": k.checked_at.isoformat(), "code": k.code_scanned, "result": k.result,
                           "certificate_id": k.certificate_id} for k in summary["checks"]],
    }
    timeline = []
    for c in summary["issued"]:
        title = (_("Re-issued a produce certificate for %(product)s") if c.is_reissue else _("Issued a produce certificate for %(product)s")) % {
            "product": c.product_name}
        timeline.append(TimelineEntry(c.issued_on, "certificate", title, c.get_status_display(),
                                      url=reverse("certificate-detail", args=[c.pk]), kind_label=_("Produce certificate")))
    for k in summary["checks"]:
        timeline.append(TimelineEntry(timezone.localtime(k.checked_at), "certificate_check", _("Checked a produce certificate at entry"),
                                      k.get_result_display(), url=reverse("certificate-detail", args=[k.certificate_id]) if k.certificate_id else "",
                                      kind_label=_("Certificate check")))
    return Section("certificates", _("Produce certificates"), data, "certificates/sections/certificates.html",
                   summary["issued_count"] + summary["check_count"], timeline, {**summary, "operator": op})


def register() -> None:
    dossier.register_section("certificates", _certificates, order=62)
