"""Writes of the EPCIS repository: captures (asynchronous and synchronous) and events the
platform itself records. Every path validates with :mod:`shian.epcis.validator` and stores with
:func:`shian.epcis.capture.store`: the same rules, the same deduplication, one audit entry."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import jobs
from shian.core.access import Principal
from shian.core.context import acting_as
from shian.core.errors import Invalid, TooLarge
from shian.core.jobs import JobContext, job
from shian.epcis import rules
from shian.epcis.capture import Outcome, operator_of_org, store
from shian.epcis.models import Capture, EpcisEvent
from shian.epcis.validator import validate_body, validate_events

log = logging.getLogger(__name__)

CAPTURE_JOB = "epcis.capture"


def _user(principal: Principal) -> Any:
    return principal.user if getattr(principal.user, "pk", None) else None


def check_size(events: Any) -> None:
    """413 if a document holds more events than one capture may."""
    limit = rules.max_events()
    if isinstance(events, list) and len(events) > limit:
        raise TooLarge(_("A capture may hold at most %(n)s events; split the document.") % {"n": limit}, code="capture_limit",
                       details={"limit_events": limit, "events": len(events)})


def _event_list(body: Any) -> Any:
    if not isinstance(body, dict):
        return None
    ebody = body.get("epcisBody")
    if not isinstance(ebody, dict):
        return None
    if "eventList" in ebody:
        return ebody["eventList"]
    qr = ebody.get("queryResults")
    return qr.get("resultsBody", {}).get("eventList") if isinstance(qr, dict) and isinstance(qr.get("resultsBody"), dict) else None


def capture_submit(*, body: Any, principal: Principal) -> Capture:
    """Start an asynchronous capture of an EPCISDocument or EPCISQueryDocument (``POST /epcis/capture``).

    Refuses at once (400) a body that is not a document at all, and (413) one with too many
    events; every other check runs in the capture job, whose row records the outcome.
    """
    if not isinstance(body, dict) or body.get("type") not in ("EPCISDocument", "EPCISQueryDocument"):
        raise Invalid(_("The capture interface takes an EPCISDocument or an EPCISQueryDocument."), code="epcis_not_document", field="type")
    check_size(_event_list(body))
    capture = Capture.objects.create(created_by_org_id=principal.organisation_id, created_by=_user(principal), payload=body)
    jobs.submit(CAPTURE_JOB, params={"capture_id": str(capture.pk), "organisation_id": principal.organisation_id, "label": principal.label},
                by=_user(principal))
    capture.refresh_from_db()
    return capture


@job(CAPTURE_JOB)
def capture_job(ctx: JobContext) -> dict[str, Any]:
    """The capture job: validate and store the pending document of a capture."""
    capture = Capture.objects.get(pk=ctx.params["capture_id"])
    if capture.status != Capture.Status.RUNNING:
        return {"captureID": str(capture.pk), "success": capture.status == Capture.Status.SUCCEEDED}
    try:
        with acting_as(capture.created_by, label=ctx.params.get("label") or None):
            outcome = capture_run(capture)
    except Exception:
        Capture.objects.filter(pk=capture.pk).update(status=Capture.Status.FAILED, finished_at=timezone.now(), payload=None,
                                                     errors=[{"index": None, "field": None, "reason": _("The capture failed unexpectedly.")}])
        raise
    ctx.progress(outcome.capture.event_count + outcome.capture.duplicate_count, len(outcome.stored) + len(outcome.duplicates))
    return {"captureID": str(capture.pk), "success": outcome.ok, "events": outcome.capture.event_count,
            "duplicates": outcome.capture.duplicate_count, "errors": len(outcome.errors)}


def capture_run(capture: Capture) -> Outcome:
    """Validate and store a capture's pending document."""
    result = validate_body(capture.payload, defer_events=True)
    org_id = capture.created_by_org_id
    return store(result, capture=capture, recorded_by_id=org_id, operator_id=operator_of_org(org_id), source=Capture.Source.CAPTURE)


def capture_now(*, body: Any, principal: Principal) -> Outcome:
    """Capture synchronously (``POST /epcis/events``): one event with its ``@context``, or a
    document. Raises :class:`Invalid` with every ``{index, field, reason}`` if any event is
    invalid; nothing is stored then."""
    result = validate_body(body, allow_single_event=True, defer_events=True)
    check_size(result.events)
    org_id = principal.organisation_id
    with acting_as(_user(principal), label=principal.label or None):
        capture = Capture.objects.create(created_by_org_id=org_id, created_by=_user(principal))
        outcome = store(result, capture=capture, recorded_by_id=org_id, operator_id=operator_of_org(org_id), source=Capture.Source.CAPTURE)
    if not outcome.ok:
        raise _invalid(outcome.errors)
    return outcome


def _invalid(errors: list[dict[str, Any]]) -> Invalid:
    bad = len({e["index"] for e in errors if e["index"] is not None})
    first = errors[0]
    message = (_("%(n)s event(s) are invalid; nothing was stored.") % {"n": bad} if bad
               else _("The document is invalid; nothing was stored."))
    return Invalid(message, code="epcis_invalid", field=first["field"], details=errors)


def record_platform_events(events: list[dict[str, Any]], *, operator: Any, by: Any = None) -> list[EpcisEvent]:
    """Validate and store events the platform itself generates (receipts, shipments,
    transformations), attributed to ``operator``, with ``source="platform"``.

    Same validation and deduplication as a capture; an event already stored is not stored
    again and its stored row is returned instead (likewise for an event repeated in the list),
    so the result has one event per input, in order. Raises :class:`Invalid` (nothing stored) if any event is invalid. Runs in the
    caller's transaction when there is one.
    """
    result = validate_events(list(events))
    org_id = getattr(by, "organisation_id", None) or getattr(operator, "owner_org_id", None)
    with acting_as(by), transaction.atomic():
        capture = Capture.objects.create(source=Capture.Source.PLATFORM, created_by_org_id=org_id, created_by=by if getattr(by, "pk", None) else None)
        outcome = store(result, capture=capture, recorded_by_id=org_id, operator_id=getattr(operator, "pk", None), source=Capture.Source.PLATFORM)
        if not outcome.ok:
            raise _invalid(outcome.errors)
        existing = {e.pk: e for e in EpcisEvent.objects.filter(pk__in=set(outcome.existing.values()))} if outcome.existing else {}
        row_of: dict[int, EpcisEvent] = dict(zip(outcome.stored_index, outcome.stored, strict=True))
        row_of.update((index, existing[pk]) for index, pk in outcome.existing.items())
        same_as = {d["index"]: d["sameAs"] for d in outcome.duplicates if "sameAs" in d}
        return [row_of[same_as.get(index, index)] for index in range(len(result.events))]
