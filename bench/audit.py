"""Audit chain benchmark (PostgreSQL): many single appends inside one transaction.

A service that records one event appends to the chain and advances the head row. A long
transaction that calls many services (the demo city's trade network, a large import through the
services) makes thousands of appends before it commits, and PostgreSQL keeps every version of the
head row until then. This measures the append rate at the start and at the end of one such
transaction, with ``shian.core.audit.append`` (the head found by its remembered address) and, as
the reference in the same run, the same appends with the head looked up by ``id`` each time (what
``append`` did before; it walks every earlier version of the row).

    python bench/audit.py [--appends 20000] [--db shian_bench_audit]

Everything is rolled back at the end: the database keeps only its migrations.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, setup_django


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appends", type=int, default=20_000)
    parser.add_argument("--db", default="shian_bench_audit")
    args = parser.parse_args()
    setup_django(args.db)

    from django.db import connection, transaction

    from shian.core import audit
    from shian.core.models import AuditHead

    def run(label: str, forget_address: bool) -> tuple[float, float]:
        n, window = args.appends, max(1, args.appends // 20)
        first = last = 0.0
        try:
            with transaction.atomic():
                AuditHead.objects.get_or_create(pk=1)
                for i in range(n):
                    if forget_address and connection.atomic_blocks:
                        connection.atomic_blocks[0]._audit_head_ctid = None  # type: ignore[attr-defined]
                    t0 = time.perf_counter()
                    audit.append([audit.event_entry("bench.append", model="core.audithead", object_pk=1, data={"i": i})])
                    spent = time.perf_counter() - t0
                    if i < window:
                        first += spent
                    elif i >= n - window:
                        last += spent
                raise _Rollback
        except _Rollback:
            pass
        rate_first, rate_last = window / first, window / last
        print(f"{label:44s} first {window:,}: {rate_first:8.0f} appends/s   last {window:,}: {rate_last:8.0f} appends/s   "
              f"last/first {rate_last / rate_first:5.2f}")
        return rate_first, rate_last

    print(f"command: python bench/audit.py --appends {args.appends} --db {args.db}")
    print(f"machine: {machine()}")
    _f, new_last = run("append (head by remembered address)", forget_address=False)
    _f, old_last = run("reference: head looked up by id each time", forget_address=True)
    print(f"at the end of the transaction: {new_last / old_last:.1f}x the reference's rate")


if __name__ == "__main__":
    main()
