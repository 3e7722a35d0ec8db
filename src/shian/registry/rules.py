"""Legal rules the registry applies, each with its source.

Administrators change the numbers here through settings overrides only where the law leaves
room; the defaults are the national rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A number the platform applies, with where it comes from."""

    value: int
    source: str
    confidence: str  # V: read in the primary text; S: secondary source; U: unverified, local practice


# A licence holder applies for renewal 30 working days before expiry.
LICENCE_RENEWAL_WORKING_DAYS = Rule(
    30,
    "《食品生产许可管理办法》第三十二条；《食品经营许可和备案管理办法》第三十条",
    "S",
)

# How far ahead the licence expiry list warns (local practice).
LICENCE_EXPIRY_WARNING_DAYS = Rule(90, "local practice: warn a quarter ahead of expiry", "U")

# Food production and business licences are valid for 5 years.
LICENCE_VALIDITY_YEARS = Rule(5, "《食品生产许可管理办法》第二十五条；《食品经营许可和备案管理办法》第二十四条", "S")
