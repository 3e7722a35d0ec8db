"""Demo data for the cold chain: imported chilled and frozen food coded at central warehouses, with
certificates (a few missing or expired), releases, a few rejections, temperatures with a few
excursions, and shipments of released lots to buyers.

Everything goes through the services (so the audit trail, EPCIS events and checks are the real
ones); every value comes from ``rng`` in a fixed order, so the same seed gives the same data. Times
are clamped to the present: a reading in the future would be refused.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone

from shian.coldchain import rules, services
from shian.coldchain.models import FirstStopEntry, StorageClass
from shian.core.errors import ShianError
from shian.core.ids import uscc_with_check
from shian.registry.models import Operator
from shian.trace import services as trace_services
from shian.trace.models import Document

CHINA = services.CHINA
GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Imported:
    """A kind of imported cold-chain food: name, food category, storage class, where it comes from, shelf life."""

    name: str
    category: str
    specification: str
    storage_class: str
    origins: tuple[str, ...]
    shelf_life_days: int


CATALOGUE: tuple[Imported, ...] = (
    Imported("冷冻去骨牛肉", "A04", "25千克/箱", StorageClass.FROZEN, ("BR", "AR", "UY", "AU", "NZ"), 540),
    Imported("冷冻猪肉分割品", "A04", "20千克/箱", StorageClass.FROZEN, ("ES", "DK", "NL", "BR"), 540),
    Imported("冷冻鸡翅中", "A04", "10千克/箱", StorageClass.FROZEN, ("BR", "US", "TH"), 540),
    Imported("冷冻大西洋鲑", "A06", "整条约5千克", StorageClass.FROZEN, ("NO", "CL", "FO"), 720),
    Imported("冷冻白虾", "A06", "2千克/盒", StorageClass.FROZEN, ("EC", "VN", "IN"), 720),
    Imported("冰鲜大西洋鲑", "A06", "整条约5千克", StorageClass.CHILLED, ("NO", "CL"), 14),
    Imported("冰鲜牛肉", "A04", "真空包装", StorageClass.CHILLED, ("AU", "NZ"), 60),
)
OUTSIDE_IMPORTERS = ("广州海韵进出口贸易有限公司", "深圳冷源国际供应链有限公司", "佛山粤港冻品进口有限公司")
CERT_NAMES: dict[str, str] = {
    Document.Kind.CUSTOMS_DECLARATION: "进口货物报关单.pdf",
    Document.Kind.INSPECTION_QUARANTINE_CERTIFICATE: "入境货物检验检疫证明.pdf",
    Document.Kind.DISINFECTION_CERTIFICATE: "消毒证明.pdf",
    Document.Kind.NUCLEIC_ACID_REPORT: "核酸检测报告.pdf",
}
REJECTION_REASONS = ("外包装破损，货物解冻后再冻结迹象明显", "检验检疫证明与货物批号不符", "冷藏车到货时厢体温度超标")


def _outside_uscc(rng: random.Random) -> str:
    body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
    return uscc_with_check(f"91440100{org}")


def _pdf(label: str) -> BytesIO:
    """A tiny PDF (the platform recognises files by their first bytes), distinct per label."""
    return BytesIO(f"%PDF-1.4\n% {label}\n%%EOF\n".encode())


def _declaration(rng: random.Random, on: date) -> str:
    return f"{rng.randint(5100, 5199)}{on.year}1{rng.randint(0, 999_999_999):09d}"


def _attach(entry: FirstStopEntry, rng: random.Random, by: Any) -> None:
    """Attach the required certificates; about one in ten is missing and one in twenty expired."""
    for rule in rules.required_certificates():
        if rng.random() < 0.1:
            continue
        issued = entry.entry_date - timedelta(days=rng.randint(1, 10))
        valid_until = issued + timedelta(days=rng.choice((180, 365))) if rng.random() < 0.5 else None
        if rng.random() < 0.05:
            valid_until = issued  # expired: valid for its issue day only
        services.attach_certificate(entry=entry, file=_pdf(f"{rule.kind} {entry.lot.trace_code}"), name=CERT_NAMES.get(rule.kind, "证明.pdf"),
                                    kind=rule.kind, issued_on=issued, valid_until=valid_until,
                                    number=f"{rule.kind[:2].upper()}{rng.randint(10**9, 10**10 - 1)}", by=by)


def _readings(entry: FirstStopEntry, rng: random.Random, now: datetime, by: Any) -> int:
    """Readings every four hours for up to three days from entry; about one lot in twelve has an excursion."""
    target = Decimal("-20") if entry.storage_class == StorageClass.FROZEN else Decimal("2")
    spike = Decimal("-12") if entry.storage_class == StorageClass.FROZEN else Decimal("7.5")
    start = datetime.combine(entry.entry_date, time(8, 0), tzinfo=CHINA)
    excursion_at = rng.randint(3, 15) if rng.random() < 0.08 else None
    rows = []
    for i in range(18):
        when = start + timedelta(hours=4 * i)
        if when > now:
            break
        noise = Decimal(rng.randint(-15, 15)) / 10
        value = spike + noise / 3 if i == excursion_at else target + noise
        rows.append({"time": when, "value": value, "location": f"{rng.choice('ABC')}区冷库", "device": f"T-{entry.warehouse_id}-{rng.randint(1, 4)}"})
    if not rows:
        return 0
    return len(services.record_readings(lot=entry.lot, readings=rows, step="storing", by=by).stored)


def generate(warehouses: Sequence[Operator], importers: Sequence[Operator], buyers: Sequence[Operator], rng: random.Random, start: date,
             end: date, *, per_warehouse: int = 8, by: Any = None) -> int:
    """Create ``per_warehouse`` first-stop entries at each cold store between ``start`` and ``end``
    (clamped to today), with certificates, decisions, readings and shipments; returns the number of
    entries created. Warehouses that are not cold stores are skipped."""
    now = timezone.now()
    today = timezone.localdate()
    last = min(end, today)
    if last < start or not warehouses:
        return 0
    span = (last - start).days
    cold_stores = [w for w in warehouses if w.types.filter(code=services.WAREHOUSE_TYPE).exists()]
    created = 0
    for w_index, warehouse in enumerate(cold_stores):
        for i in range(per_warehouse):
            item = rng.choice(CATALOGUE)
            entry_date = start + timedelta(days=rng.randint(0, span))
            production = entry_date - timedelta(days=rng.randint(20, 120) if item.storage_class == StorageClass.FROZEN else rng.randint(2, 6))
            registry_importer = rng.choice(importers) if importers and rng.random() < 0.7 else None
            outside = (rng.choice(OUTSIDE_IMPORTERS), _outside_uscc(rng)) if registry_importer is None else ("", "")
            try:
                entry = services.first_stop_register(
                    warehouse=warehouse, importer=registry_importer, importer_name=outside[0], importer_uscc=outside[1],
                    product=services.ProductSpec(name=item.name, category_code=item.category, specification=item.specification,
                                                 shelf_life_days=item.shelf_life_days),
                    lot_code=f"IM{entry_date:%y%m%d}-{w_index:02d}{i:03d}", production_date=production,
                    quantity=Decimal(rng.randint(20, 400) * 10), unit="kg", origin_country=rng.choice(item.origins),
                    customs_declaration_number=_declaration(rng, entry_date), entry_date=entry_date, storage_class=item.storage_class, by=by)
            except ShianError:
                continue  # e.g. a lot code already used by an earlier run: skip, keep the run deterministic otherwise
            created += 1
            _attach(entry, rng, by)
            _readings(entry, rng, now, by)
            roll = rng.random()
            if roll < 0.06:
                services.reject(entry=entry, reason=rng.choice(REJECTION_REASONS), by=by)
                continue
            if roll > 0.85:
                continue  # still held: certificates being checked
            try:
                services.release(entry=entry, by=by)
            except ShianError:
                continue  # missing or expired certificate: stays held, as in real life
            owner = entry.lot.product.owner
            choices = [b for b in buyers if b.pk != owner.pk]
            if choices and rng.random() < 0.7:
                trace_services.shipment_create(supplier=owner, buyer=rng.choice(choices), shipped_on=max(entry.entry_date, last - timedelta(days=1)),
                                               lines=[trace_services.LineIn(quantity=entry.lot.quantity / 2, lot=entry.lot)], by=by)
    return created
