"""Inbound verification rules (索证索票), as data, each with its legal source and confidence.

Confidence marks follow ``shared/docs/rules.md``: V read in the primary text; S from a secondary
source; U not verified (local practice). A rule marked U can be switched off without a code
change: list its key in the setting ``SHIAN_TRACE_DISABLED_RULES``; the receipt page shows
each flag's source and confidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shian.trace.models import Document

K = Document.Kind

# Edible agricultural products (食用农产品) as seeded in registry.categories (MARA Order 2025 No. 4).
PRODUCE_CATEGORIES = frozenset({"A01", "A02", "A03", "A04", "A05", "A06"})
# Special foods (特殊食品): health food, formula for special medical purposes, infant formula.
SPECIAL_FOOD_CATEGORIES = frozenset({"127", "128", "129"})
# Operator types that grow or raise produce (registry.categories.OPERATOR_TYPES).
FARM_TYPES = frozenset({"farm"})


@dataclass(frozen=True)
class Source:
    """Where a rule comes from."""

    text: str
    confidence: str  # V, S or U


@dataclass(frozen=True)
class SupplierRule:
    """A check on who supplied the goods."""

    key: str
    source: Source


@dataclass(frozen=True)
class DocumentRule:
    """Each matching line needs at least one unexpired document of ``any_of`` concerning its lot.

    A document concerns a line's lot when it was uploaded for that lot (wherever it is attached) or
    is attached to the receipt without naming a lot.
    """

    key: str  # also the flag code when no document is found
    any_of: tuple[str, ...]
    message: Promise  # %(product)s and %(lot)s are filled in
    source: Source
    categories: frozenset[str] | None = None  # None: every category
    excluded_categories: frozenset[str] = frozenset()
    imported_only: bool = False
    from_farm: bool | None = None  # True: only farm suppliers; False: only other suppliers; None: any

    def applies(self, *, category: str, imported: bool, from_farm: bool) -> bool:
        if self.categories is not None and category not in self.categories:
            return False
        if category in self.excluded_categories:
            return False
        if self.imported_only and not imported:
            return False
        return self.from_farm is None or self.from_farm == from_farm


ART_50_53 = Source("《食品安全法》第五十条（食品生产者采购查验许可证和合格证明）、第五十三条（食品经营者采购查验许可证和合格证明）", "S")

# The supplier of packaged or processed food holds a licence valid on the receipt date that covers the category.
SUPPLIER_LICENCE = SupplierRule("supplier_licence", ART_50_53)
# An outside supplier's licence is shown by a copy attached to the receipt.
OUTSIDE_SUPPLIER_LICENCE = SupplierRule("outside_supplier_licence", ART_50_53)
# Selling edible agricultural products needs no licence; farms hand over a produce certificate instead.
PRODUCE_LICENCE_EXEMPT = Source("《食品安全法》第三十五条（销售食用农产品不需要取得许可）；"
                                "《食用农产品承诺达标合格证管理办法》（农业农村部令2025年第4号）", "S")

# Which licensed scope items (registry.categories) cover a product category, beyond the category itself.
# Production categories (1xx) are covered by the same category on an SC licence; sales of prepackaged
# or bulk food (B01/B02) cover the ordinary ones, special foods (127–129) need B03.
SCOPE_COVERS_SOURCE = Source("《食品经营许可和备案管理办法》（市场监管总局令第78号）经营项目分类；对应关系为本地做法", "U")


def covering_scopes(category: str) -> frozenset[str]:
    """The licence scope codes under which a supplier may supply a product of ``category``."""
    covers = {category}
    if category[:1].isdigit():
        covers |= {"B03"} if category in SPECIAL_FOOD_CATEGORIES else {"B01", "B02"}
    return frozenset(covers)


DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    DocumentRule(
        "lot_conformity_missing", (K.TEST_REPORT, K.PRODUCE_CERTIFICATE),
        _("No test report or other certificate of conformity for %(product)s, lot %(lot)s."),
        Source("《食品安全法》第五十条、第五十三条（查验食品出厂检验合格证或者其他合格证明）", "S"),
        excluded_categories=PRODUCE_CATEGORIES,
    ),
    DocumentRule(
        "produce_certificate_missing", (K.PRODUCE_CERTIFICATE,),
        _("The farm supplied %(product)s (lot %(lot)s) without a produce certificate."),
        Source("《食用农产品承诺达标合格证管理办法》（农业农村部令2025年第4号）", "S"),
        categories=PRODUCE_CATEGORIES, from_farm=True,
    ),
    DocumentRule(
        "produce_conformity_missing", (K.PRODUCE_CERTIFICATE, K.TEST_REPORT),
        _("No produce certificate or test report for %(product)s, lot %(lot)s."),
        Source("《食用农产品市场销售质量安全监督管理办法》（市场监管总局令第81号）（查验承诺达标合格证或检验合格证明）", "S"),
        categories=PRODUCE_CATEGORIES, from_farm=False,
    ),
    DocumentRule(
        "quarantine_certificate_missing", (K.QUARANTINE_CERTIFICATE,),
        _("No animal quarantine certificate for %(product)s, lot %(lot)s."),
        Source("《食品安全法》第三十四条第八项（禁止生产经营未按规定进行检疫或者检疫不合格的肉类）", "S"),
        categories=frozenset({"A04"}),
    ),
    DocumentRule(
        "meat_product_quarantine_missing", (K.QUARANTINE_CERTIFICATE,),
        _("No animal quarantine certificate for the meat product %(product)s, lot %(lot)s."),
        Source("肉制品（104）进货查验动物检疫合格证明为本地做法，可关闭", "U"),
        categories=frozenset({"104"}),
    ),
    DocumentRule(
        "customs_declaration_missing", (K.CUSTOMS_DECLARATION,),
        _("No customs declaration for the imported %(product)s, lot %(lot)s."),
        Source("《食品安全法》第九十二条（进口食品随附合格证明材料）；查验进口货物报关单为各地进口冷链食品管理做法", "U"),
        imported_only=True,
    ),
    DocumentRule(
        "inspection_quarantine_certificate_missing", (K.INSPECTION_QUARANTINE_CERTIFICATE,),
        _("No entry inspection and quarantine certificate for the imported %(product)s, lot %(lot)s."),
        Source("《食品安全法》第九十二条（进口食品应当经出入境检验检疫机构检验合格）", "S"),
        imported_only=True,
    ),
)

# Flag codes not produced by a document rule, with their sources (shown on the receipt page).
OTHER_SOURCES: dict[str, Source] = {
    "supplier_licence_missing": ART_50_53,
    "supplier_licence_invalid": ART_50_53,
    "supplier_licence_scope": SCOPE_COVERS_SOURCE,
    "outside_supplier_licence_missing": ART_50_53,
    "document_expired": ART_50_53,
}


def disabled_rules() -> frozenset[str]:
    """Rule keys an administrator switched off (``SHIAN_TRACE_DISABLED_RULES``), e.g. a U-graded one."""
    return frozenset(getattr(settings, "SHIAN_TRACE_DISABLED_RULES", ()))


def document_rules(disabled: Iterable[str] = ()) -> tuple[DocumentRule, ...]:
    off = set(disabled)
    return tuple(r for r in DOCUMENT_RULES if r.key not in off)


def source_of(code: str) -> Source | None:
    """The legal source behind a verification flag code."""
    for rule in DOCUMENT_RULES:
        if rule.key == code:
            return rule.source
    return OTHER_SOURCES.get(code)
