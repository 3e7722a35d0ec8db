"""Identifier validation: USCC (GB 32100) and food licence numbers.

USCC checks use ``python-stdnum`` (no hand-written checksums). Licence numbers are checked
for format only: "SC"/"JY" + 14 digits (rules.md, Identifiers; the check digit's algorithm
is not published, so it is not verified).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

LICENCE_PATTERNS = {
    "production": re.compile(r"^SC\d{14}$"),
    "business": re.compile(r"^JY\d{14}$"),
}


# The shape python-stdnum's validate() accepts: 8 digits, then 10 characters of the USCC alphabet.
_USCC_SHAPE = re.compile(r"^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalise_uscc(value: str) -> str:
    """Return the compact upper-case USCC or raise ValidationError with a Chinese message."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("The unified social credit code is required."), code="uscc_required")
    upper = raw.upper()
    if _USCC_SHAPE.match(upper) and stdnum_uscc.calc_check_digit(upper[:17]) == upper[17]:
        return upper  # the common case, without stdnum's separator cleaning (imports check 100k+ codes)
    try:
        return str(stdnum_uscc.validate(raw))
    except InvalidLength:
        raise ValidationError(_("The unified social credit code must have 18 characters."), code="uscc_length") from None
    except InvalidChecksum:
        raise ValidationError(_("The unified social credit code's check character is wrong."), code="uscc_checksum") from None
    except (InvalidFormat, StdnumError):
        raise ValidationError(_("The unified social credit code contains invalid characters."), code="uscc_format") from None


def uscc_with_check(prefix17: str) -> str:
    """Complete 17 characters with the check character (used by the demo generator)."""
    return prefix17 + str(stdnum_uscc.calc_check_digit(prefix17))


def normalise_licence_number(value: str, kind: str) -> str:
    """Return the upper-case licence number or raise ValidationError naming the expected format."""
    number = (value or "").strip().upper()
    pattern = LICENCE_PATTERNS.get(kind)
    if pattern is None:
        raise ValidationError(_("Unknown licence kind."), code="licence_kind")
    if not pattern.match(number):
        if kind == "production":
            message = _("A food production licence number is SC followed by 14 digits.")
        else:
            message = _("A food business licence number is JY followed by 14 digits.")
        raise ValidationError(message, code="licence_format")
    return number
