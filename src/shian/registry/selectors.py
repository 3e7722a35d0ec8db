"""Reads for the registry, always through :mod:`shian.core.access`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from shian.core import access, dossier
from shian.core.access import Principal
from shian.core.calendar import add_working_days_many
from shian.core.models import Jurisdiction
from shian.registry import rules
from shian.registry.models import Licence, Operator, OperatorType


@dataclass
class OperatorFilters:
    """Search and filters of the operator list (page, API and export share them)."""

    q: str = ""
    jurisdiction: str = ""  # a division code: that division and everything under it
    type: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params: Any) -> OperatorFilters:
        return cls(q=(params.get("q") or "").strip()[:100], jurisdiction=(params.get("jurisdiction") or "").strip()[:12],
                   type=(params.get("type") or "").strip()[:32], status=(params.get("status") or "").strip()[:10])


def operators_visible(principal: Principal | None, action: str = "view") -> QuerySet[Operator]:
    return access.restrict(Operator.objects.all(), principal, "operator", action)


def operator_search(principal: Principal | None, filters: OperatorFilters) -> QuerySet[Operator]:
    """The operators the principal may see, filtered; newest registrations last (stable order)."""
    qs = operators_visible(principal).select_related("jurisdiction")
    q = filters.q
    if q:
        upper = q.upper()
        if len(q) == 18 and q.isalnum():
            qs = qs.filter(uscc=upper)
        elif len(q) == 16 and upper[:2] in ("SC", "JY") and upper[2:].isdigit():
            qs = qs.filter(licences__number=upper)
        else:
            qs = qs.filter(Q(name__search_contains=q) | Q(address__search_contains=q))
    if filters.jurisdiction:
        # Resolve the division's subtree first (a few dozen ids) instead of matching paths row by row.
        subtree = Jurisdiction.objects.filter(Q(code=filters.jurisdiction) | Q(path__contains=f"/{filters.jurisdiction}/")
                                              | Q(path__startswith=f"{filters.jurisdiction}/"))
        qs = qs.filter(jurisdiction_id__in=list(subtree.values_list("id", flat=True)))
    if filters.type:
        qs = qs.filter(types__code=filters.type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("id")


def with_types(qs: QuerySet[Operator]) -> QuerySet[Operator]:
    return qs.prefetch_related(Prefetch("types", queryset=OperatorType.objects.only("code", "name")))


def operator_for(principal: Principal | None, operator_id: int, action: str = "view") -> Operator:
    """One operator the principal may ``action`` (404 outside the scope, 403 when view-only)."""
    obj: Operator = access.get_or_deny(Operator.objects.select_related("jurisdiction__parent", "owner_org"),
                                       principal, "operator", action, pk=operator_id)
    return obj


def operator_named(principal: Principal | None, operator_id: int, *, resource: str, action: str = "record") -> Operator:
    """An operator another module's record names (a shipment's buyer, a receipt's supplier, an importer):
    any operator in the registry, for a principal who may ``action`` on ``resource``. Naming it reveals only
    that it exists, so an unknown id and one outside the principal's jurisdiction give the same 404."""
    from django.utils.translation import gettext as _

    from shian.core.errors import NotFound

    access.require(principal, resource, action)
    op = Operator.objects.filter(pk=operator_id).first()
    if op is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return op


def dossier_for(principal: Principal | None, operator_id: int) -> tuple[Operator, list[dossier.Section], list[dossier.TimelineEntry]]:
    """The operator, its dossier sections and merged timeline, as the principal may see them."""
    op = operator_for(principal, operator_id)
    assert principal is not None
    sections = dossier.sections_for(op, principal)
    return op, sections, dossier.timeline_of(sections)


@dataclass
class ExpiringLicence:
    licence: Licence
    days_left: int
    renewal_deadline: date


def licences_expiring(principal: Principal | None, *, within_days: int | None = None, today: date | None = None) -> QuerySet[Licence]:
    """Valid licences the principal may see that expire within the warning window (or have expired)."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=within_days if within_days is not None else rules.LICENCE_EXPIRY_WARNING_DAYS.value)
    qs = access.restrict(Licence.objects.all(), principal, "licence", "view",
                         jurisdiction_field="operator__jurisdiction__path", org_field="operator__owner_org_id")
    return qs.filter(status=Licence.Status.VALID, expires_on__lte=horizon).select_related("operator__jurisdiction").order_by("expires_on", "id")


def annotate_expiry(licences: list[Licence], today: date | None = None) -> list[ExpiringLicence]:
    """Days left and the renewal deadline (30 working days before expiry) for each licence."""
    today = today or timezone.localdate()
    deadlines = add_working_days_many([lic.expires_on for lic in licences], -rules.LICENCE_RENEWAL_WORKING_DAYS.value)
    return [ExpiringLicence(lic, (lic.expires_on - today).days, d) for lic, d in zip(licences, deadlines, strict=True)]


def home_figures(principal: Principal) -> dict[str, int]:
    """Counts for the home page of a regulator (or an operator's own)."""
    ops = operators_visible(principal)
    return {
        "operators": ops.count(),
        "active": ops.filter(status=Operator.Status.ACTIVE).count(),
        "expiring": licences_expiring(principal).count(),
    }


def jurisdiction_choices(principal: Principal) -> list[Jurisdiction]:
    """Divisions offered in the list filter: the city and districts within the principal's view."""
    if access.scope_for(principal, "operator", "view") == "own":
        return []
    qs = Jurisdiction.objects.filter(level__in=[Jurisdiction.Level.CITY, Jurisdiction.Level.DISTRICT])
    if not principal.is_admin:
        path = principal.jurisdiction_path or "-"
        qs = qs.filter(Q(path=path) | Q(path__startswith=path + "/"))
    return list(qs)


def dossier_actions(principal: Principal, operator: Operator) -> set[str]:
    """The access actions ("maintain", "change") the principal may take on this operator."""
    return {action for action in ("maintain", "change")
            if access.restrict(Operator.objects.filter(pk=operator.pk), principal, "operator", action).exists()}
