"""The table-sticker QR code (桌贴扫码, segno): the URL of the operator's public credit profile."""

from __future__ import annotations

import io

import segno
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def public_url(request: HttpRequest, uscc: str) -> str:
    """The absolute URL of the public profile, as the sticker's QR code carries it."""
    return request.build_absolute_uri(reverse("credit-public", args=[uscc]))


def _qr(url: str) -> segno.QRCode:
    # Level Q: a table sticker gets wiped, scratched and splashed; a URL of ~50 characters still fits version 4–5.
    return segno.make(url, error="q", micro=False)


def svg(url: str, *, scale: int = 5) -> SafeString:
    """An inline SVG element (no script, no style attribute: allowed by the page's CSP)."""
    return mark_safe(_qr(url).svg_inline(scale=scale, light="#fff", title=url))  # noqa: S308  # segno escapes the title


def png(url: str, *, scale: int = 12) -> bytes:
    """A PNG for printing the sticker (about 4 cm at 300 dpi)."""
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
