"""The pending-inspection list ordered by the targeting model: who is due, how likely a failed key item, and why.

:func:`ranked_pending` takes the principal's pending inspections (:func:`shian.risk.selectors.pending_inspections`),
maps them and their history into the model's form (:mod:`shian.risk.history`) and ranks them with the model in
use (:func:`shian.risk.retrain.active_model`). Without a model the list keeps the plan's order (due month).
A ranking is cached for ``CACHE_SECONDS`` per jurisdiction, quarter, day and model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

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


def ranked_pending(principal: Principal | None, *, today: date, quarter: int | None = None
                   ) -> tuple[TargetingModelVersion | None, list[RankedPending]]:
    """The model version in use (or None) and the principal's pending inspections, likeliest failure first."""
    pending = selectors.pending_inspections(principal, today=today, quarter=quarter)
    version, model = retrain.active_model()
    if model is None or version is None or not pending or principal is None:
        return version, [RankedPending(p, None, ()) for p in sorted(pending, key=lambda p: (p.due_month, p.operator_id))]
    key = _key(principal, today, quarter, version.sha256)
    cached = cache.get(key)
    if cached is None:
        targets, past = history.pending_list([(p.operator_id, p.scope, str(p.plan_item_id)) for p in pending], today=today)
        ranked = model.rank(past, targets, as_of=today, k=REASONS)
        cached = [(int(r.target.record_id), r.probability, r.reasons) for r in ranked]
        cache.set(key, cached, CACHE_SECONDS)
    by_item = {p.plan_item_id: p for p in pending}
    return version, [RankedPending(by_item[item], prob, reasons) for item, prob, reasons in cached if item in by_item]
