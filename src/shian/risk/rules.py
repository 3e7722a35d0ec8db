"""Risk-grade rules as data, each with its source.

Marks follow ``shared/docs/rules.md``: V read in the primary text; S from a secondary source;
U not verified (local practice, configurable).

The score is static risk (what the business is: food categories, operator type, scale, the people it
feeds; at most 40) plus dynamic risk (how it behaved in the last 12 months: inspections, sampling,
penalties, complaints, credit, violation points, incidents, recalls; at most 60); higher is riskier.
The score gives the grade A/B/C/D through the bands; two adjustments then raise the grade by whole
levels (the serious-violation list, violation-point grade 丁).

These tables are the *seed* of the rules table in the database (:class:`shian.risk.models.RiskFactor`,
:class:`~shian.risk.models.GradeBand`, :class:`~shian.risk.models.RiskParameter`), which
administrators edit in the admin or on ``/risk/rules/``; when the tables are empty (a flushed test
database) the seed here applies.

Until an operator is scored it has a default grade from its operator type (``DEFAULT_GRADE_BY_TYPE``;
``SHIAN_RISK_DEFAULT_GRADES`` overrides it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

GRADES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Source:
    text: str
    confidence: str  # V, S or U


MEASURES_2016 = "《食品生产经营风险分级管理办法（试行）》（食药监食监一〔2016〕115号）"
ORDER_49 = "《食品生产经营监督检查管理办法》（市场监管总局令第49号）"

GRADING = Source(f"{ORDER_49}第二十一条：按风险等级A/B/C/D分级，综合考虑食品类别、经营业态、规模、风险管控能力、信用状况、监督检查等情况", "V")
DEFAULT_SOURCE = Source(f"{MEASURES_2016}静态风险因素（食品类别、业态）；未评定前的默认等级为本地做法", "U")
SCORE_SOURCE = Source(f"{MEASURES_2016}：风险分值=静态风险因素分值（40分）+动态风险因素分值（60分），分值越高风险越大", "S")
BANDS_SOURCE = Source(f"{MEASURES_2016}：0–30分（含）为A级，30–45分（含）为B级，45–60分（含）为C级，60分以上为D级（分档未核对原文）", "U")
ADJUST_SOURCE = Source(f"{MEASURES_2016}：根据上一年度监督检查、监督抽检、违法行为查处、食品安全事故、召回等情况动态调整风险等级，"
                       "情节严重的下一年度风险等级可调高一个或者两个等级", "S")
WINDOW_SOURCE = Source(f"{MEASURES_2016}：动态风险按上一年度（本平台取评定日前12个月）的情况评定", "S")
OVERRIDE_SOURCE = Source("监管人员可说明理由调整风险等级；调整至下一次年度评定为止，期间事件触发的重新评分只会把等级调高（本地做法）", "U")
WARNING_SOURCE = Source("风险预警：风险分值较上次评定上升达到阈值，或跨入更高风险等级的，列入辖区监管人员的预警清单（阈值为本地做法）", "U")

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


# --- the factor table (seed) ------------------------------------------------------------------------

STATIC, DYNAMIC, ADJUSTMENT = "static", "dynamic", "adjustment"


@dataclass(frozen=True)
class FactorSeed:
    """One row of the factor table: ``points`` maps input values to points, the factor gives
    ``min(cap, weight × raw points)``; for an adjustment ``weight`` is the number of levels it raises."""

    code: str
    kind: str
    name: str
    weight: float
    cap: float
    points: dict[str, Any]
    source: Source
    note: str = ""
    order: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


_HIGH_CATEGORIES = {  # 食品类别: dairy, meat, infant and special-medical formula, raw and cold food carry the most risk
    "104": 15, "105": 15, "129": 15, "128": 15, "127": 12, "130": 12, "122": 12, "109": 10, "111": 10, "110": 10, "119": 10, "125": 10,
    "106": 8, "124": 8, "116": 6, "117": 6, "123": 6, "126": 6, "101": 5, "102": 6, "103": 5, "107": 6, "108": 4, "112": 4, "113": 4,
    "114": 3, "115": 5, "118": 4, "120": 4, "121": 3, "131": 6,
    "B06": 15, "B05": 13, "B04": 10, "B08": 8, "B07": 8, "B03": 8, "B02": 6, "B01": 3,
    "A04": 8, "A06": 8, "A05": 6, "A01": 5, "A02": 4, "A03": 3,
    "*": 5,
}

FACTORS: tuple[FactorSeed, ...] = (
    # static risk (what the business is): at most 40
    FactorSeed("food_category", STATIC, "食品类别风险", 1.0, 15, _HIGH_CATEGORIES,
               Source(f"{MEASURES_2016}静态风险因素：食品类别（按经营范围和许可类别取风险最高者；各类别分值为本地做法）", "U"), order=10),
    FactorSeed("operator_type", STATIC, "经营业态", 1.0, 10,
               {"producer": 9, "workshop": 9, "central_kitchen": 10, "group_meal": 10, "school_canteen": 8, "restaurant": 7, "canteen": 7,
                "wholesaler": 5, "market": 6, "cold_store": 5, "online_platform": 5, "retailer": 3, "vendor": 4, "farm": 3, "*": 5},
               Source(f"{MEASURES_2016}静态风险因素：经营业态；{ORDER_49}第二十一条（各业态分值为本地做法）", "U"), order=20),
    FactorSeed("scale", STATIC, "经营规模", 1.0, 5, {"small": 1, "medium": 3, "large": 5},
               Source(f"{ORDER_49}第二十一条：经营规模（规模越大、影响人群越多，分值越高；分值为本地做法）", "U"), order=30),
    FactorSeed("special_population", STATIC, "供餐对象为特殊人群", 1.0, 10,
               {"type:school_canteen": 10, "type:group_meal": 8, "type:central_kitchen": 8, "category:129": 10, "category:128": 8,
                "name:养老": 10, "name:敬老": 10, "name:老年": 8, "name:幼儿园": 10, "name:托育": 10, "name:托儿": 10, "name:学校": 8,
                "name:医院": 6},
               Source(f"{MEASURES_2016}静态风险因素：学校食堂、托幼机构、养老机构、中央厨房、集体用餐配送等面向特殊人群或大量人群供餐"
                      "（养老机构以名称识别；分值为本地做法）", "U"), order=40),
    # dynamic risk (the last 12 months): at most 60
    FactorSeed("inspections", DYNAMIC, "监督检查结果", 1.0, 15, {"non_compliant": 10, "basically_compliant": 3, "key_failure": 2},
               Source(f"{ORDER_49}第二十一条、第四十一条；{MEASURES_2016}动态风险因素：监督检查结果（每次不符合、基本符合及每个重点项不符合的分值为本地做法）",
                      "U"), order=110),
    FactorSeed("sampling", DYNAMIC, "监督抽检与风险监测", 1.0, 12, {"enforcement": 8, "monitoring": 4, "*": 4},
               Source(f"{MEASURES_2016}动态风险因素：监督抽检不合格（每批次分值为本地做法）；风险监测不合格计分较低", "U"), order=120),
    FactorSeed("disposal", DYNAMIC, "不合格食品核查处置", 1.0, 3, {"late": 3},
               Source("《食品安全抽样检验管理办法》：不合格食品核查处置应在规定期限内完成；逾期或超期未结的每案分值为本地做法", "U"), order=130),
    FactorSeed("penalties", DYNAMIC, "违法行为与行政处罚", 1.0, 10, {"minor": 3, "moderate": 6, "serious": 10},
               Source(f"{MEASURES_2016}动态风险因素：违法行为受到行政处罚；按处罚轻重计分（分值为本地做法）", "U"), order=140),
    FactorSeed("complaints", DYNAMIC, "经核实的投诉举报", 1.0, 4, {"each": 2},
               Source(f"{MEASURES_2016}动态风险因素：投诉举报案件查处情况（每件经核实的投诉分值为本地做法）", "U"), order=150),
    FactorSeed("credit_level", DYNAMIC, "信用风险分类", 1.0, 6, {"A": 0, "B": 2, "C": 4, "D": 6},
               Source(f"{ORDER_49}第二十一条：信用状况；《市场监管总局关于推进企业信用风险分类管理进一步提升监管效能的意见》（A–D类分值为本地做法）", "U"),
               order=160),
    FactorSeed("violation_points", DYNAMIC, "餐饮违法记分", 1.0, 4, {"甲": 0, "乙": 2, "丙": 4, "丁": 4},
               Source("《深圳市餐饮服务违法行为记分管理办法（试行）》（2020）：记分等级作为风险等级评定的依据（分值为本地做法）", "S"), order=170),
    FactorSeed("incidents", DYNAMIC, "食品安全事故", 1.0, 4, {"each": 4},
               Source(f"{MEASURES_2016}动态风险因素：发生食品安全事故（分值为本地做法）", "U"),
               note="事故模块尚未建立：暂无输入，计0分", order=180),
    FactorSeed("recalls", DYNAMIC, "食品召回", 1.0, 2, {"each": 2},
               Source(f"{MEASURES_2016}动态风险因素：不按规定召回或停止经营（分值为本地做法）", "U"),
               note="召回模块尚未建立：暂无输入，计0分", order=190),
    # adjustments: whole grade levels on top of the score
    FactorSeed("listed", ADJUSTMENT, "列入严重违法失信名单", 2, 0, {},
               Source(f"{ADJUST_SOURCE.text}；《市场监管严重违法失信名单管理办法》（市场监管总局令第44号）联合惩戒："
                      "列入名单的提高风险等级（调高等级数为本地做法）", "U"),
               order=210),
    FactorSeed("points_ding", ADJUSTMENT, "餐饮违法记分达到丁级", 1, 0, {},
               Source("《深圳市餐饮服务违法行为记分管理办法（试行）》（2020）：记分达到丁级的，下一年度风险等级可调高一至二级（取一级）", "S"), order=220),
)

# Bands: (grade, lower, upper) — a score s belongs to the band with lower < s <= upper (the first band includes its lower bound; no upper: open).
BANDS: tuple[tuple[str, float, float | None], ...] = (("A", 0, 30), ("B", 30, 45), ("C", 45, 60), ("D", 60, None))


@dataclass(frozen=True)
class ParameterSeed:
    code: str
    name: str
    value: float
    source: Source


PARAMETERS: tuple[ParameterSeed, ...] = (
    ParameterSeed("warning_jump", "风险预警：分值上升阈值", 10, WARNING_SOURCE),
)

WINDOW_MONTHS = 12
# Static risk tiers Ⅰ–Ⅳ from the static score (the targeting model's "static risk category"): upper bounds, inclusive.
STATIC_TIERS: tuple[tuple[str, float], ...] = (("I", 10), ("II", 20), ("III", 30), ("IV", 1e9))
STATIC_TIERS_SOURCE = Source(f"{MEASURES_2016}：静态风险因素量化分值划分为Ⅰ、Ⅱ、Ⅲ、Ⅳ档（各档分值界限为本地做法）", "U")


def static_tier(static_score: float) -> str:
    """The static risk tier Ⅰ–Ⅳ of a static score."""
    for tier, upper in STATIC_TIERS:
        if static_score <= upper:
            return tier
    return STATIC_TIERS[-1][0]


# --- predictive targeting ------------------------------------------------------------------------

TARGETING_MIN_EXAMPLES = 200  # finished inspections needed to train (and at least this many of each outcome below)
TARGETING_MIN_POSITIVES = 10
TARGETING_HOLDOUT_DAYS = 182  # the back-test window (the last half year); shorter histories use a quarter of their span
TARGETING_SOURCE = Source("预测性检查排序：以本平台检查历史训练的模型估计下次检查发现重点项不符合的概率（方法与回测见 bench/RESULTS.md）", "U")


def sources() -> list[tuple[str, Source]]:
    """Every general rule with its source, for the rules page (the factors carry their own)."""
    from django.utils.translation import gettext as _

    return [
        (_("Risk grades A/B/C/D"), GRADING),
        (_("Score: static plus dynamic risk"), SCORE_SOURCE),
        (_("Grade bands"), BANDS_SOURCE),
        (_("Dynamic adjustment"), ADJUST_SOURCE),
        (_("Twelve-month window"), WINDOW_SOURCE),
        (_("Manual override"), OVERRIDE_SOURCE),
        (_("Risk warnings"), WARNING_SOURCE),
        (_("Static risk tiers"), STATIC_TIERS_SOURCE),
        (_("Predictive targeting"), TARGETING_SOURCE),
        (_("Default grade before scoring"), DEFAULT_SOURCE),
    ]
