"""Credit rules as data, each with its legal source and confidence.

Marks follow ``shared/docs/rules.md``: V read in the primary text; S from a secondary source;
U not verified (local practice: configurable, and shown as such on the pages). Settings override
the numbers without a code change:

* ``SHIAN_CREDIT_PERIODS``: ``{"penalty/moderate": [effect, display, repair_after], ...}`` in months
  (``display`` ``null``: never published; ``repair_after`` ``null``: no repair needed or possible);
* ``SHIAN_CREDIT_LEVEL_RULES``: ``[["D", {"listing": 1}], ["C", {"serious": 1, "moderate": 2}], ...]``
  (first match wins; a level matches when any of its counts is reached; the last level is the default);
* ``SHIAN_CREDIT_PUBLIC_LEVEL``: show the credit level on the public profile (default no);
* ``SHIAN_CREDIT_REPAIR_DECISION_DAYS``: working days to decide a repair application (Order 107: 7; Shenzhen: 3);
* ``SHIAN_CREDIT_LISTING_YEARS``: years after which a listing ends automatically (3);
* ``SHIAN_CREDIT_EXTRA_INSPECTIONS``: ``{"listed": 2, "level_C": 1, ...}`` extra inspections per year;
* ``SHIAN_CREDIT_POINT_GRADES``: ``[[25, "丁"], [20, "丙"], [10, "乙"], [0, "甲"]]``;
* ``SHIAN_CREDIT_HYGIENE_CUTOFFS``: ``[[90, "A"], [75, "B"], [60, "C"]]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    """Where a rule comes from."""

    text: str
    confidence: str  # V, S or U


FSL = "《中华人民共和国食品安全法》（2021年修正）"
ORDER_44 = "《市场监督管理严重违法失信名单管理办法》（市场监管总局令第44号，2021）"
ORDER_45 = "《市场监督管理行政处罚信息公示规定》（市场监管总局令第45号）"
ORDER_49 = "《食品生产经营监督检查管理办法》（市场监管总局令第49号）"
ORDER_107 = "市场监管总局令第107号（信用修复，2025年12月25日施行）"
CLASSIFICATION = "《市场监管总局关于推进企业信用风险分类管理进一步提升监管效能的意见》（国市监信发〔2022〕6号）"
SHENZHEN_POINTS = "《深圳市餐饮服务违法行为记分管理办法（试行）》（2020）"
HYGIENE = "餐饮服务食品安全量化分级管理（动态等级与年度等级；年度等级分值为征求意见稿）"

# --- kinds and severities ------------------------------------------------------------------------

NEGATIVE_KINDS = ("inspection", "sampling", "penalty", "complaint", "listing")
POSITIVE_KINDS = ("commitment", "award")
AUTOMATIC_KINDS = ("inspection", "sampling")  # written by the sync from the inspection and sampling modules
MANUAL_KINDS = ("penalty", "complaint", "commitment", "award")  # entered by people (listing records come from a listing decision)
SEVERITIES = ("minor", "moderate", "serious")

RECORDS_SOURCE = Source(f"{FSL}第一百一十三条：建立食品生产经营者食品安全信用档案，记录许可颁发、日常监督检查结果、违法行为查处等情况", "V")
INSPECTION_TO_CREDIT = Source(f"{ORDER_49}第四十一条：监督检查结果记入食品生产经营者食品安全信用档案", "V")
PENALTY_DISCLOSURE = Source(f"{ORDER_45}：行政处罚信息自作出决定之日起20个工作日内公示；简易程序（轻微）处罚公示期3个月，其他3年", "V")


@dataclass(frozen=True)
class Period:
    """How long a record counts for the credit level, is shown publicly and when it may be repaired (months)."""

    effect_months: int
    display_months: int | None  # None: never shown publicly
    repair_after_months: int | None  # None: no application needed (display ends on its own) or not repairable
    source: Source


_MINOR = Source(f"{ORDER_107}：轻微失信信息不予公示，或公示满3个月自动停止公示，无需申请修复；{ORDER_45}：简易程序处罚公示3个月", "S")
_MODERATE = Source(f"{ORDER_107}：一般失信信息公示期3个月至1年，公示满3个月后可申请信用修复（公示期取上限1年为本地做法）", "S")
_SERIOUS = Source(f"{ORDER_107}：严重失信信息公示期1年至3年，公示满1年后可申请信用修复，满3年自动停止公示", "S")
_COMPLAINT = Source("经核实的投诉举报记入信用档案供监管内部使用、不对外公示（本地做法）", "U")
_COMMITMENT = Source("信用承诺（告知承诺、主动承诺）记入信用档案并公示，有效期1年（本地做法）", "U")
_AWARD = Source("表彰奖励等良好信用信息公示3年（本地做法）", "U")
_LISTING = Source(f"{ORDER_44}：列入严重违法失信名单满1年可申请提前移出；移出期限3年为本地配置", "U")

# (kind, severity) -> period; "*" matches any kind. The most specific entry wins.
PERIODS: dict[str, Period] = {
    "*/minor": Period(3, 3, None, _MINOR),
    "*/moderate": Period(12, 12, 3, _MODERATE),
    "*/serious": Period(36, 36, 12, _SERIOUS),
    "complaint/minor": Period(3, None, None, _COMPLAINT),
    "complaint/moderate": Period(12, None, None, _COMPLAINT),
    "complaint/serious": Period(36, None, None, _COMPLAINT),
    "commitment/": Period(12, 12, None, _COMMITMENT),
    "award/": Period(36, 36, None, _AWARD),
    "listing/serious": Period(36, 36, 12, _LISTING),
}


def _period_overrides() -> dict[str, Period]:
    out = {}
    for key, value in getattr(settings, "SHIAN_CREDIT_PERIODS", {}).items():
        effect, display, repair = value
        base = PERIODS.get(key) or PERIODS.get("*/" + key.split("/", 1)[-1])
        source = Source("本地配置（SHIAN_CREDIT_PERIODS）" + (f"；原规则：{base.source.text}" if base else ""), "U")
        out[key] = Period(int(effect), None if display is None else int(display), None if repair is None else int(repair), source)
    return out


def period_key(kind: str, severity: str) -> str:
    """The key of the period rule that applies to a record of ``kind`` and ``severity``."""
    table = {**PERIODS, **_period_overrides()}
    for key in (f"{kind}/{severity}", f"*/{severity}"):
        if key in table:
            return key
    raise KeyError(f"no credit period rule for {kind}/{severity}")


def period_for(kind: str, severity: str) -> Period:
    """The period rule of a record (the table overridden by ``SHIAN_CREDIT_PERIODS``)."""
    table = {**PERIODS, **_period_overrides()}
    return table[period_key(kind, severity)]


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


# --- severity of facts from other modules ---------------------------------------------------------

SEVERITY_SOURCE = Source("检查结果“不符合”且有重点项不符合记为一般失信，仅一般项不符合记为轻微；抽检（监督抽检）最终结论不合格记为一般失信"
                         "（分级为本地做法）", "U")


def inspection_severity(result: str, key_failures: int) -> str | None:
    """The credit severity of a closed inspection, or None when it gives no negative record."""
    if result != "non_compliant":
        return None
    return "moderate" if key_failures > 0 else "minor"


def sampling_severity(conclusion: str, purpose: str) -> str | None:
    """The credit severity of a sample's final conclusion (monitoring samples never count)."""
    if purpose != "enforcement" or conclusion != "nonconforming":
        return None
    return "moderate"


# --- credit level ---------------------------------------------------------------------------------

LEVELS = ("A", "B", "C", "D")
LEVEL_LABELS: dict[str, Promise] = {
    "A": _("A · low credit risk"), "B": _("B · ordinary credit risk"), "C": _("C · higher credit risk"), "D": _("D · high credit risk"),
}
LEVEL_SOURCE = Source(f"{CLASSIFICATION}：按信用风险分为低（A类）、一般（B类）、较高（C类）、高（D类）四类；各类的判定门槛为本地做法", "U")
# Counts the rules look at: records in effect (not repaired, not withdrawn) by severity, the active listing,
# and penalties decided in the last 12 months (Food Safety Law Art 134).
COUNT_NAMES: dict[str, Promise] = {
    "listing": _("on the serious-violation list"),
    "serious": _("serious records in effect"),
    "moderate": _("moderate records in effect"),
    "minor": _("minor records in effect"),
    "penalties_12m": _("penalties in the last 12 months"),
}
LEVEL_RULES: list[tuple[str, dict[str, int]]] = [
    ("D", {"listing": 1}),
    ("C", {"serious": 1, "moderate": 2, "penalties_12m": 3}),
    ("B", {"moderate": 1, "minor": 2}),
    ("A", {}),
]
ART_134 = Source(f"{FSL}第一百三十四条：一年内累计三次因违法受到责令停产停业、吊销许可证以外处罚的，责令停产停业，直至吊销许可证", "V")


def level_rules() -> list[tuple[str, dict[str, int]]]:
    """The level rules, first match wins (overridden by ``SHIAN_CREDIT_LEVEL_RULES``)."""
    raw = getattr(settings, "SHIAN_CREDIT_LEVEL_RULES", None)
    if not raw:
        return LEVEL_RULES
    return [(str(level), {str(k): int(v) for k, v in conditions.items()}) for level, conditions in raw]


def level_for(counts: dict[str, int], table: list[tuple[str, dict[str, int]]] | None = None) -> tuple[str, list[str]]:
    """The level the counts give, and the names of the counts that decided it (pure; ``table`` defaults to :func:`level_rules`)."""
    rules = table if table is not None else level_rules()
    for level, conditions in rules:
        met = [name for name, threshold in conditions.items() if counts.get(name, 0) >= threshold]
        if met:
            return level, met
    return rules[-1][0], []


def public_level() -> bool:
    """Whether the public profile shows the credit level."""
    return bool(getattr(settings, "SHIAN_CREDIT_PUBLIC_LEVEL", False))


PUBLIC_LEVEL_SOURCE = Source(f"{CLASSIFICATION}：信用风险分类结果主要用于内部监管，对外公示与否为本地做法", "U")

# --- joint sanctions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measures:
    """The measures one trigger brings; several triggers combine (any / the largest number)."""

    no_instant_approval: bool = False
    extra_inspections: int = 0
    excluded_from_quality_brand: bool = False
    excluded_from_honours: bool = False
    public_flag: bool = False


SANCTION_SOURCES: dict[str, Source] = {
    "listed": Source(f"{ORDER_44}第十三条：列入名单的，列为重点监管对象、提高检查频次，不适用告知承诺制，不予授予荣誉称号等表彰奖励，"
                     "并通过国家企业信用信息公示系统公示；不得参评品质品牌为本地做法；增加检查次数的数目为本地做法", "S"),
    "level_D": Source(f"{CLASSIFICATION}：对D类企业提高抽查比例和频次，依法依规实施严管和惩戒（措施组合为本地做法）", "U"),
    "level_C": Source(f"{FSL}第一百一十三条：对有不良信用记录的食品生产经营者增加监督检查频次（增加1次为本地做法）", "V"),
    "penalties_12m": ART_134,
}
SANCTION_MEASURES: dict[str, Measures] = {
    "listed": Measures(no_instant_approval=True, extra_inspections=2, excluded_from_quality_brand=True, excluded_from_honours=True, public_flag=True),
    "level_D": Measures(no_instant_approval=True, extra_inspections=2, excluded_from_quality_brand=True, excluded_from_honours=True),
    "level_C": Measures(extra_inspections=1, excluded_from_quality_brand=True),
    "penalties_12m": Measures(no_instant_approval=True, extra_inspections=1),
}
TRIGGER_LABELS: dict[str, Promise] = {
    "listed": _("on the serious-violation list"),
    "level_D": _("credit level D"),
    "level_C": _("credit level C"),
    "penalties_12m": _("three or more penalties within 12 months"),
}


def sanction_measures() -> dict[str, Measures]:
    """Measures per trigger; ``SHIAN_CREDIT_EXTRA_INSPECTIONS`` overrides the extra inspections."""
    extra = getattr(settings, "SHIAN_CREDIT_EXTRA_INSPECTIONS", {})
    out = {}
    for trigger, m in SANCTION_MEASURES.items():
        out[trigger] = Measures(m.no_instant_approval, int(extra.get(trigger, m.extra_inspections)), m.excluded_from_quality_brand,
                                m.excluded_from_honours, m.public_flag)
    return out


def triggers_for(*, level: str, counts: dict[str, int]) -> list[str]:
    """The sanction triggers that apply (pure)."""
    out = []
    if counts.get("listing", 0) > 0:
        out.append("listed")
    if level == "D":
        out.append("level_D")
    if level == "C":
        out.append("level_C")
    if counts.get("penalties_12m", 0) >= 3:
        out.append("penalties_12m")
    return out


# --- serious-violation list and credit repair ------------------------------------------------------

LISTING_GROUNDS: dict[str, Promise] = {
    "aggravated_fine": _("Fine imposed at the heavier end (从重罚款)"),
    "licence_revoked": _("Licence revoked"),
    "closure": _("Ordered to close or suspend business"),
    "practice_restriction": _("Restriction on practice (industry ban)"),
}
LISTING_GROUND_SOURCE = Source(f"{ORDER_44}第二条、第九条：因严重违法受到较重行政处罚（从重罚款、吊销许可证、责令关闭或停产停业、限制从业等）的，"
                               "列入严重违法失信名单", "S")
LISTING_YEARS = 3
EARLY_REMOVAL_MONTHS = 12
REMOVAL_SOURCE = Source(f"{ORDER_44}第十六条、第十七条：列入满1年，已履行行政处罚义务、消除危害后果且未再受到较重行政处罚的，可申请提前移出；"
                        "满3年自动移出（3年为本地配置）", "S")


def listing_years() -> int:
    return int(getattr(settings, "SHIAN_CREDIT_LISTING_YEARS", LISTING_YEARS))


REPAIR_SOURCE = Source(f"{ORDER_107}：已履行法定义务、消除不良影响、公示满最短期限且未再受到行政处罚的，可申请信用修复；"
                       "修复后停止公示，信息仍保存在信用档案中", "S")
REPAIR_DECISION_DAYS = 7
REPAIR_DECISION_SOURCE = Source(f"{ORDER_107}：自受理之日起7个工作日内作出决定（《深圳经济特区社会信用条例》为3个工作日）", "S")
# A new penalty of these severities since the record blocks its repair (and restarts the minimum period).
BLOCKING_PENALTY = ("moderate", "serious")
NEW_PENALTY_SOURCE = Source(f"{ORDER_107}：申请修复时未再受到（较重）行政处罚；新处罚后自新处罚之日重新计算最短公示期为本地做法", "U")


def repair_decision_days() -> int:
    return int(getattr(settings, "SHIAN_CREDIT_REPAIR_DECISION_DAYS", REPAIR_DECISION_DAYS))


# --- restaurant violation points (餐饮违法记分) --------------------------------------------------------

CATERING_TYPES = frozenset({"restaurant", "canteen", "school_canteen", "central_kitchen", "group_meal"})
POINT_VALUES = (1, 2, 5)
POINTS_SOURCE = Source(f"{SHENZHEN_POINTS}：每项违法行为记5分、2分或1分；记分周期为自许可之日起12个月（2020年后是否仍有效未核实）", "S")
POINT_GRADES: list[tuple[int, str]] = [(25, "丁"), (20, "丙"), (10, "乙"), (0, "甲")]
GRADE_SOURCE = Source(f"{SHENZHEN_POINTS}：周期开始为甲级；满10分为乙级，满20分为丙级，满25分为丁级", "S")
GRADE_CONSEQUENCES: dict[str, tuple[Promise, Source]] = {
    "甲": (_("No measure."), GRADE_SOURCE),
    "乙": (_("Warning interview with the person in charge and a follow-up inspection."), Source("乙级的处理措施为本地做法（未核实）", "U")),
    "丙": (_("Focused inspection and an interview; the operator must submit a rectification report."), Source("丙级的处理措施为本地做法（未核实）", "U")),
    "丁": (_("Premises sealed for rectification and the grade published; next year's risk grade may be raised by one or two levels."),
          Source(f"{SHENZHEN_POINTS}：满25分查封经营场所并向社会公布；次年风险等级可上调1–2级", "S")),
}
# Points written automatically from other modules' facts (catering operators only).
AUTO_POINTS_SOURCE = Source("检查重点项不符合每项记2分；监督抽检不合格记2分；行政处罚按轻微/一般/严重记1/2/5分（对应关系为本地做法）", "U")
POINTS_PER_KEY_FAILURE = 2
POINTS_PER_NONCONFORMING_SAMPLE = 2
POINTS_PER_PENALTY = {"minor": 1, "moderate": 2, "serious": 5}


def point_grades() -> list[tuple[int, str]]:
    raw = getattr(settings, "SHIAN_CREDIT_POINT_GRADES", None)
    return sorted(((int(n), str(g)) for n, g in raw), reverse=True) if raw else POINT_GRADES


def points_grade(total: int) -> str:
    """甲/乙/丙/丁 for the points of a cycle (pure)."""
    for threshold, grade in point_grades():
        if total >= threshold:
            return grade
    return point_grades()[-1][1]


def points_cycle(licence_issued_on: date | None, today: date) -> tuple[date, date]:
    """The 12-month cycle containing ``today``: from the licence date's anniversary (1 January without a licence)."""
    anchor = licence_issued_on or date(today.year, 1, 1)
    if anchor > today:
        return anchor, add_months(anchor, 12)
    years = today.year - anchor.year
    start = add_months(anchor, 12 * years)
    if start > today:
        start = add_months(anchor, 12 * (years - 1))
    return start, add_months(start, 12)


# --- hygiene grades (量化分级) -----------------------------------------------------------------------

DYNAMIC_GRADES: dict[str, str] = {"compliant": "laugh", "basically_compliant": "smile", "non_compliant": "flat"}
DYNAMIC_LABELS: dict[str, Promise] = {"laugh": _("Big smile (excellent)"), "smile": _("Smile (good)"), "flat": _("Flat face (fair)")}
DYNAMIC_SOURCE = Source(f"{HYGIENE}：每次监督检查后评定动态等级（大笑/微笑/平脸）；检查结果与表情的对应关系为本地做法", "U")
NEW_LICENCE_QUIET_MONTHS = 3
QUIET_SOURCE = Source(f"{HYGIENE}：新取得许可证的3个月内不评定动态等级", "S")
HYGIENE_CUTOFFS: list[tuple[int, str]] = [(90, "A"), (75, "B"), (60, "C")]
ANNUAL_SOURCE = Source(f"{HYGIENE}：年度等级按12个月内的检查评定，A级≥90分、B级75–90分、C级60–75分（征求意见稿分值；60分以下不评级为本地做法）", "S")
INSPECTION_SCORE_SOURCE = Source("每次检查的分值：符合100分、基本符合85分、不符合70分且每个重点项不符合减5分（本地做法）", "U")


def hygiene_cutoffs() -> list[tuple[int, str]]:
    raw = getattr(settings, "SHIAN_CREDIT_HYGIENE_CUTOFFS", None)
    return sorted(((int(n), str(g)) for n, g in raw), reverse=True) if raw else HYGIENE_CUTOFFS


def inspection_score(result: str, key_failures: int) -> int:
    """The hygiene score of one inspection (pure)."""
    if result == "compliant":
        return 100
    if result == "basically_compliant":
        return 85
    return max(0, 70 - 5 * key_failures)


def annual_grade(score: float | Decimal) -> str:
    """A/B/C for an annual score, or "" below the lowest cut-off (pure)."""
    for cutoff, grade in hygiene_cutoffs():
        if score >= cutoff:
            return grade
    return ""


# --- the rules page -------------------------------------------------------------------------------

def sources() -> list[tuple[Promise | str, Source]]:
    """Every rule with its source, for the rules section of the pages."""
    out: list[tuple[Promise | str, Source]] = [
        (_("Credit file"), RECORDS_SOURCE),
        (_("Inspection results in the credit file"), INSPECTION_TO_CREDIT),
        (_("Severity of inspection and sampling records"), SEVERITY_SOURCE),
        (_("Penalty disclosure"), PENALTY_DISCLOSURE),
    ]
    seen = set()
    for key, period in {**PERIODS, **_period_overrides()}.items():
        if period.source.text not in seen:
            seen.add(period.source.text)
            out.append((_("Display period (%(rule)s)") % {"rule": key}, period.source))
    out += [
        (_("Credit level"), LEVEL_SOURCE),
        (_("Credit level on the public profile"), PUBLIC_LEVEL_SOURCE),
        *[(TRIGGER_LABELS[k], s) for k, s in SANCTION_SOURCES.items()],
        (_("Serious-violation list: grounds"), LISTING_GROUND_SOURCE),
        (_("Serious-violation list: removal"), REMOVAL_SOURCE),
        (_("Credit repair"), REPAIR_SOURCE),
        (_("Credit repair: decision deadline"), REPAIR_DECISION_SOURCE),
        (_("Credit repair: new penalties"), NEW_PENALTY_SOURCE),
        (_("Violation points"), POINTS_SOURCE),
        (_("Violation point grades"), GRADE_SOURCE),
        (_("Points from inspections, sampling and penalties"), AUTO_POINTS_SOURCE),
        (_("Dynamic hygiene grade"), DYNAMIC_SOURCE),
        (_("No dynamic grade after a new licence"), QUIET_SOURCE),
        (_("Annual hygiene grade"), ANNUAL_SOURCE),
        (_("Inspection score"), INSPECTION_SCORE_SOURCE),
    ]
    return out


def as_dict(source: Source) -> dict[str, Any]:
    return {"text": source.text, "confidence": source.confidence}
