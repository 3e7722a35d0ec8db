"""Shared benchmark helpers: Django setup on a named PostgreSQL database, timing, percentiles."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(db_name: str) -> None:
    """Point Django at ``db_name`` on the local PostgreSQL (created if missing) and migrate it."""
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{db_name}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shian.settings")
    os.environ.setdefault("SHIAN_VAR_DIR", str(ROOT / "var" / "bench"))
    sys.path.insert(0, str(ROOT / "src"))
    name = url.rsplit("/", 1)[-1]
    exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.SHIAN_JOB_SYNC = True
    call_command("migrate", verbosity=0)


def timed(fn: Callable[[], object], n: int) -> list[float]:
    """Run ``fn`` n times; return each duration in milliseconds."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values: list[float]) -> str:
    return (f"p50 {pct(values, 50):7.2f} ms  p95 {pct(values, 95):7.2f} ms  p99 {pct(values, 99):7.2f} ms  "
            f"mean {statistics.fmean(values):7.2f} ms  n={len(values)}")


def machine() -> str:
    mem = ""
    with contextlib.suppress(OSError):
        mem = f", {int(Path('/proc/meminfo').read_text().split()[1]) // 1024 // 1024} GiB"
    return f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"
