"""GTIN validation and normalisation, lot codes, trace codes and Digital Link URIs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shian.core.errors import Conflict, Invalid
from shian.trace import identifiers, services
from shian.trace.identifiers import digital_link, is_trace_code, new_trace_code, normalise_gtin, validate_lot_code
from tests.conftest import World
from tests.trace.conftest import Trace


@pytest.mark.parametrize(("raw", "gtin14"), [
    ("96385074", "00000096385074"),          # GTIN-8
    ("036000291452", "00036000291452"),      # GTIN-12 (UPC-A)
    ("6901234567892", "06901234567892"),     # GTIN-13 (EAN-13, China prefix 690)
    ("10614141000415", "10614141000415"),    # GTIN-14
    (" 690-1234-567892 ", "06901234567892"),  # separators are dropped
])
def test_valid_gtins_are_normalised_to_14_digits(raw: str, gtin14: str) -> None:
    assert normalise_gtin(raw) == gtin14


@pytest.mark.parametrize(("raw", "code"), [
    ("6901234567893", "gtin_checksum"),   # wrong check digit
    ("690123456789", "gtin_checksum"),    # 12 digits but not a valid UPC
    ("69012345678", "gtin_length"),       # 11 digits
    ("690123456789012", "gtin_length"),   # 15 digits
    ("69012345678A2", "gtin_format"),
    ("", "gtin_format"),
])
def test_invalid_gtins_are_refused_with_a_code(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_gtin(raw)
    assert exc.value.code == code


@pytest.mark.parametrize("code", ["A", "LC2026-01", "x" * 20, "B/12.3_(a)", "%&'*+,:;<=>?!\""])
def test_lot_codes_in_the_gs1_ai10_set(code: str) -> None:
    validate_lot_code(code)


@pytest.mark.parametrize("code", ["", "x" * 21, "批号1", "A B", "A#1", "tab\t"])
def test_lot_codes_outside_the_gs1_ai10_set(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_lot_code(code)


def test_trace_codes_are_short_printable_and_random() -> None:
    codes = {new_trace_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(is_trace_code(c) and len(c) == 14 for c in codes)


def test_digital_link_percent_encodes_the_lot() -> None:
    assert digital_link("06901234567892", "A/B 1") == "https://id.gs1.org/01/06901234567892/10/A%2FB%201"


@pytest.mark.django_db
def test_product_gtin_is_checked_normalised_and_unique_per_owner(world: World) -> None:
    p = services.product_create(owner=world.op2, name="腊肉", category_code="104", gtin="6901234567892")
    assert p.gtin == "06901234567892"
    with pytest.raises(Conflict) as dup:
        services.product_create(owner=world.op2, name="腊肉二", category_code="104", gtin="06901234567892")
    assert dup.value.field == "gtin"
    other = services.product_create(owner=world.op3, name="同码商品", category_code="B01", gtin="6901234567892")
    assert other.gtin == p.gtin  # another owner may carry the same GTIN (a retailer listing the producer's item)
    with pytest.raises(Invalid) as bad:
        services.product_create(owner=world.op2, name="坏码", category_code="104", gtin="6901234567893")
    assert bad.value.field == "gtin" and bad.value.code == "gtin_checksum"
    with pytest.raises(Invalid) as cat:
        services.product_create(owner=world.op2, name="无类别", category_code="Z99")
    assert cat.value.code == "category_unknown"
    assert services.product_create(owner=world.op2, name="无码", category_code="104", gtin="").gtin is None


@pytest.mark.django_db
def test_lot_trace_code_expiry_and_identifiers(trace: Trace) -> None:
    lot = trace.lot
    assert is_trace_code(lot.trace_code)
    assert lot.expiry_date == date(2026, 7, 31)  # production date + 180 days of shelf life
    assert lot.digital_link == "https://id.gs1.org/01/06901234567892/10/LC2026-01"
    assert lot.epc_class == lot.digital_link
    plain = services.product_create(owner=trace.world.op2, name="散装腊味", category_code="104")
    plain_lot = services.lot_create(product=plain, lot_code="S1", production_date=date(2026, 2, 1), quantity=Decimal(10))
    assert plain_lot.digital_link is None
    assert plain_lot.epc_class == f"urn:shian:lot:{plain_lot.trace_code}"
    assert plain_lot.expiry_date is None


@pytest.mark.django_db
def test_lot_trace_codes_are_unique_even_when_the_generator_repeats(trace: Trace, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repeated random code is replaced before saving; the unique constraint backs this up."""
    taken = trace.lot.trace_code
    fresh = iter([taken, taken, "JMAAAAAAAAAAAA"])
    monkeypatch.setattr(services, "new_trace_code", lambda: next(fresh))
    lot = services.lot_create(product=trace.sausage, lot_code="LC2026-02", production_date=date(2026, 2, 2), quantity=Decimal(1))
    assert lot.trace_code == "JMAAAAAAAAAAAA"
    assert identifiers.is_trace_code(lot.trace_code)


@pytest.mark.django_db
def test_lot_input_errors(trace: Trace) -> None:
    with pytest.raises(Conflict) as dup:
        services.lot_create(product=trace.sausage, lot_code="LC2026-01", production_date=date(2026, 2, 1), quantity=Decimal(1))
    assert dup.value.code == "lot_code_duplicate"
    with pytest.raises(Invalid) as neg:
        services.lot_create(product=trace.sausage, lot_code="N1", production_date=date(2026, 2, 1), quantity=Decimal(-1))
    assert neg.value.field == "quantity"
    with pytest.raises(Invalid) as code:
        services.lot_create(product=trace.sausage, lot_code="批次一", production_date=date(2026, 2, 1), quantity=Decimal(1))
    assert code.value.field == "lot_code"
    with pytest.raises(Invalid) as order:
        services.lot_create(product=trace.sausage, lot_code="E1", production_date=date(2026, 2, 1), expiry_date=date(2026, 1, 1), quantity=Decimal(1))
    assert order.value.field == "expiry_date"
