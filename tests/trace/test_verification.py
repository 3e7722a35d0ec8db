"""Inbound verification (索证索票): the pure rule check and receipts verified as they are recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shian.core.models import AuditEntry
from shian.registry import services as registry
from shian.trace import services
from shian.trace.models import Document, Receipt
from shian.trace.services import LineIn, NewLot
from shian.trace.verification import DocumentFact, LicenceFact, LineFact, ReceiptFacts, check
from tests.conftest import World, make_uscc
from tests.trace.conftest import DAY, Trace, document

K = Document.Kind


def codes(receipt_or_flags: Receipt | list) -> list[str]:
    flags = receipt_or_flags.verification_flags if isinstance(receipt_or_flags, Receipt) else receipt_or_flags
    return sorted(f["code"] if isinstance(f, dict) else f.code for f in flags)


def facts(**overrides: object) -> ReceiptFacts:
    base: dict[str, object] = {
        "received_on": DAY, "imported": False, "supplier_in_registry": True, "supplier_is_farm": False,
        "licences": (LicenceFact("SC10444070300023", "valid", "有效", date(2024, 1, 10), date(2029, 1, 9), frozenset({"104"})),),
        "lines": (LineFact(1, "L1", "广式腊肠", "104", "104 肉制品", False),),
        "documents": (DocumentFact(K.TEST_REPORT, "检验报告", "r.pdf", 1, None, False),
                      DocumentFact(K.QUARANTINE_CERTIFICATE, "检疫证明", "q.pdf", 1, None, False)),
    }
    base.update(overrides)
    return ReceiptFacts(**base)  # type: ignore[arg-type]


# --- the pure check -----------------------------------------------------------------------------

def test_check_passes_a_complete_receipt() -> None:
    assert check(facts()) == []


def test_check_licence_validity_on_the_date() -> None:
    expired = LicenceFact("SC1", "valid", "有效", date(2020, 1, 1), date(2026, 3, 1), frozenset({"104"}))
    assert codes(check(facts(licences=(expired,)))) == ["supplier_licence_invalid"]
    assert "2026-03-01" in check(facts(licences=(expired,)))[0].message
    assert check(facts(licences=(expired,), received_on=date(2026, 3, 1))) == []  # the last day is still valid
    future = LicenceFact("SC1", "valid", "有效", date(2026, 3, 3), date(2031, 3, 2), frozenset({"104"}))
    assert codes(check(facts(licences=(future,)))) == ["supplier_licence_invalid"]
    suspended = LicenceFact("SC1", "suspended", "暂停", date(2024, 1, 1), date(2029, 1, 1), frozenset({"104"}))
    assert codes(check(facts(licences=(suspended,)))) == ["supplier_licence_invalid"]
    assert codes(check(facts(licences=()))) == ["supplier_licence_missing"]


def test_check_licence_scope() -> None:
    b01 = LicenceFact("JY1", "valid", "有效", date(2024, 1, 1), date(2029, 1, 1), frozenset({"B01"}))
    assert check(facts(licences=(b01,))) == []  # selling prepackaged food covers processed food categories
    special = (LineFact(1, "L1", "婴儿配方奶粉", "129", "129 婴幼儿配方食品", False),)
    assert codes(check(facts(licences=(b01,), lines=special))) == ["supplier_licence_scope"]  # special foods need B03
    b04 = LicenceFact("JY2", "valid", "有效", date(2024, 1, 1), date(2029, 1, 1), frozenset({"B04"}))
    assert codes(check(facts(licences=(b04,)))) == ["supplier_licence_scope"]


def test_check_required_documents_by_category() -> None:
    no_docs = facts(documents=())
    assert codes(check(no_docs)) == ["lot_conformity_missing", "meat_product_quarantine_missing"]
    pork = (LineFact(1, "P1", "猪肉", "A04", "A04 畜禽及其产品", False),)
    assert codes(check(facts(lines=pork, licences=(), documents=()))) == ["produce_conformity_missing", "quarantine_certificate_missing"]
    # A test report counts for produce from a trader, not from a farm, which must issue a produce certificate.
    report = (DocumentFact(K.TEST_REPORT, "检验报告", "r.pdf", 1, None, False),)
    veg = (LineFact(1, "V1", "菜心", "A01", "A01 蔬菜", False),)
    assert check(facts(lines=veg, licences=(), documents=report)) == []
    assert codes(check(facts(lines=veg, licences=(), documents=report, supplier_is_farm=True))) == ["produce_certificate_missing"]
    imported = facts(imported=True)
    assert codes(check(imported)) == ["customs_declaration_missing", "inspection_quarantine_certificate_missing"]


def test_check_documents_must_concern_the_lot_and_be_unexpired() -> None:
    other_lot = (DocumentFact(K.TEST_REPORT, "检验报告", "r.pdf", 2, None, True),
                 DocumentFact(K.QUARANTINE_CERTIFICATE, "检疫证明", "q.pdf", None, None, True))
    assert codes(check(facts(documents=other_lot))) == ["lot_conformity_missing"]
    expired = (DocumentFact(K.TEST_REPORT, "检验报告", "r.pdf", None, date(2026, 3, 1), True),
               DocumentFact(K.QUARANTINE_CERTIFICATE, "检疫证明", "q.pdf", None, None, True))
    assert codes(check(facts(documents=expired))) == ["document_expired", "lot_conformity_missing"]


def test_check_outside_supplier_needs_a_licence_copy_and_rules_can_be_switched_off() -> None:
    outside = facts(supplier_in_registry=False, licences=())
    assert codes(check(outside)) == ["outside_supplier_licence_missing"]
    copy = (*outside.documents, DocumentFact(K.SUPPLIER_LICENCE, "供货者许可证", "l.pdf", None, None, True))
    assert check(facts(supplier_in_registry=False, licences=(), documents=copy)) == []
    assert codes(check(facts(documents=()), disabled=frozenset({"meat_product_quarantine_missing"}))) == ["lot_conformity_missing"]


# --- receipts verified as they are recorded ---------------------------------------------------

def _record(trace: Trace, **kwargs: object) -> Receipt:
    params: dict[str, object] = {"buyer": trace.world.op1, "supplier": trace.world.op2, "received_on": DAY,
                                 "lines": [LineIn(quantity=Decimal(20), lot=trace.lot)]}
    params.update(kwargs)
    return services.receipt_record(**params)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_valid_receipt_passes(trace: Trace) -> None:
    receipt = _record(trace)
    assert receipt.verified and receipt.verification_flags == [] and receipt.verified_at is not None
    assert receipt.status == Receipt.Status.RECORDED
    assert AuditEntry.objects.filter(action="receipt.recorded", operator_id=trace.world.op1.pk).exists()
    assert not AuditEntry.objects.filter(action="receipt.flagged").exists()


@pytest.mark.django_db
def test_supplier_licence_expired_on_the_date_is_flagged_and_stored(trace: Trace) -> None:
    receipt = _record(trace, received_on=date(2029, 2, 1))
    assert not receipt.verified
    assert codes(receipt) == ["supplier_licence_invalid"]
    assert "2029-01-09" in receipt.verification_flags[0]["message"]
    assert "许可证" in receipt.verification_flags[0]["message"]  # stored in Chinese whatever the request language
    assert Receipt.objects.filter(pk=receipt.pk, verified=False).exists()
    assert AuditEntry.objects.filter(action="receipt.flagged", object_pk=str(receipt.pk)).exists()


@pytest.mark.django_db
def test_suspended_licence_is_flagged(trace: Trace) -> None:
    registry.licence_set_status(licence=trace.licence, status="suspended", reason="停产整顿")
    assert codes(_record(trace)) == ["supplier_licence_invalid"]


@pytest.mark.django_db
def test_licence_scope_not_covering_the_category(trace: Trace) -> None:
    w = trace.world
    stew = services.product_create(owner=w.op1, name="卤味拼盘", category_code="104")
    lot = services.lot_create(product=stew, lot_code="R1", production_date=DAY, quantity=Decimal(5))
    document(kind=K.TEST_REPORT, owner=w.op1, lot=lot)
    document(kind=K.QUARANTINE_CERTIFICATE, owner=w.op1, lot=lot)
    receipt = services.receipt_record(buyer=w.op3, supplier=w.op1, received_on=DAY, lines=[LineIn(quantity=Decimal(5), lot=lot)])
    assert codes(receipt) == ["supplier_licence_scope"]  # op1's licence is for hot food (B04), not meat products


@pytest.mark.django_db
def test_missing_quarantine_certificate_for_meat(trace: Trace) -> None:
    w = trace.world
    pork = services.product_create(owner=w.op2, name="鲜猪肉", category_code="A04")
    lot = services.lot_create(product=pork, lot_code="P1", production_date=DAY, quantity=Decimal(100))
    document(kind=K.TEST_REPORT, owner=w.op2, lot=lot)
    receipt = services.receipt_record(buyer=w.op1, supplier=w.op2, received_on=DAY, lines=[LineIn(quantity=Decimal(30), lot=lot)])
    assert codes(receipt) == ["quarantine_certificate_missing"]  # produce needs no licence; meat needs its quarantine certificate
    assert "鲜猪肉" in receipt.verification_flags[0]["message"] and "P1" in receipt.verification_flags[0]["message"]


@pytest.mark.django_db
def test_outside_supplier_without_licence_document_then_with_an_expired_one(trace: Trace) -> None:
    w = trace.world
    own = services.product_create(owner=w.op1, name="腊肉", category_code="104")
    receipt = services.receipt_record(
        buyer=w.op1, supplier_name="台山某食品商行", supplier_uscc=make_uscc(50), supplier_licence_number="jy14407810000050", received_on=DAY,
        lines=[LineIn(quantity=Decimal(8), new_lot=NewLot(product=own, lot_code="TS-1", production_date=date(2026, 2, 20)))])
    assert receipt.supplier is None and receipt.supplier_licence_number == "JY14407810000050"
    assert "outside_supplier_licence_missing" in codes(receipt)
    assert receipt.lines.get().lot.product_id == own.pk
    old = document(kind=K.SUPPLIER_LICENCE, owner=w.op1, issued_on=date(2020, 1, 1), valid_until=date(2025, 12, 31), name="许可证复印件.pdf")
    services.receipt_attach_documents(receipt=receipt, documents=[old])
    receipt.refresh_from_db()
    assert {"document_expired", "outside_supplier_licence_missing"} <= set(codes(receipt))
    assert any("许可证复印件.pdf" in f["message"] and "2025-12-31" in f["message"] for f in receipt.verification_flags)


@pytest.mark.django_db
def test_reverification_after_attaching_documents(trace: Trace) -> None:
    w = trace.world
    bare = services.lot_create(product=trace.sausage, lot_code="LC2026-09", production_date=DAY, quantity=Decimal(50), unit="bag")
    receipt = _record(trace, lines=[LineIn(quantity=Decimal(10), lot=bare)])
    assert codes(receipt) == ["lot_conformity_missing", "meat_product_quarantine_missing"]
    report = document(kind=K.TEST_REPORT, owner=w.op2, lot=bare)
    services.receipt_attach_documents(receipt=receipt, documents=[report])
    receipt.refresh_from_db()
    assert codes(receipt) == ["meat_product_quarantine_missing"]
    certificate = document(kind=K.QUARANTINE_CERTIFICATE, owner=w.op1)  # attached to the receipt without naming a lot
    services.receipt_attach_documents(receipt=receipt, documents=[certificate])
    receipt.refresh_from_db()
    assert receipt.verified and receipt.verification_flags == []
    assert set(receipt.documents.values_list("pk", flat=True)) == {report.pk, certificate.pk}
    actions = list(AuditEntry.objects.filter(object_pk=str(receipt.pk), model="trace.receipt", kind="event").values_list("action", flat=True))
    assert actions.count("receipt.documents_attached") == 2 and "receipt.verified" in actions


@pytest.mark.django_db
def test_imported_food_needs_customs_and_inspection_certificates(trace: Trace) -> None:
    receipt = _record(trace, imported=True)
    assert codes(receipt) == ["customs_declaration_missing", "inspection_quarantine_certificate_missing"]
    docs = [document(kind=K.CUSTOMS_DECLARATION, owner=trace.world.op1), document(kind=K.INSPECTION_QUARANTINE_CERTIFICATE, owner=trace.world.op1)]
    services.receipt_attach_documents(receipt=receipt, documents=docs)
    receipt.refresh_from_db()
    assert receipt.verified


@pytest.mark.django_db
def test_farm_produce_needs_a_produce_certificate(world: World) -> None:
    from shian.core.models import Jurisdiction

    farm = registry.operator_create(name="江门市丁农场", uscc=make_uscc(60), legal_representative="丁", type_codes=["farm"], address="蓬江区某村",
                                    jurisdiction=Jurisdiction.objects.get(code="440703001"))
    veg = services.product_create(owner=farm, name="菜心", category_code="A01")
    lot = services.lot_create(product=veg, lot_code="V1", production_date=DAY, quantity=Decimal(200))
    document(kind=K.TEST_REPORT, owner=farm, lot=lot)
    receipt = services.receipt_record(buyer=world.op1, supplier=farm, received_on=DAY, lines=[LineIn(quantity=Decimal(20), lot=lot)])
    assert codes(receipt) == ["produce_certificate_missing"]  # no licence needed, but a farm issues a produce certificate
    cert = document(kind=K.PRODUCE_CERTIFICATE, owner=farm, lot=lot)
    services.receipt_attach_documents(receipt=receipt, documents=[cert])
    receipt.refresh_from_db()
    assert receipt.verified


@pytest.mark.django_db
def test_outside_supplier_with_a_registered_uscc_is_the_registry_operator(trace: Trace) -> None:
    receipt = _record(trace, supplier=None, supplier_name="乙厂", supplier_uscc=trace.world.op2.uscc.lower())
    assert receipt.supplier_id == trace.world.op2.pk and receipt.supplier_name == "" and receipt.verified


@pytest.mark.django_db
def test_rules_switched_off_by_setting(trace: Trace, settings) -> None:
    bare = services.lot_create(product=trace.sausage, lot_code="LC2026-10", production_date=DAY, quantity=Decimal(50))
    settings.SHIAN_TRACE_DISABLED_RULES = ["meat_product_quarantine_missing"]
    receipt = _record(trace, lines=[LineIn(quantity=Decimal(1), lot=bare)])
    assert codes(receipt) == ["lot_conformity_missing"]


@pytest.mark.django_db
def test_verification_uses_a_fixed_number_of_queries(trace: Trace, django_assert_max_num_queries) -> None:
    from shian.trace.verification import verify_receipt

    lots = [services.lot_create(product=trace.sausage, lot_code=f"Q{n}", production_date=DAY, quantity=Decimal(5)) for n in range(12)]
    receipt = _record(trace, lines=[LineIn(quantity=Decimal(1), lot=lot) for lot in lots])
    receipt = Receipt.objects.select_related("supplier").get(pk=receipt.pk)
    with django_assert_max_num_queries(6):
        flags = verify_receipt(receipt)
    assert len(flags) == 24


@pytest.mark.django_db
@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"supplier": None, "supplier_uscc": "123"}, "supplier_uscc", "uscc_length"),
    ({"supplier": None, "supplier_uscc": "USCC", "supplier_name": ""}, "supplier_name", "supplier_name_required"),
    ({"supplier": None, "supplier_uscc": "USCC", "supplier_name": "某商行", "supplier_licence_number": "JY123"}, "supplier_licence_number", "licence_format"),
    ({"lines": []}, "lines", "lines_required"),
    ({"lines": "ZERO"}, "lines", "quantity_positive"),
    ({"lines": "TWICE"}, "lines", "lot_repeated"),
    ({"supplier": "OP3"}, "lines", "lot_owner"),
    ({"buyer": "OP2"}, "supplier", "receipt_from_self"),
])
def test_bad_receipt_input_is_refused_with_field_and_code(trace: Trace, kwargs: dict, field: str, code: str) -> None:
    from shian.core.errors import ShianError

    w = trace.world
    values = {"USCC": make_uscc(51), "OP2": w.op2, "OP3": w.op3, "ZERO": [LineIn(quantity=Decimal(0), lot=trace.lot)],
              "TWICE": [LineIn(quantity=Decimal(1), lot=trace.lot), LineIn(quantity=Decimal(2), lot=trace.lot)]}
    resolved = {k: values.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    before = Receipt.objects.count()
    with pytest.raises(ShianError) as exc:
        _record(trace, **resolved)
    assert (exc.value.field, exc.value.code) == (field, code)
    assert Receipt.objects.count() == before
