"""Traceability benchmark (PostgreSQL) on a large demo city: >=50k operators, >=1M lots, >=10M EPCIS events.

    .venv/bin/python bench/trace.py                      # rebuild shian_bench_trace (17 min on the 2-core VM), measure
    .venv/bin/python bench/trace.py --reuse --requests 100   # measure again on the finished build
    .venv/bin/python bench/trace.py --db shian_bench_trace_small --operators 3000 --scale 0.02 --reuse   # quick iteration

Not part of ``make bench`` (that is bench/registry.py): a build writes ~25 GB. Results and the
measured build are in bench/RESULTS.md. Needs the
``bench`` extra (``pip install -e ".[dev,bench]"``: rustworkx for the in-memory reference) and
``wrk`` for the QR-page load test (``apt-get install -y wrk``; that figure is skipped without it).

Figures, each printed with a reference measured in the same run:

* trace back + forward of a random lot: server time of ``shian.trace.graph.lot_trace(principal, lot_id)``
  (both directions, the regulator's view: lookup, walk, names), p95 target <= 50 ms; also the API
  ``GET /api/v1/trace/lots/{id}/trace`` through Django's test client. Reference: the same lots'
  traversal in an in-memory rustworkx graph of the whole edge table (loaded afterwards, in this
  process, only for the reference; result sizes are checked to agree);
* recall scope through transformations (``shian.trace.recall.recall_scope``) of a random lot that
  went into a transformation, p95 target <= 200 ms;
* EPCIS capture with full validation (``shian.epcis.services.capture_now``) into this database,
  >= 5,000 events/s sustained; reference: plain ``jsonschema`` with the GS1 schema on the same events;
* the consumer QR page (``/01/{gtin}/10/{lot}`` and ``/t/{trace code}``) under load from wrk in
  a second process against gunicorn, >= 500 req/s with p99 <= 100 ms; reference: ``/healthz``;
* memory: peak RSS (VmHWM) of this Django process while it runs the server-side traces and recalls,
  read before the in-memory reference graph is loaded, target < 300 MB; and the gunicorn
  workers' RSS during the QR load.

Data (deterministic for a seed, except that each capture run adds new events): the demo city
(``shian.demo.generator.generate``) for the operators, then a supply network simulated day by
day over 2025-01-01..2026-11-24: farm lots go to wholesalers and markets, which split them to
restaurants, retailers, canteens and vendors and to processors; processors and central kitchens
turn received lots into new lots (TransformationEvents: inputs -> outputs) and ship them on;
imported lots arrive at cold stores and are distributed. Every step is written as the platform's
own EPCIS events (shipping and receiving ObjectEvents, TransformationEvents, exactly as
``shian.trace.epcis_events`` shapes them, content hash and edge rows as ``shian.epcis.extract``
derives them — checked on a sample) with COPY FREEZE straight into trace_product, trace_lot and
the epcis tables, whose indexes and constraints are dropped for the load and rebuilt after, then
ANALYZE. The database is rebuilt from scratch unless ``--reuse`` finds a finished build with the
same parameters (recorded as the database's comment).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, machine, pct, setup_django, summary, timed

FULL_OPERATORS = 50_000
START = date(2025, 1, 1)
END = date(2026, 11, 25)  # the demo city's REFERENCE_DATE: trade stops the day before
DAYS = (END - START).days
SEED = 20261125
# Per day at scale 1.0: 1.28M lots and 12.1M events over DAYS days (the network grows with the scale: more transformations).
FARM_LOTS_PER_DAY = 1035.0
IMPORT_LOTS_PER_DAY = 138.0
CAPTURE_ORG = "BENCH-EPCIS"
BUILD_TABLES = ("trace_product", "trace_lot", "epcis_epcisevent", "epcis_eventidentifier", "epcis_eventtransaction", "epcis_sourcedest")


_T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.0f} s] {message}", flush=True)


# --- the database and its build marker --------------------------------------------------------

def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


def database_marker(db: str) -> dict[str, Any] | None:
    text = psql(f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{db}'")
    with contextlib.suppress(ValueError):
        marker = json.loads(text) if text else None
        return marker if isinstance(marker, dict) else None
    return None


def recreate_database(db: str) -> None:
    psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()")
    psql(f"DROP DATABASE IF EXISTS {db}")
    psql(f"CREATE DATABASE {db}")


# --- the supply network -----------------------------------------------------------------------

PRODUCE = [("A01", "菜心", "kg", (200, 800)), ("A01", "生菜", "kg", (150, 600)), ("A02", "砂糖橘", "case", (50, 300)),
           ("A04", "生猪白条", "kg", (500, 2000)), ("A04", "清远鸡", "head", (100, 600)), ("A05", "鲜鸡蛋", "case", (40, 200)),
           ("A06", "鲩鱼", "kg", (300, 1200))]
PROCESSED = [("101", "江门排粉", "bag", 180), ("103", "生抽酱油", "bottle", 720), ("104", "广式腊肠", "bag", 180), ("111", "速冻虾饺", "bag", 270),
             ("116", "酸菜", "bag", 180), ("122", "鱼干", "bag", 365), ("124", "杏仁饼", "piece", 90), ("125", "豆腐", "piece", 3)]
DISHES = [("B04", "腊味煲仔饭", "piece", 1), ("B04", "白切鸡", "piece", 1), ("B05", "凉拌菜心", "piece", 1)]
IMPORTED = [("A04", "进口冷冻牛肉", "kg", 365), ("A06", "进口冻虾", "kg", 365), ("A02", "进口车厘子", "case", 30)]
UOM = {"kg": "KGM"}
ROLE_OF = ("farm", "cold_store", "central_kitchen", "group_meal", "producer", "workshop", "wholesaler", "market", "restaurant", "retailer",
           "canteen", "school_canteen", "vendor")
DL = "https://id.gs1.org/01/"
LOT_URN = "urn:shian:lot:"
PARTY = "urn:shian:operator:"


def gtin14(n: int) -> str:
    body = f"0690{n % 10**9:09d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))  # GS1 weights 3,1,... from the left for 13 digits
    return body + str((10 - total % 10) % 10)


def trace_code(n: int, seed: int) -> str:
    """A platform trace code unique for n < 2**60 (an odd multiplier is a bijection modulo 2**60)."""
    x = (n * 0x9E3779B97F4A7C15 + seed) % 2**60
    return "JM" + base64.b32encode((x << 4).to_bytes(8, "big")).decode()[:12]  # 12 characters of 5 bits: exactly x


@dataclass(slots=True)
class Op:
    id: int
    uscc: str
    role: str
    products: list[Any] = field(default_factory=list)
    traders: list[Op] = field(default_factory=list)
    pool: list[tuple[int, str, int, str | None]] = field(default_factory=list)  # (available from day, identifier, quantity, uom)
    threshold: int = 3


@dataclass(slots=True)
class Prod:
    id: int
    gtin: str | None
    unit: str
    shelf: int | None
    serial: int = 0


class Writer:
    """COPY streams (one connection per table, COPY FREEZE after TRUNCATE in the same transaction)."""

    COLUMNS = {
        "trace_product": "id, name, specification, gtin, shelf_life_days, imported, created_at, category_id, owner_id",
        "trace_lot": "id, lot_code, trace_code, production_date, expiry_date, quantity, unit, created_at, product_id",
        "epcis_epcisevent": ("id, event_id, assigned_id, event_type, event_time, event_time_zone_offset, record_time, action, biz_step, disposition, "
                             "read_point, biz_location, document, content_hash, capture_id, recorded_by_id, operator_id, source"),
        "epcis_eventidentifier": "id, event_id, identifier, kind, role, quantity, uom",
        "epcis_eventtransaction": "id, event_id, type, value",
        "epcis_sourcedest": "id, event_id, kind, type, value",
    }

    def __init__(self, dsn: str) -> None:
        import psycopg
        from psycopg.copy import QueuedLibpqWriter

        self.conns: dict[str, Any] = {}
        self.copies: dict[str, Any] = {}
        self._stack = contextlib.ExitStack()
        self.rows: dict[str, int] = defaultdict(int)
        for table, columns in self.COLUMNS.items():
            conn = psycopg.connect(dsn)
            cur = conn.cursor()
            cur.execute(f"TRUNCATE {table}")
            self.conns[table] = conn
            self.copies[table] = self._stack.enter_context(
                cur.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FREEZE)", writer=QueuedLibpqWriter(cur)))

    def write(self, table: str, lines: list[str]) -> None:
        if lines:
            self.copies[table].write("".join(lines))
            self.rows[table] += len(lines)

    def close(self) -> None:
        self._stack.close()
        for conn in self.conns.values():
            conn.commit()
            conn.close()


class Network:
    """The day-by-day simulation. Events are buffered by day and written in time order."""

    def __init__(self, *, scale: float, seed: int, writer: Writer, categories: dict[str, int], operators: list[tuple[int, str, str]],
                 first_ids: dict[str, int], check: Callable[[dict[str, Any], str, str, list[str]], None]) -> None:
        self.rng = random.Random(seed)
        self.scale = scale
        self.seed = seed
        self.w = writer
        self.categories = categories
        self.check = check
        self.ids = dict(first_ids)
        self.counts: dict[str, int] = defaultdict(int)
        self.buffer: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        self.lot_lines: list[str] = []
        self.day_str = [(START + timedelta(days=i)).isoformat() for i in range(DAYS + 40)]
        by_role: dict[str, list[Op]] = defaultdict(list)
        for op_id, uscc, role in operators:
            by_role[role].append(Op(op_id, uscc, role))
        rng = self.rng
        for ops in by_role.values():
            rng.shuffle(ops)

        def active(role: str, minimum: int) -> list[Op]:
            ops = by_role.get(role, [])
            return ops[: max(min(minimum, len(ops)), round(len(ops) * scale))]

        self.farms = active("farm", 10)
        self.traders = active("wholesaler", 5) + active("market", 3)
        self.processors = active("producer", 8) + active("workshop", 4)
        self.kitchens = active("central_kitchen", 3) + active("group_meal", 2)
        self.cold_stores = active("cold_store", 3)
        self.buyers = active("restaurant", 30) + active("retailer", 20) + active("vendor", 5)
        self.canteens = active("canteen", 5) + active("school_canteen", 5)
        self.retail_and_canteens = self.buyers + self.canteens
        for name, group in (("farms", self.farms), ("traders", self.traders), ("processors", self.processors), ("kitchens", self.kitchens),
                            ("cold stores", self.cold_stores), ("buyers", self.buyers), ("canteens", self.canteens)):
            assert group, f"no {name} among the operators"
        product_lines: list[str] = []
        for i, op in enumerate(self.farms):
            for k in range(2):
                cat, name, unit, _size = PRODUCE[(i + 3 * k) % len(PRODUCE)]
                op.products.append(self._product(product_lines, op, cat, name, unit, None, None, False))
            op.traders = [rng.choice(self.traders) for _ in range(rng.choice((1, 2, 2, 3)))]
        for i, op in enumerate(self.processors):
            for k in range(2):
                cat, name, unit, shelf = PROCESSED[(i + k) % len(PROCESSED)]
                op.products.append(self._product(product_lines, op, cat, name, unit, shelf, gtin14(self.ids["trace_product"] + 10**6), False))
            op.threshold = rng.choice((2, 3, 3, 4))
        for i, op in enumerate(self.kitchens):
            for k in range(2):
                cat, name, unit, shelf = DISHES[(i + k) % len(DISHES)]
                op.products.append(self._product(product_lines, op, cat, name, unit, shelf, None, False))
            op.threshold = rng.choice((3, 4))
        for i, op in enumerate(self.cold_stores):
            for k in range(2):
                cat, name, unit, shelf = IMPORTED[(i + k) % len(IMPORTED)]
                op.products.append(self._product(product_lines, op, cat, name, unit, shelf, gtin14(self.ids["trace_product"] + 2 * 10**6), True))
        self.w.write("trace_product", product_lines)
        self.pooled: dict[int, Op] = {}
        self.foreign = [f"91440000IMP{n:07d}" for n in range(40)]

    # -- rows

    def _next(self, table: str) -> int:
        n = self.ids[table]
        self.ids[table] = n + 1
        return n

    def _product(self, lines: list[str], op: Op, cat: str, name: str, unit: str, shelf: int | None, gtin: str | None, imported: bool) -> Prod:
        pid = self._next("trace_product")
        lines.append(f"{pid}\t{name}\t\t{gtin or chr(92) + 'N'}\t{shelf or chr(92) + 'N'}\t{'t' if imported else 'f'}\t"
                     f"{START.isoformat()} 00:00:00+00\t{self.categories[cat]}\t{op.id}\n")
        return Prod(pid, gtin, unit, shelf)

    def _lot(self, prod: Prod, day: int, qty: int) -> str:
        lot_id = self._next("trace_lot")
        prod.serial += 1
        code = f"L{self.day_str[day][2:].replace('-', '')}{prod.serial:05d}"
        tc = trace_code(lot_id, self.seed)
        expiry = (START + timedelta(days=day + prod.shelf)).isoformat() if prod.shelf else "\\N"
        self.lot_lines.append(f"{lot_id}\t{code}\t{tc}\t{self.day_str[day]}\t{expiry}\t{qty}\t{prod.unit}\t{self.day_str[day]} 00:00:00+00\t{prod.id}\n")
        self.counts["lots"] += 1
        return f"{DL}{prod.gtin}/10/{code}" if prod.gtin else LOT_URN + tc

    # -- events (buffered as tuples, written by flush)

    def _at(self, day: int, lo_hour: int, hi_hour: int) -> int:
        return day * 86400 + self.rng.randrange(lo_hour * 3600, hi_hour * 3600)

    def ship(self, t: int, supplier: Op, buyer: Op, ident: str, qty: int, uom: str | None) -> None:
        sid = self.counts["shipments"] = self.counts["shipments"] + 1
        rid = self.counts["receipts"] = self.counts["receipts"] + 1
        self.buffer[t // 86400].append(("S", t, supplier.uscc, buyer.uscc, ident, qty, uom, sid, supplier.id))
        t2 = t + self.rng.randrange(1800, 6 * 3600)
        self.buffer[t2 // 86400].append(("R", t2, supplier.uscc, buyer.uscc, ident, qty, uom, rid, sid, buyer.id))
        if buyer.role in ("producer", "workshop", "central_kitchen", "group_meal"):
            buyer.pool.append((t2 // 86400 + 1, ident, qty, uom))
            self.pooled[buyer.id] = buyer

    def receive_import(self, t: int, store: Op, ident: str, qty: int, uom: str | None) -> None:
        rid = self.counts["receipts"] = self.counts["receipts"] + 1
        self.buffer[t // 86400].append(("R", t, self.rng.choice(self.foreign), store.uscc, ident, qty, uom, rid, None, store.id))

    def distribute(self, day: int, holder: Op, ident: str, qty: int, uom: str | None, parts: int, targets: Callable[[], Op]) -> None:
        rng = self.rng
        parts = max(1, min(parts, qty))
        cuts = sorted(rng.sample(range(1, qty), parts - 1)) if parts > 1 else []
        bounds = [0, *cuts, qty]
        for a, b in itertools.pairwise(bounds):
            buyer = targets()
            if buyer is holder:
                continue
            self.ship(self._at(day + rng.randrange(0, 4), 1, 10), holder, buyer, ident, b - a, uom)

    def _trader_target(self) -> Op:
        r = self.rng.random()
        if r < 0.16:
            return self.rng.choice(self.processors)
        if r < 0.20:
            return self.rng.choice(self.kitchens)
        return self.rng.choice(self.retail_and_canteens)

    def _import_target(self) -> Op:
        r = self.rng.random()
        if r < 0.25:
            return self.rng.choice(self.processors)
        if r < 0.45:
            return self.rng.choice(self.traders)
        return self.rng.choice(self.buyers)

    def _processor_target(self) -> Op:
        return self.rng.choice(self.kitchens) if self.rng.random() < 0.12 else self.rng.choice(self.retail_and_canteens)

    def _kitchen_target(self) -> Op:
        return self.rng.choice(self.canteens) if self.rng.random() < 0.8 else self.rng.choice(self.buyers)

    def transform(self, day: int, op: Op, items: list[tuple[int, str, int, str | None]]) -> None:
        rng = self.rng
        t = self._at(day, 0, 8)
        tid = self.counts["transformations"] = self.counts["transformations"] + 1
        outputs = []
        for k in range(1 if rng.random() < 0.7 else 2):
            prod = op.products[k % len(op.products)]
            qty = rng.randint(100, 2000)
            outputs.append((self._lot(prod, day, qty), qty, UOM.get(prod.unit)))
        self.buffer[day].append(("T", t, op.uscc, [(i, q, u) for _d, i, q, u in items], outputs, tid, op.id))
        target = self._kitchen_target if op.role in ("central_kitchen", "group_meal") else self._processor_target
        for ident, qty, uom in outputs:
            self.distribute(day + 1, op, ident, qty, uom, rng.randint(2, 6), target)

    def run(self) -> Iterator[int]:
        rng = self.rng
        farm_acc = import_acc = 0.0
        for day in range(DAYS):
            if day < DAYS - 10:
                farm_acc += FARM_LOTS_PER_DAY * self.scale * rng.uniform(0.8, 1.2)
                while farm_acc >= 1:
                    farm_acc -= 1
                    farm = rng.choice(self.farms)
                    prod = rng.choice(farm.products)
                    low, high = next(p[3] for p in PRODUCE if p[2] == prod.unit)
                    qty = rng.randint(low, high)
                    ident = self._lot(prod, day, qty)
                    trader = rng.choice(farm.traders)
                    uom = UOM.get(prod.unit)
                    t = self._at(day, 0, 6)
                    self.ship(t, farm, trader, ident, qty, uom)
                    self.distribute(day + 1, trader, ident, qty, uom, rng.randint(2, 6), self._trader_target)
                import_acc += IMPORT_LOTS_PER_DAY * self.scale * rng.uniform(0.8, 1.2)
                while import_acc >= 1:
                    import_acc -= 1
                    store = rng.choice(self.cold_stores)
                    prod = rng.choice(store.products)
                    qty = rng.randint(200, 3000)
                    ident = self._lot(prod, day, qty)
                    uom = UOM.get(prod.unit)
                    self.receive_import(self._at(day, 0, 10), store, ident, qty, uom)
                    self.distribute(day + 1, store, ident, qty, uom, rng.randint(2, 6), self._import_target)
                for op in list(self.pooled.values()):
                    ready = [item for item in op.pool if item[0] <= day]
                    if ready and (len(ready) >= op.threshold or day - min(item[0] for item in ready) >= 5):
                        op.pool = ready[4:] + [item for item in op.pool if item[0] > day]
                        if not op.pool:
                            del self.pooled[op.id]
                        self.transform(day, op, ready[:4])
            self.flush(day)
            yield day
        for day in sorted(d for d in self.buffer if d >= DAYS):
            self.flush(day)

    # -- writing a day's events

    def flush(self, day: int) -> None:
        from shian.epcis.models import assigned_event_id

        batch = self.buffer.pop(day, [])
        batch.sort(key=lambda e: e[1])
        events: list[str] = []
        idents: list[str] = []
        txs: list[str] = []
        sds: list[str] = []
        dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
        for e in batch:
            kind, t = e[0], e[1]
            eid = self._next("epcis_epcisevent")
            utc, local, pg_time, pg_record = self._times(t)
            if kind == "T":
                _k, _t, uscc, inputs, outputs, tid, op_id = e
                ev = {"type": "TransformationEvent", "eventTime": utc, "eventTimeZoneOffset": "+08:00",
                      "inputQuantityList": [_quantity(i, q, u) for i, q, u in inputs],
                      "outputQuantityList": [_quantity(i, q, u) for i, q, u in outputs],
                      "bizStep": "commissioning", "disposition": "active",
                      "bizTransactionList": [{"type": "prodorder", "bizTransaction": f"urn:shian:transformation:{tid}"}],
                      "sourceList": [{"type": "owning_party", "source": PARTY + uscc}]}
                action, step, disposition = "", "commissioning", "active"
                rows = [(i, q, u, "input") for i, q, u in inputs] + [(i, q, u, "output") for i, q, u in outputs]
                tx = [("prodorder", f"urn:shian:transformation:{tid}")]
                sd = [("source", PARTY + uscc)]
                self.counts["transformation_events"] += 1
            elif kind == "S":
                _k, _t, sup, buy, ident, qty, uom, sid, op_id = e
                ev = {"type": "ObjectEvent", "eventTime": utc, "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "shipping",
                      "disposition": "in_transit", "quantityList": [_quantity(ident, qty, uom)],
                      "bizTransactionList": [{"type": "desadv", "bizTransaction": f"urn:shian:shipment:{sid}"}],
                      "sourceList": [{"type": "owning_party", "source": PARTY + sup}],
                      "destinationList": [{"type": "owning_party", "destination": PARTY + buy}]}
                action, step, disposition = "OBSERVE", "shipping", "in_transit"
                rows = [(ident, qty, uom, "object")]
                tx = [("desadv", f"urn:shian:shipment:{sid}")]
                sd = [("source", PARTY + sup), ("destination", PARTY + buy)]
                self.counts["shipping_events"] += 1
            else:
                _k, _t, sup, buy, ident, qty, uom, rid, sid, op_id = e
                tx = [("recadv", f"urn:shian:receipt:{rid}")] + ([("desadv", f"urn:shian:shipment:{sid}")] if sid else [])
                ev = {"type": "ObjectEvent", "eventTime": utc, "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "receiving",
                      "disposition": "in_progress", "quantityList": [_quantity(ident, qty, uom)],
                      "bizTransactionList": [{"type": k, "bizTransaction": v} for k, v in tx],
                      "sourceList": [{"type": "owning_party", "source": PARTY + sup}],
                      "destinationList": [{"type": "owning_party", "destination": PARTY + buy}]}
                action, step, disposition = "OBSERVE", "receiving", "in_progress"
                rows = [(ident, qty, uom, "object")]
                sd = [("source", PARTY + sup), ("destination", PARTY + buy)]
                self.counts["receiving_events"] += 1
            canonical = dumps(ev)  # the content hash's canonical text: sorted keys, UTC time (shian.epcis.extract)
            digest = hashlib.sha256(canonical.encode()).hexdigest()
            document = canonical.replace(utc, local, 1)  # the event as the platform records it: +08:00 time
            event_id = assigned_event_id(digest)
            events.append(f"{eid}\t{event_id}\tt\t{ev['type']}\t{pg_time}\t+08:00\t{pg_record}\t{action}\t{step}\t{disposition}\t\t\t{document}\t"
                          f"{digest}\t\\N\t\\N\t{op_id}\tplatform\n")
            for ident, qty, uom, role in rows:
                idents.append(f"{self._next('epcis_eventidentifier')}\t{eid}\t{ident}\tepc_class\t{role}\t{qty}\t{uom or ''}\n")
            for typ, value in tx:
                txs.append(f"{self._next('epcis_eventtransaction')}\t{eid}\t{typ}\t{value}\n")
            for k, value in sd:
                sds.append(f"{self._next('epcis_sourcedest')}\t{eid}\t{k}\towning_party\t{value}\n")
            if self.counts["checked"] < 300 and eid % 97 == 0:
                self.counts["checked"] += 1
                self.check(json.loads(document), digest, event_id, [*idents[-len(rows):]])
        self.w.write("trace_lot", self.lot_lines)
        self.lot_lines = []
        self.w.write("epcis_epcisevent", events)
        self.w.write("epcis_eventidentifier", idents)
        self.w.write("epcis_eventtransaction", txs)
        self.w.write("epcis_sourcedest", sds)

    def _times(self, t: int) -> tuple[str, str, str, str]:
        d, s = divmod(t, 86400)
        clock = f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
        ld, ls = divmod(t + 8 * 3600, 86400)
        local_clock = f"{ls // 3600:02d}:{ls % 3600 // 60:02d}:{ls % 60:02d}"
        rd, rs = divmod(t + 300, 86400)
        record_clock = f"{rs // 3600:02d}:{rs % 3600 // 60:02d}:{rs % 60:02d}"
        return (f"{self.day_str[d]}T{clock}.000000Z", f"{self.day_str[ld]}T{local_clock}+08:00", f"{self.day_str[d]} {clock}+00",
                f"{self.day_str[rd]} {record_clock}+00")


def _quantity(ident: str, qty: int, uom: str | None) -> dict[str, Any]:
    q: dict[str, Any] = {"epcClass": ident, "quantity": qty}
    if uom:
        q["uom"] = uom
    return q


def _check_against_platform(doc: dict[str, Any], digest: str, event_id: str, ident_lines: list[str]) -> None:
    """A sample of generated events must be valid and derive exactly as the platform derives them."""
    from shian.epcis.extract import extract
    from shian.epcis.validator import check_event

    assert not check_event(doc), check_event(doc)
    x = extract(doc)
    assert x.event is not None and not x.problems, x.problems
    assert x.event.content_hash == digest and x.event.event_id == event_id and x.event.assigned_id, (doc, digest)
    mine = sorted(tuple(line.rstrip("\n").split("\t")[2:]) for line in ident_lines)
    theirs = sorted((i, k, r, str(int(q)) if q is not None else "", u) for i, k, r, q, u in x.identifier_rows)
    assert mine == theirs, (mine, theirs)


# --- dropping and restoring indexes and constraints around the load ----------------------------

def _constraints_and_indexes(cur: Any, tables: tuple[str, ...]) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    cur.execute("""SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
                   FROM pg_constraint c WHERE c.contype IN ('p', 'u', 'f')
                   AND (c.conrelid::regclass::text = ANY(%s) OR c.confrelid::regclass::text = ANY(%s))""", [list(tables), list(tables)])
    constraints = cur.fetchall()
    cur.execute("""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                   WHERE i.indrelid::regclass::text = ANY(%s)
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""", [list(tables)])
    return constraints, cur.fetchall()


def drop_for_load(tables: tuple[str, ...]) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    from django.db import connection

    with connection.cursor() as cur:
        constraints, indexes = _constraints_and_indexes(cur, tables)
        for table, name, _kind, _definition in sorted(constraints, key=lambda c: c[2] != "f"):  # foreign keys first
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cur.execute(f"DROP INDEX {name}")
    return constraints, indexes


def restore_after_load(constraints: list[tuple[str, str, str, str]], indexes: list[tuple[str, str]]) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        for table, name, _kind, definition in sorted((c for c in constraints if c[2] != "f"), key=lambda c: c[1]):
            t0 = time.perf_counter()
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            log(f"  {name} ({time.perf_counter() - t0:.0f} s)")
        for name, definition in indexes:
            t0 = time.perf_counter()
            cur.execute(definition)
            log(f"  {name} ({time.perf_counter() - t0:.0f} s)")
        for table, name, _kind, definition in (c for c in constraints if c[2] == "f"):
            t0 = time.perf_counter()
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            log(f"  {name} ({time.perf_counter() - t0:.0f} s)")


def build(args: argparse.Namespace) -> dict[str, Any]:
    """Load the supply network into the (fresh, migrated) database; returns counts and timings."""
    from django.db import connection

    from shian.core.db import refresh_planner_statistics
    from shian.demo.generator import generate

    t_all = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr if args.quiet_demo else sys.stdout):
        generate(scale=args.operators)
    t_ops = time.perf_counter() - t_all
    log(f"demo city: {args.operators} operators in {t_ops:.0f} s")
    with connection.cursor() as cur:
        cur.execute("""SELECT o.id, o.uscc, array_agg(t.code) FROM registry_operator o
                       JOIN registry_operator_types ot ON ot.operator_id = o.id JOIN registry_operatortype t ON t.id = ot.operatortype_id
                       WHERE o.status = 'active' GROUP BY o.id, o.uscc ORDER BY o.id""")
        operators = [(op_id, uscc, next(r for r in ROLE_OF if r in codes)) for op_id, uscc, codes in cur.fetchall()
                     if any(r in codes for r in ROLE_OF)]
        cur.execute("SELECT code, id FROM registry_foodcategory")
        categories = dict(cur.fetchall())
        # the demo's own small trade network goes: the bench owns these tables
        cur.execute(f"TRUNCATE {', '.join(BUILD_TABLES)} CASCADE")
    constraints, indexes = drop_for_load(BUILD_TABLES)
    settings = connection.settings_dict
    dsn = f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} user={settings['USER']} dbname={settings['NAME']}"
    writer = Writer(dsn)
    first = dict.fromkeys(BUILD_TABLES, 1)
    net = Network(scale=args.scale, seed=args.seed, writer=writer, categories=categories, operators=operators, first_ids=first,
                  check=_check_against_platform)
    t0 = time.perf_counter()
    for day in net.run():
        if day % 60 == 0:
            log(f"  day {day}/{DAYS}: {net.counts['lots']:,} lots, {net.ids['epcis_epcisevent'] - 1:,} events "
                f"({time.perf_counter() - t0:.0f} s)")
    writer.close()
    t_load = time.perf_counter() - t0
    log(f"loaded with COPY in {t_load:.0f} s; rebuilding {len(indexes)} indexes and {len(constraints)} constraints")
    t0 = time.perf_counter()
    restore_after_load(constraints, indexes)
    with connection.cursor() as cur:
        for table in BUILD_TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))")
    t_index = time.perf_counter() - t0
    t0 = time.perf_counter()
    refresh_planner_statistics()
    t_analyze = time.perf_counter() - t0
    counts = {**{k: v for k, v in net.counts.items() if k != "checked"}, **writer.rows, "checked_against_platform": net.counts["checked"]}
    return {"counts": counts, "seconds": {"operators": round(t_ops), "copy": round(t_load), "indexes_constraints": round(t_index),
                                          "analyze": round(t_analyze), "total": round(time.perf_counter() - t_all)}}


# --- measurements -----------------------------------------------------------------------------

def rss_kb(pid: int | str = "self") -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def sample_lots(n: int, rng: random.Random) -> list[int]:
    from shian.trace.models import Lot

    lo, hi = Lot.objects.order_by("id").values_list("id", flat=True).first(), Lot.objects.order_by("-id").values_list("id", flat=True).first()
    assert lo is not None and hi is not None
    picked: list[int] = []
    while len(picked) < n:
        want = [rng.randint(lo, hi) for _ in range(n)]
        picked += list(Lot.objects.filter(pk__in=want).values_list("id", flat=True))
    rng.shuffle(picked)
    return picked[:n]


def lots_of_identifiers(identifiers: list[str]) -> dict[str, int]:
    from django.db.models import Q

    from shian.trace.models import Lot

    codes = [i[len(LOT_URN):] for i in identifiers if i.startswith(LOT_URN)]
    pairs = [i[len(DL):].split("/10/") for i in identifiers if i.startswith(DL)]
    match = Q(trace_code__in=codes)
    for gtin, code in pairs:
        match |= Q(product__gtin=gtin, lot_code=code)
    return {lot.epc_class: lot.pk for lot in Lot.objects.filter(match).select_related("product")}


def recall_lots(n: int, rng: random.Random) -> list[int]:
    """Lots that went into a transformation (so that the recall scope crosses one)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT identifier FROM epcis_eventidentifier TABLESAMPLE SYSTEM (0.5) REPEATABLE (7) WHERE role = 'input' LIMIT %s", [n * 3])
        identifiers = sorted({row[0] for row in cur.fetchall()})
    rng.shuffle(identifiers)
    found = lots_of_identifiers(identifiers[: n * 2])
    ids = list(found.values())
    rng.shuffle(ids)
    return ids[:n]


@dataclass
class Reference:
    """The whole edge table as two rustworkx digraphs, for the reference traversal: event nodes
    (index = event id - first id) and identifier nodes (after them). Forward: identifier -> event for
    the object and input roles, event -> identifier for outputs; back: identifier -> event for
    object and output, event -> identifier for inputs. So ``descendants`` is the platform's walk."""

    node_of: dict[str, int]
    events: int
    forward: Any
    back: Any

    @classmethod
    def load(cls) -> Reference:
        import rustworkx as rx
        from django.db import connection, transaction

        with connection.cursor() as cur:
            cur.execute("SELECT min(id), max(id) FROM epcis_epcisevent")
            first, last = cur.fetchone()
        events = last - first + 1
        forward = rx.PyDiGraph(check_cycle=False, multigraph=True)
        back = rx.PyDiGraph(check_cycle=False, multigraph=True)
        for g in (forward, back):
            g.add_nodes_from([None] * events)
        node_of: dict[str, int] = {}
        f_edges: list[tuple[int, int]] = []
        b_edges: list[tuple[int, int]] = []
        with transaction.atomic(), connection.connection.cursor(name="reference") as cur:  # server-side: the edge table does not fit in a list
            cur.itersize = 200_000
            cur.execute("SELECT event_id, identifier, role FROM epcis_eventidentifier")
            for event_id, identifier, role in cur:
                node = node_of.get(identifier)
                if node is None:
                    node = node_of[identifier] = forward.add_node(None)
                    back.add_node(None)
                ev = event_id - first
                if role == "object":
                    f_edges.append((node, ev))
                    b_edges.append((node, ev))
                elif role == "input":
                    f_edges.append((node, ev))
                    b_edges.append((ev, node))
                elif role == "output":
                    f_edges.append((ev, node))
                    b_edges.append((node, ev))
                if len(f_edges) >= 200_000:
                    forward.add_edges_from_no_data(f_edges)
                    back.add_edges_from_no_data(b_edges)
                    f_edges, b_edges = [], []
        forward.add_edges_from_no_data(f_edges)
        back.add_edges_from_no_data(b_edges)
        return cls(node_of, events, forward, back)

    def trace(self, identifier: str) -> tuple[int, int]:
        """(events, identifiers) reached back plus forward, counted as the platform's walk counts them."""
        import rustworkx as rx

        node = self.node_of.get(identifier)
        if node is None:
            return 0, 0
        events = idents = 0
        for g in (self.back, self.forward):
            reached = rx.descendants(g, node)
            n_events = sum(1 for x in reached if x < self.events)
            events += n_events
            idents += len(reached) - n_events + 1
        return events, idents


def run_wrk(url: str, paths: list[str], seconds: int, connections: int) -> dict[str, float]:
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    script.write("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
                 "math.randomseed(7)\n"
                 "request = function() return wrk.format('GET', paths[math.random(#paths)], {['Accept'] = 'text/html'}) end\n"
                 "done = function(summary, latency, requests)\n"
                 "  io.write(string.format('JSON {\"requests\": %d, \"errors\": %d, \"non2xx\": %d, \"p50\": %f, \"p99\": %f, \"mean\": %f, "
                 "\"seconds\": %f}\\n', summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + "
                 "summary.errors.timeout, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000, "
                 "latency.mean / 1000, summary.duration / 1e6))\n"
                 "end\n")
    script.close()
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    result = json.loads(next(line for line in out.splitlines() if line.startswith("JSON "))[5:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


@contextlib.contextmanager
def gunicorn(db_url: str, workers: int) -> Iterator[tuple[str, Callable[[], list[int]]]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "shian.settings", "SHIAN_VAR_DIR": str(ROOT / "var" / "bench"),
           "SHIAN_LOG_LEVEL": "ERROR"}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "shian.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--timeout", "60", "--log-level", "warning"], env=env, cwd=ROOT / "src")

    def workers_pids() -> list[int]:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        yield url, workers_pids
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


class RssSampler(threading.Thread):
    def __init__(self, pids: Callable[[], list[int]]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            for pid in self.pids():
                with contextlib.suppress(OSError, KeyError):
                    self.peak[pid] = max(self.peak.get(pid, 0), rss_kb(pid)["VmRSS"])


def ms(values: list[float]) -> str:
    return summary(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="shian_bench_trace")
    parser.add_argument("--reuse", action="store_true", help="keep a finished build with the same parameters (otherwise rebuild)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full network (1.0: ~1M lots, ~10M events)")
    parser.add_argument("--operators", type=int, default=FULL_OPERATORS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--requests", type=int, default=200, help="traces and recalls timed")
    parser.add_argument("--capture-events", type=int, default=50_000)
    parser.add_argument("--capture-batch", type=int, default=5_000)
    parser.add_argument("--capture-clients", type=int, default=2,
                        help="also capture from this many processes at once (other cities' systems send in parallel); 1: skip")
    parser.add_argument("--reference-events", type=int, default=300, help="events validated with plain jsonschema (slow)")
    parser.add_argument("--qr-seconds", type=int, default=20, help="wrk duration (at least 5: shorter runs reported no requests)")
    parser.add_argument("--qr-connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (docs/operations.md: about 2 x cores)")
    parser.add_argument("--skip", default="", help="comma-separated figures to skip: trace, recall, capture, qr, reference")
    parser.add_argument("--quiet-demo", action="store_true", help="send the demo generator's progress to stderr")
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    wanted = {"version": 1, "scale": args.scale, "operators": args.operators, "seed": args.seed}
    marker = database_marker(args.db)
    rebuild = not (args.reuse and marker is not None and all(marker.get(k) == v for k, v in wanted.items()) and marker.get("finished"))
    print(f"# bench/trace.py on {machine()}")
    print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    if rebuild:
        log(f"building {args.db} from scratch (scale {args.scale}, {args.operators} operators, seed {args.seed})")
        recreate_database(args.db)
    setup_django(args.db)

    from django.db import connection
    from django.test import Client

    from shian.accounts.models import User
    from shian.trace import graph
    from shian.trace.models import Lot

    if rebuild:
        built = build(args)
        marker = {**wanted, **built, "finished": datetime.now(UTC).isoformat(timespec="seconds")}
        with connection.cursor() as cur:
            cur.execute(f"COMMENT ON DATABASE {args.db} IS %s", [json.dumps(marker)])
        log("build finished; measuring in a fresh process (the build's memory must not count)")
        sys.stdout.flush()
        connection.close()
        os.execv(sys.executable, [sys.executable, __file__, *[a for a in sys.argv[1:] if a != "--reuse"], "--reuse"])
    assert marker is not None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
        counts = {}
        for table in ("registry_operator", *BUILD_TABLES):
            cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            counts[table] = cur.fetchone()[0]
    print(f"# database {args.db}: {size}; rows (planner estimates) " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"# build: {json.dumps(marker.get('seconds'))} s; counts {json.dumps(marker.get('counts'), ensure_ascii=False)}")
    print(f"# version: PostgreSQL {connection.cursor().connection.info.server_version}")

    rng = random.Random(args.seed)
    regulator = User.objects.get(username="city_regulator")
    principal = regulator.principal
    results: dict[str, Any] = {}

    # --- trace back + forward (server time) --------------------------------------------------
    lots = sample_lots(args.requests, rng)
    epc_of = {lot.pk: lot.epc_class for lot in Lot.objects.filter(pk__in=lots).select_related("product")}
    sizes: list[tuple[int, int]] = []
    if "trace" not in skip:
        for lot_id in lots[:10]:  # warm up caches and connections
            graph.lot_trace(principal, lot_id)

        def one_trace(lot_id: int) -> None:
            _lot, back, forward = graph.lot_trace(principal, lot_id)
            assert back is not None and forward is not None
            sizes.append((len(back["edges"]) + len(forward["edges"]), len(back["nodes"]) + len(forward["nodes"])))

        it = iter(lots)
        trace_ms = timed(lambda: one_trace(next(it)), len(lots))
        client = Client()
        client.force_login(regulator)
        it2 = iter(lots)
        api_ms = timed(lambda: _ok(client.get(f"/api/v1/trace/lots/{next(it2)}/trace")), len(lots))
        health_ms = timed(lambda: _ok(client.get("/healthz")), len(lots))
        results["trace"] = trace_ms
        print()
        print(f"trace back + forward, graph.lot_trace (regulator)  {ms(trace_ms)}   target p95 <= 50 ms "
              f"{'PASS' if pct(trace_ms, 95) <= 50 else 'FAIL'}")
        print(f"   per lot: mean {statistics.fmean(s[0] for s in sizes):.1f} events, {statistics.fmean(s[1] for s in sizes):.1f} identifiers "
              f"(max {max(s[0] for s in sizes)} events)")
        print(f"trace API GET /api/v1/trace/lots/{{id}}/trace      {ms(api_ms)}")
        print(f"reference GET /healthz (same client)               {ms(health_ms)}")

    # --- recall scope -------------------------------------------------------------------------
    recall_ms: list[float] = []
    recall_ids: list[int] = []
    if "recall" not in skip:
        try:
            from shian.trace.recall import recall_scope
        except ImportError:
            print("recall scope: SKIPPED (recall_scope not available)")
        else:
            recall_ids = recall_lots(args.requests, rng)
            for lot_id in recall_ids[:5]:
                recall_scope([lot_id], principal=principal)
            scopes: list[tuple[int, int]] = []

            def one_recall(lot_id: int) -> None:
                scope = recall_scope([lot_id], principal=principal)
                scopes.append((len(scope["affected"]), len(scope["edges"])))

            it3 = iter(recall_ids)
            recall_ms = timed(lambda: one_recall(next(it3)), len(recall_ids))
            print(f"recall scope of a lot used in a transformation     {ms(recall_ms)}   target p95 <= 200 ms "
                  f"{'PASS' if pct(recall_ms, 95) <= 200 else 'FAIL'}")
            print(f"   per recall: mean {statistics.fmean(s[0] for s in scopes):.1f} affected lots, {statistics.fmean(s[1] for s in scopes):.1f} "
                  f"events (max {max(s[0] for s in scopes)} lots, {max(s[1] for s in scopes)} events)")

    mem = rss_kb()
    print(f"memory of this Django process after the server-side traces and recalls: VmRSS {mem['VmRSS'] / 1024:.0f} MB, "
          f"peak VmHWM {mem['VmHWM'] / 1024:.0f} MB (read from /proc/self/status before the reference graph is loaded)   "
          f"target < 300 MB {'PASS' if mem['VmHWM'] < 300 * 1024 else 'FAIL'}")

    # --- EPCIS capture into this database -----------------------------------------------------
    if "capture" not in skip:
        capture_figures(args)

    # --- consumer QR page under load ----------------------------------------------------------
    if "qr" not in skip:
        qr_figures(args, lots)

    # --- the in-memory reference traversal (last: it holds the whole edge table) ---------------
    if "reference" not in skip and "trace" not in skip:
        t0 = time.perf_counter()
        ref = Reference.load()
        load_s = time.perf_counter() - t0
        after = rss_kb()
        mismatches = 0
        ref_ms = []
        for lot_id, (events, _idents) in zip(lots, sizes, strict=True):
            t1 = time.perf_counter()
            got = ref.trace(epc_of[lot_id])
            ref_ms.append((time.perf_counter() - t1) * 1000)
            mismatches += got[0] != events
        trace_ms = results["trace"]
        print(f"reference: rustworkx descendants, back + forward   {ms(ref_ms)}   server/reference p50 {pct(trace_ms, 50) / pct(ref_ms, 50):.0f}x, "
              f"p95 {pct(trace_ms, 95) / pct(ref_ms, 95):.0f}x")
        print(f"   graph of {len(ref.node_of):,} identifiers and {ref.events:,} events, "
              f"{ref.forward.num_edges():,} + {ref.back.num_edges():,} edges; loaded in {load_s:.0f} s, process RSS {after['VmRSS'] / 1024:.0f} MB; "
              f"event counts agree with the server's walk for {len(lots) - mismatches}/{len(lots)} lots")


def _ok(response: Any) -> None:
    assert response.status_code == 200, response.status_code


def capture_figures(args: argparse.Namespace) -> None:
    import jsonschema

    from epcis import SCHEMA_CANDIDATES, document, make_events  # bench/epcis.py: the same GS1-shaped events
    from shian.accounts.models import Organisation
    from shian.core.access import Principal, Role
    from shian.epcis import services
    from shian.epcis.models import Capture
    from shian.epcis.validator import validate_body

    org, _created = Organisation.objects.get_or_create(code=CAPTURE_ORG, defaults={"name": "bench", "kind": Organisation.Kind.PLATFORM})
    principal = Principal(role=Role.PUBLIC, jurisdiction_path=None, organisation_id=org.pk, label="bench")
    run = Capture.objects.filter(created_by_org=org).count()  # new content each run: a stored event would be a duplicate
    events = make_events(args.capture_events, seed=1000 + run)
    batch = args.capture_batch
    t0 = time.perf_counter()
    assert all(validate_body(document(events[i:i + batch])).ok for i in range(0, len(events), batch))
    validate_rate = len(events) / (time.perf_counter() - t0)
    per_capture = []
    t0 = time.perf_counter()
    for i in range(0, len(events), batch):
        t1 = time.perf_counter()
        outcome = services.capture_now(body=document(events[i:i + batch]), principal=principal)
        per_capture.append(len(outcome.stored) / (time.perf_counter() - t1))
        assert not outcome.duplicates, outcome.duplicates[:3]
    rate = len(events) / (time.perf_counter() - t0)
    schema = json.loads(next(p for p in SCHEMA_CANDIDATES if p.exists()).read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    sample = events[: args.reference_events]
    t0 = time.perf_counter()
    for ev in sample:
        assert validator.is_valid(document([ev]))
    ref = len(sample) / (time.perf_counter() - t0)
    print(f"EPCIS capture, full validation, into this database: {rate:8,.0f} events/s sustained over {len(events):,} events in captures of "
          f"{batch:,} (per capture {min(per_capture):,.0f}..{max(per_capture):,.0f})   target >= 5,000 {'PASS' if rate >= 5000 else 'FAIL'}")
    print(f"   our validator alone {validate_rate:,.0f} events/s; reference: jsonschema + GS1 schema with format checks {ref:,.0f} events/s "
          f"(one core, {len(sample)} events); capture / reference {rate / ref:.1f}x")
    if args.capture_clients > 1:
        parallel_capture_figure(args, org.pk, run + 1)


def _capture_client(org_id: int, seed: int, n: int, batch: int) -> int:
    """One client process: capture ``n`` fresh events in captures of ``batch``; returns the number stored."""
    from epcis import document, make_events
    from shian.core.access import Principal, Role
    from shian.epcis import services

    principal = Principal(role=Role.PUBLIC, jurisdiction_path=None, organisation_id=org_id, label="bench")
    events = make_events(n, seed=seed)
    stored = 0
    for i in range(0, len(events), batch):
        stored += len(services.capture_now(body=document(events[i:i + batch]), principal=principal).stored)
    return stored


def parallel_capture_figure(args: argparse.Namespace, org_id: int, run: int) -> None:
    """The same captures sent by several client processes at once: the repository's sustained intake."""
    import multiprocessing

    from django.db import connections

    clients = args.capture_clients
    per_client = args.capture_events // clients
    connections.close_all()  # each forked client opens its own connection
    ctx = multiprocessing.get_context("fork")
    t0 = time.perf_counter()
    with ctx.Pool(clients) as pool:
        stored = pool.starmap(_capture_client, [(org_id, 100_000 + 1000 * run + c, per_client, args.capture_batch) for c in range(clients)])
    rate = sum(stored) / (time.perf_counter() - t0)
    print(f"EPCIS capture from {clients} clients at once, full validation, into this database: {rate:8,.0f} events/s over {sum(stored):,} "
          f"events (each client sequential captures of {args.capture_batch:,})   target >= 5,000 {'PASS' if rate >= 5000 else 'FAIL'}")


def qr_figures(args: argparse.Namespace, lots: list[int]) -> None:
    from django.db import connection
    from django.test import Client

    from shian.trace.models import Lot

    if shutil.which("wrk") is None:
        print("consumer QR page: SKIPPED (wrk is not installed: apt-get install -y wrk)")
        return
    paths = []
    for lot in Lot.objects.filter(pk__in=lots).select_related("product"):
        paths.append(f"/01/{lot.product.gtin}/10/{lot.lot_code}" if lot.product.gtin else f"/t/{lot.trace_code}")
    client = Client()
    found = sum(client.get(p).status_code == 200 for p in paths[:20])
    if found == 0:
        print("consumer QR page: SKIPPED (every sampled lot's page is 404: the page is not there yet)")
        return
    settings = connection.settings_dict
    db_url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    seconds = max(5, args.qr_seconds)
    with gunicorn(db_url, args.workers) as (url, worker_pids):
        run_wrk(url, paths, 5, args.qr_connections)  # warm up every worker
        sampler = RssSampler(worker_pids)
        sampler.start()
        page = run_wrk(url, paths, seconds, args.qr_connections)
        sampler.stop.set()
        health = run_wrk(url, ["/healthz"], seconds, args.qr_connections)
    ok = page["rps"] >= 500 and page["p99"] <= 100
    gtin_share = sum(p.startswith("/01/") for p in paths) / len(paths)
    print(f"consumer QR page under load (wrk -t2 -c{args.qr_connections}, {seconds} s, gunicorn -w {args.workers}, "
          f"{len(paths)} lots, {gtin_share:.0%} by Digital Link):")
    print(f"   page      {page['rps']:7.0f} req/s  p50 {page['p50']:6.1f} ms  p99 {page['p99']:6.1f} ms  errors {page['errors']}  non-2xx "
          f"{page['non2xx']}   target >= 500 req/s, p99 <= 100 ms {'PASS' if ok else 'FAIL'}")
    print(f"   /healthz  {health['rps']:7.0f} req/s  p50 {health['p50']:6.1f} ms  p99 {health['p99']:6.1f} ms  (reference)   "
          f"page/healthz throughput {page['rps'] / health['rps']:.2f}")
    if sampler.peak:
        print(f"   gunicorn worker RSS during the page load: max {max(sampler.peak.values()) / 1024:.0f} MB over {len(sampler.peak)} workers")


if __name__ == "__main__":
    main()
