"""Which page forms exist for a dossier, who may use them, and which service each calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shian.registry import forms as f
from shian.registry import services
from shian.registry.models import Operator


@dataclass(frozen=True)
class DossierForm:
    """A form on the dossier: its title, the access action it needs and the service it calls."""

    key: str
    title: Any
    form: type[forms.BaseForm]
    action: str  # access action on the operator: "maintain" or "change"
    save: Callable[..., Any]


def _status(*, operator: Operator, by: Any, data: dict[str, Any]) -> Any:
    return services.operator_set_status(operator=operator, status=data["status"], reason=data["reason"], by=by)


FORMS: dict[str, DossierForm] = {
    "premises": DossierForm("premises", _("Add premises"), f.PremisesForm, "maintain",
                            lambda *, operator, by, data: services.premises_add(operator=operator, by=by, **data)),
    "staff": DossierForm("staff", _("Add staff member"), f.StaffForm, "maintain",
                         lambda *, operator, by, data: services.staff_add(operator=operator, by=by, **data)),
    "insurance": DossierForm("insurance", _("Add liability insurance"), f.InsuranceForm, "maintain",
                             lambda *, operator, by, data: services.insurance_add(operator=operator, by=by, **data)),
    "self_inspections": DossierForm("self_inspections", _("File a self-inspection report"), f.SelfInspectionForm, "maintain",
                                    lambda *, operator, by, data: services.self_inspection_submit(operator=operator, by=by, **data)),
    "status": DossierForm("status", _("Change operator status"), f.StatusForm, "change", _status),
}
