"""Sampling rules (抽样检验) as data, each with its legal source and confidence.

Confidence marks follow ``shared/docs/rules.md``: V read in the primary text; S from a secondary
source; U not verified (local practice). Deadlines in working days count like every legal deadline
(:func:`shian.core.calendar.add_working_days`: the start day itself is not counted). A rule marked
U can be changed without a code change: the disposal deadline through ``SHIAN_SAMPLING_DISPOSAL_DAYS``
and the refusal of re-tests for microbial results through ``SHIAN_SAMPLING_DISABLED_RULES``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Source:
    """Where a rule comes from."""

    text: str
    confidence: str  # V, S or U


@dataclass(frozen=True)
class Number:
    """A number the platform applies, with its source."""

    value: int
    source: Source


ORDER_15 = "《食品安全抽样检验管理办法》（市场监管总局令第15号，2019年）"
LAW_ART_88 = Source("《食品安全法》（2021年修正）第八十八条：对检验结论有异议的，食品生产经营者可以自收到检验结论之日起七个工作日内"
                    "提出复检申请；复检机构在公布的复检机构名录中随机确定；复检机构与初检机构不得为同一机构；复检结论为最终检验结论", "V")
LAW_ART_87 = Source("《食品安全法》第八十七条：抽样检验应当购买抽取的样品，不收取检验费和其他费用", "V")

# The sampling unit delivers the sample to the laboratory within 5 working days of sampling.
RECEIVE_WORKING_DAYS = Number(5, Source(f"{ORDER_15}：样品应当在抽样后5个工作日内送达承检机构", "S"))
# The laboratory reports within 20 working days of receiving the sample.
REPORT_WORKING_DAYS = Number(20, Source(f"{ORDER_15}：承检机构应当自收到样品之日起20个工作日内出具检验报告", "S"))
# A non-conforming result is notified to the operator and its regulator within 2 working days.
NOTIFY_WORKING_DAYS = Number(2, Source(f"{ORDER_15}：不合格检验结论在2个工作日内通报（送达被抽样经营者并报告其所在地监管部门）", "S"))
# The operator may apply for a re-test within 7 working days of receiving the result.
RETEST_APPLY_WORKING_DAYS = Number(7, LAW_ART_88)
# Disposal (核查处置) closed within 90 days of the non-conforming result (local practice; configurable).
DISPOSAL_DAYS = Number(90, Source(f"{ORDER_15}（核查处置）；90日办结时限为本地做法，可由管理员通过 SHIAN_SAMPLING_DISPOSAL_DAYS 调整", "U"))

# Plan targets (seed 004): at least 7 batches per 1000 residents a year, 98% pass rate,
# every producer and every central market sampled, every non-conforming result disposed.
BATCHES_PER_1000 = Number(7, Source("项目种子004：食品抽检量每年不少于7批次/千人（地方考核目标）", "S"))
PASS_RATE_TARGET = Number(98, Source("项目种子004：抽检合格率不低于98%（地方考核目标）", "S"))
COVERAGE_TARGET = Number(100, Source("项目种子004：食品生产企业、集中交易市场抽检覆盖率100%（地方考核目标）", "S"))
PRODUCER_TYPES = ("producer",)
MARKET_TYPES = ("market",)

# A result posted for microbial indicators cannot be re-tested (Order 15: 微生物指标不合格的不予复检).
NO_RETEST_MICROBIAL = "no_retest_microbial"
NO_RETEST_MICROBIAL_SOURCE = Source(f"{ORDER_15}：检验结论为微生物指标不合格的，不予复检（条款号未核对）", "U")

# Who may be a sampler: at least two law-enforcement staff take a sample.
MIN_SAMPLERS = Number(2, Source(f"{ORDER_15}：抽样人员不得少于2名", "S"))


def disposal_days() -> int:
    """Calendar days allowed for a disposal case (``SHIAN_SAMPLING_DISPOSAL_DAYS``, default 90)."""
    return int(getattr(settings, "SHIAN_SAMPLING_DISPOSAL_DAYS", DISPOSAL_DAYS.value))


def disabled_rules() -> frozenset[str]:
    """Rule keys an administrator switched off (``SHIAN_SAMPLING_DISABLED_RULES``), e.g. a U-graded one."""
    return frozenset(getattr(settings, "SHIAN_SAMPLING_DISABLED_RULES", ()))
