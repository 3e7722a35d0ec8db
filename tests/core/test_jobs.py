"""The job API runs jobs with progress, in-process and on a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as dj_settings

from shian.core import jobs
from shian.core.models import Job


@pytest.mark.django_db
def test_inline_job_runs_and_records_result() -> None:
    job = jobs.submit("core.ping", params={"value": 7})
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"pong": 7}
    assert (job.done, job.total, job.percent) == (1, 1, 100)


@pytest.mark.django_db
def test_failed_job_records_the_error() -> None:
    @jobs.job("test.boom")
    def boom(ctx: jobs.JobContext) -> None:
        raise ValueError("boom")

    job = jobs.submit("test.boom")
    assert job.status == Job.Status.FAILED
    assert "boom" in job.error


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.celery
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_celery_worker_runs_a_job(settings, require_postgres) -> None:
    """A real worker on the machine's Redis runs a job against the test database."""
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis not reachable at 127.0.0.1:6379 (CI must run the Celery test)")
        pytest.skip("Redis not reachable at 127.0.0.1:6379: Celery test skipped")
    broker = "redis://127.0.0.1:6379/15"
    settings.SHIAN_JOB_SYNC = False
    settings.SHIAN_JOB_BACKEND = "celery"
    from shian.celery import app

    app.conf.broker_url = broker
    db = dj_settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": broker, "SHIAN_JOB_BACKEND": "celery",
           "SHIAN_VAR_DIR": str(dj_settings.VAR_DIR)}
    src = Path(__file__).resolve().parents[2] / "src"
    env["PYTHONPATH"] = f"{src}{os.pathsep}{env.get('PYTHONPATH', '')}"
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "shian", "worker", "--pool=solo", "--concurrency=1",
                               "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", "celery", "--loglevel=WARNING"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        job = jobs.submit("core.ping", params={"value": "via-celery"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED):
                break
            time.sleep(0.3)
        assert job.status == Job.Status.SUCCEEDED, job.error
        assert job.result == {"pong": "via-celery"}
    finally:
        worker.terminate()
        try:
            out, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            out, _ = worker.communicate()
        if job.status != Job.Status.SUCCEEDED:
            print(out.decode(errors="replace")[-3000:])
