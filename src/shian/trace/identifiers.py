"""Identifiers of products and lots: GTIN (GS1), lot codes (GS1 AI 10), platform trace codes and
GS1 Digital Link URIs.

GTIN check digits are verified with python-stdnum (``stdnum.ean``: GTIN-8/12/13/14), never by a
hand-written checksum. A lot is identified by GTIN + lot code (AI 01 + AI 10) when its product has
a GTIN, and always by its platform trace code.
"""

from __future__ import annotations

import base64
import re
import secrets
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

GTIN_LENGTHS = (8, 12, 13, 14)

# GS1 General Specifications, figure 7.11-1: the 82 characters an AI 10 (batch/lot) value may hold.
LOT_CODE_MAX = 20
_LOT_CODE = re.compile(r"""^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$""")

TRACE_CODE_PREFIX = "JM"  # Jiangmen; 12 base32 characters follow
TRACE_CODE_LENGTH = len(TRACE_CODE_PREFIX) + 12
_TRACE_CODE = re.compile(r"^JM[A-Z2-7]{12}$")

DIGITAL_LINK_BASE = "https://id.gs1.org"


def normalise_gtin(value: str) -> str:
    """Return the GTIN as 14 digits (GTIN-14) or raise a Chinese ValidationError.

    GTIN-8, -12 and -13 are padded with leading zeros, as GS1 prescribes for the AI 01 field.
    """
    raw = (value or "").strip().replace(" ", "").replace("-", "")
    if not raw.isdigit():
        raise ValidationError(_("A GTIN consists of digits only."), code="gtin_format")
    if len(raw) not in GTIN_LENGTHS:
        raise ValidationError(_("A GTIN has 8, 12, 13 or 14 digits."), code="gtin_length")
    try:
        ean.validate(raw)
    except InvalidChecksum:
        raise ValidationError(_("The GTIN's check digit is wrong."), code="gtin_checksum") from None
    except (InvalidLength, StdnumError):
        raise ValidationError(_("A GTIN has 8, 12, 13 or 14 digits."), code="gtin_length") from None
    return raw.zfill(14)


def validate_lot_code(value: str) -> None:
    """A lot code is 1–20 characters of the GS1 AI 10 character set (letters, digits, some punctuation)."""
    if not _LOT_CODE.match(value or ""):
        raise ValidationError(_("A lot code has at most 20 characters: Latin letters, digits and !\"%&'()*+,-./:;<=>?_ only."),
                              code="lot_code_format")


def new_trace_code() -> str:
    """A fresh platform trace code: "JM" and 12 base32 characters from 60 random bits.

    Short enough to print under a QR code and to read out on the phone; base32 has no 0/1/8/9,
    so O/0 and I/1 are never confused.
    """
    return TRACE_CODE_PREFIX + base64.b32encode(secrets.token_bytes(8)).decode("ascii")[:12]


def is_trace_code(value: str) -> bool:
    return bool(_TRACE_CODE.match(value or ""))


def digital_link(gtin14: str, lot_code: str) -> str:
    """The GS1 Digital Link URI of a lot (AI 01 + AI 10), with the lot code percent-encoded."""
    return f"{DIGITAL_LINK_BASE}/01/{gtin14}/10/{quote(lot_code, safe='')}"
