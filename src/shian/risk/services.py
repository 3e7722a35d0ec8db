"""Writes for risk grading: keyword-only, one transaction each, audited.

* :func:`regrade` scores many operators (the yearly job: every active operator) with bulk reads
  (:mod:`shian.risk.sources`: one query per source) and bulk writes (COPY on PostgreSQL), writes a
  grade row per operator (the history), a ``risk.grade_changed`` event where the grade changed and a
  :class:`~shian.risk.models.RiskWarning` (event ``risk.warning``) where the score jumped or crossed
  into a riskier band;
* :func:`rescore` is the same for a few operators after a serious event (the hooks in
  :mod:`shian.risk.hooks` submit it as a job);
* :func:`grade_override` sets a grade by hand with a reason; :func:`grade_set` records a grade
  (the admin, the inspection tests);
* :func:`bands_set`, :func:`factor_update`, :func:`parameter_set` edit the rules table;
  :func:`warning_handle` closes a warning; :func:`targeting_model_record` registers a trained model.

Grading and overrides take one lock (a PostgreSQL advisory lock; SQLite serialises writers), so a
re-score never races the yearly regrade for the "current" row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.core import audit
from shian.core.context import acting_as
from shian.core.db import bulk_insert
from shian.core.errors import Conflict, Invalid, full_clean_or_raise
from shian.core.models import AuditEntry
from shian.registry.models import Operator
from shian.risk import rules, ruletable, scoring, sources
from shian.risk.models import GradeBand, RiskFactor, RiskGrade, RiskParameter, RiskWarning, TargetingModelVersion

if TYPE_CHECKING:
    from shian.risk.targeting import TargetingModel

GRADES = rules.GRADES
LOCK_KEY = 4_707_001  # pg_advisory_xact_lock key of risk grading
UPDATE_SLICE = 10_000


def _user(by: User | None) -> User | None:
    return by if getattr(by, "pk", None) else None


def _lock() -> None:
    """Serialise grading writes (inside the caller's transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _check_grade(grade: str) -> None:
    if grade not in GRADES:
        raise Invalid(_("The risk grade must be A, B, C or D."), code="grade_invalid", field="grade")


def _riskier(a: str, b: str) -> bool:
    return GRADES.index(a) > GRADES.index(b)


# --- single grades -----------------------------------------------------------------------------------

def grade_set(*, operator: Operator, grade: str, since: date, source: str = RiskGrade.Source.MANUAL, note: str = "",
              by: User | None = None) -> RiskGrade:
    """Record a new current grade for the operator; the previous one stays in the history."""
    _check_grade(grade)
    with acting_as(by), transaction.atomic():
        _lock()
        previous = RiskGrade.objects.select_for_update().filter(operator=operator, is_current=True).first()
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        row = RiskGrade(operator=operator, grade=grade, since=since, source=source, note=note.strip(), is_current=True,
                        created_by=_user(by))
        full_clean_or_raise(row)
        row.save()
        audit.record_event("risk.grade_set", obj=row, operator_id=operator.pk,
                           data={"grade": grade, "since": since.isoformat(), "source": source,
                                 "previous": previous.grade if previous is not None else None})
        return row


def grade_override(*, operator: Operator, grade: str, reason: str, today: date | None = None, by: User | None = None) -> RiskGrade:
    """Set the operator's grade by hand (监管人员调整), with the reason; the score stays as computed.

    The override holds until the next yearly regrade; a re-score after an event in between only raises it.
    Refused without a reason (``reason_required``) or with a grade other than A–D (``grade_invalid``).
    """
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reason for overriding the risk grade."), code="reason_required", field="reason")
    _check_grade(grade)
    today = today or timezone.localdate()
    with acting_as(by), transaction.atomic():
        _lock()
        previous = RiskGrade.objects.select_for_update().filter(operator=operator, is_current=True).first()
        before = previous.grade if previous is not None else rules.default_for_types(list(operator.types.values_list("code", flat=True)))
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        row = RiskGrade(operator=operator, grade=grade, since=today, source=RiskGrade.Source.MANUAL, note=reason[:500], is_current=True,
                        score=previous.score if previous else None, computed_grade=previous.computed_grade if previous else "",
                        overridden=True, factors=previous.factors if previous else {}, rules_digest=previous.rules_digest if previous else "",
                        created_by=_user(by))
        full_clean_or_raise(row)
        row.save()
        audit.record_event("risk.overridden", obj=row, operator_id=operator.pk, data={
            "grade": grade, "previous": before, "reason": row.note, "computed_grade": row.computed_grade or None,
            "score": str(row.score) if row.score is not None else None})
        return row


# --- regrading ---------------------------------------------------------------------------------------

@dataclass
class RegradeResult:
    graded: int = 0
    changed: int = 0
    warnings: int = 0
    overrides_kept: int = 0
    by_grade: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Current:
    grade: str
    score: Decimal | None
    computed: str
    overridden: bool


def window(today: date) -> tuple[date, date]:
    """The dynamic facts' window for a grade on ``today``: the 12 months up to it."""
    from shian.credit.rules import add_months

    return add_months(today, -rules.WINDOW_MONTHS), today


def compute(operator_ids: Sequence[int] | None, *, today: date) -> tuple[dict[int, scoring.Scored], dict[int, scoring.OperatorFacts], scoring.RuleTable]:
    """The scores of the operators on ``today`` (nothing written): facts, table, score."""
    table = ruletable.load()
    since, until = window(today)
    facts = sources.gather(operator_ids, since=since, until=until)
    return {pk: scoring.score(f, table) for pk, f in facts.items()}, facts, table


def _currents(ids: list[int], everyone: bool) -> dict[int, _Current]:
    qs = RiskGrade.objects.filter(is_current=True)
    out: dict[int, _Current] = {}
    chunks: list[list[int] | None] = [None] if everyone else [ids[i:i + UPDATE_SLICE] for i in range(0, len(ids), UPDATE_SLICE)]
    for chunk in chunks:
        part = qs if chunk is None else qs.filter(operator_id__in=chunk)
        for op, grade, score, computed, overridden in part.values_list("operator_id", "grade", "score", "computed_grade", "overridden").iterator(
                chunk_size=20_000):
            out[op] = _Current(grade, score, computed, overridden)
    return out


def _retire(ids: list[int], everyone: bool) -> None:
    """Mark the current rows of the operators as no longer current (a derived index column: not change-logged)."""
    if everyone:
        RiskGrade.objects.filter(is_current=True, operator_id__in=sources._id_filter(ids, True)).update(is_current=False)
        return
    for i in range(0, len(ids), UPDATE_SLICE):
        RiskGrade.objects.filter(is_current=True, operator_id__in=ids[i:i + UPDATE_SLICE]).update(is_current=False)


def _event(action: str, row: Any, data: dict[str, Any]) -> AuditEntry:
    # One typed event per row written in bulk: what record_event writes, chained in one append.
    return audit.event_entry(action, model=audit.label_of(row), object_pk=row.pk, operator_id=row.operator_id, data=data)


def regrade(operator_ids: Sequence[int] | None = None, *, today: date | None = None, source: str = RiskGrade.Source.ASSESSMENT,
            reason: str = "", by: User | None = None, progress: Callable[[int, int], None] | None = None) -> RegradeResult:
    """Score and grade the operators (``None``: every active operator) on ``today`` and write the history.

    ``source`` is ``assessment`` (the yearly regrade: manual overrides end) or ``event`` (a re-score:
    an override stays unless the new computed grade is riskier).
    """
    today = today or timezone.localdate()
    everyone = operator_ids is None
    step = progress or (lambda done, total: None)
    step(0, 4)
    scored, facts, table = compute(operator_ids, today=today)
    step(1, 4)
    result = RegradeResult()
    if not scored:
        step(4, 4)
        return result
    ids = sorted(scored)
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the platform's language, whoever runs it
        kept_note = str(_("the regulator's override stays in force"))
    with acting_as(by), transaction.atomic():
        _lock()
        current = _currents(ids, everyone)
        step(2, 4)
        rows: list[RiskGrade] = []
        previous: dict[int, tuple[str, _Current | None]] = {}
        defaults = rules.default_grades()
        for pk in ids:
            s = scored[pk]
            cur = current.get(pk)
            grade, overridden, note = s.grade, False, reason
            if cur is not None and cur.overridden and source == RiskGrade.Source.EVENT and not _riskier(s.grade, cur.grade):
                grade, overridden = cur.grade, True
                note = f"{reason}；{kept_note}" if reason else kept_note
                result.overrides_kept += 1
            before = cur.grade if cur is not None else rules.default_for_types(sorted(facts[pk].types), defaults)
            previous[pk] = (before, cur)
            rows.append(RiskGrade(operator_id=pk, grade=grade, since=today, source=source, note=note[:500], is_current=True,
                                  score=Decimal(str(s.score)).quantize(Decimal("0.01")), computed_grade=s.grade, overridden=overridden,
                                  factors=s.compact(), rules_digest=table.digest, created_by=_user(by)))
        _retire(ids, everyone)
        bulk_insert(RiskGrade, rows)
        audit.record_changes_bulk(rows, operator=lambda r: r.operator_id)
        step(3, 4)
        events: list[AuditEntry] = []
        warnings: list[RiskWarning] = []
        for row in rows:
            before, cur = previous[row.operator_id]
            result.by_grade[row.grade] = result.by_grade.get(row.grade, 0) + 1
            if row.grade != before:
                result.changed += 1
                events.append(_event("risk.grade_changed", row, {"grade": row.grade, "previous": before, "score": str(row.score),
                                                                  "source": source, "reason": reason}))
            if cur is None or cur.score is None or row.score is None:
                continue  # the first score is a baseline, not a warning
            jumped = table.warning_jump > 0 and float(row.score - cur.score) >= table.warning_jump
            crossed = _riskier(row.computed_grade, cur.computed or cur.grade)
            if jumped or crossed:
                warnings.append(RiskWarning(operator_id=row.operator_id, grade=row, raised_on=today, jumped=jumped, crossed=crossed,
                                            score_before=cur.score, score_after=row.score, grade_before=cur.computed or cur.grade,
                                            grade_after=row.computed_grade))
        bulk_insert(RiskWarning, warnings)
        audit.record_changes_bulk(warnings, operator=lambda w: w.operator_id)
        events += [_event("risk.warning", w, {"score_before": str(w.score_before), "score_after": str(w.score_after),
                                              "grade_before": w.grade_before, "grade_after": w.grade_after, "jumped": w.jumped,
                                              "crossed": w.crossed}) for w in warnings]
        audit.append(events)
        result.graded, result.warnings = len(rows), len(warnings)
    step(4, 4)
    return result


def rescore(operator_ids: Sequence[int], reason: str, *, today: date | None = None, by: User | None = None) -> RegradeResult:
    """Re-score a few operators after a serious event (an inspection found non-compliant, a non-conforming
    sample, a listing on the serious-violation list): one grade row each with the reason."""
    wanted = {int(i) for i in operator_ids}
    ids = sorted(Operator.objects.filter(pk__in=list(wanted)).values_list("pk", flat=True)) if wanted else []
    if not ids:
        return RegradeResult()
    return regrade(ids, today=today, source=RiskGrade.Source.EVENT, reason=(reason or "").strip()[:300], by=by)


# --- the rules table ---------------------------------------------------------------------------------

def _decimal(value: Any, field_name: str, *, minimum: Decimal = Decimal(0)) -> Decimal:
    try:
        out = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise Invalid(_("Enter a number."), code="number_invalid", field=field_name) from None
    if not out.is_finite() or out < minimum:
        raise Invalid(_("The number cannot be negative."), code="number_negative", field=field_name)
    return out.quantize(Decimal("0.01"))


def band_check(bands: Sequence[tuple[str, Any, Any]]) -> list[scoring.BandProblem]:
    """The problems of a proposed set of bands ``(grade, lower, upper or None)`` (empty: fine)."""
    parsed = [scoring.Band(g, float(_decimal(lo, "lower")), float(_decimal(hi, "upper")) if hi not in (None, "") else None) for g, lo, hi in bands]
    return scoring.band_problems(parsed)


def _refuse_bands(problems: list[scoring.BandProblem]) -> None:
    if problems:
        first = problems[0]
        raise Invalid(first.message, code=first.code, field="bands",
                      details=[{"code": p.code, "bands": list(p.bands), "message": p.message} for p in problems])


def bands_set(*, bands: Sequence[tuple[str, Any, Any]], by: User | None = None) -> list[GradeBand]:
    """Replace the grade bands as a whole; refused, naming the bands, when they leave a gap or overlap."""
    _refuse_bands(band_check(bands))
    with acting_as(by), transaction.atomic():
        existing = {b.grade: b for b in GradeBand.objects.select_for_update()}
        out = []
        for grade, lower, upper in bands:
            row = existing.get(grade) or GradeBand(grade=grade, source=rules.BANDS_SOURCE.text, confidence=rules.BANDS_SOURCE.confidence)
            row.lower = _decimal(lower, "lower")
            row.upper = _decimal(upper, "upper") if upper not in (None, "") else None
            full_clean_or_raise(row, exclude=["grade"])
            row.save()
            out.append(row)
        audit.record_event("risk.rules_changed", obj=out[0], data={"bands": [[b.grade, str(b.lower), str(b.upper) if b.upper is not None else None]
                                                                         for b in out]})
        return sorted(out, key=lambda b: b.grade)


def _points(points: Any) -> dict[str, float]:
    if not isinstance(points, Mapping):
        raise Invalid(_("Give the points as a table of input values and numbers."), code="points_invalid", field="points")
    out = {}
    for key, value in points.items():
        if not str(key).strip():
            raise Invalid(_("Every input value needs a name."), code="points_invalid", field="points")
        out[str(key).strip()] = float(_decimal(value, "points"))
    return out


def factor_update(*, factor: RiskFactor, weight: Any = None, cap: Any = None, points: Any = None, by: User | None = None) -> RiskFactor:
    """Change a factor's weight, cap or points table (administrators); audited in the change log and as ``risk.rules_changed``."""
    with acting_as(by), transaction.atomic():
        row = RiskFactor.objects.select_for_update().get(pk=factor.pk)
        before = {"weight": str(row.weight), "cap": str(row.cap), "points": row.points}
        if weight is not None:
            row.weight = _decimal(weight, "weight")
            if row.kind == RiskFactor.Kind.ADJUSTMENT and (row.weight != row.weight.to_integral_value() or row.weight > len(GRADES) - 1):
                raise Invalid(_("An adjustment raises the grade by 0 to 3 whole levels."), code="levels_invalid", field="weight")
        if cap is not None:
            row.cap = _decimal(cap, "cap")
        if points is not None:
            row.points = _points(points)
        full_clean_or_raise(row)
        row.save()
        audit.record_event("risk.rules_changed", obj=row, data={"factor": row.code, "before": before,
                                                                "after": {"weight": str(row.weight), "cap": str(row.cap), "points": row.points}})
        return row


def parameter_set(*, parameter: RiskParameter, value: Any, by: User | None = None) -> RiskParameter:
    with acting_as(by), transaction.atomic():
        row = RiskParameter.objects.select_for_update().get(pk=parameter.pk)
        before = str(row.value)
        row.value = _decimal(value, "value")
        full_clean_or_raise(row)
        row.save()
        audit.record_event("risk.rules_changed", obj=row, data={"parameter": row.code, "before": before, "after": str(row.value)})
        return row


# --- warnings ----------------------------------------------------------------------------------------

def warning_handle(*, warning: RiskWarning, note: str, by: User | None = None) -> RiskWarning:
    """Record how a warning was handled (a focused inspection scheduled, a talk with the operator...)."""
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Say how the warning was handled."), code="note_required", field="note")
    with acting_as(by), transaction.atomic():
        row = RiskWarning.objects.select_for_update().get(pk=warning.pk)
        if row.status != RiskWarning.Status.OPEN:
            raise Conflict(_("This warning has already been handled."), code="already_handled", field="status")
        row.status, row.handled_by, row.handled_at, row.handling_note = RiskWarning.Status.ACKNOWLEDGED, _user(by), timezone.now(), note[:500]
        row.save()
        audit.record_event("risk.warning_handled", obj=row, operator_id=row.operator_id, data={"note": row.handling_note})
        return row


# --- predictive targeting ----------------------------------------------------------------------------

def _finite(value: Any) -> Any:
    """JSON-safe figures: NaN and infinities (an AUC with one class only) become null."""
    import math

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def targeting_model_record(*, model: TargetingModel, path: Path, sha256: str, by: User | None = None) -> TargetingModelVersion:
    """Register a trained model file as the one in use (the previous one stays, inactive)."""
    from datetime import datetime

    m = model.metadata
    with acting_as(by), transaction.atomic():
        TargetingModelVersion.objects.filter(active=True).update(active=False)
        row = TargetingModelVersion(trained_at=datetime.fromisoformat(m.trained_at), trained_by=_user(by),
                                    data_from=date.fromisoformat(m.data_from) if m.data_from else None,
                                    data_until=date.fromisoformat(m.data_until) if m.data_until else None,
                                    examples=m.examples, positives=m.positives, params=_finite(m.params), validation=_finite(m.validation or {}),
                                    backtest=_finite(m.backtest or {}), versions=m.versions, file_path=str(path), sha256=sha256, active=True)
        row.save()
        audit.record_event("risk.targeting_trained", obj=row, data={"examples": row.examples, "positives": row.positives, "sha256": sha256,
                                                                    "data_from": m.data_from, "data_until": m.data_until,
                                                                    "backtest": _finite(m.backtest)})
        return row
