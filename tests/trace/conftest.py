"""Trace fixtures on top of the shared world: a licensed meat-products producer (op2) with a product,
a lot and the lot's certificates, ready to ship to op1 (the restaurant of operator_user)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.registry import services as registry
from shian.registry.models import Licence
from shian.trace import services
from shian.trace.models import Document, Lot, Product
from tests.conftest import World

_counter = itertools.count(1)
DAY = date(2026, 3, 2)


def pdf(label: str = "") -> bytes:
    """A distinct small PDF (the platform only looks at the first bytes)."""
    return f"%PDF-1.4\n% {label} {next(_counter)}\n%%EOF\n".encode()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(content: bytes, name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def document(*, kind: str, owner: Any = None, lot: Lot | None = None, issued_on: date = date(2026, 1, 5), valid_until: date | None = None,
             name: str = "证明.pdf") -> Document:
    doc, created = services.document_upload(file=upload(pdf(kind)), name=name, kind=kind, issued_on=issued_on, valid_until=valid_until,
                                            owner=owner, lot=lot)
    assert created
    return doc


@dataclass
class Trace:
    world: World
    licence: Licence
    sausage: Product  # op2's meat product (104)
    lot: Lot
    test_report: Document
    quarantine: Document


def build_trace(world: World) -> Trace:
    licence = registry.licence_create(operator=world.op2, kind="production", number="SC10444070300023", issued_on=date(2024, 1, 10),
                                      expires_on=date(2029, 1, 9), authority="江门市市场监督管理局", scope_codes=["104"])
    sausage = services.product_create(owner=world.op2, name="广式腊肠", category_code="104", specification="500克/袋", gtin="6901234567892",
                                      shelf_life_days=180)
    lot = services.lot_create(product=sausage, lot_code="LC2026-01", production_date=date(2026, 2, 1), quantity=Decimal("500"), unit="bag")
    test_report = document(kind=Document.Kind.TEST_REPORT, owner=world.op2, lot=lot, name="出厂检验报告.pdf")
    quarantine = document(kind=Document.Kind.QUARANTINE_CERTIFICATE, owner=world.op2, lot=lot, name="动物检疫合格证明.pdf")
    return Trace(world, licence, sausage, lot, test_report, quarantine)


@pytest.fixture
def trace(world: World) -> Trace:
    return build_trace(world)
