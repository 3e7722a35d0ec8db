"""Writes for risk grades: keyword-only, one transaction, audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.core import audit
from shian.core.context import acting_as
from shian.core.errors import Invalid, full_clean_or_raise
from shian.registry.models import Operator
from shian.risk import rules
from shian.risk.models import RiskGrade


def grade_set(*, operator: Operator, grade: str, since: date, source: str = RiskGrade.Source.MANUAL, note: str = "",
              by: User | None = None) -> RiskGrade:
    """Record a new current grade for the operator; the previous one stays in the history."""
    if grade not in rules.GRADES:
        raise Invalid(_("The risk grade must be A, B, C or D."), code="grade_invalid", field="grade")
    with acting_as(by), transaction.atomic():
        previous = RiskGrade.objects.select_for_update().filter(operator=operator, is_current=True).first()
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        row = RiskGrade(operator=operator, grade=grade, since=since, source=source, note=note.strip(), is_current=True,
                        created_by=by if getattr(by, "pk", None) else None)
        full_clean_or_raise(row)
        row.save()
        audit.record_event("risk.grade_set", obj=row, operator_id=operator.pk,
                           data={"grade": grade, "since": since.isoformat(), "source": source,
                                 "previous": previous.grade if previous is not None else None})
        return row
