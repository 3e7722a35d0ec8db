"""Risk-grade rules as data, each with its source.

Marks follow ``shared/docs/rules.md``: V read in the primary text; S from a secondary source;
U not verified (local practice, configurable).

Until the risk module scores operators (static risk 40 + dynamic risk 60), an operator without a
recorded grade gets a default from its operator type: the static risk of what the business is.
The setting ``SHIAN_RISK_DEFAULT_GRADES`` (``{"type_code": "C", ...}``) overrides the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

GRADES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Source:
    text: str
    confidence: str  # V, S or U


GRADING = Source("《食品生产经营监督检查管理办法》（市场监管总局令第49号）第二十一条：按风险等级A/B/C/D分级", "V")
DEFAULT_SOURCE = Source("《食品生产经营风险分级管理办法（试行）》（2016）静态风险因素（食品类别、业态）；未评定前的默认等级为本地做法", "U")

DEFAULT_GRADE = "B"
# Static risk by business type: high-risk kitchens serving many people start at C, low-risk sellers at A.
DEFAULT_GRADE_BY_TYPE: dict[str, str] = {
    "school_canteen": "C",
    "central_kitchen": "C",
    "group_meal": "C",
    "producer": "B",
    "workshop": "B",
    "wholesaler": "B",
    "market": "B",
    "restaurant": "B",
    "canteen": "B",
    "cold_store": "B",
    "online_platform": "B",
    "retailer": "A",
    "vendor": "A",
    "farm": "A",
}


def default_grades() -> dict[str, str]:
    """The default grade per operator type (the table, overridden by ``SHIAN_RISK_DEFAULT_GRADES``)."""
    return {**DEFAULT_GRADE_BY_TYPE, **getattr(settings, "SHIAN_RISK_DEFAULT_GRADES", {})}


def default_for_types(type_codes: list[str], table: dict[str, str] | None = None) -> str:
    """The default grade of an operator with these types: the riskiest of its types' defaults."""
    table = table if table is not None else default_grades()
    found = [table[c] for c in type_codes if c in table]
    return max(found) if found else DEFAULT_GRADE
