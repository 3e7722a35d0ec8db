"""Writes for the cold chain. Each service is keyword-only, runs in one transaction as ``by``,
validates fully, writes its typed audit events (the change log is written by signal, or by
``record_changes_bulk`` for readings) and records its EPCIS event in the same transaction through
:func:`shian.epcis.services.record_platform_events`.

Products, lots and documents are made by :mod:`shian.trace.services` (``product_create``,
``lot_create``, ``document_upload``), so a first-stop lot is an ordinary platform lot with a trace
code, and a certificate is an ordinary stored document (deduplicated by SHA-256).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.coldchain import checks, countries, rules
from shian.coldchain import epcis_events as ev
from shian.coldchain.models import EntryCertificate, FirstStopEntry, StorageClass, TemperatureReading, new_release_code
from shian.core import audit
from shian.core.context import acting_as
from shian.core.errors import Conflict, Invalid, full_clean_or_raise
from shian.core.ids import normalise_uscc
from shian.epcis.models import EpcisEvent, EventIdentifier
from shian.epcis.services import record_platform_events
from shian.registry.models import Operator
from shian.trace import services as trace_services
from shian.trace.epcis_events import Line
from shian.trace.identifiers import normalise_gtin
from shian.trace.models import Lot, Product, Unit

CHINA = ZoneInfo("Asia/Shanghai")
WAREHOUSE_TYPE = "cold_store"
TRANSPORT_STEPS = frozenset({"transporting", "shipping", "departing", "arriving", "loading", "unloading"})


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    full_clean_or_raise(obj, exclude)


def _user(by: User | None) -> User | None:
    return by if getattr(by, "pk", None) else None


# --- first-stop registration ----------------------------------------------------------------------

@dataclass(frozen=True)
class ProductSpec:
    """The imported product of a new entry: an existing product of the owner, or the fields of a new one."""

    product: Product | None = None
    name: str = ""
    category_code: str = ""
    specification: str = ""
    gtin: str | None = None
    shelf_life_days: int | None = None


def _check_warehouse(warehouse: Operator) -> None:
    if not warehouse.types.filter(code=WAREHOUSE_TYPE).exists():
        raise Invalid(_("%(name)s is not registered as a cold store, so it cannot code imported food at the first stop.")
                      % {"name": warehouse.name}, code="warehouse_not_cold_store", field="warehouse_id")
    if warehouse.status != Operator.Status.ACTIVE:
        raise Invalid(_("%(name)s is not active.") % {"name": warehouse.name}, code="warehouse_inactive", field="warehouse_id")


def _importer(importer: Operator | None, name: str, uscc: str) -> tuple[Operator | None, str, str]:
    """The registry importer, or an outside importer's (name, USCC); a USCC on the registry names the registry operator."""
    if importer is not None:
        return importer, "", ""
    try:
        code = normalise_uscc(uscc)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code or "uscc_invalid", field="importer_uscc") from None
    found = Operator.objects.filter(uscc=code).first()
    if found is not None:
        return found, "", ""
    if not (name or "").strip():
        raise Invalid(_("Give the outside importer's name."), code="importer_name_required", field="importer_name")
    return None, name.strip(), code


def _check_fields(*, origin_country: str, declaration_number: str, entry_date: date, storage_class: str) -> tuple[str, str]:
    country = (origin_country or "").strip().upper()
    if not countries.is_known(country):
        raise Invalid(_("Unknown country or region of origin: %(code)s.") % {"code": country or "—"}, code="origin_unknown",
                      field="origin_country")
    number = (declaration_number or "").strip().upper()
    if not rules.DECLARATION_NUMBER.match(number):
        raise Invalid(_("A customs declaration number for imports has 18 characters: 8 digits, 1 or I, then 9 digits."),
                      code="declaration_number_format", field="customs_declaration_number")
    if entry_date > timezone.localdate():
        raise Invalid(_("The entry date cannot be in the future."), code="entry_date_future", field="entry_date")
    if storage_class not in StorageClass.values:
        raise Invalid(_("Unknown storage class."), code="storage_class_unknown", field="storage_class")
    return country, number


def _product(owner: Operator, spec: ProductSpec, by: User | None) -> Product:
    """The owner's imported product: the one given, the one with this GTIN or name, or a new one."""
    if spec.product is not None:
        if spec.product.owner_id != owner.pk:
            raise Invalid(_("The product must belong to %(owner)s.") % {"owner": owner.name}, code="product_owner", field="product_id")
        if not spec.product.imported:
            raise Invalid(_("The product is not marked as imported food."), code="product_not_imported", field="product_id")
        return spec.product
    if not spec.name.strip():
        raise Invalid(_("Give the product's name."), code="product_name_required", field="product_name")
    existing = Product.objects.filter(owner=owner, imported=True)
    if spec.gtin:
        try:
            gtin = normalise_gtin(spec.gtin)
        except ValidationError as exc:
            raise Invalid(exc.messages[0], code=exc.code or "gtin_invalid", field="gtin") from None
        found = existing.filter(gtin=gtin).first()
    else:
        found = existing.filter(name=spec.name.strip(), specification=spec.specification.strip(), gtin__isnull=True).first()
    if found is not None:
        return found
    return trace_services.product_create(owner=owner, name=spec.name, category_code=spec.category_code, specification=spec.specification,
                                         gtin=spec.gtin or None, shelf_life_days=spec.shelf_life_days, imported=True, by=by)


def first_stop_register(*, warehouse: Operator, product: ProductSpec, lot_code: str, production_date: date, quantity: Decimal,
                        origin_country: str, customs_declaration_number: str, entry_date: date, storage_class: str,
                        unit: str = Unit.KG, expiry_date: date | None = None, importer: Operator | None = None, importer_name: str = "",
                        importer_uscc: str = "", note: str = "", by: User | None = None) -> FirstStopEntry:
    """Code a lot of imported chilled or frozen food at the central warehouse (首站赋码).

    Creates the imported product (when new) and the lot through :mod:`shian.trace.services`, so the
    lot gets a platform trace code: the first-stop code. The product belongs to the importer when it
    is on the registry, otherwise to the warehouse. The entry is held until it is released. Records
    the lot's EPCIS commissioning event (with ILMD) in the same transaction.
    """
    _check_warehouse(warehouse)
    country, number = _check_fields(origin_country=origin_country, declaration_number=customs_declaration_number, entry_date=entry_date,
                                    storage_class=storage_class)
    if quantity is None or quantity <= 0:
        raise Invalid(_("The quantity must be positive."), code="quantity_not_positive", field="quantity")
    if production_date > entry_date:
        raise Invalid(_("The production date cannot be after the entry date."), code="production_after_entry", field="production_date")
    with acting_as(by), transaction.atomic():
        registry_importer, outside_name, outside_uscc = _importer(importer, importer_name, importer_uscc)
        owner = registry_importer or warehouse
        prod = _product(owner, product, by)
        lot = trace_services.lot_create(product=prod, lot_code=lot_code, production_date=production_date, quantity=quantity, unit=unit,
                                        expiry_date=expiry_date, by=by)
        entry = FirstStopEntry(warehouse=warehouse, importer=registry_importer, importer_name=outside_name, importer_uscc=outside_uscc, lot=lot,
                               origin_country=country, customs_declaration_number=number, entry_date=entry_date, storage_class=storage_class,
                               note=(note or "").strip(), registered_by=_user(by))
        _clean(entry)
        entry.save()
        record_platform_events([ev.first_stop_event(
            when=entry_date, warehouse_uscc=warehouse.uscc, importer_uscc=entry.importer_code, line=Line(lot.epc_class, lot.quantity, lot.unit),
            trace_code=lot.trace_code, lot_code=lot.lot_code, origin_country=country, declaration_number=number, storage_class=storage_class,
            expiry_date=lot.expiry_date)], operator=warehouse, by=by)
        audit.record_event("coldchain.first_stop_registered", obj=entry, operator_id=warehouse.pk, data={
            "lot": lot.pk, "trace_code": lot.trace_code, "product": prod.pk, "importer": registry_importer.pk if registry_importer else None,
            "outside_importer": outside_name or None, "origin_country": country, "customs_declaration_number": number,
            "storage_class": storage_class, "entry_date": entry_date.isoformat()})
        if registry_importer is not None and registry_importer.pk != warehouse.pk:
            audit.record_event("coldchain.imported", obj=entry, operator_id=registry_importer.pk,
                               data={"warehouse": warehouse.pk, "lot": lot.pk, "trace_code": lot.trace_code})
        return entry


# --- certificates --------------------------------------------------------------------------------

def _held(entry: FirstStopEntry) -> FirstStopEntry:
    locked = FirstStopEntry.objects.select_for_update(of=("self",)).select_related("warehouse", "importer", "lot__product").get(pk=entry.pk)
    if locked.status != FirstStopEntry.Status.HELD:
        raise Conflict(_("This entry has already been decided (%(status)s).") % {"status": locked.get_status_display()},
                       code="entry_decided", field="status")
    return locked


def attach_certificate(*, entry: FirstStopEntry, file: IO[bytes] | Any, name: str, kind: str, issued_on: date, valid_until: date | None = None,
                       number: str = "", size: int | None = None, by: User | None = None) -> EntryCertificate:
    """Upload a certificate (or reuse the stored copy of the same bytes) and attach it to a held entry.

    The file is stored by :func:`shian.trace.services.document_upload` for the warehouse and the
    entry's lot. A file already stored as another kind of document is refused, as is one already
    attached to this entry.
    """
    if kind not in rules.CERTIFICATE_KINDS:
        raise Invalid(_("Unknown kind of certificate."), code="certificate_kind", field="kind")
    if len(number or "") > 64:
        raise Invalid(_("The certificate number is too long."), code="certificate_number_long", field="number")
    with acting_as(by), transaction.atomic():
        locked = _held(entry)
        doc, _created = trace_services.document_upload(file=file, name=name, kind=kind, issued_on=issued_on, valid_until=valid_until,
                                                       owner=locked.warehouse, lot=locked.lot, size=size, by=by)
        if doc.kind != kind:
            raise Conflict(_("This file was already uploaded as: %(kind)s.") % {"kind": doc.get_kind_display()}, code="document_kind_mismatch",
                           field="kind")
        if EntryCertificate.objects.filter(entry=locked, document=doc).exists():
            raise Conflict(_("This document is already attached to the entry."), code="certificate_duplicate", field="file")
        cert = EntryCertificate(entry=locked, document=doc, number=(number or "").strip(), attached_by=_user(by))
        _clean(cert)
        cert.save()
        audit.record_event("coldchain.certificate_attached", obj=locked, operator_id=locked.warehouse_id,
                           data={"certificate": cert.pk, "document": doc.pk, "kind": kind, "sha256": doc.sha256, "number": cert.number})
        return cert


def _certificates(entry: FirstStopEntry) -> list[EntryCertificate]:
    return list(entry.certificates.select_related("document").order_by("id"))


# --- release and rejection -----------------------------------------------------------------------

def _decision_event(entry: FirstStopEntry, certs: Sequence[EntryCertificate], when: datetime, by: User | None) -> None:
    record_platform_events([ev.decision_event(
        when=when, warehouse_uscc=entry.warehouse.uscc, epc_class=entry.lot.epc_class, declaration_number=entry.customs_declaration_number,
        certificates=[ev.Certificate(c.document.kind, c.document.sha256) for c in certs], release_code=entry.release_code)],
        operator=entry.warehouse, by=by)


def release(*, entry: FirstStopEntry, by: User | None = None) -> FirstStopEntry:
    """Release a held entry (出仓放行) and issue its release certificate number.

    Refused (409 ``certificates_missing``) with the list of missing or invalid certificates unless
    every required certificate (:func:`shian.coldchain.rules.required_certificates`) is attached
    and valid today. Records an EPCIS ``inspecting``/``conformant`` event.
    """
    with acting_as(by), transaction.atomic():
        locked = _held(entry)
        certs = _certificates(locked)
        today = timezone.localdate()
        missing = checks.problems(checks.check(certs, today))
        if missing:
            raise Conflict(_("The entry cannot be released: %(problems)s") % {"problems": " ".join(c.problem for c in missing)},
                           code="certificates_missing", field="certificates", details=[c.as_dict() for c in missing])
        code = new_release_code()
        while FirstStopEntry.objects.filter(release_code=code).exists():
            code = new_release_code()
        now = timezone.now()
        locked.status = FirstStopEntry.Status.RELEASED
        locked.release_code = code
        locked.released_at = now
        locked.decided_by = _user(by)
        _clean(locked)
        locked.save(update_fields=["status", "release_code", "released_at", "decided_by"])
        _decision_event(locked, certs, now, by)
        audit.record_event("coldchain.released", obj=locked, operator_id=locked.warehouse_id,
                           data={"release_code": code, "lot": locked.lot_id, "certificates": [c.document_id for c in certs]})
        return locked


def reject(*, entry: FirstStopEntry, reason: str, by: User | None = None) -> FirstStopEntry:
    """Refuse a held entry (the goods may not leave the warehouse for sale). Records an EPCIS ``non_conformant`` event."""
    text = (reason or "").strip()
    if not text:
        raise Invalid(_("Give a reason for the rejection."), code="reason_required", field="reason")
    with acting_as(by), transaction.atomic():
        locked = _held(entry)
        now = timezone.now()
        locked.status = FirstStopEntry.Status.REJECTED
        locked.rejection_reason = text
        locked.rejected_at = now
        locked.decided_by = _user(by)
        _clean(locked)
        locked.save(update_fields=["status", "rejection_reason", "rejected_at", "decided_by"])
        _decision_event(locked, _certificates(locked), now, by)
        audit.record_event("coldchain.rejected", obj=locked, operator_id=locked.warehouse_id, data={"reason": text, "lot": locked.lot_id})
        return locked


def unreleased_lots(lot_ids: Sequence[int]) -> dict[int, str]:
    """Of the given lots, those coded at the first stop but not released (lot id → ``held`` or
    ``rejected``): goods that may not leave the central warehouse for sale. One query; the trace
    module may call it before recording a shipment."""
    rows = FirstStopEntry.objects.filter(lot_id__in=list(lot_ids)).exclude(status=FirstStopEntry.Status.RELEASED)
    return dict(rows.values_list("lot_id", "status"))


def shipment_guard(lots: Sequence[Lot]) -> dict[int, str]:
    """The trace module's shipment guard: an imported lot leaves the central warehouse only once released."""
    held = unreleased_lots([lot.pk for lot in lots])
    by_id = {lot.pk: lot for lot in lots}
    return {lot_id: (_("Lot %(lot)s is held at the central warehouse until its first-stop entry is released.")
                     if status == FirstStopEntry.Status.HELD else
                     _("Lot %(lot)s was rejected at the central warehouse and may not be shipped.")) % {"lot": by_id[lot_id].lot_code}
            for lot_id, status in held.items()}


# --- temperature readings ------------------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    """A checked reading: an aware time, °C with two decimals, and where it was taken."""

    time: datetime
    value: Decimal
    location: str = ""
    device: str = ""

    @property
    def key(self) -> tuple[datetime, str, str]:
        return (self.time, self.device, self.location)


@dataclass
class ReadingsResult:
    """What :func:`record_readings` stored: new rows, duplicates skipped, excursions, the EPCIS event."""

    stored: list[TemperatureReading] = field(default_factory=list)
    duplicates: int = 0
    event: EpcisEvent | None = None

    @property
    def excursions(self) -> list[TemperatureReading]:
        return [r for r in self.stored if r.excursion]


def _parse_time(raw: Any) -> datetime | None:
    if isinstance(raw, datetime):
        when = raw
    elif isinstance(raw, str) and raw.strip():
        try:
            when = datetime.fromisoformat(raw.strip())
        except ValueError:
            return None
    else:
        return None
    return when.replace(tzinfo=CHINA) if timezone.is_naive(when) else when


def _parse_value(raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if value.is_finite() else None


def _text(raw: Any) -> str | None:
    if raw is None:
        return ""
    return raw.strip() if isinstance(raw, str) and len(raw.strip()) <= 100 else None


def parse_readings(raw: Sequence[Mapping[str, Any]], *, now: datetime | None = None) -> list[Reading]:
    """Check every reading; raise one :class:`Invalid` (``readings_invalid``) listing each bad one as
    ``{index, field, code, message}``. A reading needs a time (ISO 8601; without an offset it is China
    time) not in the future, and a number of °C within the plausible range."""
    current = now or timezone.now()
    errors: list[dict[str, Any]] = []
    out: list[Reading] = []
    if not raw:
        raise Invalid(_("Give at least one reading."), code="readings_required", field="readings")
    if len(raw) > rules.MAX_READINGS_PER_BATCH:
        raise Invalid(_("Send at most %(n)s readings at once.") % {"n": rules.MAX_READINGS_PER_BATCH}, code="readings_too_many",
                      field="readings")

    def bad(i: int, name: str, code: str, message: str) -> None:
        errors.append({"index": i, "field": name, "code": code, "message": message})

    seen: set[tuple[datetime, str, str]] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            bad(i, "", "reading_not_object", _("A reading must be an object with a time and a value."))
            continue
        when = _parse_time(item.get("time"))
        value = _parse_value(item.get("value"))
        location, device = _text(item.get("location")), _text(item.get("device"))
        if when is None:
            bad(i, "time", "time_invalid", _("The time must be a date and time such as 2026-05-01T08:30:00+08:00."))
        elif when > current + rules.CLOCK_SKEW:
            bad(i, "time", "time_future", _("The time cannot be in the future."))
        elif when.year < 2000:
            bad(i, "time", "time_too_old", _("The time is before the year 2000."))
        if value is None:
            bad(i, "value", "value_not_number", _("The temperature must be a number (°C)."))
        elif not rules.PLAUSIBLE_LOW <= value <= rules.PLAUSIBLE_HIGH:
            bad(i, "value", "value_implausible", _("A temperature must be between -80 °C and 60 °C."))
        if location is None:
            bad(i, "location", "location_invalid", _("The location must be text of at most 100 characters."))
        if device is None:
            bad(i, "device", "device_invalid", _("The device must be text of at most 100 characters."))
        if when is None or value is None or location is None or device is None:
            continue
        reading = Reading(when, value, location, device)
        if reading.key in seen:
            bad(i, "time", "reading_repeated", _("The same time, device and location appear twice in this batch."))
            continue
        seen.add(reading.key)
        out.append(reading)
    if errors:
        raise Invalid(_("%(n)s reading(s) are invalid; nothing was stored.") % {"n": len({e["index"] for e in errors})},
                      code="readings_invalid", field="readings", details=errors)
    return out


def _entry_of(lot: Lot) -> FirstStopEntry:
    entry = FirstStopEntry.objects.select_related("warehouse", "lot__product").filter(lot=lot).first()
    if entry is None:
        raise Invalid(_("This lot was not coded at the first stop; temperatures are kept for first-stop lots."), code="lot_not_first_stop",
                      field="lot_id")
    return entry


def _new_rows(entry: FirstStopEntry, readings: Sequence[Reading]) -> tuple[list[Reading], int]:
    """The readings not stored yet; a stored reading with the same time, device and place but another value is an error."""
    if not readings:
        return [], 0
    times = [r.time for r in readings]
    stored = {(row.measured_at, row.device, row.location): row.value
              for row in TemperatureReading.objects.filter(lot=entry.lot, measured_at__gte=min(times), measured_at__lte=max(times))}
    fresh: list[Reading] = []
    duplicates = 0
    conflicts = []
    for i, r in enumerate(readings):
        value = stored.get(r.key)
        if value is None:
            fresh.append(r)
        elif value == r.value:
            duplicates += 1
        else:
            conflicts.append({"index": i, "field": "value", "code": "reading_conflict",
                              "message": _("A different temperature (%(value)s °C) is already recorded for this time.") % {"value": value}})
    if conflicts:
        raise Invalid(_("%(n)s reading(s) are invalid; nothing was stored.") % {"n": len(conflicts)}, code="readings_invalid", field="readings",
                      details=conflicts)
    return fresh, duplicates


def _store(entry: FirstStopEntry, readings: Sequence[Reading], *, step: str, source: str, recorder: Operator | None, event: EpcisEvent | None,
           by: User | None) -> list[TemperatureReading]:
    low, high = rules.limits(entry.storage_class)
    rows = [TemperatureReading(lot=entry.lot, measured_at=r.time, value=r.value, location=r.location, device=r.device, step=step,
                               recorder=recorder, source=source, excursion=rules.is_excursion(r.value, low, high), limit_low=low,
                               limit_high=high, event=event, recorded_by=_user(by)) for r in readings]
    for row in rows:
        _clean(row, exclude=["lot", "recorder", "event", "recorded_by"])
    try:
        with transaction.atomic():
            created = TemperatureReading.objects.bulk_create(rows)
    except IntegrityError:  # the same readings sent twice at the same moment: the first one won
        raise Conflict(_("These readings were recorded at the same moment by another request; send them again."),
                       code="readings_concurrent", field="readings") from None
    audit.record_changes_bulk(created, operator=lambda r: entry.warehouse_id)
    excursions = [r for r in created if r.excursion]
    if excursions:
        audit.record_event("coldchain.excursion", obj=entry, operator_id=entry.warehouse_id, data={
            "lot": entry.lot_id, "trace_code": entry.lot.trace_code, "storage_class": entry.storage_class, "source": source,
            "limits": [str(low) if low is not None else None, str(high) if high is not None else None],
            "readings": [{"time": r.measured_at.isoformat(), "value": str(r.value), "location": r.location, "device": r.device}
                         for r in excursions[:50]],
            "count": len(excursions)})
    return created


def record_readings(*, lot: Lot, readings: Sequence[Mapping[str, Any]], step: str = TemperatureReading.Step.STORING,
                    by: User | None = None) -> ReadingsResult:
    """Record a batch of temperatures of a first-stop lot, measured by its warehouse.

    All or nothing: any bad reading raises ``readings_invalid`` with one error per reading. A
    reading already stored (same time, device, place and value) is skipped and counted. Stores the
    rows and one EPCIS ObjectEvent with a ``sensorElementList`` (bizStep ``storing`` or
    ``transporting``) in one transaction; excursions are flagged on the rows and in an audit event
    ``coldchain.excursion``.
    """
    if step not in TemperatureReading.Step.values:
        raise Invalid(_("The stage must be storage or transport."), code="step_unknown", field="step")
    parsed = parse_readings(readings)
    entry = _entry_of(lot)
    with acting_as(by), transaction.atomic():
        fresh, duplicates = _new_rows(entry, parsed)
        result = ReadingsResult(duplicates=duplicates)
        if not fresh:
            return result
        low, high = rules.limits(entry.storage_class)
        event = ev.sensor_event(recorder_uscc=entry.warehouse.uscc, epc_class=entry.lot.epc_class, step=step, readings=[
            ev.SensorReading(r.time, r.value, r.device, r.location, rules.is_excursion(r.value, low, high)) for r in fresh])
        [stored_event] = record_platform_events([event], operator=entry.warehouse, by=by)
        result.event = stored_event
        result.stored = _store(entry, fresh, step=step, source=TemperatureReading.Source.PLATFORM, recorder=entry.warehouse, event=stored_event,
                               by=by)
        audit.record_event("coldchain.readings_recorded", obj=entry, operator_id=entry.warehouse_id, data={
            "lot": entry.lot_id, "count": len(result.stored), "duplicates": duplicates, "excursions": len(result.excursions),
            "event": stored_event.event_id, "step": step})
        return result


def _lots_named(event: EpcisEvent) -> list[Lot]:
    """First-stop lots an event names as objects (exact identifiers: trace-code URN or Digital Link)."""
    identifiers = EventIdentifier.objects.filter(event=event, role__in=[EventIdentifier.Role.OBJECT, EventIdentifier.Role.CHILD])
    keys = ev.lot_keys(identifiers.values_list("identifier", flat=True))
    codes = [k.trace_code for k in keys if k.trace_code]
    pairs = [(k.gtin, k.lot_code) for k in keys if k.gtin]
    qs = Lot.objects.filter(first_stop__isnull=False)
    match = Q(trace_code__in=codes)
    for gtin, lot_code in pairs:
        match |= Q(product__gtin=gtin, lot_code=lot_code)
    return list(qs.filter(match).select_related("first_stop__warehouse", "first_stop__lot__product")) if keys else []


def _named_in_document(document: dict[str, Any]) -> list[str]:
    """The identifiers an event document names as objects or children (no query)."""
    out = [str(e) for key in ("epcList", "childEPCs") for e in document.get(key) or ()]
    out += [str(q.get("epcClass", "")) for key in ("quantityList", "childQuantityList") for q in document.get(key) or () if isinstance(q, dict)]
    return out


def readings_from_stored_events(events: Sequence[EpcisEvent]) -> None:
    """The EPCIS stored-events hook: readings from newly stored events that carry sensor data and name a
    platform lot. Events that name no platform lot are skipped without a query (a capture may hold
    50,000 events); the platform's own reading events are stored already."""
    for event in events:
        document = event.document if isinstance(event.document, dict) else {}
        if (document.get("sensorElementList") and event.source != "platform"
                and ev.lot_keys(_named_in_document(document))):
            readings_from_epcis(event)


def readings_from_epcis(event: EpcisEvent, *, by: User | None = None) -> list[TemperatureReading]:
    """Temperature readings of first-stop lots in an event another system captured (``sensorElementList``).

    The capture path may call this for every stored event: an event without a sensor list costs no
    query. Idempotent: an event whose readings are stored already (including the platform's own
    reading events) yields nothing new. Readings outside the plausible range, in the future, or
    already stored are skipped (the event itself stays as captured). Excursions are flagged and
    audited as ``coldchain.excursion``, like readings recorded on the platform.
    """
    document = event.document if isinstance(event.document, dict) else {}
    if not document.get("sensorElementList"):
        return []
    reports = ev.temperature_reports(document)
    if not reports or TemperatureReading.objects.filter(event=event).exists():
        return []
    lots = _lots_named(event)
    if not lots:
        return []
    limit = timezone.now() + rules.CLOCK_SKEW
    plausible = [Reading(r.time, r.value, r.location, r.device) for r in reports
                 if rules.PLAUSIBLE_LOW <= r.value <= rules.PLAUSIBLE_HIGH and r.time <= limit]
    unique = list({r.key: r for r in plausible}.values())
    step = TemperatureReading.Step.TRANSPORTING if event.biz_step in TRANSPORT_STEPS else TemperatureReading.Step.STORING
    out: list[TemperatureReading] = []
    with acting_as(by), transaction.atomic():
        for lot in lots:
            entry = lot.first_stop
            existing = set(TemperatureReading.objects.filter(lot=lot, measured_at__in=[r.time for r in unique])
                           .values_list("measured_at", "device", "location"))
            fresh = [r for r in unique if r.key not in existing]
            if fresh:
                out += _store(entry, fresh, step=step, source=TemperatureReading.Source.EPCIS, recorder=event.operator, event=event, by=by)
    return out
