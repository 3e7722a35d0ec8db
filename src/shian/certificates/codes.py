"""Public codes of produce certificates: what the QR code on a certificate carries.

A code is 16 base32 characters from 80 random bits. It is the only thing needed to open the
certificate's public page, so it must not be guessable; base32 has no 0/1/8/9, so O/0 and I/1
are never confused when someone types it in at a market gate.
"""

from __future__ import annotations

import base64
import re
import secrets

CODE_LENGTH = 16
_CODE = re.compile(r"^[A-Z2-7]{16}$")
# A scanned QR code gives the public page's URL; the code is the path segment after /c/.
_IN_URL = re.compile(r"/c/([A-Za-z2-7]{16})(?:[/?#]|$)")
# What a person may type between the characters: spaces, hyphens, dots.
_SEPARATORS = re.compile(r"[\s\-.]+")


def new_certificate_code() -> str:
    """A fresh public code: 16 base32 characters (80 random bits)."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def is_certificate_code(value: str) -> bool:
    return bool(_CODE.match(value or ""))


def parse_code(text: str) -> str:
    """The code in what was scanned or typed: a bare code (any case, with spaces or hyphens) or the
    public page's URL. Returns the normalised text, capped at 64 characters, even when it is not a
    well-formed code (an unknown code is still recorded as scanned)."""
    raw = (text or "").strip()
    found = _IN_URL.search(raw)
    if found:
        return found.group(1).upper()
    return _SEPARATORS.sub("", raw).upper()[:64]
