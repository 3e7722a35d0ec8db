"""Risk jobs: the yearly regrade, the re-score after an event, retraining the targeting model.

Submit with ``shian.core.jobs.submit(name, params={...}, by=user)``; each reports progress on its row.

* ``risk.regrade``: params ``today`` (ISO date, default today), ``path`` (a jurisdiction subtree; default
  every active operator), ``reason``;
* ``risk.rescore``: params ``operators`` ({id: reason code}, submitted by :mod:`shian.risk.hooks`) or ``operator_ids`` + ``reason``;
* ``risk.retrain_targeting``: params ``until`` (ISO date: history up to it; default today).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shian.core.jobs import JobContext, job


def register() -> None:
    """Called from ``AppConfig.ready`` (the decorators below have registered the jobs on import)."""


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


@job("risk.regrade")
def regrade_job(ctx: JobContext) -> dict[str, Any]:
    from shian.risk import services, sources

    p = ctx.params
    ids = sources.active_ids(p["path"]) if p.get("path") else None
    result = services.regrade(ids, today=_day(p.get("today")), reason=str(p.get("reason") or ""), by=ctx.job.created_by, progress=ctx.progress)
    return result.as_dict()


@job("risk.rescore")
def rescore_job(ctx: JobContext) -> dict[str, Any]:
    """Params: ``operators`` ({operator id: reason code of :mod:`shian.risk.hooks`}) or ``operator_ids`` with a ``reason`` text."""
    from django.conf import settings
    from django.utils import translation

    from shian.risk import hooks, services

    p = ctx.params
    groups: dict[str, list[int]] = {}
    for op, code in (p.get("operators") or {}).items():
        groups.setdefault(str(code), []).append(int(op))
    if p.get("operator_ids"):
        groups.setdefault(str(p.get("reason") or ""), []).extend(int(i) for i in p["operator_ids"])
    with translation.override(settings.LANGUAGE_CODE):  # the reason is stored text: the platform's language
        labels = hooks.reason_labels()
    total = services.RegradeResult()
    for n, (code, ids) in enumerate(sorted(groups.items()), start=1):
        result = services.rescore(ids, labels.get(code, code), today=_day(p.get("today")), by=ctx.job.created_by)
        total.graded += result.graded
        total.changed += result.changed
        total.warnings += result.warnings
        total.overrides_kept += result.overrides_kept
        ctx.progress(n, len(groups))
    return total.as_dict()


@job("risk.retrain_targeting")
def retrain_job(ctx: JobContext) -> dict[str, Any]:
    from shian.risk import retrain

    version = retrain.retrain(until=_day(ctx.params.get("until")), by=ctx.job.created_by, progress=ctx.progress)
    return {"version": version.pk, "examples": version.examples, "positives": version.positives, "backtest": version.backtest}
