"""Credit jobs: the sync from inspections and sampling, the automatic end of listings, the annual hygiene grade.

Run daily (``shian credit sync``, ``shian credit expire``) and yearly (``shian credit hygiene --year``),
or submit them with ``shian.core.jobs.submit("credit.sync", params={...})``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shian.core.jobs import JobContext, job


def register() -> None:
    """Called from ``AppConfig.ready`` (the decorators below have registered the jobs on import)."""


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


@job("credit.sync")
def sync_job(ctx: JobContext) -> dict[str, Any]:
    """Params: ``operator_ids`` (optional list), ``since``, ``until``, ``today`` (ISO dates, optional)."""
    from shian.credit.services import sync

    p = ctx.params
    ids = p.get("operator_ids")
    result = sync(operator_ids=ids, since=_day(p.get("since")), until=_day(p.get("until")), today=_day(p.get("today")), progress=ctx.progress)
    return result.as_dict()


@job("credit.expire_listings")
def expire_job(ctx: JobContext) -> dict[str, Any]:
    from shian.credit.services import listings_expire

    return {"removed": listings_expire(today=_day(ctx.params.get("today")))}


@job("credit.hygiene_annual")
def hygiene_job(ctx: JobContext) -> dict[str, Any]:
    from shian.credit.services import hygiene_annual

    return {"graded": hygiene_annual(year=int(ctx.params["year"]))}
