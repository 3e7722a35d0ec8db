"""Who may capture and see EPCIS events, and the interface's limits.

The access rules follow :data:`shian.core.access.RULES` (role → scope), kept here because
``core`` is not this app's to edit; :func:`restrict` is the one place event querysets are scoped.

* **capture**: regulators (city, district, station), operators, administrators, and
  organisations of kind *platform* (other cities' systems, whose API keys act with the
  ``public`` role, so the organisation's kind is checked). Labs, CDC, inspectors and the public
  may not (403).
* **view**: the city bureau and administrators see every event. District bureaus, stations,
  inspectors and CDC (as for ``operator:view``) see events whose operator lies in their
  jurisdiction subtree, plus events their own organisation recorded (an event with no
  operator would otherwise be invisible to the regulator who captured it). An operator's
  organisation, and a platform organisation, see events it recorded or events attributed to
  an operator it owns (events the platform records for it). Labs and the public see none.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from shian.core.access import Principal, Role, Scope
from shian.core.errors import Forbidden, NotAuthenticated

CAPTURE_ROLES = frozenset({Role.CITY_REGULATOR, Role.DISTRICT_REGULATOR, Role.STATION_OFFICER, Role.OPERATOR, Role.ADMIN})
VIEW: dict[str, Scope] = {
    Role.CITY_REGULATOR: "all",
    Role.ADMIN: "all",
    Role.DISTRICT_REGULATOR: "jurisdiction",
    Role.STATION_OFFICER: "jurisdiction",
    Role.INSPECTOR: "jurisdiction",
    Role.CDC: "jurisdiction",
    Role.OPERATOR: "own",
}
PLATFORM_VIEW: Scope = "own"


def max_bytes() -> int:
    """Largest capture body (``GS1-EPCIS-Capture-File-Size-Limit``); setting ``SHIAN_EPCIS_MAX_BYTES``."""
    return int(getattr(settings, "SHIAN_EPCIS_MAX_BYTES", 20 * 1024 * 1024))


def max_events() -> int:
    """Most events in one capture (``GS1-EPCIS-Capture-Limit``); setting ``SHIAN_EPCIS_MAX_EVENTS``."""
    return int(getattr(settings, "SHIAN_EPCIS_MAX_EVENTS", 50_000))


PER_PAGE_DEFAULT = 30
PER_PAGE_MAX = 1000


def _is_platform_org(principal: Principal) -> bool:
    from shian.accounts.models import Organisation

    if principal.organisation_id is None:
        return False
    return Organisation.objects.filter(pk=principal.organisation_id, kind=Organisation.Kind.PLATFORM, is_active=True).exists()


def can_capture(principal: Principal | None) -> bool:
    if principal is None:
        return False
    return principal.role in CAPTURE_ROLES or (principal.role == Role.PUBLIC and _is_platform_org(principal))


def require_capture(principal: Principal | None) -> Principal:
    """401 without a principal; 403 unless the principal may capture."""
    if principal is None:
        raise NotAuthenticated(_("Log in, or send a valid API key as Authorization: Bearer <key>."))
    if not can_capture(principal):
        raise Forbidden(_("Your organisation may not capture EPCIS events."), code="forbidden_role")
    return principal


def view_scope(principal: Principal | None) -> Scope:
    if principal is None:
        return "none"
    scope = VIEW.get(principal.role)
    if scope is None and principal.role == Role.PUBLIC and _is_platform_org(principal):
        return PLATFORM_VIEW
    return scope or "none"


def require_view(principal: Principal | None) -> Principal:
    if principal is None:
        raise NotAuthenticated(_("Log in, or send a valid API key as Authorization: Bearer <key>."))
    if view_scope(principal) == "none":
        raise Forbidden(_("Your role may not query EPCIS events."), code="forbidden_role")
    return principal


def _events_sharing_identifiers_with(org: int) -> QuerySet[Any]:
    """Events naming an identifier (a lot, an EPC) that the organisation's own captures name: another
    city's system reads this city's whole record of the goods it has itself handled, nothing else."""
    from shian.epcis.models import EventIdentifier

    known = EventIdentifier.objects.filter(event__recorded_by_id=org).values("identifier")
    return EventIdentifier.objects.filter(identifier__in=known).values("event_id")


def restrict(qs: QuerySet[Any], principal: Principal | None, *, prefix: str = "") -> QuerySet[Any]:
    """The events of ``qs`` the principal may see (``prefix`` reaches the event from a related model)."""
    scope = view_scope(principal)
    if scope == "all":
        return qs
    if scope == "none" or principal is None:
        return qs.none()
    org = principal.organisation_id
    own = Q(**{f"{prefix}recorded_by_id": org}) if org is not None else Q(pk__in=[])
    if scope == "own":
        if org is None:
            return qs.none()
        visible = own | Q(**{f"{prefix}operator__owner_org_id": org})
        if principal.role == Role.PUBLIC:  # only platform organisations reach here (view_scope)
            visible |= Q(**{f"{prefix}pk__in": _events_sharing_identifiers_with(org)})
        return qs.filter(visible)
    path = principal.jurisdiction_path
    if not path:
        return qs.filter(own)
    field = f"{prefix}operator__jurisdiction__path"
    return qs.filter(Q(**{field: path}) | Q(**{f"{field}__startswith": path + "/"}) | own)
