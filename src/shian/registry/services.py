"""Writes for the registry. Each service runs in one transaction, validates fully and is
audited (the change log by signal, typed events here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shian.accounts.models import Organisation, User
from shian.core import audit
from shian.core.context import acting_as
from shian.core.errors import Conflict, Invalid, full_clean_or_raise
from shian.core.ids import normalise_licence_number, normalise_uscc
from shian.core.models import Jurisdiction
from shian.registry.models import (
    FoodCategory,
    InsurancePolicy,
    Licence,
    Operator,
    OperatorType,
    Premises,
    SelfInspection,
    StaffMember,
)


def _clean(obj: Any, exclude: Iterable[str] | None = None) -> None:
    full_clean_or_raise(obj, list(exclude) if exclude else None)


def _uscc(value: str) -> str:
    try:
        return normalise_uscc(value)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code or "uscc_invalid", field="uscc") from None


def _licence_number(value: str, kind: str) -> str:
    try:
        return normalise_licence_number(value, kind)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code or "licence_invalid", field="number") from None


def _refuse_duplicate_uscc(uscc: str, *, exclude_pk: int | None = None) -> None:
    qs = Operator.objects.filter(uscc=uscc)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    existing = qs.only("pk", "name").first()
    if existing is not None:
        raise Conflict(
            _("The unified social credit code %(uscc)s is already registered to %(name)s (no. %(id)s).")
            % {"uscc": uscc, "name": existing.name, "id": existing.pk},
            code="uscc_duplicate", field="uscc", details={"existing_operator_id": existing.pk, "existing_operator_name": existing.name},
        )


def _types(codes: Iterable[str]) -> list[OperatorType]:
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise Invalid(_("Choose at least one operator type."), code="types_required", field="types")
    found = {t.code: t for t in OperatorType.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise Invalid(_("Unknown operator type: %(codes)s.") % {"codes": ", ".join(unknown)}, code="type_unknown", field="types")
    return [found[c] for c in codes]


def _categories(codes: Iterable[str], field: str = "scope") -> list[FoodCategory]:
    codes = list(dict.fromkeys(codes))
    found = {c.code: c for c in FoodCategory.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise Invalid(_("Unknown food category: %(codes)s.") % {"codes": ", ".join(unknown)}, code="category_unknown", field=field)
    return [found[c] for c in codes]


def operator_create(*, name: str, uscc: str, legal_representative: str, type_codes: Iterable[str], address: str,
                    jurisdiction: Jurisdiction, scope_codes: Iterable[str] = (), scale: str = Operator.Scale.SMALL,
                    latitude: Decimal | None = None, longitude: Decimal | None = None, phone: str = "",
                    owner_org: Organisation | None = None, by: User | None = None) -> Operator:
    """Register an operator. The USCC must be valid and not registered already."""
    code = _uscc(uscc)
    types = _types(type_codes)
    scope = _categories(scope_codes)
    with acting_as(by), transaction.atomic():
        _refuse_duplicate_uscc(code)
        op = Operator(name=name.strip(), uscc=code, legal_representative=legal_representative.strip(), address=address.strip(),
                      jurisdiction=jurisdiction, scale=scale, latitude=latitude, longitude=longitude, phone=phone, owner_org=owner_org)
        _clean(op)
        try:
            with transaction.atomic():
                op.save()
        except IntegrityError:  # a concurrent insert won the race
            _refuse_duplicate_uscc(code)
            raise
        op.types.set(types)
        op.scope.set(scope)
        audit.record_event("operator.registered", obj=op, operator_id=op.pk,
                           data={"types": [t.code for t in types], "scope": [c.code for c in scope]})
        return op


OPERATOR_EDITABLE = {"name", "legal_representative", "address", "jurisdiction", "scale", "latitude", "longitude", "phone", "owner_org"}


def operator_update(*, operator: Operator, by: User | None = None, type_codes: Iterable[str] | None = None,
                    scope_codes: Iterable[str] | None = None, uscc: str | None = None, **changes: Any) -> Operator:
    """Change an operator's dossier fields (status changes go through ``operator_set_status``)."""
    unknown = set(changes) - OPERATOR_EDITABLE
    if unknown:
        raise Invalid(_("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))}, code="field_not_editable", field=sorted(unknown)[0])
    types = _types(type_codes) if type_codes is not None else None
    scope = _categories(scope_codes) if scope_codes is not None else None
    with acting_as(by), transaction.atomic():
        if uscc is not None:
            code = _uscc(uscc)
            _refuse_duplicate_uscc(code, exclude_pk=operator.pk)
            operator.uscc = code
        for key, value in changes.items():
            setattr(operator, key, value.strip() if isinstance(value, str) else value)
        _clean(operator)
        operator.save()
        if types is not None:
            before = sorted(operator.types.values_list("code", flat=True))
            operator.types.set(types)
            after = sorted(t.code for t in types)
            if before != after:
                audit.record_event("operator.types_changed", obj=operator, operator_id=operator.pk, data={"before": before, "after": after})
        if scope is not None:
            before = sorted(operator.scope.values_list("code", flat=True))
            operator.scope.set(scope)
            after = sorted(c.code for c in scope)
            if before != after:
                audit.record_event("operator.scope_changed", obj=operator, operator_id=operator.pk, data={"before": before, "after": after})
        return operator


def operator_set_status(*, operator: Operator, status: str, reason: str, by: User | None = None) -> Operator:
    """Suspend, cancel or reactivate an operator, with a reason (a typed event)."""
    if status not in Operator.Status.values:
        raise Invalid(_("Unknown status."), code="status_unknown", field="status")
    if not reason.strip():
        raise Invalid(_("Give a reason for the status change."), code="reason_required", field="reason")
    if operator.status == status:
        return operator
    with acting_as(by), transaction.atomic():
        old = operator.status
        operator.status = status
        operator.save(update_fields=["status", "updated_at"])
        audit.record_event(f"operator.{status}", obj=operator, operator_id=operator.pk, data={"from": old, "reason": reason.strip()})
        return operator


def licence_create(*, operator: Operator, kind: str, number: str, issued_on: date, expires_on: date, authority: str,
                   scope_codes: Iterable[str] = (), premises: Premises | None = None, by: User | None = None) -> Licence:
    """Record a licence held by the operator; the number's format is checked and must be unique."""
    if kind not in Licence.Kind.values:
        raise Invalid(_("Unknown licence kind."), code="licence_kind", field="kind")
    code = _licence_number(number, kind)
    scope = _categories(scope_codes)
    if premises is not None and premises.operator_id != operator.pk:
        raise Invalid(_("The premises belong to another operator."), code="premises_mismatch", field="premises")
    with acting_as(by), transaction.atomic():
        existing = Licence.objects.filter(number=code).select_related("operator").first()
        if existing is not None:
            raise Conflict(_("Licence %(n)s is already recorded for %(name)s.") % {"n": code, "name": existing.operator.name},
                           code="licence_duplicate", field="number", details={"existing_operator_id": existing.operator_id})
        lic = Licence(operator=operator, kind=kind, number=code, issued_on=issued_on, expires_on=expires_on,
                      authority=authority, premises=premises)
        _clean(lic)
        lic.save()
        lic.scope.set(scope)
        audit.record_event("licence.recorded", obj=lic, operator_id=operator.pk, data={"number": code, "kind": kind})
        return lic


def licence_set_status(*, licence: Licence, status: str, reason: str, by: User | None = None) -> Licence:
    """Suspend, revoke, cancel or restore a licence, with a reason (a typed event)."""
    if status not in Licence.Status.values:
        raise Invalid(_("Unknown status."), code="status_unknown", field="status")
    if not reason.strip():
        raise Invalid(_("Give a reason for the status change."), code="reason_required", field="reason")
    if licence.status == status:
        return licence
    with acting_as(by), transaction.atomic():
        old = licence.status
        licence.status = status
        licence.save(update_fields=["status"])
        audit.record_event(f"licence.{status}", obj=licence, operator_id=licence.operator_id,
                           data={"number": licence.number, "from": old, "reason": reason.strip()})
        return licence


def premises_add(*, operator: Operator, name: str, kind: str, address: str, jurisdiction: Jurisdiction,
                 area_m2: Decimal | None = None, by: User | None = None) -> Premises:
    """Add a premises to the operator's dossier."""
    with acting_as(by), transaction.atomic():
        obj = Premises(operator=operator, name=name, kind=kind, address=address, jurisdiction=jurisdiction, area_m2=area_m2)
        _clean(obj)
        obj.save()
        return obj


def staff_add(*, operator: Operator, name: str, position: str = "", is_safety_manager: bool = False,
              certificate_number: str = "", certified_until: date | None = None,
              health_certificate_until: date | None = None, phone: str = "", by: User | None = None) -> StaffMember:
    """Add a staff member; a food-safety manager needs a certificate number."""
    with acting_as(by), transaction.atomic():
        obj = StaffMember(operator=operator, name=name, position=position, is_safety_manager=is_safety_manager,
                          certificate_number=certificate_number, certified_until=certified_until,
                          health_certificate_until=health_certificate_until, phone=phone)
        _clean(obj)
        obj.save()
        return obj


def insurance_add(*, operator: Operator, insurer: str, policy_number: str, coverage_yuan: Decimal,
                  starts_on: date, ends_on: date, by: User | None = None) -> InsurancePolicy:
    """Record a liability insurance policy."""
    with acting_as(by), transaction.atomic():
        if InsurancePolicy.objects.filter(insurer=insurer, policy_number=policy_number).exists():
            raise Conflict(_("This policy is already recorded."), code="policy_duplicate", field="policy_number")
        obj = InsurancePolicy(operator=operator, insurer=insurer, policy_number=policy_number, coverage_yuan=coverage_yuan,
                              starts_on=starts_on, ends_on=ends_on)
        _clean(obj)
        obj.save()
        return obj


def self_inspection_submit(*, operator: Operator, inspected_on: date, result: str, issues_found: int = 0,
                           summary: str = "", by: User | None = None) -> SelfInspection:
    """File a self-inspection report (自查报告)."""
    with acting_as(by), transaction.atomic():
        obj = SelfInspection(operator=operator, inspected_on=inspected_on, result=result, issues_found=issues_found, summary=summary)
        _clean(obj, exclude=["submitted_at"])
        obj.save()
        audit.record_event("self_inspection.submitted", obj=obj, operator_id=operator.pk,
                           data={"result": result, "issues_found": issues_found})
        return obj
