"""Where an EPCIS capture spends its time: a breakdown per 5,000 events (PostgreSQL).

Captures GS1-shaped events (``bench/epcis.py``'s generator, new content each run) through
``shian.epcis.services.capture_now`` into an existing repository, timing the steps of
``shian.epcis.capture`` from the outside: checking and deriving parts (in whichever thread), the
request thread waiting for a part, the deduplication probe, the COPYs, the hooks, the audit entry,
the deferred foreign-key checks (run just before the commit to time them apart) and the commit.
Use it on the traceability benchmark's 12M-event city to see what the capture figure of
``bench/trace.py`` is made of.

    python bench/capture_profile.py [--db shian_bench_trace] [--events 25000] [--batch 5000] [--part 1000]

Each run adds ``--events`` events to the database.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, setup_django

ORG = "BENCH-PROFILE"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="shian_bench_trace")
    parser.add_argument("--events", type=int, default=25_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--part", type=int, default=0, help="events per pipelined part (default: the code's PART)")
    args = parser.parse_args()
    setup_django(args.db)

    import concurrent.futures

    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper

    from epcis import document, make_events  # bench/epcis.py
    from shian.accounts.models import Organisation
    from shian.core.access import Principal, Role
    from shian.epcis import capture, services
    from shian.epcis.models import Capture

    if args.part:
        capture.PART = args.part
    spent: collections.Counter[str] = collections.Counter()
    cpu: collections.Counter[str] = collections.Counter()  # this thread's CPU time in the step (the rest: waiting for PostgreSQL or the GIL)

    def timed(owner: Any, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*a: Any, **k: Any) -> Any:
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return inner(*a, **k)
            finally:
                spent[label] += time.perf_counter() - t0
                cpu[label] += time.thread_time() - c0

        setattr(owner, name, wrapper)

    timed(capture, "_prepare", "check + derive (either thread)")
    timed(concurrent.futures.Future, "result", "request thread waiting for a part")
    timed(capture, "_existing", "deduplication probe")
    timed(capture, "bulk_insert", "COPY events")
    timed(capture, "copy_rows", "COPY edge rows")
    timed(capture.hooks, "events_stored", "hooks")
    timed(capture.audit, "record_event", "audit entry")
    timed(BaseDatabaseWrapper, "commit", "commit")
    complete = capture._complete

    def complete_then_check(*a: Any, **k: Any) -> Any:
        """Run the deferred foreign-key checks (Django declares them INITIALLY DEFERRED) before the commit, timed apart."""
        out = complete(*a, **k)
        t0, c0 = time.perf_counter(), time.thread_time()
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        spent["deferred foreign-key checks"] += time.perf_counter() - t0
        cpu["deferred foreign-key checks"] += time.thread_time() - c0
        return out

    capture._complete = complete_then_check

    org, _created = Organisation.objects.get_or_create(code=ORG, defaults={"name": "profile", "kind": Organisation.Kind.PLATFORM})
    principal = Principal(role=Role.PUBLIC, jurisdiction_path=None, organisation_id=org.pk, label="profile")
    run = Capture.objects.filter(created_by_org=org).count()
    events = make_events(args.events, seed=50_000 + run)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    t0, server0, client0 = time.perf_counter(), _cpu_seconds(backend), time.process_time()
    for i in range(0, len(events), args.batch):
        services.capture_now(body=document(events[i:i + args.batch]), principal=principal)
    total = time.perf_counter() - t0
    server, client = _cpu_seconds(backend) - server0, time.process_time() - client0
    per = args.batch / len(events)
    print(f"command: python bench/capture_profile.py --db {args.db} --events {args.events} --batch {args.batch} --part {capture.PART}")
    print(f"machine: {machine()}")
    print(f"{len(events) / total:,.0f} events/s over {len(events):,} events; seconds per {args.batch:,} events (wall, and CPU of the thread):")
    for label, seconds in spent.most_common():
        print(f"  {label:36s} {seconds * per:6.3f}  cpu {cpu[label] * per:6.3f}")
    print(f"  {'whole capture':36s} {total * per:6.3f}  cpu of this process {client * per:6.3f}, of its PostgreSQL backend {server * per:6.3f}")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a local process (the PostgreSQL backend runs on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
