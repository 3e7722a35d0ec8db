"""Cold-chain rules as data, each with its source and confidence (``shared/docs/rules.md``):
V read in the primary text; S from a secondary source; U not verified (local practice), which an
administrator can change in settings without a code change. Pages show each rule's source.

* which certificates a first-stop entry needs before its release (:data:`CERTIFICATE_RULES`),
  switched on or off with ``SHIAN_COLDCHAIN_CERTIFICATES = {"<kind>": True/False}``;
* temperature limits per storage class (:data:`THRESHOLDS`), overridden with
  ``SHIAN_COLDCHAIN_THRESHOLDS = {"chilled": [0, 8]}`` (``None`` for no limit on that side), and a
  tolerance in °C (``SHIAN_COLDCHAIN_TOLERANCE_C``, default 0) added on both sides;
* the platform's own checks on readings (plausible range, clock skew) and on declaration numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shian.trace.models import Document
from shian.trace.rules import Source

K = Document.Kind


class StorageClass:
    """Storage classes of cold-chain food (the values of ``FirstStopEntry.storage_class``)."""

    FROZEN = "frozen"
    CHILLED = "chilled"


@dataclass(frozen=True)
class CertificateRule:
    """A certificate of ``kind`` must be attached, and valid on the day of release, before release."""

    kind: str
    label: Promise
    source: Source
    required_by_default: bool = True


CERTIFICATE_RULES: tuple[CertificateRule, ...] = (
    CertificateRule(
        K.CUSTOMS_DECLARATION, _("Customs declaration"),
        Source("《海关法》第二十四条（进口货物的收货人应当向海关如实申报）；集中监管仓查验进口货物报关单为各地进口冷链食品管理做法", "U"),
    ),
    CertificateRule(
        K.INSPECTION_QUARANTINE_CERTIFICATE, _("Entry inspection and quarantine certificate"),
        Source("《食品安全法》第九十二条（进口的食品应当经出入境检验检疫机构检验合格）；海关出具《入境货物检验检疫证明》", "S"),
    ),
    CertificateRule(
        K.DISINFECTION_CERTIFICATE, _("Disinfection certificate"),
        Source("《进口冷链食品预防性全面消毒工作方案》（国务院联防联控机制，2020年11月）；2023年1月新冠“乙类乙管”后"
               "各地是否仍要求消毒证明未核实，可由管理员关闭", "U"),
    ),
    CertificateRule(
        K.NUCLEIC_ACID_REPORT, _("Nucleic acid test report"),
        Source("进口冷链食品新冠病毒核酸检测要求随2023年1月8日新冠病毒感染“乙类乙管”实施而停止（联防联控机制综发〔2022〕144号）；"
               "默认不要求，如地方重新要求可由管理员开启（“如有要求”）", "U"),
        required_by_default=False,
    ),
)
CERTIFICATE_KINDS: tuple[str, ...] = tuple(r.kind for r in CERTIFICATE_RULES)


def _overrides() -> dict[str, bool]:
    return {str(k): bool(v) for k, v in (getattr(settings, "SHIAN_COLDCHAIN_CERTIFICATES", None) or {}).items()}


def required_certificates() -> tuple[CertificateRule, ...]:
    """The certificate rules in force: the defaults, as changed by ``SHIAN_COLDCHAIN_CERTIFICATES``."""
    changed = _overrides()
    return tuple(r for r in CERTIFICATE_RULES if changed.get(r.kind, r.required_by_default))


def certificate_rule(kind: str) -> CertificateRule | None:
    for rule in CERTIFICATE_RULES:
        if rule.kind == kind:
            return rule
    return None


# --- temperatures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Threshold:
    """The temperature range (°C) a storage class must stay in; ``None``: no limit on that side."""

    storage_class: str
    low: Decimal | None
    high: Decimal | None
    source: Source


GB_31605 = "《食品安全国家标准 食品冷链物流卫生规范》（GB 31605-2020）要求冷链全程温度控制、监测、记录和报警"
THRESHOLDS: dict[str, Threshold] = {
    StorageClass.FROZEN: Threshold(
        StorageClass.FROZEN, None, Decimal("-18"),
        Source(f"{GB_31605}；冷冻食品在≤-18℃条件下储运（GB/T 24616-2019《冷藏、冷冻食品物流包装、标志、运输和储存》术语定义）", "S"),
    ),
    StorageClass.CHILLED: Threshold(
        StorageClass.CHILLED, Decimal("0"), Decimal("4"),
        Source(f"{GB_31605}；0～4℃为冷却肉、冰鲜水产品等冷藏食品的常用做法（GB/T 24616-2019将冷藏食品定义为8℃以下、冻结点以上），"
               "可由管理员调整", "U"),
    ),
}
TOLERANCE_SOURCE = Source("允许偏差（默认0℃）为本地做法，可由管理员设置", "U")

# Platform rules, not law: a reading outside this range is a typing or sensor error, not a temperature.
PLAUSIBLE_LOW = Decimal("-80")
PLAUSIBLE_HIGH = Decimal("60")
# A reading may be stamped a little ahead of the server's clock (device clocks drift); beyond this it is refused.
CLOCK_SKEW = timedelta(minutes=5)
MAX_READINGS_PER_BATCH = 1000


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def threshold_for(storage_class: str) -> Threshold:
    """The range of a storage class, as changed by ``SHIAN_COLDCHAIN_THRESHOLDS``."""
    base = THRESHOLDS[storage_class]
    override = (getattr(settings, "SHIAN_COLDCHAIN_THRESHOLDS", None) or {}).get(storage_class)
    if override is None:
        return base
    low, high = override
    return Threshold(storage_class, _decimal(low), _decimal(high), Source(f"{base.source.text}（管理员已调整）", "U"))


def tolerance() -> Decimal:
    return Decimal(str(getattr(settings, "SHIAN_COLDCHAIN_TOLERANCE_C", 0) or 0))


def limits(storage_class: str) -> tuple[Decimal | None, Decimal | None]:
    """The (low, high) limits a reading is judged against: the range widened by the tolerance."""
    t = threshold_for(storage_class)
    tol = tolerance()
    return (t.low - tol if t.low is not None else None, t.high + tol if t.high is not None else None)


def is_excursion(value: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is not None and value < low) or (high is not None and value > high)


# --- identifiers --------------------------------------------------------------------------------

# 海关编号: 4 digits of the customs office, 4 of the year, the import mark (1, or I on a consolidated
# declaration list; exports have 0 or E) and a 9-digit sequence.
DECLARATION_NUMBER = re.compile(r"^\d{8}[1I]\d{9}$")
DECLARATION_NUMBER_SOURCE = Source("《中华人民共和国海关进出口货物报关单填制规范》（海关总署公告2019年第18号）：报关单海关编号为18位", "S")
