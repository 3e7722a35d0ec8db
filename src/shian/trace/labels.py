"""QR labels for lots (追溯码标签): the QR code of the lot's consumer page, as PNG, SVG and PDF (segno).

The QR code encodes the lot's GS1 Digital Link on the platform's resolver
(``<resolver>/01/<GTIN-14>/10/<lot code>``) or, when the product has no GTIN, its trace-code link
(``<resolver>/t/<trace code>``). Both open the consumer page (:mod:`shian.trace.consumer_views`).
The resolver is the setting ``SHIAN_RESOLVER_BASE`` (for instance ``https://id.shian.example``) or,
when that is empty, the host the operator is using.

* PNG: the QR code alone (segno's own PNG writer; the platform has no imaging library to draw
  Chinese text into pixels). Operators place it in their packaging artwork.
* SVG: the printable label, QR code plus product name, lot code, trace code and GTIN, Chinese
  included (the printing computer's fonts draw the text).
* PDF: the same label, written here as a one-page PDF with the QR code as filled rectangles, the
  Latin values in Helvetica and the Chinese text in the PDF standard's predefined CJK font
  ``STSong-Light`` (``UniGB-UTF16-H``), which PDF readers supply themselves, so no font is embedded
  and no PDF library is needed.

Who may print: the lot's producer (its own lots) and regulators and inspectors whose jurisdiction
holds the producer; a buyer that received the lot sees it but may not print (403).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.access import Principal
from shian.core.errors import Forbidden, NotFound
from shian.trace import selectors
from shian.trace.models import Lot

QUIET_ZONE = 4  # modules of white around the symbol (ISO/IEC 18004)
ERROR_LEVEL = "m"  # 15% of the symbol may be damaged; segno raises it when the data leaves room
PNG_SCALE = 10  # pixels per module
LABEL_MM = (80.0, 34.0)  # width, height of the printed label
QR_MM = 30.0  # the QR code with its quiet zone
NAME_LINE_CHARS = 12  # characters of the product name per line, two lines at most
PT_PER_MM = 72 / 25.4


# --- who may print ---------------------------------------------------------------------------------

def lot_for_label(principal: Principal | None, lot_id: int) -> Lot:
    """A lot the principal may print a label for: its producer's own (operators) or in its jurisdiction (regulators).

    404 when the lot is outside the principal's view, 403 when it sees the lot (it received it) but is not its producer.
    """
    access.require(principal, selectors.RESOURCE, "view")
    lot = selectors.lots_owned(principal).select_related("product").filter(pk=lot_id).first()
    if lot is not None:
        return lot  # type: ignore[no-any-return]
    if selectors.lots_visible(principal).filter(pk=lot_id).exists():
        raise Forbidden(_("Only the lot's producer and its regulators may print its label."), code="forbidden_action")
    raise NotFound(_("The record does not exist or is outside your jurisdiction."))


# --- the label -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    """What a label shows; ``payload`` is exactly what the QR code encodes."""

    payload: str
    product: str
    specification: str
    lot_code: str
    trace_code: str
    gtin: str | None


def resolver_base(request: HttpRequest | None = None) -> str:
    """The scheme and host of the Digital Link resolver: ``SHIAN_RESOLVER_BASE``, or the host of ``request``."""
    base = str(getattr(settings, "SHIAN_RESOLVER_BASE", "") or "")
    if not base and request is not None:
        base = request.build_absolute_uri("/")
    return (base or "https://id.gs1.org").rstrip("/")


def label_payload(lot: Lot, base: str) -> str:
    """The URI the lot's QR code encodes: its Digital Link on ``base``, or its trace-code link without a GTIN."""
    gtin = lot.product.gtin
    if gtin:
        return f"{base}/01/{gtin}/10/{quote(lot.lot_code, safe='')}"
    return f"{base}/t/{lot.trace_code}"


def label_for(lot: Lot, base: str) -> Label:
    product = lot.product
    return Label(payload=label_payload(lot, base), product=product.name, specification=product.specification, lot_code=lot.lot_code,
                 trace_code=lot.trace_code, gtin=product.gtin)


def qr_code(payload: str) -> segno.QRCode:
    """The QR code of a payload (never a Micro QR: phones do not read those)."""
    return segno.make(payload, error=ERROR_LEVEL, micro=False)


def _runs(matrix: Any) -> Iterator[tuple[int, int, int]]:
    """The dark modules of a QR matrix as horizontal runs (x, y, length)."""
    for y, row in enumerate(matrix):
        x = 0
        width = len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                yield start, y, x - start
            else:
                x += 1


def _name_lines(name: str) -> list[str]:
    lines = [name[i:i + NAME_LINE_CHARS] for i in range(0, len(name), NAME_LINE_CHARS)][:2] or [""]
    if len(name) > 2 * NAME_LINE_CHARS:
        lines[1] = lines[1][:-1] + "…"
    return lines


def _text_rows(label: Label) -> list[tuple[str, str]]:
    rows = [(_("Lot code"), label.lot_code), (_("Trace code"), label.trace_code)]
    if label.gtin:
        rows.append((_("Item barcode"), label.gtin))
    return rows


def render_png(label: Label, *, scale: int = PNG_SCALE) -> bytes:
    """The QR code alone, black on white, as PNG."""
    out = io.BytesIO()
    qr_code(label.payload).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()


def render_svg(label: Label) -> str:
    """The printable label (QR code and text) as SVG, in millimetres."""
    qr = qr_code(label.payload)
    size = len(qr.matrix) + 2 * QUIET_ZONE
    module = QR_MM / size
    path = "".join(f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h{n}v1h-{n}z" for x, y, n in _runs(qr.matrix))
    width, height = LABEL_MM
    x0 = QR_MM + 1.5
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" viewBox="0 0 {width} {height}">',
        f"<title>{escape(label.product)} {escape(label.lot_code)}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<g transform="translate(2 2) scale({module:.5f})"><path fill="#000" d="{path}"/></g>',
        '<g font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" fill="#000">',
    ]
    y = 7.0
    for line in _name_lines(label.product):
        parts.append(f'<text x="{x0}" y="{y:.1f}" font-size="3.6" font-weight="bold">{escape(line)}</text>')
        y += 4.4
    if label.specification:
        parts.append(f'<text x="{x0}" y="{y:.1f}" font-size="2.8">{escape(label.specification)}</text>')
        y += 4.0
    y += 0.6
    for name, value in _text_rows(label):
        parts.append(f'<text x="{x0}" y="{y:.1f}" font-size="2.6">{escape(name)}: '
                     f'<tspan font-family="ui-monospace, monospace">{escape(value)}</tspan></text>')
        y += 3.6
    parts.append(f'<text x="{x0}" y="{height - 2:.1f}" font-size="2.4" fill="#444">{escape(_("Scan to see where it came from"))}</text>')
    parts.append("</g></svg>\n")
    return "".join(parts)


# --- PDF -------------------------------------------------------------------------------------------

def _pdf_latin(text: str) -> str:
    """A PDF literal string of ASCII text (lot codes, trace codes and GTINs are ASCII by their definitions)."""
    safe = text.encode("ascii", "replace").decode("ascii")
    return "(" + safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _pdf_cjk(text: str) -> str:
    """A PDF hex string in UTF-16BE, for the ``UniGB-UTF16-H`` CMap."""
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def _cjk_width(text: str, size: float) -> float:
    """The width of text in the CJK font as the PDF declares it (``/DW 1000 /W [1 95 500]``): ASCII half, the rest full."""
    return sum(0.5 if " " <= ch <= "~" else 1.0 for ch in text) * size


def _pdf_content(label: Label) -> bytes:
    qr = qr_code(label.payload)
    size = len(qr.matrix) + 2 * QUIET_ZONE
    width, height = (v * PT_PER_MM for v in LABEL_MM)
    module = QR_MM * PT_PER_MM / size
    left, top = 2 * PT_PER_MM, height - 2 * PT_PER_MM
    ops = ["1 g", f"0 0 {width:.2f} {height:.2f} re f", "0 g"]
    for col, row, n in _runs(qr.matrix):
        ops.append(f"{left + (col + QUIET_ZONE) * module:.3f} {top - (row + QUIET_ZONE + 1) * module:.3f} {n * module:.3f} {module:.3f} re")
    ops.append("f")
    x0 = (QR_MM + 1.5) * PT_PER_MM
    y = height - 7 * PT_PER_MM
    for line in _name_lines(label.product):
        ops.append(f"BT /F2 10 Tf {x0:.2f} {y:.2f} Td {_pdf_cjk(line)} Tj ET")
        y -= 4.4 * PT_PER_MM
    if label.specification:
        ops.append(f"BT /F2 8 Tf {x0:.2f} {y:.2f} Td {_pdf_cjk(label.specification)} Tj ET")
        y -= 4.0 * PT_PER_MM
    y -= 0.6 * PT_PER_MM
    for name, value in _text_rows(label):
        caption = name + ": "
        ops.append(f"BT /F2 7.4 Tf {x0:.2f} {y:.2f} Td {_pdf_cjk(caption)} Tj ET")
        ops.append(f"BT /F1 7.4 Tf {x0 + _cjk_width(caption, 7.4):.2f} {y:.2f} Td {_pdf_latin(value)} Tj ET")
        y -= 3.6 * PT_PER_MM
    ops.append(f"BT /F2 6.8 Tf 0.27 g {x0:.2f} {2 * PT_PER_MM:.2f} Td {_pdf_cjk(_('Scan to see where it came from'))} Tj ET")
    return "\n".join(ops).encode("ascii")


def render_pdf(label: Label) -> bytes:
    """The printable label as a one-page PDF (PDF 1.5: the UTF-16 CJK CMap needs it)."""
    width, height = (v * PT_PER_MM for v in LABEL_MM)
    content = zlib.compress(_pdf_content(label))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.2f} {height:.2f}] "
         f"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>").encode("ascii"),
        f"<< /Length {len(content)} /Filter /FlateDecode >>\nstream\n".encode("ascii") + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [7 0 R] >>",
        (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
         b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 8 0 R /DW 1000 /W [1 95 500] >>"),
        (b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 "
         b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii"))
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode("ascii"))
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii"))
    return out.getvalue()


FORMATS = {
    "png": ("image/png", render_png),
    "svg": ("image/svg+xml", render_svg),
    "pdf": ("application/pdf", render_pdf),
}
