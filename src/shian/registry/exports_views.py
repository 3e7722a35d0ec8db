"""Excel downloads of the registry's lists (the page and the API share them)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core.access import Principal
from shian.core.exports import workbook_bytes
from shian.registry import selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 200_000


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def operators_xlsx(principal: Principal, filters: selectors.OperatorFilters) -> HttpResponse:
    qs = selectors.with_types(selectors.operator_search(principal, filters))[:EXPORT_MAX_ROWS]
    header = [_("ID"), _("Name"), _("Unified social credit code"), _("Legal representative"), _("Operator types"), _("Address"),
              _("Division code"), _("Jurisdiction"), _("Scale"), _("Status")]
    rows = ([o.pk, o.name, o.uscc, o.legal_representative, "、".join(t.name for t in o.types.all()), o.address,
             o.jurisdiction.code, o.jurisdiction.name, o.get_scale_display(), o.get_status_display()] for o in qs.iterator(chunk_size=2000))
    return _download(workbook_bytes(_("Operators"), header, rows), f"operators-{timezone.localdate().isoformat()}.xlsx")


def licences_xlsx(principal: Principal, within_days: int) -> HttpResponse:
    licences = list(selectors.licences_expiring(principal, within_days=within_days)[:EXPORT_MAX_ROWS])
    header = [_("Licence number"), _("Kind"), _("Operator"), _("Jurisdiction"), _("Issued on"), _("Expires on"), _("Days left"),
              _("Renewal deadline")]
    rows = ([e.licence.number, e.licence.get_kind_display(), e.licence.operator.name, e.licence.operator.jurisdiction.name,
             e.licence.issued_on, e.licence.expires_on, e.days_left, e.renewal_deadline] for e in selectors.annotate_expiry(licences))
    return _download(workbook_bytes(_("Expiring licences"), header, rows), f"licences-expiring-{timezone.localdate().isoformat()}.xlsx")
