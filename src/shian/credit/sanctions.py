"""Joint sanctions (联合惩戒): the one function every module asks.

``sanctions_for(operator)`` answers for one operator, ``sanctions_for_many(ids)`` for many with one
query. The measures are data in :mod:`shian.credit.rules` (triggers: on the serious-violation list,
credit level D or C, three penalties within 12 months), each with its source; a module applies the
measure it is responsible for:

* licensing: ``no_instant_approval`` — no instant approval (秒批) or commitment approval (告知承诺);
* the inspection plan: ``extra_inspections`` — inspections per year on top of the risk grade's frequency
  (the plan reads it through ``shian.inspection.hooks.extra_frequency``, installed by this app);
* quality brand and honours: ``excluded_from_quality_brand``, ``excluded_from_honours``;
* public pages: ``public_flag`` — show the serious-violation mark.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from shian.credit import rules
from shian.credit.models import CreditRecord
from shian.credit.standing import penalty_window_start

SQLITE_IDS = 20_000


@dataclass(frozen=True)
class Sanctions:
    """The joint-sanction measures that apply to one operator today, with what triggered them."""

    operator_id: int
    level: str = "A"
    listed: bool = False
    no_instant_approval: bool = False
    extra_inspections: int = 0
    excluded_from_quality_brand: bool = False
    excluded_from_honours: bool = False
    public_flag: bool = False
    triggers: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def any(self) -> bool:
        return bool(self.triggers)

    def sources(self) -> list[rules.Source]:
        return [rules.SANCTION_SOURCES[t] for t in self.triggers if t in rules.SANCTION_SOURCES]

    def as_dict(self) -> dict[str, Any]:
        return {"operator_id": self.operator_id, "level": self.level, "listed": self.listed, "no_instant_approval": self.no_instant_approval,
                "extra_inspections": self.extra_inspections, "excluded_from_quality_brand": self.excluded_from_quality_brand,
                "excluded_from_honours": self.excluded_from_honours, "public_flag": self.public_flag, "triggers": list(self.triggers),
                "sources": [rules.as_dict(s) for s in self.sources()]}


def combine(operator_id: int, counts: dict[str, int], *, level_rules: list[tuple[str, dict[str, int]]] | None = None,
            table: dict[str, rules.Measures] | None = None) -> Sanctions:
    """The sanctions for one operator's counts (pure): the level, its triggers and their measures combined.

    ``level_rules`` and ``table`` default to the configured rules (pass them when combining many operators).
    """
    level, _decided_by = rules.level_for(counts, level_rules)
    triggers = rules.triggers_for(level=level, counts=counts)
    table = table if table is not None else rules.sanction_measures()
    measures = [table[t] for t in triggers if t in table]
    return Sanctions(
        operator_id=operator_id,
        level=level,
        listed=counts.get("listing", 0) > 0,
        no_instant_approval=any(m.no_instant_approval for m in measures),
        extra_inspections=max((m.extra_inspections for m in measures), default=0),
        excluded_from_quality_brand=any(m.excluded_from_quality_brand for m in measures),
        excluded_from_honours=any(m.excluded_from_honours for m in measures),
        public_flag=any(m.public_flag for m in measures),
        triggers=tuple(triggers),
        counts=counts,
    )


class SanctionMap(dict[int, Sanctions]):
    """Sanctions by operator id; an id that is not in the map has none (``m[pk]`` always answers)."""

    def __missing__(self, key: int) -> Sanctions:
        return combine(key, dict.fromkeys(rules.COUNT_NAMES, 0))


def counts_for_many(operator_ids: Collection[int] | QuerySet[Any], today: date | None = None) -> dict[int, dict[str, int]]:
    """The level counts of the operators that have records, in one query (the SQL twin of :func:`standing.counts_of`).

    ``operator_ids`` is a list of ids, or a queryset of ids used as a subquery (a whole jurisdiction).
    """
    today = today or timezone.localdate()
    if not isinstance(operator_ids, QuerySet) and connection.vendor == "sqlite" and len(operator_ids) > SQLITE_IDS:
        # SQLite limits the parameters of one statement (32,766): a city-wide list goes in slices there.
        ids_list = list(operator_ids)
        out: dict[int, dict[str, int]] = {}
        for i in range(0, len(ids_list), SQLITE_IDS):
            out.update(counts_for_many(ids_list[i:i + SQLITE_IDS], today))
        return out
    ids = operator_ids if isinstance(operator_ids, QuerySet) else list(operator_ids)
    if connection.vendor == "postgresql" and not isinstance(ids, QuerySet) and len(ids) > 1000:
        # One text parameter and "= ANY(array)" instead of one placeholder per id: ~10x faster for a city-wide list.
        # The SQL is constant; the ids are coerced to int and passed as a parameter.
        in_ids: Any = RawSQL(f"{CreditRecord._meta.db_table}.operator_id = ANY(string_to_array(%s, ',')::bigint[])",  # noqa: S611
                             (",".join(str(int(i)) for i in ids),), output_field=BooleanField())
    else:
        in_ids = Q(operator_id__in=ids)
    effect = Q(effect_until__gt=today, repaired=False)
    window = Q(kind=CreditRecord.Kind.PENALTY, occurred_on__gt=penalty_window_start(today))
    qs = (CreditRecord.objects.filter(in_ids, withdrawn=False, occurred_on__lte=today).filter(effect | window)
          .values("operator_id")
          .annotate(listing=Count("id", filter=effect & Q(kind=CreditRecord.Kind.LISTING)),
                    serious=Count("id", filter=effect & Q(severity="serious") & ~Q(kind=CreditRecord.Kind.LISTING)),
                    moderate=Count("id", filter=effect & Q(severity="moderate") & ~Q(kind=CreditRecord.Kind.LISTING)),
                    minor=Count("id", filter=effect & Q(severity="minor") & ~Q(kind=CreditRecord.Kind.LISTING)),
                    penalties_12m=Count("id", filter=window))
          .order_by())
    return {row["operator_id"]: {name: row[name] for name in rules.COUNT_NAMES} for row in qs}


def sanctions_for_many(operator_ids: Collection[int] | QuerySet[Any], today: date | None = None) -> SanctionMap:
    """The sanctions of many operators in one query.

    The map holds the operators that have records in effect or recent penalties (iterate it to find
    the sanctioned ones); ``m[pk]`` answers for any id, with no sanction for an operator without records.
    """
    out = SanctionMap()
    level_rules, table = rules.level_rules(), rules.sanction_measures()
    seen: dict[tuple[int, ...], Sanctions] = {}  # most operators share a few distinct counts: combine each once
    for pk, counts in counts_for_many(operator_ids, today).items():
        key = tuple(counts.values())
        t = seen.get(key)
        if t is None:
            t = seen[key] = combine(pk, counts, level_rules=level_rules, table=table)
        out[pk] = Sanctions(pk, t.level, t.listed, t.no_instant_approval, t.extra_inspections, t.excluded_from_quality_brand,
                            t.excluded_from_honours, t.public_flag, t.triggers, counts)
    return out


def sanctions_for(operator: Any, today: date | None = None) -> Sanctions:
    """The sanctions of one operator (an ``Operator`` or its id)."""
    pk = operator if isinstance(operator, int) else operator.pk
    return sanctions_for_many([pk], today)[pk]


# --- the inspection module's hooks (installed in CreditConfig.ready) ------------------------------------

def extra_frequency(operator_ids: Collection[int]) -> dict[int, int]:
    """Extra inspections per year, for operators that have any (``shian.inspection.hooks.extra_frequency``)."""
    return {pk: s.extra_inspections for pk, s in sanctions_for_many(operator_ids).items() if s.extra_inspections}


def credit_flags(operator_ids: Collection[int]) -> dict[int, list[str]]:
    """Sanction triggers per operator that has any (``shian.inspection.hooks.credit_flags``)."""
    return {pk: list(s.triggers) for pk, s in sanctions_for_many(operator_ids).items() if s.triggers}
