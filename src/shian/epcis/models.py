"""The EPCIS 2.0 event repository: events as captured, and the tables that index them.

An :class:`EpcisEvent` keeps the event exactly as captured (``document``) with the columns the
standard's queries filter on. Its identifiers, business transactions and sources/destinations
are copied into :class:`EventIdentifier`, :class:`EventTransaction` and :class:`SourceDest`: the
identifier table is the trace graph's edge list, which trace back/forward and recall scope
query with recursive SQL. All of them are derived from ``document``;
:func:`shian.epcis.integrity.verify_events` recomputes them to detect edits.

Rows are never updated or deleted by the platform (records are retained, like the audit trail).

The three derived tables reference their event without a database foreign-key constraint
(``db_constraint=False``; the column and its index stay, and Django still cascades). Their rows
are written only by :func:`shian.epcis.capture._insert`, in the transaction that has just
inserted the event, and PostgreSQL checked each one again at commit (Django declares foreign
keys ``DEFERRABLE INITIALLY DEFERRED``): ~4.5 checks per event, 15% of a capture's database time
on the 12M-event city. Capture into that city ran at 4,782 → 5,112–5,386 events/s right after a
checkpoint without them (bench/RESULTS.md). :func:`~shian.epcis.integrity.verify_events` reports
rows whose event is missing instead.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

URI_MAX = 1024  # longest identifier, location or business value stored in an indexed column (a platform rule)


class Capture(models.Model):
    """One capture job: a document posted to ``/epcis/capture`` (asynchronous), to ``/epcis/events``
    or handed over by a platform service. All or nothing: it stores every new event or none."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        CAPTURE = "capture", _("Captured through the EPCIS interface")
        PLATFORM = "platform", _("Recorded by the platform")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.CAPTURE)
    created_by_org = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("organisation"))
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("user"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    event_count = models.PositiveIntegerField(_("events stored"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # [{index, field, reason}]
    warnings = models.JSONField(_("warnings"), default=list, blank=True)  # duplicates whose content differs
    digest = models.CharField(_("digest"), max_length=64, blank=True)  # SHA-256 over the stored events' content hashes
    payload = models.JSONField(_("pending document"), null=True, blank=True)  # kept only until the job has run

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("EPCIS capture")
        verbose_name_plural = _("EPCIS captures")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["running", "succeeded", "failed"]), name="epcis_capture_status_valid",
                                   violation_error_message=_("Unknown capture status.")),
        ]

    def __str__(self) -> str:
        return f"capture {self.pk} {self.status}"


class EpcisEvent(models.Model):
    """One EPCIS event, stored once.

    ``event_id`` is the event's ``eventID`` or, when it has none (``assigned_id``), ``ni:///sha-256;<hex>?ver=CBV2.0``
    of its content hash. ``content_hash`` is SHA-256 over the canonical JSON of the event without
    ``eventID``, ``recordTime`` and ``@context`` (see :mod:`shian.epcis.extract`). Both are unique,
    so capturing the same event twice, by id or by content, stores it once.

    Only *declared* IDs are indexed (a partial unique index): an assigned ID is its content hash
    spelled as a URI, already unique through ``content_hash``, and a second index of random keys
    over every event held capture into a 12M-event repository at ~4,300 events/s (5,400 without
    it). Look events up by ID with :func:`event_id_q`, which asks the content hash for the
    assigned form.
    """

    class Source(models.TextChoices):
        CAPTURE = "capture", _("Captured through the EPCIS interface")
        PLATFORM = "platform", _("Recorded by the platform")

    event_id = models.CharField(_("event ID"), max_length=URI_MAX)
    assigned_id = models.BooleanField(_("event ID assigned by the repository"), default=False)
    event_type = models.CharField(_("event type"), max_length=URI_MAX)
    event_time = models.DateTimeField(_("event time"))
    event_time_zone_offset = models.CharField(_("time zone offset"), max_length=6)
    record_time = models.DateTimeField(_("record time"))
    action = models.CharField(_("action"), max_length=7, blank=True)
    biz_step = models.CharField(_("business step"), max_length=URI_MAX, blank=True)
    disposition = models.CharField(_("disposition"), max_length=URI_MAX, blank=True)
    read_point = models.CharField(_("read point"), max_length=URI_MAX, blank=True)
    biz_location = models.CharField(_("business location"), max_length=URI_MAX, blank=True)
    document = models.JSONField(_("event as captured"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    capture = models.ForeignKey(Capture, null=True, blank=True, on_delete=models.PROTECT, related_name="events", verbose_name=_("capture"))
    recorded_by = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    operator = models.ForeignKey("registry.Operator", null=True, blank=True, on_delete=models.PROTECT, related_name="epcis_events",
                                 verbose_name=_("operator"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.CAPTURE)

    class Meta:
        verbose_name = _("EPCIS event")
        verbose_name_plural = _("EPCIS events")
        constraints = [
            models.UniqueConstraint(fields=["event_id"], condition=models.Q(assigned_id=False), name="epcis_event_declared_id_unique",
                                    violation_error_message=_("This event ID is already stored.")),
            models.UniqueConstraint(fields=["content_hash"], name="epcis_event_content_unique",
                                    violation_error_message=_("An event with the same content is already stored.")),
            models.CheckConstraint(condition=models.Q(source__in=["capture", "platform"]), name="epcis_event_source_valid",
                                   violation_error_message=_("Unknown event source.")),
            models.CheckConstraint(condition=models.Q(action__in=["", "ADD", "OBSERVE", "DELETE"]), name="epcis_event_action_valid",
                                   violation_error_message=_("The action must be ADD, OBSERVE or DELETE.")),
        ]
        indexes = [
            models.Index(fields=["record_time", "id"], name="epcis_event_record_idx"),  # paging order
            models.Index(fields=["event_time"], name="epcis_event_time_idx"),
            models.Index(fields=["biz_location"], name="epcis_event_bizloc_idx"),
        ]

    def __str__(self) -> str:
        return self.event_id


ASSIGNED_ID_PREFIX, ASSIGNED_ID_SUFFIX = "ni:///sha-256;", "?ver=CBV2.0"


def assigned_event_id(content_hash: str) -> str:
    """The ID the repository gives an event captured without one: its content hash as a URI."""
    return f"{ASSIGNED_ID_PREFIX}{content_hash}{ASSIGNED_ID_SUFFIX}"


def hash_of_assigned(event_id: str) -> str | None:
    """The content hash an ID of the assigned form names, or ``None`` for any other ID."""
    if event_id.startswith(ASSIGNED_ID_PREFIX) and event_id.endswith(ASSIGNED_ID_SUFFIX):
        digest = event_id[len(ASSIGNED_ID_PREFIX):-len(ASSIGNED_ID_SUFFIX)]
        if len(digest) == 64:
            return digest
    return None


def event_id_q(event_ids: list[str]) -> models.Q:
    """Events whose ``eventID`` is one of ``event_ids``: declared IDs through their partial unique
    index, assigned ones through the content hash (a declared ID may take the assigned form too)."""
    query = models.Q(event_id__in=event_ids, assigned_id=False)
    hashes = [h for h in map(hash_of_assigned, event_ids) if h is not None]
    if hashes:
        query |= models.Q(content_hash__in=hashes, assigned_id=True)
    return query


class EventIdentifier(models.Model):
    """An edge of the trace graph: an identifier the event names, in a role.

    ``identifier`` is an EPC URI, an EPC class URI or pattern, a GS1 Digital Link URI or any
    URI, as written in the event. ``kind`` tells instance (``epc``) from class (``epc_class``,
    with a quantity). Roles: ``object`` (epcList, quantityList), ``input``/``output``
    (transformations), ``parent`` (parentID), ``child`` (childEPCs, childQuantityList).
    """

    class Kind(models.TextChoices):
        EPC = "epc", _("Instance")
        EPC_CLASS = "epc_class", _("Class")

    class Role(models.TextChoices):
        OBJECT = "object", _("Object")
        INPUT = "input", _("Input")
        OUTPUT = "output", _("Output")
        PARENT = "parent", _("Parent")
        CHILD = "child", _("Child")

    event = models.ForeignKey(EpcisEvent, on_delete=models.CASCADE, related_name="identifiers", verbose_name=_("event"),
                              db_constraint=False)  # see the module docstring
    identifier = models.CharField(_("identifier"), max_length=URI_MAX)
    kind = models.CharField(_("kind"), max_length=9, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=6, choices=Role.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=24, decimal_places=6, null=True, blank=True)
    uom = models.CharField(_("unit"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("event identifier")
        verbose_name_plural = _("event identifiers")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["epc", "epc_class"]), name="epcis_ident_kind_valid",
                                   violation_error_message=_("Unknown identifier kind.")),
            models.CheckConstraint(condition=models.Q(role__in=["object", "input", "output", "parent", "child"]), name="epcis_ident_role_valid",
                                   violation_error_message=_("Unknown identifier role.")),
        ]
        indexes = [
            # One index for equality (trace walks: identifier and role), prefix (EPC patterns: LIKE 'prefix%') and
            # identifier-only lookups: varchar_pattern_ops on PostgreSQL serves LIKE in any collation and equality too.
            # (Two indexes, plain and pattern, cost capture 15% of its rate: this table gets several rows per event.)
            models.Index(fields=["identifier", "role"], name="epcis_ident_role_idx2", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.role}:{self.identifier}"


class EventTransaction(models.Model):
    """A business transaction the event refers to (``bizTransactionList``), for ``EQ_bizTransaction_<type>``."""

    event = models.ForeignKey(EpcisEvent, on_delete=models.CASCADE, related_name="transactions", verbose_name=_("event"),
                              db_constraint=False)  # see the module docstring
    type = models.CharField(_("type"), max_length=URI_MAX, blank=True)
    value = models.CharField(_("transaction"), max_length=URI_MAX)

    class Meta:
        verbose_name = _("business transaction")
        verbose_name_plural = _("business transactions")
        indexes = [models.Index(fields=["value", "type"], name="epcis_tx_value_idx")]

    def __str__(self) -> str:
        return f"{self.type}:{self.value}"


class SourceDest(models.Model):
    """A source or destination of the event (``sourceList``/``destinationList``), for ``EQ_source_<type>``
    and ``EQ_destination_<type>``."""

    class Kind(models.TextChoices):
        SOURCE = "source", _("Source")
        DESTINATION = "destination", _("Destination")

    event = models.ForeignKey(EpcisEvent, on_delete=models.CASCADE, related_name="sources_destinations", verbose_name=_("event"),
                              db_constraint=False)  # see the module docstring
    kind = models.CharField(_("kind"), max_length=11, choices=Kind.choices)
    type = models.CharField(_("type"), max_length=URI_MAX)
    value = models.CharField(_("party or location"), max_length=URI_MAX)

    class Meta:
        verbose_name = _("source or destination")
        verbose_name_plural = _("sources and destinations")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["source", "destination"]), name="epcis_sd_kind_valid",
                                   violation_error_message=_("Unknown source/destination kind.")),
        ]
        indexes = [models.Index(fields=["value", "kind"], name="epcis_sd_value_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.type}:{self.value}"
