"""The inspection record as a PDF (WeasyPrint, Chinese text in Noto CJK) with a QR code (segno)
that opens the public check of the record (:func:`shian.inspection.views.verify_record`).

WeasyPrint lays out an HTML template (``inspection/record_pdf.html``) with the system's fonts:
Debian's ``fonts-noto-cjk`` provides "Noto Sans CJK SC" (installed by ``.ci/run``). The QR code
is an SVG data URI, so no image library is involved.
"""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.inspection import selectors
from shian.inspection.models import Inspection


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI (level M: survives a creased printout)."""
    return str(segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2))


def record_html(inspection: Inspection, *, verify_url: str) -> str:
    detail = selectors.inspection_detail(inspection)
    return render_to_string("inspection/record_pdf.html", {
        "inspection": inspection, "detail": detail, "verify_url": verify_url, "qr": qr_data_uri(verify_url), "generated_at": timezone.now(),
        "title": _("Food safety inspection record"),
    })


def record_pdf(inspection: Inspection, *, verify_url: str) -> bytes:
    """The PDF bytes of the record (imported lazily: WeasyPrint loads Pango on first use)."""
    from weasyprint import HTML

    return bytes(HTML(string=record_html(inspection, verify_url=verify_url)).write_pdf())
