"""Inspection rules as data, each with its legal source and confidence.

Marks follow ``shared/docs/rules.md``: V read in the primary text; S from a secondary source;
U not verified (local practice). Settings override the numbers without a code change:

* ``SHIAN_INSPECTION_FREQUENCY``: inspections per year by grade, e.g. ``{"A": 1, "B": 2, "C": 3, "D": 4}``;
* ``SHIAN_INSPECTION_MAX_GENERAL_FAILURES``: general items that may fail for "basically compliant".

A plan records the frequencies it was generated with, so a later change does not rewrite history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    """Where a rule comes from."""

    text: str
    confidence: str  # V, S or U


ORDER_49 = "《食品生产经营监督检查管理办法》（市场监管总局令第49号）"

# --- yearly plans -------------------------------------------------------------------------------

FREQUENCY_SOURCE = Source("《食品生产经营风险分级管理办法（试行）》（2016）：A级每年至少1次，B级1–2次，C级2–3次，D级3–4次（取下限）", "S")
FREQUENCY_PER_YEAR: dict[str, int] = {"A": 1, "B": 1, "C": 2, "D": 3}

FULL_CHECKLIST_SOURCE = Source(f"{ORDER_49}第二十二条：每两年对本行政区域内所有食品生产经营者至少进行一次全覆盖检查", "V")
FULL_CHECKLIST_YEARS = 2

FOCUS_SOURCE = Source(f"{ORDER_49}第二十二条：特殊食品生产者、风险等级为C/D级的食品生产者、风险等级为D级的食品经营者、"
                      "中央厨房和集体用餐配送单位实施重点检查", "V")
# Special foods (特殊食品): health food, formula for special medical purposes, infant formula (food categories 127–129).
SPECIAL_FOOD_CATEGORIES = frozenset({"127", "128", "129"})
PRODUCER_TYPES = frozenset({"producer", "workshop"})
FOCUS_TYPES = {"central_kitchen": "central_kitchen", "group_meal": "group_meal"}
FOCUS_REASONS: dict[str, Promise] = {
    "special_food_producer": _("special-food producer"),
    "producer_grade_cd": _("producer of grade C or D"),
    "grade_d": _("operator of grade D"),
    "central_kitchen": _("central kitchen"),
    "group_meal": _("group-meal caterer"),
}


def frequencies() -> dict[str, int]:
    """Inspections per year by grade: the table above, overridden by ``SHIAN_INSPECTION_FREQUENCY``."""
    return {**FREQUENCY_PER_YEAR, **getattr(settings, "SHIAN_INSPECTION_FREQUENCY", {})}


def focus_reasons(*, grade: str, type_codes: set[str], categories: set[str]) -> list[str]:
    """Why Art 22 asks for a focused inspection of this operator (empty when it does not)."""
    reasons = []
    producer = bool(type_codes & PRODUCER_TYPES)
    if producer and categories & SPECIAL_FOOD_CATEGORIES:
        reasons.append("special_food_producer")
    if producer and grade in ("C", "D"):
        reasons.append("producer_grade_cd")
    if grade == "D" and not producer:
        reasons.append("grade_d")
    reasons += [reason for code, reason in FOCUS_TYPES.items() if code in type_codes]
    return reasons


# --- draws ----------------------------------------------------------------------------------------

MIN_INSPECTORS_SOURCE = Source(f"{ORDER_49}第二十三条：监督检查应当由2名以上（含2名）监督检查人员参加", "V")
MIN_INSPECTORS = 2
RANDOM_SOURCE = Source(f"{ORDER_49}第五条（随机抽取检查对象、随机选派检查人员）；“双随机、一公开”抽查工作要求（回避、可追溯）", "S")

# --- results ------------------------------------------------------------------------------------

PUBLISH_SOURCE = Source(f"{ORDER_49}第三十九条：监督检查结果在20个工作日内公开", "V")
PUBLISH_WORKING_DAYS = 20

ITEMS_SOURCE = Source(f"{ORDER_49}第三十二条、第三十三条：检查要点表分为重点项和一般项", "V")
RESULT_SOURCE = Source("重点项不符合即判定为“不符合”；一般项不符合数量不超过限值判定为“基本符合”，超过判定为“不符合”（限值为本地做法）", "U")
MAX_GENERAL_FAILURES = 5


@dataclass(frozen=True)
class Outcome:
    result: str
    key_failures: int
    general_failures: int


def max_general_failures() -> int:
    return int(getattr(settings, "SHIAN_INSPECTION_MAX_GENERAL_FAILURES", MAX_GENERAL_FAILURES))


def compute_result(*, key_failures: int, general_failures: int, limit: int | None = None) -> str:
    """符合 / 基本符合 / 不符合 from the failed items (not applicable items do not count)."""
    limit = max_general_failures() if limit is None else limit
    if key_failures > 0 or general_failures > limit:
        return "non_compliant"
    if general_failures > 0:
        return "basically_compliant"
    return "compliant"


def sources() -> list[tuple[Promise | str, Source]]:
    """Every rule with its source, for the rules section of the plan page."""
    return [
        (_("Inspections per year by risk grade"), FREQUENCY_SOURCE),
        (_("Full-checklist inspection at least every two years"), FULL_CHECKLIST_SOURCE),
        (_("Focused inspection"), FOCUS_SOURCE),
        (_("At least two inspectors"), MIN_INSPECTORS_SOURCE),
        (_("Random targets and inspectors"), RANDOM_SOURCE),
        (_("Key items and general items"), ITEMS_SOURCE),
        (_("Result"), RESULT_SOURCE),
        (_("Publication within 20 working days"), PUBLISH_SOURCE),
    ]
