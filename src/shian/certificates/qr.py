"""QR codes of produce certificates (segno): the URL of the certificate's public verification page."""

from __future__ import annotations

import io

import segno
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def public_url(request: HttpRequest, code: str) -> str:
    """The absolute URL of the public page, as the QR code carries it."""
    return request.build_absolute_uri(reverse("certificate-public", args=[code]))


def _qr(url: str) -> segno.QRCode:
    # Level M survives a smudged or creased paper label; a URL of ~60 characters fits version 4–5.
    return segno.make(url, error="m", micro=False)


def svg(url: str, *, scale: int = 4) -> SafeString:
    """An inline SVG element (no script, no style attribute: allowed by the page's CSP)."""
    return mark_safe(_qr(url).svg_inline(scale=scale, light="#fff", title=url))  # noqa: S308  # segno escapes the title


def png(url: str, *, scale: int = 10) -> bytes:
    """A PNG for printing on a label (about 3 cm at 300 dpi with the default scale)."""
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
