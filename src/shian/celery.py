"""Celery application for production job workers (``celery -A shian worker``)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shian.settings")

app = Celery("shian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks([])


@app.task(name="shian.run_job")
def run_job_task(job_id: str) -> str:
    """Run one platform job by id; the job row carries progress and result."""
    from shian.core import jobs

    return str(jobs.run(job_id).status)
