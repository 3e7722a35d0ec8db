"""The registry's own dossier sections, registered through the same hook other modules use."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import access, audit, dossier
from shian.core.access import Principal
from shian.core.dossier import Section, TimelineEntry
from shian.registry.models import Operator


def _licences(op: Operator, principal: Principal) -> Section:
    items = list(op.licences.prefetch_related("scope").order_by("-expires_on"))
    today = timezone.localdate()
    data = [{"id": lic.pk, "kind": lic.kind, "number": lic.number, "issued_on": lic.issued_on.isoformat(),
             "expires_on": lic.expires_on.isoformat(), "authority": lic.authority, "status": lic.status,
             "expired": lic.expires_on < today, "scope": [c.code for c in lic.scope.all()]} for lic in items]
    timeline = [TimelineEntry(lic.issued_on, "licence", _("Licence %(number)s issued") % {"number": lic.number}, lic.authority,
                              kind_label=_("Licence")) for lic in items]
    return Section("licences", _("Licences"), data, "registry/sections/licences.html", len(items), timeline,
                   {"licences": items, "today": today})


def _premises(op: Operator, principal: Principal) -> Section:
    items = list(op.premises.select_related("jurisdiction"))
    data = [{"id": p.pk, "name": p.name, "kind": p.kind, "address": p.address, "jurisdiction": p.jurisdiction.code,
             "area_m2": str(p.area_m2) if p.area_m2 is not None else None} for p in items]
    return Section("premises", _("Premises"), data, "registry/sections/premises.html", len(items), [], {"premises": items})


def _staff(op: Operator, principal: Principal) -> Section:
    items = list(op.staff.all())
    data = [{"id": s.pk, "name": s.name, "position": s.position, "is_safety_manager": s.is_safety_manager,
             "certificate_number": s.certificate_number,
             "certified_until": s.certified_until.isoformat() if s.certified_until else None,
             "health_certificate_until": s.health_certificate_until.isoformat() if s.health_certificate_until else None} for s in items]
    return Section("staff", _("Staff and food-safety managers"), data, "registry/sections/staff.html", len(items), [], {"staff": items})


def _insurance(op: Operator, principal: Principal) -> Section:
    items = list(op.insurance_policies.all())
    data = [{"id": p.pk, "insurer": p.insurer, "policy_number": p.policy_number, "coverage_yuan": str(p.coverage_yuan),
             "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat()} for p in items]
    timeline = [TimelineEntry(p.starts_on, "insurance", _("Liability insurance %(number)s starts") % {"number": p.policy_number}, p.insurer,
                              kind_label=_("Insurance")) for p in items]
    return Section("insurance", _("Liability insurance"), data, "registry/sections/insurance.html", len(items), timeline,
                   {"policies": items, "today": timezone.localdate()})


def _self_inspections(op: Operator, principal: Principal) -> Section:
    items = list(op.self_inspections.all()[:50])
    data = [{"id": s.pk, "inspected_on": s.inspected_on.isoformat(), "result": s.result, "issues_found": s.issues_found,
             "summary": s.summary} for s in items]
    timeline = [TimelineEntry(s.inspected_on, "self_inspection", _("Self-inspection: %(r)s") % {"r": s.get_result_display()}, s.summary[:80],
                              kind_label=_("Self-inspection")) for s in items]
    return Section("self_inspections", _("Self-inspection reports"), data, "registry/sections/self_inspections.html", len(items), timeline,
                   {"reports": items})


def _history(op: Operator, principal: Principal) -> Section | None:
    if not access.can(principal, "audit", "view"):
        return None
    entries = audit.history_for_operator(op.pk, limit=100)
    data: list[dict[str, Any]] = [{"id": e.pk, "time": e.created_at.isoformat(), "kind": e.kind, "action": e.action,
                                   "model": e.model, "object_id": e.object_pk, "actor": e.actor_label,
                                   "before": e.before, "after": e.after, "data": e.data} for e in entries]
    timeline = [TimelineEntry(e.created_at, "event", e.action_label, e.actor_label, kind_label=_("Event")) for e in entries if e.kind == "event"]
    return Section("history", _("Change history"), data, "registry/sections/history.html", len(entries), timeline, {"entries": entries})


def register() -> None:
    dossier.register_section("licences", _licences, order=10)
    dossier.register_section("premises", _premises, order=20)
    dossier.register_section("staff", _staff, order=30)
    dossier.register_section("insurance", _insurance, order=40)
    dossier.register_section("self_inspections", _self_inspections, order=50)
    dossier.register_section("history", _history, order=1000)
