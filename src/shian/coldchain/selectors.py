"""Reads for the cold chain, always through :mod:`shian.core.access` (resource ``coldchain``).

Who sees what:

* regulators and inspectors: the entries (and readings, certificates) of central warehouses in
  their jurisdiction subtree; the excursion list;
* an operator organisation: the entries of its own warehouses (which it may also record and
  decide), and, read only, the entries of lots it imported, owns or received (later holders);
* labs, the CDC and the public: nothing here, except the public release verification page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from shian.coldchain.models import EntryCertificate, FirstStopEntry, TemperatureReading
from shian.core import access
from shian.core.access import Principal
from shian.core.errors import Forbidden, Invalid, NotFound
from shian.registry.models import Operator
from shian.registry.selectors import operator_named
from shian.trace.models import Product, ReceiptLine

RESOURCE = "coldchain"
WAREHOUSE_TYPE = "cold_store"
_BY_WAREHOUSE = {"jurisdiction_field": "warehouse__jurisdiction__path", "org_field": "warehouse__owner_org_id"}
# Operator parties that see an entry read-only besides the warehouse: the importer and the lot's owner.
_READ_PARTIES = ("importer__owner_org_id", "lot__product__owner__owner_org_id")


def entries_visible(principal: Principal | None) -> QuerySet[FirstStopEntry]:
    """Entries the principal may view: by the warehouse's jurisdiction or organisation, plus (for
    operators) entries of lots it imported, owns, or received on a receipt."""
    qs = FirstStopEntry.objects.all()
    out = access.restrict(qs, principal, RESOURCE, "view", **_BY_WAREHOUSE)
    if access.scope_for(principal, RESOURCE, "view") != "own":
        return out
    for org_field in _READ_PARTIES:
        out = out | access.restrict(qs, principal, RESOURCE, "view", jurisdiction_field="warehouse__jurisdiction__path", org_field=org_field)
    received = access.restrict(ReceiptLine.objects.all(), principal, RESOURCE, "view", org_field="receipt__buyer__owner_org_id").values("lot_id")
    return out | qs.filter(lot_id__in=received)


def _actionable(principal: Principal | None, action: str) -> QuerySet[FirstStopEntry]:
    return access.restrict(FirstStopEntry.objects.all(), principal, RESOURCE, action, **_BY_WAREHOUSE)


def _one(principal: Principal | None, action: str, qs: QuerySet[FirstStopEntry], **lookup: Any) -> FirstStopEntry:
    """One entry: 404 outside the principal's view, 403 when it may view but not ``action`` it."""
    access.require(principal, RESOURCE, "view" if action == "view" else action)
    visible = entries_visible(principal)
    source = qs.filter(pk__in=visible.values("pk"))
    if action != "view":
        source = source.filter(pk__in=_actionable(principal, action).values("pk"))
    obj = source.filter(**lookup).first()
    if obj is not None:
        return obj
    if action != "view" and visible.filter(**lookup).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise NotFound(_("The record does not exist or is outside your jurisdiction."))


def _detail_qs() -> QuerySet[FirstStopEntry]:
    return FirstStopEntry.objects.select_related("warehouse__jurisdiction", "importer", "lot__product__category", "lot__product__owner",
                                                 "decided_by", "registered_by")


def entry_for(principal: Principal | None, entry_id: int, action: str = "view") -> FirstStopEntry:
    """One entry: ``view`` for every party and their regulators; ``record`` for the warehouse;
    ``release`` (release or reject) for the warehouse and the regulators of its jurisdiction."""
    return _one(principal, action, _detail_qs(), pk=entry_id)


def may(principal: Principal, entry: FirstStopEntry, action: str) -> bool:
    return access.can(principal, RESOURCE, action) and _actionable(principal, action).filter(pk=entry.pk).exists()


@dataclass
class EntryFilters:
    """Filters of the entry list (page and API share them)."""

    status: str = ""
    storage_class: str = ""

    @classmethod
    def from_params(cls, params: Any) -> EntryFilters:
        status = (params.get("status") or "").strip()[:10]
        storage = (params.get("storage_class") or "").strip()[:8]
        return cls(status=status if status in FirstStopEntry.Status.values else "",
                   storage_class=storage if storage in ("frozen", "chilled") else "")


def _with_summary(qs: QuerySet[FirstStopEntry]) -> QuerySet[FirstStopEntry]:
    excursion = TemperatureReading.objects.filter(lot_id=OuterRef("lot_id"), excursion=True)
    return (qs.select_related("warehouse__jurisdiction", "importer", "lot__product")
            .annotate(has_excursion=Exists(excursion), certificate_count=Count("certificates", distinct=True)))


def entry_list(principal: Principal | None, filters: EntryFilters | None = None) -> QuerySet[FirstStopEntry]:
    """The entries the principal may see, newest first, with certificate counts and an excursion flag."""
    access.require(principal, RESOURCE, "view")
    qs = entries_visible(principal)
    if filters is not None:
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.storage_class:
            qs = qs.filter(storage_class=filters.storage_class)
    return _with_summary(qs).order_by("-entry_date", "-id")


def certificates_of(entry: FirstStopEntry) -> list[EntryCertificate]:
    return list(entry.certificates.select_related("document").order_by("id"))


def certificate_for(principal: Principal | None, entry_id: int, certificate_id: int) -> EntryCertificate:
    """A certificate of an entry the principal may view (404 otherwise)."""
    entry = entry_for(principal, entry_id)
    cert = entry.certificates.select_related("document").filter(pk=certificate_id).first()
    if cert is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return cert  # type: ignore[no-any-return]


# --- warehouses and importers ------------------------------------------------------------------

def warehouses_for_recording(principal: Principal | None) -> QuerySet[Operator]:
    """The cold stores the principal may register entries for (its own; every one for an admin)."""
    return access.restrict(Operator.objects.filter(types__code=WAREHOUSE_TYPE), principal, RESOURCE, "record")


def acting_warehouse(principal: Principal | None, warehouse_id: int | None = None) -> Operator:
    """The warehouse a registration is for: the one named, or the principal's only cold store."""
    access.require(principal, RESOURCE, "record")
    if warehouse_id is not None:
        op = warehouses_for_recording(principal).filter(pk=warehouse_id).first()
        if op is not None:
            return op
        own = access.restrict(Operator.objects.filter(pk=warehouse_id), principal, RESOURCE, "record")
        if own.exists():
            raise Invalid(_("This operator is not registered as a cold store, so it cannot code imported food at the first stop."),
                          code="warehouse_not_cold_store", field="warehouse_id")
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    ops = list(warehouses_for_recording(principal)[:2])
    if len(ops) != 1:
        raise Invalid(_("Name the cold store you are recording for."), code="warehouse_required", field="warehouse_id")
    return ops[0]


def importer_by_id(principal: Principal | None, importer_id: int) -> Operator:
    """Any registry operator may be the importer; naming it reveals only that it exists."""
    return operator_named(principal, importer_id, resource=RESOURCE)


def imported_product(principal: Principal | None, product_id: int) -> Product:
    """An imported product named for a new entry; the service checks that it belongs to the lot's owner."""
    access.require(principal, RESOURCE, "record")
    product = Product.objects.filter(pk=product_id, imported=True).select_related("owner").first()
    if product is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return product


# --- readings and excursions -------------------------------------------------------------------

def lot_entry(principal: Principal | None, lot_id: int, action: str = "view") -> FirstStopEntry:
    """The first-stop entry of a lot, for its temperatures: ``view`` for every party, ``record`` for the warehouse."""
    return _one(principal, action, _detail_qs(), lot_id=lot_id)


def readings_of(entry: FirstStopEntry, *, limit: int = 2000) -> list[TemperatureReading]:
    """The lot's latest ``limit`` readings, oldest first (for the chart and the table)."""
    rows = list(TemperatureReading.objects.filter(lot_id=entry.lot_id).select_related("recorder").order_by("-measured_at", "-id")[:limit])
    rows.reverse()
    return rows


def reading_stats(lot_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per lot: count, min, max, excursions (one query)."""
    rows = (TemperatureReading.objects.filter(lot_id__in=lot_ids).values("lot_id")
            .annotate(n=Count("id"), low=Min("value"), high=Max("value"), excursions=Count("id", filter=Q(excursion=True))))
    return {r["lot_id"]: r for r in rows}


def excursion_list(principal: Principal | None) -> QuerySet[TemperatureReading]:
    """Readings outside their limits at warehouses in the principal's jurisdiction, newest first."""
    access.require(principal, RESOURCE, "excursion_list")
    qs = access.restrict(TemperatureReading.objects.filter(excursion=True), principal, RESOURCE, "excursion_list",
                         jurisdiction_field="lot__first_stop__warehouse__jurisdiction__path",
                         org_field="lot__first_stop__warehouse__owner_org_id")
    return qs.select_related("lot__product", "lot__first_stop__warehouse__jurisdiction", "recorder").order_by("-measured_at", "-id")


# --- public verification -----------------------------------------------------------------------

def release_by_code(code: str) -> FirstStopEntry:
    """A released entry by its release certificate number (public: holding the code is enough)."""
    value = (code or "").strip().upper()
    entry = (FirstStopEntry.objects.filter(release_code=value, status=FirstStopEntry.Status.RELEASED)
             .select_related("warehouse", "importer", "lot__product").first()) if value else None
    if entry is None:
        raise NotFound(_("No release certificate with this number."))
    return entry


# --- dossier -----------------------------------------------------------------------------------

def can_view_operator(principal: Principal, operator: Operator) -> bool:
    """The ``view`` rule applied to one loaded operator, without a query (the dossier has a query budget)."""
    scope = access.scope_for(principal, RESOURCE, "view")
    if scope == "all":
        return True
    if scope == "own":
        return principal.organisation_id is not None and operator.owner_org_id == principal.organisation_id
    return scope == "jurisdiction" and access.in_subtree(principal, operator.jurisdiction.path)


def operator_summary(principal: Principal, operator: Operator) -> dict[str, Any] | None:
    """The operator's first-stop entries as warehouse or importer, and its warehouse's excursions; None if hidden or empty."""
    if not can_view_operator(principal, operator):
        return None
    of_op = FirstStopEntry.objects.filter(Q(warehouse=operator) | Q(importer=operator))
    entries = list(of_op.select_related("warehouse", "importer", "lot__product").order_by("-entry_date", "-id")[:10])
    if not entries:
        return None
    counts = {r["status"]: r["n"] for r in of_op.values("status").annotate(n=Count("id"))}
    excursions = TemperatureReading.objects.filter(lot__first_stop__warehouse=operator, excursion=True).count()
    return {"entries": entries, "counts": counts, "total": sum(counts.values()), "excursions": excursions}
