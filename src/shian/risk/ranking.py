"""The pending-inspection list ordered by the targeting model: who is due, how likely a failed key item, and why.

:func:`ranked_pending` takes the principal's pending inspections (:func:`shian.risk.selectors.pending_inspections`),
maps them and their history into the model's form (:mod:`shian.risk.history`) and ranks them with the model in
use (:func:`shian.risk.retrain.active_model`). Without a model the list keeps the plan's order (due month).

The whole ranked list is cached for ``CACHE_SECONDS`` per jurisdiction, quarter, day and model, as plain
tuples: a city's list (23,149 operators due at 100,000 operators) took 0.7 s to read and rebuild on every
page even with the ranking cached. Each hit drops the items whose inspection has closed since the list was
built (one indexed query on ``closed_at``), so a closed inspection leaves the list at once (one closed with an
earlier ``closed_at``, as a backdated import does, when the cache expires); a new plan
or an operator's change of status shows when the cache expires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

from django.core.cache import cache
from django.utils import timezone

from shian.core import access
from shian.core.access import Principal
from shian.risk import history, retrain, selectors
from shian.risk.models import TargetingModelVersion
from shian.risk.targeting import Reason

CACHE_SECONDS = 600
REASONS = 3


@dataclass(frozen=True)
class RankedPending:
    pending: selectors.Pending
    probability: float | None
    reasons: tuple[Reason, ...]


def _key(principal: Principal, today: date, quarter: int | None, sha: str) -> str:
    who = f"{principal.role}|{principal.jurisdiction_path}|{principal.organisation_id}|{quarter}|{today.isoformat()}|{sha}"
    return "risk:ranked:" + hashlib.sha256(who.encode()).hexdigest()[:32]


def _plain(rows: list[RankedPending]) -> list[tuple[Any, ...]]:
    return [(tuple(vars(r.pending).values()), r.probability, tuple((x.feature, x.contribution, x.value) for x in r.reasons)) for r in rows]


class _Rows(Sequence[RankedPending]):
    """The cached plain rows, read as :class:`RankedPending` only where used (a page of 50, not 23,000)."""

    def __init__(self, plain: list[tuple[Any, ...]]) -> None:
        self._plain = plain

    def __len__(self) -> int:
        return len(self._plain)

    @overload
    def __getitem__(self, index: int) -> RankedPending: ...

    @overload
    def __getitem__(self, index: slice) -> list[RankedPending]: ...

    def __getitem__(self, index: int | slice) -> RankedPending | list[RankedPending]:
        if isinstance(index, slice):
            return [_row(x) for x in self._plain[index]]
        return _row(self._plain[index])


def _row(plain: tuple[Any, ...]) -> RankedPending:
    pending, probability, reasons = plain
    return RankedPending(selectors.Pending(*pending), probability, tuple(Reason(*x) for x in reasons))


def _rows(plain: list[tuple[Any, ...]], closed: set[int]) -> Sequence[RankedPending]:
    return _Rows([row for row in plain if row[0][3] not in closed] if closed else plain)


def _closed_since(since: Any) -> set[int]:
    """Plan items whose inspection closed at or after ``since``."""
    from shian.inspection.models import Inspection

    return set(Inspection.objects.filter(status=Inspection.Status.CLOSED, closed_at__gte=since, plan_item__isnull=False)
               .values_list("plan_item_id", flat=True))


def _rank(principal: Principal | None, model: Any, today: date, quarter: int | None) -> list[RankedPending]:
    pending = selectors.pending_inspections(principal, today=today, quarter=quarter)
    if model is None or not pending:
        return [RankedPending(p, None, ()) for p in sorted(pending, key=lambda p: (p.due_month, p.operator_id))]
    targets, past = history.pending_list([(p.operator_id, p.scope, str(p.plan_item_id)) for p in pending], today=today)
    by_item = {p.plan_item_id: p for p in pending}
    return [RankedPending(by_item[int(r.target.record_id)], r.probability, r.reasons) for r in model.rank(past, targets, as_of=today, k=REASONS)]


def ranked_pending(principal: Principal | None, *, today: date, quarter: int | None = None
                   ) -> tuple[TargetingModelVersion | None, Sequence[RankedPending]]:
    """The model version in use (or None) and the principal's pending inspections, likeliest failure first
    (a sequence: pages slice it, the API iterates it)."""
    version, model = retrain.active_model()
    if principal is None:
        return version, _rank(principal, model, today, quarter)  # refused by the selector
    access.require(principal, selectors.RESOURCE, "targeting")
    key = _key(principal, today, quarter, version.sha256 if version is not None and model is not None else "-")
    cached = cache.get(key)
    if cached is not None:
        built_at, plain = cached
        return version, _rows(plain, _closed_since(built_at))
    built_at = timezone.now()  # before reading: an inspection closed while the list is built is dropped on the next hit
    rows = _rank(principal, model, today, quarter)
    cache.set(key, (built_at, _plain(rows)), CACHE_SECONDS)
    return version, rows
