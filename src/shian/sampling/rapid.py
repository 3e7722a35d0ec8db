"""Rapid tests (快检) by street stations and residents' "you send, we test" requests (你送我检): reads and writes.

A station officer records rapid tests in the street (item, positive/negative, operator or vendor, lot);
a positive suggests official sampling with one click (the sample form, pre-filled). A resident
submits a request naming the street; the street's station tests the food (a rapid test) and the
result is published at once on the public page, without the resident's name or phone.

Access: ``rapid_view`` / ``rapid_record`` by the test's street (station officers see their street,
district regulators their district) or the operator's own organisation; ``request`` (residents, their
own requests) and ``request_handle`` (regulators, by street).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Organisation, User
from shian.core import access, audit
from shian.core.access import Principal, Role
from shian.core.context import acting_as
from shian.core.errors import Conflict, Forbidden, Invalid, NotFound, full_clean_or_raise
from shian.core.models import Jurisdiction
from shian.registry.models import Operator
from shian.sampling.models import RapidTest, TestRequest
from shian.trace.models import Lot

RESOURCE = "sampling"
RAPID_ITEMS = ("有机磷和氨基甲酸酯类农药（酶抑制率法）", "克伦特罗（瘦肉精）", "莱克多巴胺", "沙丁胺醇", "甲醛", "二氧化硫", "吊白块",
               "硼砂", "亚硝酸盐", "孔雀石绿", "氯霉素", "罂粟壳", "工业用碱（苏丹红）")


# --- reads ------------------------------------------------------------------------------------

def rapid_tests_visible(principal: Principal | None, action: str = "rapid_view") -> QuerySet[RapidTest]:
    return access.restrict(RapidTest.objects.all(), principal, RESOURCE, action, org_field="operator__owner_org_id")


def rapid_list(principal: Principal | None, *, result: str = "") -> QuerySet[RapidTest]:
    access.require(principal, RESOURCE, "rapid_view")
    qs = rapid_tests_visible(principal)
    if result in RapidTest.Result.values:
        qs = qs.filter(result=result)
    return qs.select_related("operator", "station", "jurisdiction", "lot").order_by("-tested_on", "-id")


def rapid_for(principal: Principal | None, rapid_id: int) -> RapidTest:
    access.require(principal, RESOURCE, "rapid_view")
    found = rapid_tests_visible(principal).select_related("operator", "station", "jurisdiction", "lot__product").filter(pk=rapid_id).first()
    if found is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return found


def station_for_recording(principal: Principal | None, station_id: int | None = None) -> Organisation:
    """The station a rapid test is recorded for: the officer's own station (an admin names one)."""
    access.require(principal, RESOURCE, "rapid_record")
    assert principal is not None
    if principal.is_admin:
        station = Organisation.objects.filter(pk=station_id, kind=Organisation.Kind.STATION).select_related("jurisdiction").first() \
            if station_id is not None else None
        if station is None:
            raise Invalid(_("Name the station the rapid test is recorded for."), code="station_required", field="station_id")
        return station
    station = None
    if principal.organisation_id is not None:
        station = Organisation.objects.filter(pk=principal.organisation_id, kind=Organisation.Kind.STATION).select_related("jurisdiction").first()
    if station is None or station.jurisdiction is None:
        raise Forbidden(_("Only a street station's officers record rapid tests."), code="forbidden_role")
    return station


def operators_for_rapid(principal: Principal | None) -> QuerySet[Operator]:
    """Operators a station may test: those in its street."""
    return access.restrict(Operator.objects.all(), principal, RESOURCE, "rapid_record")


def operator_for_rapid(principal: Principal | None, operator_id: int) -> Operator:
    op = operators_for_rapid(principal).filter(pk=operator_id).first()
    if op is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return op


def lot_by_trace_code(code: str) -> Lot:
    """A lot named by the trace code printed on the goods (holding the goods is enough to name it)."""
    lot = Lot.objects.filter(trace_code=code.strip().upper()).select_related("product").first()
    if lot is None:
        raise NotFound(_("No lot with trace code %(codes)s is on the platform.") % {"codes": code})
    return lot


def requests_visible(principal: Principal | None) -> QuerySet[TestRequest]:
    """A resident's own requests; a regulator's street or district requests."""
    if principal is not None and principal.role == Role.PUBLIC:
        access.require(principal, RESOURCE, "request")
        return TestRequest.objects.filter(submitted_by_id=getattr(principal.user, "pk", None))
    return access.restrict(TestRequest.objects.all(), principal, RESOURCE, "request_handle", org_field="submitted_by__organisation_id")


def request_list(principal: Principal | None) -> QuerySet[TestRequest]:
    if principal is None or principal.role != Role.PUBLIC:
        access.require(principal, RESOURCE, "request_handle")
    return requests_visible(principal).select_related("jurisdiction", "rapid_test").order_by("-created_at", "-id")


def request_for(principal: Principal | None, request_id: int) -> TestRequest:
    found = request_list(principal).filter(pk=request_id).first()
    if found is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return found


def streets() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(level=Jurisdiction.Level.STREET).select_related("parent").order_by("path")


def street_by_code(code: str) -> Jurisdiction:
    street = streets().filter(code=code).first()
    if street is None:
        raise Invalid(_("Choose a street or town."), code="street_unknown", field="street")
    return street


def published_requests() -> QuerySet[TestRequest]:
    """Published results of "you send, we test", newest first (public: no name, no phone)."""
    return (TestRequest.objects.filter(status=TestRequest.Status.PUBLISHED).select_related("jurisdiction__parent", "rapid_test")
            .order_by("-published_at", "-id"))


# --- writes -----------------------------------------------------------------------------------

def rapid_test_record(*, station: Organisation, tested_on: date, item: str, product_name: str, result: str, operator: Operator | None = None,
                      vendor_name: str = "", lot: Lot | None = None, lot_code: str = "", method: str = "", note: str = "",
                      by: User | None = None) -> RapidTest:
    """Record a rapid test of the station's street; a positive one is listed for official sampling."""
    if tested_on > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."), code="date_in_future", field="tested_on")
    if result not in RapidTest.Result.values:
        raise Invalid(_("The result is positive or negative."), code="result_invalid", field="result")
    if operator is None and not vendor_name.strip():
        raise Invalid(_("Name the operator, or the vendor when it is not in the registry."), code="vendor_required", field="operator_id")
    if station.jurisdiction_id is None:
        raise Invalid(_("The station has no jurisdiction."), code="station_jurisdiction", field="station_id")
    with acting_as(by), transaction.atomic():
        test = RapidTest(station=station, jurisdiction_id=station.jurisdiction_id, tested_on=tested_on, item=item.strip(),
                         product_name=product_name.strip(), operator=operator, vendor_name=vendor_name.strip() if operator is None else "",
                         lot=lot, lot_code=(lot_code or (lot.lot_code if lot else "")).strip(), result=result, method=method.strip(),
                         tested_by=by if getattr(by, "pk", None) else None, note=note.strip())
        full_clean_or_raise(test, ["tested_by"])
        test.save()
        audit.record_event("rapid_test.recorded", obj=test, operator_id=operator.pk if operator else None,
                           data={"item": test.item, "result": result, "product": test.product_name, "lot": lot.pk if lot else None,
                                 "station": station.code})
        return test


def request_submit(*, by: User, street: Jurisdiction, product_name: str, bought_at: str, bought_on: date, items: str, phone: str = "") -> TestRequest:
    """A resident asks the street's station to test food they bought (你送我检)."""
    if bought_on > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."), code="date_in_future", field="bought_on")
    if street.level != Jurisdiction.Level.STREET:
        raise Invalid(_("Choose a street or town."), code="street_unknown", field="street")
    with acting_as(by), transaction.atomic():
        req = TestRequest(submitted_by=by, jurisdiction=street, product_name=product_name.strip(), bought_at=bought_at.strip(), bought_on=bought_on,
                          items=items.strip(), phone=phone.strip())
        full_clean_or_raise(req, ["submitted_by"])
        req.save()
        audit.record_event("test_request.submitted", obj=req, data={"street": street.code, "product": req.product_name})
        return req


def request_answer(*, request: TestRequest, station: Organisation, item: str, result: str, tested_on: date, method: str = "", note: str = "",
                   by: User | None = None) -> TestRequest:
    """The street's station tests the food (a rapid test) and the result is published at once."""
    if station.jurisdiction_id != request.jurisdiction_id:
        raise Forbidden(_("Only the station of the request's street answers it."), code="forbidden_action")
    with acting_as(by), transaction.atomic():
        locked = TestRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == TestRequest.Status.PUBLISHED:
            raise Conflict(_("This request was already answered."), code="request_answered", field="status")
        if tested_on < locked.bought_on:
            raise Invalid(_("The food cannot be tested before it was bought."), code="tested_before_bought", field="tested_on")
        test = rapid_test_record(station=station, tested_on=tested_on, item=item, product_name=locked.product_name, result=result,
                                 vendor_name=locked.bought_at, method=method, note=note, by=by)
        locked.rapid_test, locked.status, locked.published_at = test, TestRequest.Status.PUBLISHED, timezone.now()
        locked.save(update_fields=["rapid_test", "status", "published_at"])
        audit.record_event("test_request.published", obj=locked, data={"rapid_test": test.pk, "result": result})
        return locked


def public_row(req: TestRequest) -> dict[str, Any]:
    """What the public page shows of a published request."""
    test = req.rapid_test
    return {"id": req.pk, "product": req.product_name, "bought_at": req.bought_at, "street": req.jurisdiction.name,
            "district": req.jurisdiction.parent.name if req.jurisdiction.parent else "", "item": test.item if test else "",
            "result": test.result if test else "", "tested_on": test.tested_on if test else None, "published_at": req.published_at}
