"""Access control in one place.

Every page, endpoint, export and admin list restricts its queryset here, by the acting
principal's role and jurisdiction subtree. The rules are data (:data:`RULES`): for each
resource and action, which scope each role gets.

Scopes:
``all``           everything;
``jurisdiction``  rows whose jurisdiction lies in the principal's jurisdiction subtree;
``own``           rows belonging to the principal's own organisation (operator users);
``none``          nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core.errors import Forbidden, NotAuthenticated, NotFound

Scope = Literal["all", "jurisdiction", "own", "none"]


class Role:
    """Personas. Values are stored on users; labels are shown."""

    CITY_REGULATOR = "city_regulator"
    DISTRICT_REGULATOR = "district_regulator"
    STATION_OFFICER = "station_officer"
    INSPECTOR = "inspector"
    OPERATOR = "operator"
    LAB = "lab"
    CDC = "cdc"
    PUBLIC = "public"
    ADMIN = "admin"

    CHOICES = [
        (CITY_REGULATOR, gettext_lazy("City regulator")),
        (DISTRICT_REGULATOR, gettext_lazy("District regulator")),
        (STATION_OFFICER, gettext_lazy("Station officer")),
        (INSPECTOR, gettext_lazy("Inspector")),
        (OPERATOR, gettext_lazy("Food business operator")),
        (LAB, gettext_lazy("Laboratory")),
        (CDC, gettext_lazy("CDC / sentinel hospital")),
        (PUBLIC, gettext_lazy("Public (consumer / volunteer)")),
        (ADMIN, gettext_lazy("System administrator")),
    ]
    ALL = [c[0] for c in CHOICES]
    REGULATORS = [CITY_REGULATOR, DISTRICT_REGULATOR, STATION_OFFICER]


@dataclass(frozen=True)
class Principal:
    """Who is acting: a logged-in user or an organisation's API key."""

    role: str
    jurisdiction_path: str | None
    organisation_id: int | None
    user: Any = None
    label: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_regulator(self) -> bool:
        return self.role in Role.REGULATORS


_J: Scope = "jurisdiction"
_REGULATOR_WRITE: dict[str, Scope] = {Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.STATION_OFFICER: _J, Role.ADMIN: "all"}

# resource -> action -> role -> scope. A role that is not listed gets "none".
RULES: dict[str, dict[str, dict[str, Scope]]] = {
    "operator": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.CDC: _J, Role.OPERATOR: "own"},
        "change": {**_REGULATOR_WRITE},
        "maintain": {**_REGULATOR_WRITE, Role.OPERATOR: "own"},  # premises, staff, insurance, self-inspections
        "import": {Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.ADMIN: "all"},
    },
    "licence": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.CDC: _J, Role.OPERATOR: "own"},
        "change": {**_REGULATOR_WRITE},
    },
    "jurisdiction": {
        "view": {role: "all" for role in Role.ALL if role != Role.PUBLIC},
    },
    "audit": {
        "view": {Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.STATION_OFFICER: _J, Role.ADMIN: "all", Role.OPERATOR: "own"},
        "verify": {Role.ADMIN: "all", Role.CITY_REGULATOR: "all"},
    },
    "job": {
        "view": dict.fromkeys(Role.ALL, "own"),
    },
    # Traceability (shian.trace). "own" means records of the organisation's operators as a party: an
    # operator also sees its direct suppliers' shipments to it and its direct customers' receipts from it.
    "trace": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.OPERATOR: "own"},
        "record": {Role.OPERATOR: "own", Role.ADMIN: "all"},
        "verify_list": {Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.STATION_OFFICER: _J, Role.INSPECTOR: _J, Role.ADMIN: "all"},
    },
    # Produce certificates (shian.certificates). "view" covers certificates whose issuer, or the market
    # that checked them, is in scope; "record" is issue/re-issue/revoke for own operators; "check" is a
    # market's entry check (the service also requires the operator to be of type market).
    "certificate": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.OPERATOR: "own"},
        "record": {Role.OPERATOR: "own", Role.ADMIN: "all"},
        "check": {Role.OPERATOR: "own", Role.ADMIN: "all"},
    },
    # Cold chain and imported food (shian.coldchain): scoped by the central warehouse. "own" is the
    # warehouse's organisation; importers, lot owners and later holders also view (read only, in the
    # selectors). "release" is release or rejection: the warehouse and the regulators of its jurisdiction.
    "coldchain": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.OPERATOR: "own"},
        "record": {Role.OPERATOR: "own", Role.ADMIN: "all"},
        "release": {**_REGULATOR_WRITE, Role.OPERATOR: "own"},
        "excursion_list": {Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.STATION_OFFICER: _J, Role.INSPECTOR: _J,
                           Role.ADMIN: "all"},
    },
    # Sampling (shian.sampling), scoped by the sampled operator's jurisdiction. "own" is the operator's
    # organisation, or for a laboratory the samples sent to it (first test or re-test); for residents
    # ("request") the requests they submitted. "respond": re-test applications and the operator's part
    # of a disposal (regulators enter paper ones); "verify": the regulator's part of a disposal.
    "sampling": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.LAB: "own", Role.OPERATOR: "own"},
        "record": {**_REGULATOR_WRITE, Role.INSPECTOR: _J},
        "plan": {Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.ADMIN: "all"},
        "report": {Role.LAB: "own", Role.ADMIN: "all"},
        "respond": {**_REGULATOR_WRITE, Role.OPERATOR: "own"},
        "verify": {**_REGULATOR_WRITE},
        "rapid_view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.OPERATOR: "own"},
        "rapid_record": {Role.STATION_OFFICER: _J, Role.ADMIN: "all"},
        "request": {Role.PUBLIC: "own", Role.ADMIN: "all"},
        "request_handle": {**_REGULATOR_WRITE},
    },
    # Inspections (shian.inspection). "view": inspections of the jurisdiction; the selectors narrow inspectors to their own
    # assignments and operators to their own closed inspections. "plan": plans, draws, overdue lists and indicators; "draw":
    # generate plans, run and publish draws; "perform": fill in and close (assigned inspectors only); "amend": correct a closed one.
    "inspection": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.OPERATOR: "own"},
        "plan": {**_REGULATOR_WRITE},
        "draw": {Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.ADMIN: "all"},
        "perform": {Role.INSPECTOR: _J, Role.STATION_OFFICER: _J, Role.ADMIN: "all"},
        "amend": {Role.INSPECTOR: _J, Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.ADMIN: "all"},
    },
    # Rectification orders (shian.rectification): inspectors see and review only the orders they issued (narrowed in the selectors).
    "rectification": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.OPERATOR: "own"},
        "issue": {**_REGULATOR_WRITE, Role.INSPECTOR: _J},
        "answer": {Role.OPERATOR: "own", Role.ADMIN: "all"},
        "review": {**_REGULATOR_WRITE, Role.INSPECTOR: _J},
    },
    # Credit (shian.credit): "view" is the internal credit file (the public profile needs no rule). "record": penalties, verified
    # complaints, awards, points, withdrawals; "commit": credit commitments (the operator's own too); "apply": repair applications
    # (regulators enter paper ones); "propose": serious-violation listing proposals; "decide": listing and repair decisions.
    "credit": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.OPERATOR: "own"},
        "record": {**_REGULATOR_WRITE},
        "commit": {**_REGULATOR_WRITE, Role.OPERATOR: "own"},
        "apply": {**_REGULATOR_WRITE, Role.OPERATOR: "own"},
        "propose": {**_REGULATOR_WRITE},
        "decide": {Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.ADMIN: "all"},
    },
    # Risk grading (shian.risk): "view" is an operator's grade page (operators their own); "override" sets a grade by hand with a
    # reason; "warnings" the risk warnings of the jurisdiction; "rules" reads the rules table, "configure" edits it (administrators);
    # "regrade" starts the regrade job (its jurisdiction); "targeting" the pending-inspection ranking; "retrain" the model.
    "risk": {
        "view": {**_REGULATOR_WRITE, Role.INSPECTOR: _J, Role.OPERATOR: "own"},
        "override": {Role.CITY_REGULATOR: _J, Role.DISTRICT_REGULATOR: _J, Role.ADMIN: "all"},
        "warnings": {**_REGULATOR_WRITE},
        "rules": {Role.CITY_REGULATOR: "all", Role.DISTRICT_REGULATOR: "all", Role.STATION_OFFICER: "all", Role.INSPECTOR: "all", Role.ADMIN: "all"},
        "configure": {Role.ADMIN: "all"},
        "regrade": {Role.CITY_REGULATOR: _J, Role.ADMIN: "all"},
        "targeting": {**_REGULATOR_WRITE},
        "retrain": {Role.CITY_REGULATOR: _J, Role.ADMIN: "all"},
    },
}


def scope_for(principal: Principal | None, resource: str, action: str) -> Scope:
    if principal is None:
        return "none"
    return RULES.get(resource, {}).get(action, {}).get(principal.role, "none")


def can(principal: Principal | None, resource: str, action: str) -> bool:
    """True if the principal may do ``action`` on at least some rows of ``resource``."""
    return scope_for(principal, resource, action) != "none"


def require(principal: Principal | None, resource: str, action: str) -> Principal:
    """Raise unless the principal may do ``action`` on ``resource`` at all."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    if not can(principal, resource, action):
        raise Forbidden(_("Your role may not do this."), code="forbidden_role")
    return principal


def restrict(qs: QuerySet[Any], principal: Principal | None, resource: str, action: str, *,
             jurisdiction_field: str = "jurisdiction__path", org_field: str = "owner_org_id") -> QuerySet[Any]:
    """The rows of ``qs`` the principal may ``action``; the one place querysets are scoped."""
    scope = scope_for(principal, resource, action)
    if scope == "all":
        return qs
    if scope == "none" or principal is None:
        return qs.none()
    if scope == "own":
        if principal.organisation_id is None:
            return qs.none()
        return qs.filter(**{org_field: principal.organisation_id})
    path = principal.jurisdiction_path
    if not path:
        return qs.none()
    return qs.filter(Q(**{jurisdiction_field: path}) | Q(**{f"{jurisdiction_field}__startswith": path + "/"}))


def get_or_deny(qs: QuerySet[Any], principal: Principal | None, resource: str, action: str, *,
                jurisdiction_field: str = "jurisdiction__path", org_field: str = "owner_org_id", **lookup: Any) -> Any:
    """Fetch one row the principal may ``action``.

    A row outside the principal's view gives 404 (we do not reveal that it exists); a row the
    principal can view but not ``action`` gives 403.
    """
    require(principal, resource, action)
    fields = {"jurisdiction_field": jurisdiction_field, "org_field": org_field}
    obj = restrict(qs, principal, resource, action, **fields).filter(**lookup).first()
    if obj is not None:
        return obj
    if action != "view" and restrict(qs, principal, resource, "view", **fields).filter(**lookup).exists():
        raise Forbidden(_("You may view this record but not change it."), code="forbidden_action")
    raise NotFound(_("The record does not exist or is outside your jurisdiction."))


def in_subtree(principal: Principal, path: str) -> bool:
    """True if a jurisdiction path lies within the principal's subtree (or the principal is admin)."""
    if principal.is_admin:
        return True
    own = principal.jurisdiction_path
    if not own:
        return False
    return path == own or path.startswith(own + "/")
