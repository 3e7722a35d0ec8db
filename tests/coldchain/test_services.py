"""First-stop coding, certificates, release and rejection through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from shian.coldchain import rules, services
from shian.coldchain.models import EntryCertificate, FirstStopEntry
from shian.core.errors import Conflict, Invalid
from shian.core.models import AuditEntry
from shian.epcis.models import EpcisEvent
from shian.trace.models import Document, Lot, Product
from tests.coldchain.conftest import DECLARATION, REQUIRED, Cold, attach, attach_all, make_warehouse, pdf, register, today
from tests.conftest import World, make_uscc

K = Document.Kind


@pytest.mark.django_db
def test_registration_creates_the_imported_lot_with_a_trace_code(cold: Cold) -> None:
    e = cold.entry
    w = cold.world
    assert e.status == FirstStopEntry.Status.HELD and e.release_code is None
    assert e.importer_id == w.op3.pk and e.importer_name == "" and e.warehouse_id == cold.warehouse.pk
    lot = e.lot
    assert lot.trace_code.startswith("JM") and e.first_stop_code == lot.trace_code
    assert lot.product.owner_id == w.op3.pk and lot.product.imported and lot.product.category.code == "A04"
    assert e.origin_country_name == "巴西" and e.customs_declaration_number == DECLARATION
    actions = set(AuditEntry.objects.filter(kind="event").values_list("action", flat=True))
    assert {"coldchain.first_stop_registered", "coldchain.imported", "lot.created", "product.created"} <= actions


@pytest.mark.django_db
def test_outside_importer_owns_nothing_the_warehouse_holds_the_lot(world: World) -> None:
    warehouse = make_warehouse(world)
    e = register(warehouse)
    assert e.importer_id is None and e.importer_name == "广州海韵进出口贸易有限公司"
    assert e.lot.product.owner_id == warehouse.pk
    # A second lot of the same product reuses the product.
    e2 = register(warehouse, lot_code="BR-002")
    assert e2.lot.product_id == e.lot.product_id


@pytest.mark.django_db
def test_an_importer_uscc_on_the_registry_names_the_registry_operator(world: World) -> None:
    warehouse = make_warehouse(world)
    e = register(warehouse, importer_name="随便写", importer_uscc=world.op3.uscc)
    assert e.importer_id == world.op3.pk and e.importer_name == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "code"), [
    ({"origin_country": "XX"}, "origin_unknown"),
    ({"customs_declaration_number": "12345"}, "declaration_number_format"),
    ({"customs_declaration_number": "517120260000012345"}, "declaration_number_format"),  # export mark
    ({"storage_class": "warm"}, "storage_class_unknown"),
    ({"quantity": Decimal(0)}, "quantity_not_positive"),
    ({"production_date": today() + timedelta(days=1)}, "production_after_entry"),
    ({"importer_uscc": "91440703MA0000000X", "importer_name": "某公司"}, "uscc_invalid"),
])
def test_bad_registrations_are_refused_and_nothing_is_written(world: World, fields: dict, code: str) -> None:
    warehouse = make_warehouse(world)
    lots, products, events = Lot.objects.count(), Product.objects.count(), EpcisEvent.objects.count()
    with pytest.raises(Invalid) as exc:
        register(warehouse, **fields)
    assert exc.value.code == code or (code == "uscc_invalid" and exc.value.field == "importer_uscc")
    assert (Lot.objects.count(), Product.objects.count(), EpcisEvent.objects.count()) == (lots, products, events)
    assert not FirstStopEntry.objects.exists()


@pytest.mark.django_db
def test_entry_date_in_the_future_and_non_cold_store_are_refused(world: World) -> None:
    warehouse = make_warehouse(world)
    with pytest.raises(Invalid) as exc:
        register(warehouse, entry_date=today() + timedelta(days=1))
    assert exc.value.code == "entry_date_future"
    with pytest.raises(Invalid) as exc:
        register(world.op1)  # a restaurant
    assert exc.value.code == "warehouse_not_cold_store"


@pytest.mark.django_db
def test_the_same_lot_twice_is_a_conflict_with_nothing_half_written(cold: Cold) -> None:
    entries, events = FirstStopEntry.objects.count(), EpcisEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        register(cold.warehouse, importer=cold.world.op3)
    assert exc.value.code == "lot_code_duplicate"
    assert (FirstStopEntry.objects.count(), EpcisEvent.objects.count()) == (entries, events)


@pytest.mark.django_db
def test_certificates_are_stored_documents_of_the_lot(cold: Cold) -> None:
    cert = attach(cold.entry, K.CUSTOMS_DECLARATION)
    doc = cert.document
    assert doc.kind == K.CUSTOMS_DECLARATION and doc.lot_id == cold.entry.lot_id and doc.owner_id == cold.warehouse.pk
    assert cert.number == "NO-1"
    assert AuditEntry.objects.filter(action="coldchain.certificate_attached").exists()


@pytest.mark.django_db
def test_certificate_kind_and_duplicates(cold: Cold) -> None:
    with pytest.raises(Invalid) as exc:
        services.attach_certificate(entry=cold.entry, file=pdf(), name="x.pdf", kind=K.INVOICE, issued_on=today())
    assert exc.value.code == "certificate_kind"
    upload = pdf("same")
    content = upload.read()
    services.attach_certificate(entry=cold.entry, file=upload, name="a.pdf", kind=K.CUSTOMS_DECLARATION, issued_on=today())
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(Conflict) as exc:
        services.attach_certificate(entry=cold.entry, file=SimpleUploadedFile("b.pdf", content), name="b.pdf", kind=K.CUSTOMS_DECLARATION,
                                    issued_on=today())
    assert exc.value.code == "certificate_duplicate"
    with pytest.raises(Conflict) as exc:
        services.attach_certificate(entry=cold.entry, file=SimpleUploadedFile("c.pdf", content), name="c.pdf", kind=K.DISINFECTION_CERTIFICATE,
                                    issued_on=today())
    assert exc.value.code == "document_kind_mismatch"
    assert EntryCertificate.objects.count() == 1


@pytest.mark.django_db
def test_release_is_refused_with_the_missing_list(cold: Cold) -> None:
    attach(cold.entry, K.CUSTOMS_DECLARATION)
    with pytest.raises(Conflict) as exc:
        services.release(entry=cold.entry)
    err = exc.value
    assert err.code == "certificates_missing" and err.status == 409
    assert [d["kind"] for d in err.details] == [K.INSPECTION_QUARANTINE_CERTIFICATE, K.DISINFECTION_CERTIFICATE]
    assert all(d["state"] == "missing" for d in err.details)
    assert "入境货物检验检疫证明" in err.message or "inspection" in err.message.lower()
    cold.entry.refresh_from_db()
    assert cold.entry.status == FirstStopEntry.Status.HELD and cold.entry.release_code is None
    assert not EpcisEvent.objects.filter(biz_step="inspecting").exists()


@pytest.mark.django_db
def test_an_expired_certificate_does_not_count(cold: Cold) -> None:
    attach(cold.entry, K.CUSTOMS_DECLARATION)
    attach(cold.entry, K.DISINFECTION_CERTIFICATE)
    attach(cold.entry, K.INSPECTION_QUARANTINE_CERTIFICATE, issued_on=today() - timedelta(days=30), valid_until=today() - timedelta(days=1))
    with pytest.raises(Conflict) as exc:
        services.release(entry=cold.entry)
    assert [(d["kind"], d["state"]) for d in exc.value.details] == [(K.INSPECTION_QUARANTINE_CERTIFICATE, "expired")]


@pytest.mark.django_db
def test_release_issues_a_certificate_number_and_an_inspection_event(cold: Cold) -> None:
    attach_all(cold.entry)
    entry = services.release(entry=cold.entry)
    assert entry.status == FirstStopEntry.Status.RELEASED and entry.release_code and entry.release_code.startswith("JMR")
    assert entry.released_at is not None
    [event] = EpcisEvent.objects.filter(biz_step="inspecting")
    doc = event.document
    assert doc["disposition"] == "conformant" and doc["action"] == "OBSERVE"
    txs = [t["bizTransaction"] for t in doc["bizTransactionList"]]
    assert f"urn:shian:release:{entry.release_code}" in txs and f"urn:shian:customs-declaration:{DECLARATION}" in txs
    assert sum(1 for t in doc["bizTransactionList"] if t["type"] == "cert") == 4  # three certificates and the release
    assert AuditEntry.objects.filter(action="coldchain.released").exists()
    with pytest.raises(Conflict) as exc:
        services.release(entry=entry)
    assert exc.value.code == "entry_decided"
    with pytest.raises(Conflict):
        attach(entry, K.NUCLEIC_ACID_REPORT)


@pytest.mark.django_db
def test_nucleic_acid_is_required_only_when_switched_on(cold: Cold, settings: object) -> None:
    assert K.NUCLEIC_ACID_REPORT not in {r.kind for r in rules.required_certificates()}
    rule = rules.certificate_rule(K.NUCLEIC_ACID_REPORT)
    assert rule is not None and rule.source.confidence == "U" and not rule.required_by_default
    attach_all(cold.entry)
    settings.SHIAN_COLDCHAIN_CERTIFICATES = {K.NUCLEIC_ACID_REPORT: True, K.DISINFECTION_CERTIFICATE: False}  # type: ignore[attr-defined]
    with pytest.raises(Conflict) as exc:
        services.release(entry=cold.entry)
    assert [d["kind"] for d in exc.value.details] == [K.NUCLEIC_ACID_REPORT]
    attach(cold.entry, K.NUCLEIC_ACID_REPORT)
    assert services.release(entry=cold.entry).status == FirstStopEntry.Status.RELEASED


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_is_final(cold: Cold) -> None:
    with pytest.raises(Invalid) as exc:
        services.reject(entry=cold.entry, reason="  ")
    assert exc.value.code == "reason_required"
    entry = services.reject(entry=cold.entry, reason="外包装破损")
    assert entry.status == FirstStopEntry.Status.REJECTED and entry.rejection_reason == "外包装破损"
    [event] = EpcisEvent.objects.filter(biz_step="inspecting")
    assert event.document["disposition"] == "non_conformant"
    attach_all_error = None
    try:
        attach_all(entry)
    except Conflict as err:
        attach_all_error = err
    assert attach_all_error is not None and attach_all_error.code == "entry_decided"
    with pytest.raises(Conflict):
        services.release(entry=entry)


@pytest.mark.django_db
def test_release_codes_are_unique_and_distinct(world: World) -> None:
    warehouse = make_warehouse(world)
    codes = set()
    for i in range(3):
        e = register(warehouse, lot_code=f"L{i}")
        attach_all(e)
        codes.add(services.release(entry=e).release_code)
    assert len(codes) == 3


@pytest.mark.django_db
def test_required_kinds_default(world: World) -> None:
    assert tuple(r.kind for r in rules.required_certificates()) == REQUIRED
    assert make_uscc(71, "440100")


@pytest.mark.django_db
def test_unreleased_lots(cold: Cold) -> None:
    released = register(cold.warehouse, lot_code="R-1")
    attach_all(released)
    services.release(entry=released)
    rejected = services.reject(entry=register(cold.warehouse, lot_code="R-2"), reason="破损")
    ids = [cold.entry.lot_id, released.lot_id, rejected.lot_id, 999999]
    assert services.unreleased_lots(ids) == {cold.entry.lot_id: "held", rejected.lot_id: "rejected"}


def test_a_held_lot_cannot_be_shipped_until_released(cold: Cold) -> None:
    """The trace module asks the cold chain's shipment guard: goods stay in the central warehouse until released."""
    from shian.core.errors import Invalid as TraceInvalid
    from shian.trace import services as trace_services

    lot = cold.entry.lot
    owner = lot.product.owner
    buyer = cold.world.op1 if owner.pk != cold.world.op1.pk else cold.world.op2
    line = [trace_services.LineIn(quantity=Decimal(1), lot=lot)]
    with pytest.raises(TraceInvalid) as held:
        trace_services.shipment_create(supplier=owner, buyer=buyer, shipped_on=cold.entry.entry_date, lines=line)
    assert held.value.code == "lot_not_released" and lot.lot_code in held.value.message
    attach_all(cold.entry)
    services.release(entry=cold.entry)
    shipment = trace_services.shipment_create(supplier=owner, buyer=buyer, shipped_on=cold.entry.entry_date, lines=line)
    assert shipment.pk is not None
