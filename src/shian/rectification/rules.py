"""Rectification rules as data, with their source (marks as in ``shared/docs/rules.md``).

``SHIAN_RECTIFICATION_WORKING_DAYS`` overrides the default time allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Source:
    text: str
    confidence: str


DEADLINE_SOURCE = Source("《食品安全法》第一百二十六条等（责令改正）；整改期限由检查人员根据问题确定，默认10个工作日为本地做法", "U")
DEFAULT_WORKING_DAYS = 10
MAX_WORKING_DAYS = 120


def default_working_days() -> int:
    return int(getattr(settings, "SHIAN_RECTIFICATION_WORKING_DAYS", DEFAULT_WORKING_DAYS))
