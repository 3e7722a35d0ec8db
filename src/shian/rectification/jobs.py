"""The daily job that marks overdue rectification orders (``rectification.mark_overdue``)."""

from __future__ import annotations

from typing import Any

from shian.core.jobs import JobContext, job


def register() -> None:
    """Called from ``AppConfig.ready`` (the decorator below has registered the job on import)."""


@job("rectification.mark_overdue")
def mark_overdue_job(ctx: JobContext) -> dict[str, Any]:
    from shian.rectification.services import mark_overdue

    return {"marked": mark_overdue()}
