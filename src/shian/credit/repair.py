"""Credit repair eligibility (信用修复), a pure function over one record and the facts around it.

An application is refused before anything is written when the record is not eligible; the
refusal names the reason (Chinese message, machine code, field) and the earliest date on which
the record becomes eligible, when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from shian.core.errors import Invalid
from shian.credit import rules


@dataclass(frozen=True)
class Eligibility:
    """Whether a record may be repaired now; when not, why and from when."""

    eligible: bool
    code: str = ""
    message: str = ""
    field: str | None = None
    earliest_date: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "code": self.code, "message": self.message, "field": self.field,
                "earliest_date": self.earliest_date.isoformat() if self.earliest_date else None}

    def error(self, record_id: int) -> Invalid:
        """The refusal as the platform's error (400): code, field, and the earliest date in ``details``."""
        return Invalid(self.message, code=self.code, field=self.field,
                       details={"record_id": record_id, "earliest_date": self.earliest_date.isoformat() if self.earliest_date else None})


def _no(code: str, message: str, field: str | None = "record_id", earliest: date | None = None) -> Eligibility:
    return Eligibility(False, code, message, field, earliest)


def _day(d: date) -> str:
    return d.isoformat()


def eligibility(record: Any, *, today: date, later_penalties: Iterable[tuple[date, str]], obligations_fulfilled: bool,
                harm_removed: bool) -> Eligibility:
    """May ``record`` be repaired on ``today``?

    ``later_penalties``: (date, severity) of the operator's other penalties (not withdrawn). The checks,
    in order: the record is in force and published; it is a negative record; repair is needed (minor
    records end on their own) and the minimum display period has passed; no heavier penalty since
    (a new one restarts the period); legal obligations fulfilled; for a listing, the harm removed.
    """
    if record.withdrawn:
        return _no("record_withdrawn", _("This record was withdrawn; there is nothing to repair."))
    if record.repaired:
        return _no("already_repaired", _("This record has already been repaired."))
    if record.kind in rules.POSITIVE_KINDS:
        return _no("not_repairable", _("Only records of violations can be repaired."))
    if not record.public or record.display_until is None:
        return _no("not_published", _("This record is not published, so there is nothing to repair; it stays in the internal file."))
    if today >= record.display_until:
        return _no("display_ended", _("The public display of this record ended on %(date)s.") % {"date": _day(record.display_until)})
    if record.repair_from is None:
        return _no("repair_not_needed", _("Minor records need no repair: the public display ends on its own on %(date)s.")
                   % {"date": _day(record.display_until)}, earliest=record.display_until)
    if today < record.repair_from:
        return _no("too_early", _("The minimum display period has not passed: repair may be applied for from %(date)s.")
                   % {"date": _day(record.repair_from)}, earliest=record.repair_from)
    period = rules.period_for(record.kind, record.severity)
    blocking = sorted(d for d, severity in later_penalties if d > record.occurred_on and d <= today and severity in rules.BLOCKING_PENALTY)
    if blocking and period.repair_after_months is not None:
        restart = rules.add_months(blocking[-1], period.repair_after_months)
        if today < restart:
            return _no("new_penalty", _("A new penalty was decided on %(penalty)s; repair may be applied for from %(date)s.")
                       % {"penalty": _day(blocking[-1]), "date": _day(restart)}, earliest=restart)
    if not obligations_fulfilled:
        return _no("obligations_unfulfilled", _("Repair needs the legal obligations (fines paid, orders carried out) to be fulfilled first."),
                   field="obligations_fulfilled")
    if record.kind == "listing" and not harm_removed:
        return _no("harm_not_removed", _("Early removal from the list needs the harmful consequences to be removed first."), field="harm_removed")
    return Eligibility(True)
