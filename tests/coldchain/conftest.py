"""Cold-chain fixtures on top of the shared world: a central warehouse (a cold store in 蓬江区 owned by
op1's organisation, so operator_user records for it) and a held first-stop entry of frozen beef
imported by op3 (江海区, other_operator_user's organisation)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shian.coldchain import services
from shian.coldchain.models import EntryCertificate, FirstStopEntry
from shian.registry import services as registry
from shian.registry.models import Operator
from shian.trace.models import Document
from tests.conftest import World, make_uscc

_counter = itertools.count(1)
REQUIRED = (Document.Kind.CUSTOMS_DECLARATION, Document.Kind.INSPECTION_QUARANTINE_CERTIFICATE, Document.Kind.DISINFECTION_CERTIFICATE)
DECLARATION = "517120261000012345"


def today() -> date:
    return timezone.localdate()


def pdf(label: str = "") -> SimpleUploadedFile:
    """A distinct small PDF upload (the platform only looks at the first bytes)."""
    return SimpleUploadedFile("证明.pdf", f"%PDF-1.4\n% {label} {next(_counter)}\n%%EOF\n".encode(), content_type="application/pdf")


def make_warehouse(w: World, n: int = 50) -> Operator:
    return registry.operator_create(name=f"江门冷链集中监管仓{n}", uscc=make_uscc(n), legal_representative="周五", type_codes=["cold_store"],
                                    scope_codes=["B01"], address="江门市蓬江区冷库路5号", jurisdiction=w.s1, owner_org=w.op1.owner_org)


def register(warehouse: Operator, *, importer: Operator | None = None, lot_code: str = "BR-001", storage_class: str = "frozen",
             by: Any = None, **extra: Any) -> FirstStopEntry:
    fields: dict[str, Any] = {
        "product": services.ProductSpec(name="冷冻去骨牛肉", category_code="A04", specification="25千克/箱"),
        "lot_code": lot_code, "production_date": today() - timedelta(days=60), "quantity": Decimal("1000"), "unit": "kg",
        "origin_country": "BR", "customs_declaration_number": DECLARATION, "entry_date": today() - timedelta(days=2),
        "storage_class": storage_class,
    }
    fields.update(extra)
    if importer is None and "importer_uscc" not in fields:
        fields["importer_name"], fields["importer_uscc"] = "广州海韵进出口贸易有限公司", make_uscc(71, "440100")
    return services.first_stop_register(warehouse=warehouse, importer=importer, by=by, **fields)


def attach(entry: FirstStopEntry, kind: str, *, valid_until: date | None = None, issued_on: date | None = None) -> EntryCertificate:
    return services.attach_certificate(entry=entry, file=pdf(kind), name=f"{kind}.pdf", kind=kind,
                                       issued_on=issued_on or today() - timedelta(days=5), valid_until=valid_until, number="NO-1")


def attach_all(entry: FirstStopEntry) -> None:
    for kind in REQUIRED:
        attach(entry, kind)


@dataclass
class Cold:
    world: World
    warehouse: Operator
    entry: FirstStopEntry  # held, imported by op3, no certificates


@pytest.fixture
def cold(world: World) -> Cold:
    warehouse = make_warehouse(world)
    return Cold(world, warehouse, register(warehouse, importer=world.op3))
