"""One job API for long work (imports, regrading, reports).

A job function is registered with :func:`job` and takes a :class:`JobContext` plus JSON
parameters. :func:`submit` records a :class:`Job` row and runs it by the configured backend:

* ``inline`` (embedded default): in a thread of this process after the transaction commits,
  or synchronously when ``SHIAN_JOB_SYNC`` is set (tests, management commands);
* ``celery`` (production): a Celery worker on Redis or RabbitMQ runs :func:`run`.

Progress is written to the row, so pages and the API show it whatever the backend.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from shian.core.context import acting_as
from shian.core.models import Job

log = logging.getLogger(__name__)

JobFunc = Callable[["JobContext"], Any]
_JOBS: dict[str, JobFunc] = {}


class JobContext:
    """What a running job sees: its parameters and a way to report progress."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.params: dict[str, Any] = job.params

    def progress(self, done: int, total: int | None = None) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(done=self.job.done, total=self.job.total)


def job(name: str) -> Callable[[JobFunc], JobFunc]:
    """Register a job function under ``name``."""

    def decorator(func: JobFunc) -> JobFunc:
        _JOBS[name] = func
        return func

    return decorator


def registered() -> list[str]:
    return sorted(_JOBS)


def submit(name: str, *, params: dict[str, Any] | None = None, by: Any = None) -> Job:
    """Create a job and hand it to the backend. Returns the row (poll it for progress)."""
    if name not in _JOBS:
        raise KeyError(f"unknown job {name!r}")
    record = Job.objects.create(name=name, params=params or {}, created_by=by if getattr(by, "pk", None) else None)
    backend = getattr(settings, "SHIAN_JOB_BACKEND", "inline")
    if backend == "celery":
        from shian.celery import run_job_task

        transaction.on_commit(lambda: run_job_task.delay(str(record.pk)))
    elif getattr(settings, "SHIAN_JOB_SYNC", False):
        run(str(record.pk))
        record.refresh_from_db()
    else:
        transaction.on_commit(lambda: threading.Thread(target=_run_in_thread, args=(str(record.pk),), daemon=True).start())
    return record


def _run_in_thread(job_id: str) -> None:
    try:
        run(job_id)
    finally:
        close_old_connections()


def run(job_id: str) -> Job:
    """Execute a pending job (called by the thread, the Celery task or synchronously)."""
    record = Job.objects.select_related("created_by").get(pk=job_id)
    if record.status != Job.Status.PENDING:
        return record
    record.status = Job.Status.RUNNING
    record.started_at = timezone.now()
    record.save(update_fields=["status", "started_at"])
    func = _JOBS[record.name]
    try:
        with acting_as(record.created_by, label=f"job:{record.name}"):
            result = func(JobContext(record))
        record.status = Job.Status.SUCCEEDED
        record.result = result
    except Exception as exc:  # a failed job records why; the error is not lost
        log.exception("job %s failed", record.pk)
        record.status = Job.Status.FAILED
        record.error = f"{exc}\n{traceback.format_exc()[-4000:]}"
    record.finished_at = timezone.now()
    record.save(update_fields=["status", "result", "error", "finished_at", "done", "total"])
    return record


@job("core.ping")
def ping(ctx: JobContext) -> dict[str, Any]:
    """A trivial job used to check that a backend (thread or Celery worker) runs jobs."""
    ctx.progress(1, 1)
    return {"pong": ctx.params.get("value")}
