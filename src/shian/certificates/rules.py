"""Produce certificate rules (承诺达标合格证), as data, each with its legal source and confidence.

Confidence marks follow ``shared/docs/rules.md``: V read in the primary text; S from a secondary
source; U not verified (local practice). An entry-check rule marked U can be switched off
without a code change: list its key in the setting ``SHIAN_CERTIFICATE_DISABLED_RULES``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shian.trace.rules import FARM_TYPES, PRODUCE_CATEGORIES, Source

ORDER = "《农产品质量安全承诺达标合格证管理办法》（农业农村部令2025年第4号，2026年2月1日起施行）"
LAW = "《中华人民共和国农产品质量安全法》（2022年修订）"

# --- scope -------------------------------------------------------------------------------------

# Vegetables (incl. cultivated mushrooms), fruit, fresh tea leaves, livestock and poultry, eggs, farmed
# aquatic products: the registry's food categories A01–A06 (registry.categories).
SCOPE_CATEGORIES: frozenset[str] = PRODUCE_CATEGORIES
SCOPE = Source(f"{ORDER}第三条（蔬菜含人工种植的食用菌、水果、茶鲜叶、畜禽、禽蛋、养殖水产品）", "S")

# --- who issues --------------------------------------------------------------------------------

# An original certificate is issued by the producer that grew or raised the produce: in the registry,
# an operator of type "farm" (种养殖基地). Purchasers, wholesalers and market traders do not issue
# originals; they re-issue after mixing or repacking (below), naming the certificates they hold.
ISSUER_TYPES: frozenset[str] = FARM_TYPES
ISSUER = Source(f"{ORDER}第二条（农产品生产企业、农民专业合作社、农户开具）；{LAW}第三十九条第一款", "S")
# A suspended or cancelled operator may not issue or re-issue.
ISSUER_ACTIVE = Source("经营主体被暂停或注销后不得开具承诺达标合格证为本地做法", "U")

# Mixing (混装) or repacking (分装) by a holder means a new certificate that names the ones received.
REISSUE = Source(f"{LAW}第四十条（收购者对其收购的农产品进行混装或者分装后销售的，应当按照规定开具承诺达标合格证）；"
                 f"{ORDER}第二条（从事农产品收购的单位或者个人）", "S")
# Mixing combines goods from at least two certificates; repacking splits goods of one or more.
MIXING_MIN_PARENTS = 2
# A re-issued certificate's product comes from its parents: its category is one of theirs, and
# (when the units agree) its quantity is at most what was taken from them.
REISSUE_QUANTITY = Source("重新开具的数量不超过所引用原合格证的数量、品类来自原合格证为本平台的一致性检查", "U")

# --- what a certificate holds ------------------------------------------------------------------

FIELDS = Source(f"{ORDER}第十四条（产品名称、数量或重量、开具主体、产地、联系方式、开具日期、承诺事项及承诺依据）", "S")
BASIS = Source(f"{ORDER}第二条、第十四条（依据质量安全控制、自行检测或委托检测结果开具）", "S")
# The commitment printed on every certificate (stored on the certificate as issued).
COMMITMENT_TEXT = "本主体承诺：销售的食用农产品未使用禁用农药、兽药及其他化合物，使用的常规农药、兽药残留不超标，对承诺的真实性负责。"
COMMITMENT = Source(f"{ORDER}第二条；{LAW}第三十九条第一款", "S")

# --- retention ---------------------------------------------------------------------------------

RETENTION_YEARS = 2
RETENTION = Source(f"{ORDER}（开具记录至少保存二年）；本平台不删除合格证，只作废并注明原因", "S")


def retain_until(issued_on: date) -> date:
    """The last day a certificate must be kept: ``RETENTION_YEARS`` after issue (29 February gives 1 March)."""
    try:
        return issued_on.replace(year=issued_on.year + RETENTION_YEARS)
    except ValueError:  # 29 February into a common year: keep it at least two full years
        return date(issued_on.year + RETENTION_YEARS, 3, 1)


# --- market entry check ------------------------------------------------------------------------

ENTRY_CHECK = Source(f"{LAW}第三十九条第二款（农产品批发市场应当建立健全承诺达标合格证查验等制度）", "S")
# Who checks at the gate: operators of type "market" (集中交易市场, including wholesale markets).
CHECKER_TYPES: frozenset[str] = frozenset({"market"})


@dataclass(frozen=True)
class EntryRule:
    """One reason a certificate is refused at market entry."""

    key: str  # also the reason code stored on the check
    message: Promise
    source: Source


ENTRY_RULES: tuple[EntryRule, ...] = (
    EntryRule("code_unknown", _("No produce certificate with this code was issued on the platform."), ENTRY_CHECK),
    EntryRule("revoked", _("The certificate was revoked by its issuer."), RETENTION),
    EntryRule("out_of_scope", _("The product's category is not one that produce certificates cover."), SCOPE),
    EntryRule("issued_in_future", _("The certificate's issue date is after the day of the check."), FIELDS),
    EntryRule("quantity_exceeds", _("More was presented than the certificate still covers."),
              Source("同一合格证在各市场入场时累计申报数量不得超过合格证数量为本地做法", "U")),
    EntryRule("parent_revoked", _("A certificate it was re-issued from has been revoked."),
              Source("原合格证被作废的，据其重新开具的合格证入场不予通过为本地做法", "U")),
)
_BY_KEY = {r.key: r for r in ENTRY_RULES}


def entry_rule(key: str) -> EntryRule | None:
    return _BY_KEY.get(key)


def disabled_rules() -> frozenset[str]:
    """Entry rule keys an administrator switched off (``SHIAN_CERTIFICATE_DISABLED_RULES``): only U-graded ones count."""
    keys = frozenset(getattr(settings, "SHIAN_CERTIFICATE_DISABLED_RULES", ()))
    return frozenset(k for k in keys if k in _BY_KEY and _BY_KEY[k].source.confidence == "U")


def enabled(key: str, disabled: Iterable[str] | None = None) -> bool:
    return key not in (disabled_rules() if disabled is None else frozenset(disabled))

