"""Writes for rectification orders: keyword-only, one transaction, audited with typed events.

Events: ``rectification.issued``, ``rectification.answered``, ``rectification.rejected``,
``rectification.reinspection_requested``, ``rectification.closed`` and ``rectification.overdue``
(written by :func:`mark_overdue`, which the ``rectification.mark_overdue`` job and the
``shian rectification_overdue`` command run daily).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.core import audit
from shian.core.calendar import add_working_days
from shian.core.context import acting_as
from shian.core.errors import Conflict, Invalid, full_clean_or_raise
from shian.rectification import rules
from shian.rectification.models import RectificationOrder, Response, ResponsePhoto, Review
from shian.registry.models import Operator
from shian.trace.documents import check_upload

Status = RectificationOrder.Status


@dataclass(frozen=True)
class Upload:
    """A file posted with a report."""

    file: IO[bytes] | Any
    name: str
    size: int | None = None


def _by(by: User | None) -> User | None:
    return by if getattr(by, "pk", None) else None


def _days(working_days: int | None) -> int:
    days = rules.default_working_days() if working_days is None else working_days
    if not 1 <= days <= rules.MAX_WORKING_DAYS:
        raise Invalid(_("The time allowed must be between 1 and %(max)d working days.") % {"max": rules.MAX_WORKING_DAYS},
                      code="working_days_range", field="working_days")
    return days


def _event(action: str, order: RectificationOrder, **data: Any) -> None:
    audit.record_event(action, obj=order, operator_id=order.operator_id,
                       data={"source_app": order.source_app, "source_id": order.source_id, "status": order.status, **data})


def order_issue(*, operator: Operator, source_app: str, source_id: str | int, source_title: str, findings: str, requirements: str = "",
                working_days: int | None = None, issued_at: datetime | None = None, by: User | None = None) -> RectificationOrder:
    """Order the operator to rectify findings within ``working_days`` working days (the default from the rules)."""
    days = _days(working_days)
    if not findings.strip():
        raise Invalid(_("Describe what must be rectified."), code="findings_required", field="findings")
    issued = issued_at or timezone.now()
    with acting_as(by), transaction.atomic():
        order = RectificationOrder(operator=operator, source_app=source_app.strip(), source_id=str(source_id), source_title=source_title.strip()[:200],
                                   findings=findings.strip(), requirements=requirements.strip(), working_days=days,
                                   deadline=add_working_days(timezone.localdate(issued), days), issued_by=_by(by), issued_at=issued)
        full_clean_or_raise(order)
        order.save()
        _event("rectification.issued", order, deadline=order.deadline.isoformat(), working_days=days)
        return order


def _store(response: Response, uploads: Sequence[Upload]) -> list[ResponsePhoto]:
    photos = []
    seen: set[str] = set()
    for up in uploads:
        checked = check_upload(up.file, up.name, up.size)
        if checked.sha256 in seen:
            continue
        seen.add(checked.sha256)
        photo = ResponsePhoto(response=response, sha256=checked.sha256, size=checked.size, content_type=checked.content_type,
                              original_name=checked.name)
        path = f"rectifications/{checked.sha256[:2]}/{checked.sha256}"
        if photo.file.storage.exists(path):
            photo.file.name = path
        else:
            photo.file.save(checked.name, File(up.file), save=False)
        photo.save()
        photos.append(photo)
    return photos


def response_submit(*, order: RectificationOrder, notes: str, uploads: Sequence[Upload] = (), submitted_at: datetime | None = None,
                    by: User | None = None) -> Response:
    """The operator reports what it fixed (notes, photos); the order awaits review."""
    if not notes.strip():
        raise Invalid(_("Describe what was done."), code="notes_required", field="notes")
    when = submitted_at or timezone.now()
    with acting_as(by), transaction.atomic():
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != Status.OPEN:
            raise Conflict(_("This order is not awaiting an answer (status: %(status)s).") % {"status": order.get_status_display()},
                           code="rectification_not_open", field="status")
        response = Response(order=order, notes=notes.strip(), submitted_by=_by(by), submitted_at=when,
                            on_time=timezone.localdate(when) <= order.deadline)
        full_clean_or_raise(response, exclude=["order"])
        response.save()
        photos = _store(response, uploads)
        order.status = Status.ANSWERED
        order.save(update_fields=["status"])
        _event("rectification.answered", order, response=response.pk, on_time=response.on_time, photos=[p.sha256 for p in photos])
        return response


def order_review(*, order: RectificationOrder, decision: str, note: str = "", working_days: int | None = None,
                 reviewed_at: datetime | None = None, by: User | None = None) -> Review:
    """Accept the report (closes the order), reject it with a new deadline, or ask for an on-site re-inspection.

    From "awaiting re-inspection" the issuer accepts (the re-inspection found it fixed) or rejects.
    """
    if decision not in Review.Decision.values:
        raise Invalid(_("Choose accept, reject or re-inspect."), code="decision_invalid", field="decision")
    when = reviewed_at or timezone.now()
    with acting_as(by), transaction.atomic():
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        allowed: dict[str, list[str]] = {Status.ANSWERED: list(Review.Decision.values),
                                         Status.REINSPECTION: [Review.Decision.ACCEPT, Review.Decision.REJECT]}
        if decision not in allowed.get(order.status, []):
            raise Conflict(_("This order cannot be reviewed now (status: %(status)s).") % {"status": order.get_status_display()},
                           code="rectification_not_reviewable", field="status")
        review = Review(order=order, decision=decision, note=note.strip(), reviewed_by=_by(by), reviewed_at=when)
        if decision == Review.Decision.ACCEPT:
            last = order.responses.order_by("-id").first()
            order.status = Status.CLOSED
            order.closed_at = when
            order.closed_on_time = order.times_overdue == 0 and (last is None or last.on_time)
            action = "rectification.closed"
        elif decision == Review.Decision.REJECT:
            days = _days(working_days)
            review.new_deadline = add_working_days(timezone.localdate(when), days)
            order.status = Status.OPEN
            order.deadline = review.new_deadline
            order.overdue_at = None
            action = "rectification.rejected"
        else:
            order.status = Status.REINSPECTION
            action = "rectification.reinspection_requested"
        full_clean_or_raise(review, exclude=["order"])
        review.save()
        order.save(update_fields=["status", "closed_at", "closed_on_time", "deadline", "overdue_at"])
        _event(action, order, review=review.pk, decision=decision, on_time=order.closed_on_time,
               deadline=order.deadline.isoformat())
        return review


def mark_overdue(*, today: date | None = None) -> int:
    """Mark open orders past their deadline as overdue (once per deadline), each with a ``rectification.overdue`` event."""
    day = today or timezone.localdate()
    now = timezone.now()
    count = 0
    with acting_as(None, label="system"), transaction.atomic():
        for order in RectificationOrder.objects.select_for_update().filter(status=Status.OPEN, deadline__lt=day, overdue_at__isnull=True):
            order.overdue_at = now
            order.times_overdue += 1
            order.save(update_fields=["overdue_at", "times_overdue"])
            _event("rectification.overdue", order, deadline=order.deadline.isoformat())
            count += 1
    return count
