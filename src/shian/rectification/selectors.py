"""Reads for rectification orders, through :mod:`shian.core.access` (resource ``rectification``).

Regulators see orders for operators in their jurisdiction; an inspector only the orders it
issued; an operator its own. The plain-row selectors at the end (:func:`overdue_orders` and
:func:`closed_orders`) take no principal: they are what the risk and credit modules read.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.access import Principal, Role
from shian.core.errors import Forbidden, NotFound
from shian.rectification.models import RectificationOrder

RESOURCE = "rectification"
FIELDS = {"jurisdiction_field": "operator__jurisdiction__path", "org_field": "operator__owner_org_id"}
Status = RectificationOrder.Status


def orders_visible(principal: Principal | None, action: str = "view") -> QuerySet[RectificationOrder]:
    """Orders the principal may ``action``: its jurisdiction's, its own (operators), the ones it issued (inspectors)."""
    qs = access.restrict(RectificationOrder.objects.all(), principal, RESOURCE, action, **FIELDS)
    if principal is not None and principal.role == Role.INSPECTOR:
        qs = qs.filter(issued_by=principal.user) if principal.user is not None else qs.none()
    return qs


@dataclass
class OrderFilters:
    status: str = ""
    source_app: str = ""
    overdue: bool = False

    @classmethod
    def from_params(cls, params: Any) -> OrderFilters:
        status = str(params.get("status", "") or "")
        return cls(status=status if status in Status.values else "", source_app=str(params.get("source", "") or "")[:32],
                   overdue=str(params.get("overdue", "")) in ("1", "true", "on"))


def order_list(principal: Principal | None, filters: OrderFilters | None = None) -> QuerySet[RectificationOrder]:
    access.require(principal, RESOURCE, "view")
    f = filters or OrderFilters()
    qs = orders_visible(principal).select_related("operator", "issued_by")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.source_app:
        qs = qs.filter(source_app=f.source_app)
    if f.overdue:
        qs = qs.filter(overdue_filter())
    return qs.order_by("-issued_at", "-id")


def overdue_filter(today: date | None = None) -> Q:
    """Open orders past their deadline (whether or not the daily job has marked them yet)."""
    return Q(status=Status.OPEN, deadline__lt=today or timezone.localdate())


def overdue_list(principal: Principal | None) -> QuerySet[RectificationOrder]:
    access.require(principal, RESOURCE, "view")
    return orders_visible(principal).filter(overdue_filter()).select_related("operator", "issued_by").order_by("deadline", "id")


def order_for(principal: Principal | None, order_id: int, action: str = "view") -> RectificationOrder:
    """One order: 404 outside the principal's view, 403 when it may view but not ``action``."""
    access.require(principal, RESOURCE, action)
    obj = orders_visible(principal, action).select_related("operator", "operator__jurisdiction", "issued_by").filter(pk=order_id).first()
    if obj is not None:
        return obj
    if action != "view" and orders_visible(principal).filter(pk=order_id).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise NotFound(_("The record does not exist or is outside your jurisdiction."))


def order_detail(order: RectificationOrder) -> dict[str, Any]:
    """Responses (with photos) and reviews of an order, in a fixed number of queries."""
    return {"responses": list(order.responses.select_related("submitted_by").prefetch_related("photos")),
            "reviews": list(order.reviews.select_related("reviewed_by"))}


def orders_for_source(principal: Principal | None, source_app: str, source_id: str | int) -> list[RectificationOrder]:
    """The orders a source record (an inspection, a kitchen event) led to, as far as the principal sees them."""
    if not access.can(principal, RESOURCE, "view"):
        return []
    return list(orders_visible(principal).filter(source_app=source_app, source_id=str(source_id)))


def photo_for(principal: Principal | None, photo_id: int) -> Any:
    from shian.rectification.models import ResponsePhoto

    access.require(principal, RESOURCE, "view")
    photo = ResponsePhoto.objects.filter(pk=photo_id, response__order__in=orders_visible(principal)).first()
    if photo is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."))
    return photo


# --- for the risk and credit modules (no principal: server-side consumers) -------------------------

@dataclass(frozen=True)
class OrderRow:
    operator_id: int
    order_id: int
    source_app: str
    source_id: str
    issued_on: date
    deadline: date
    status: str
    times_overdue: int
    closed_on: date | None
    closed_on_time: bool | None


def _window(since: date | None, until: date | None, field: str) -> Q:
    q = Q()
    tz = timezone.get_current_timezone()
    if since:
        q &= Q(**{f"{field}__gte": datetime.combine(since, time.min, tzinfo=tz)})
    if until:
        q &= Q(**{f"{field}__lt": datetime.combine(until, time.max, tzinfo=tz)})
    return q


def _rows(qs: QuerySet[RectificationOrder]) -> list[OrderRow]:
    return [OrderRow(o.operator_id, o.pk, o.source_app, o.source_id, timezone.localdate(o.issued_at), o.deadline, o.status, o.times_overdue,
                     timezone.localdate(o.closed_at) if o.closed_at else None, o.closed_on_time)
            for o in qs.order_by("operator_id", "issued_at", "id")]


def overdue_orders(operator_ids: Collection[int] | None, since: date | None = None, until: date | None = None) -> list[OrderRow]:
    """Orders that went overdue (``rectification.overdue``) in the window, by operator; ``None`` means every operator."""
    qs = RectificationOrder.objects.filter(times_overdue__gt=0).filter(_window(since, until, "overdue_at") if since or until else Q())
    if operator_ids is not None:
        qs = qs.filter(operator_id__in=list(operator_ids))
    return _rows(qs)


def closed_orders(operator_ids: Collection[int] | None, since: date | None = None, until: date | None = None) -> list[OrderRow]:
    """Orders closed (``rectification.closed``) in the window, with whether they were rectified on time."""
    qs = RectificationOrder.objects.filter(status=Status.CLOSED).filter(_window(since, until, "closed_at"))
    if operator_ids is not None:
        qs = qs.filter(operator_id__in=list(operator_ids))
    return _rows(qs)


# --- indicators -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OnTimeRow:
    jurisdiction: str
    due: int
    on_time: int
    late: int
    open_overdue: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def on_time_rate(principal: Principal | None, *, since: date, until: date, level: str = "district") -> list[OnTimeRow]:
    """Rectification on-time rate by jurisdiction (district or street) for orders whose deadline fell in the period.

    An order counts as on time when it was closed and rectified on time; late when closed late; open
    and past its deadline otherwise.
    """
    access.require(principal, RESOURCE, "view")
    qs = orders_visible(principal).filter(deadline__gte=since, deadline__lte=until)
    key = "operator__jurisdiction__parent__name" if level == "district" else "operator__jurisdiction__name"
    today = timezone.localdate()
    rows = (qs.values(key).annotate(due=Count("id"), on_time=Count("id", filter=Q(closed_on_time=True)),
                                    late=Count("id", filter=Q(closed_on_time=False)),
                                    open_overdue=Count("id", filter=Q(status__in=[Status.OPEN], deadline__lt=today)))
            .order_by(key))
    return [OnTimeRow(r[key] or "", r["due"], r["on_time"], r["late"], r["open_overdue"]) for r in rows]
