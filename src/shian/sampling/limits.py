"""Finding the limit that applies to a test item: the limits table, loaded once per post.

A laboratory names an item by its code (``chlorpyrifos``) or its Chinese name (毒死蜱), or gives a
limit row's id. Without an id, the limit is the one set for the sample's food group or, failing that,
for the nearest parent group (芹菜 → 叶菜类蔬菜 → 新鲜蔬菜), as the standards apply them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shian.sampling import judgement
from shian.sampling.models import FoodGroup, Limit


@dataclass
class LimitIndex:
    """The active limits by (food group, item code), the food group tree and item names."""

    by_food: dict[tuple[int, str], Limit] = field(default_factory=dict)
    by_id: dict[int, Limit] = field(default_factory=dict)
    parents: dict[int, int | None] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # item name or code -> item code

    class Unknown(ValueError):
        def __init__(self, message: str, code: str) -> None:
            super().__init__(message)
            self.message = message
            self.code = code

    @classmethod
    def load(cls) -> LimitIndex:
        """Two queries: every limit (active or not, for explicit ids) and every food group."""
        index = cls()
        for limit in Limit.objects.select_related("food_group"):
            index.by_id[limit.pk] = limit
            if limit.active:
                index.by_food[(limit.food_group_id, limit.item_code)] = limit
            index.codes[limit.item_code.lower()] = limit.item_code
            index.codes[limit.item.lower()] = limit.item_code
        index.parents = dict(FoodGroup.objects.values_list("id", "parent_id"))
        return index

    def code_of(self, name: str) -> str:
        """The item code for a name or code (an unknown item keeps its own name as its code)."""
        key = name.strip().lower()
        return self.codes.get(key, name.strip()[:48])

    def find(self, name: str, food_group_id: int, limit_id: int | None = None) -> Limit | None:
        """The limit for the item in the food group (walking up the groups), the row named by ``limit_id``, or None."""
        if limit_id is not None:
            limit = self.by_id.get(limit_id)
            if limit is None or not limit.active:
                raise self.Unknown(_("Limit %(id)s does not exist or is no longer in use.") % {"id": limit_id}, "limit_unknown")
            if name.strip() and self.code_of(name) != limit.item_code:
                raise self.Unknown(_("Limit %(id)s is for %(item)s, not %(name)s.") % {"id": limit_id, "item": limit.item, "name": name},
                                   "limit_mismatch")
            return limit
        if not name.strip():
            raise self.Unknown(_("Name the test item."), "item_required")
        code = self.code_of(name)
        group: int | None = food_group_id
        seen: set[int] = set()
        while group is not None and group not in seen:
            seen.add(group)
            limit = self.by_food.get((group, code))
            if limit is not None:
                return limit
            group = self.parents.get(group)
        return None

    @staticmethod
    def spec(limit: Limit | None) -> judgement.Limit | None:
        """The limit as the judgement's plain data."""
        if limit is None:
            return None
        return judgement.Limit(unit=limit.unit, value=limit.value, n=limit.n, c=limit.c, m=limit.m, M=limit.big_m, density=limit.density)
