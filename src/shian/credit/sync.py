"""The sync from other modules' facts to the credit file, violation points and dynamic hygiene grades.

:func:`sync_chunk` handles one chunk of operators in the caller's transaction with a fixed number
of queries per chunk (facts, operator types, licences, existing rows, bulk inserts) plus one
save per changed or withdrawn row. New rows go in with ``core.db.bulk_insert`` and are logged
with ``audit.record_changes_bulk``. Texts written into records are in the platform's language
(``settings.LANGUAGE_CODE``), whoever runs the sync.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.db import bulk_insert
from shian.credit import rules, sources
from shian.credit.models import CreditRecord, HygieneGrade, ViolationPoint
from shian.registry.models import Licence, Operator

if TYPE_CHECKING:
    from shian.credit.services import SyncResult

CHUNK = 2000
# Facts are read from this many days before the window, so that a record dated inside the window
# whose source is dated before it (a sample reported months after it was taken) is not taken for gone.
LOOKBACK_DAYS = 180
SYNC_WITHDRAWN = "来源记录已不再构成失信信息（检查结果更正或复检推翻原结论）"

def _record_fields(fact: sources.Fact, severity: str) -> dict[str, Any]:
    from shian.credit.services import periods

    if fact.kind == "inspection":
        title = _("Inspection result: %(result)s") % {"result": str(fact.outcome_label or fact.outcome)}
        facts = _("%(key)s key items and %(general)s general items did not conform.") % {"key": fact.key_failures,
                                                                                         "general": fact.general_failures}
        ground = rules.INSPECTION_TO_CREDIT.text
    else:
        title = _("Sample %(number)s non-conforming") % {"number": fact.label}
        facts = _("Non-conforming items: %(items)s") % {"items": "、".join(fact.items) or "—"}
        ground = rules.RECORDS_SOURCE.text
    if fact.items and fact.kind == "inspection":
        facts += " " + _("Items: %(items)s") % {"items": "、".join(fact.items)}
    return {"operator_id": fact.operator_id, "kind": fact.kind, "severity": severity, "title": title[:200], "facts": facts[:4000],
            "legal_ground": ground[:300], "source_ref": fact.source_ref, "source_url": fact.url[:200], "occurred_on": fact.occurred_on,
            **periods(fact.kind, severity, fact.occurred_on)}


def _quiet(day: date, issued: list[date]) -> bool:
    """True if ``day`` falls within the quiet months after a new licence (no dynamic hygiene grade)."""
    return any(d <= day < rules.add_months(d, rules.NEW_LICENCE_QUIET_MONTHS) for d in issued)


def sync_chunk(ids: Collection[int], *, since: date, until: date, result: SyncResult) -> None:
    """Sync one chunk of operators (see :func:`shian.credit.services.sync`)."""
    ids = list(ids)
    facts = sources.facts(ids, since - timedelta(days=LOOKBACK_DAYS), until)
    catering = set(Operator.types.through.objects.filter(operator_id__in=ids, operatortype__code__in=rules.CATERING_TYPES)
                   .values_list("operator_id", flat=True))
    issued: dict[int, list[date]] = {}
    for op_id, day in Licence.objects.filter(operator_id__in=list(catering)).values_list("operator_id", "issued_on"):
        issued.setdefault(op_id, []).append(day)

    records: dict[str, dict[str, Any]] = {}
    points: dict[str, tuple[int, int, str, date]] = {}
    grades: dict[str, tuple[int, str, int, date]] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for f in facts:
            severity = (rules.inspection_severity(f.outcome, f.key_failures) if f.kind == "inspection"
                        else rules.sampling_severity(f.outcome, f.purpose))
            if severity:
                records[f.source_ref] = _record_fields(f, severity)
            if f.operator_id not in catering:
                continue
            if f.kind == "inspection":
                for n in range(1, f.key_failures + 1):
                    points[f"{f.source_ref}#k{n}"] = (f.operator_id, rules.POINTS_PER_KEY_FAILURE, _("Key inspection item not conforming"),
                                                      f.occurred_on)
                grade = rules.DYNAMIC_GRADES.get(f.outcome)
                if grade and not _quiet(f.occurred_on, issued.get(f.operator_id, [])):
                    grades[f"dynamic:{f.source_ref}"] = (f.operator_id, grade, rules.inspection_score(f.outcome, f.key_failures), f.occurred_on)
            elif severity:
                points[f.source_ref] = (f.operator_id, rules.POINTS_PER_NONCONFORMING_SAMPLE,
                                        _("Sample %(number)s non-conforming") % {"number": f.label}, f.occurred_on)

    _sync_records(ids, records, since=since, result=result)
    _sync_points(ids, points, since=since, result=result)
    _sync_grades(ids, grades, result=result)


def _sync_records(ids: list[int], wanted: dict[str, dict[str, Any]], *, since: date, result: SyncResult) -> None:
    existing = {r.source_ref: r for r in CreditRecord.objects.filter(operator_id__in=ids, kind__in=rules.AUTOMATIC_KINDS)}
    new = []
    for ref, fields in wanted.items():
        row = existing.get(ref)
        if row is None:
            new.append(CreditRecord(**fields))
            continue
        reopened = row.withdrawn and row.withdrawn_reason == SYNC_WITHDRAWN
        if row.withdrawn and not reopened:
            continue  # withdrawn by a person: the sync does not bring it back
        if reopened or row.severity != fields["severity"] or row.occurred_on != fields["occurred_on"]:
            for name in ("severity", "title", "facts", "occurred_on", "effect_until", "public", "display_until", "repair_from", "period_rule"):
                setattr(row, name, fields[name])
            row.withdrawn, row.withdrawn_reason = False, ""
            row.save()
            result.updated += 1
    for ref, row in existing.items():
        if ref not in wanted and not row.withdrawn and row.occurred_on >= since:
            row.withdrawn, row.withdrawn_reason = True, SYNC_WITHDRAWN
            row.save()
            result.withdrawn += 1
    bulk_insert(CreditRecord, new)
    audit.record_changes_bulk(new, operator=lambda o: o.operator_id)
    result.created += len(new)


def _sync_points(ids: list[int], wanted: dict[str, tuple[int, int, str, date]], *, since: date, result: SyncResult) -> None:
    automatic = Q(source_ref__startswith="inspection:") | Q(source_ref__startswith="sample:")
    existing = {p.source_ref: p for p in ViolationPoint.objects.filter(automatic, operator_id__in=ids)}
    new = [ViolationPoint(operator_id=op, points=n, violation=text[:200], occurred_on=day, source_ref=ref)
           for ref, (op, n, text, day) in wanted.items() if ref not in existing]
    for ref, row in existing.items():
        if ref not in wanted and not row.withdrawn and row.occurred_on >= since:
            row.withdrawn = True
            row.save()
    bulk_insert(ViolationPoint, new)
    audit.record_changes_bulk(new, operator=lambda o: o.operator_id)
    result.points += len(new)


def _sync_grades(ids: list[int], wanted: dict[str, tuple[int, str, int, date]], *, result: SyncResult) -> None:
    existing = {g.source_ref: g for g in HygieneGrade.objects.filter(operator_id__in=ids, kind=HygieneGrade.Kind.DYNAMIC)}
    new = []
    for ref, (op, grade, score, day) in wanted.items():
        row = existing.get(ref)
        if row is None:
            new.append(HygieneGrade(operator_id=op, kind=HygieneGrade.Kind.DYNAMIC, grade=grade, score=score, assessed_on=day, source_ref=ref))
        elif row.grade != grade:  # the inspection was amended
            row.grade, row.score = grade, score
            row.save()
    bulk_insert(HygieneGrade, new)
    audit.record_changes_bulk(new, operator=lambda o: o.operator_id)
    result.hygiene += len(new)
