"""Models of the shared kernel."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Jurisdiction(models.Model):
    """An administrative division (city, district/county, street/town) with a GB/T 2260-style code.

    ``path`` is the chain of codes from the root, e.g. ``440700/440703/440703001``; a subtree
    query is ``path__startswith`` and is served by the index.
    """

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent"))
    path = models.CharField(_("path"), max_length=64, unique=True, editable=False)
    population = models.PositiveIntegerField(_("resident population"), default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # The path is derived data, kept consistent here so that every write keeps it right.
        self.path = f"{self.parent.path}/{self.code}" if self.parent_id and self.parent else self.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AuditEntry(models.Model):
    """One entry of the tamper-evident audit trail.

    ``kind`` is ``change`` for the generic change log (before/after of a row) or ``event``
    for a typed regulatory event written by a service. ``hash`` chains every entry to the one
    before it (``prev_hash``); ``shian audit verify`` recomputes the chain.
    """

    class Kind(models.TextChoices):
        CHANGE = "change", _("Change")
        EVENT = "event", _("Event")

    created_at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    model = models.CharField(_("model"), max_length=64)
    object_pk = models.CharField(_("object id"), max_length=64)
    operator_id = models.BigIntegerField(_("operator id"), null=True, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("actor"))
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    data = models.JSONField(_("data"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["model", "object_pk"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.model}:{self.object_pk}"

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for each field a change touched (for display)."""
        from shian.core.audit import field_label

        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(field_label(self.model, k), before.get(k), after.get(k)) for k in keys
                if before.get(k) != after.get(k) and k not in ("updated_at", "created_at", "id")]

    @property
    def action_label(self) -> str:
        from shian.core.audit import action_label

        return action_label(self.action)

    @property
    def model_label(self) -> str:
        from django.apps import apps

        try:
            return str(apps.get_model(self.model)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.model


class AuditHead(models.Model):
    """The single row holding the chain's head; locked by every writer, so the chain never forks,
    and compared by ``verify`` so that a deleted tail is detected."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.count} @ {self.last_hash[:12]}"


class CalendarDay(models.Model):
    """A day that departs from the Monday–Friday rule: a public holiday on a weekday or an
    adjusted working day (调休) on a weekend. Admin-editable; seeded from State Council notices."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (no work)")
        WORKDAY = "workday", _("Adjusted working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarYear(models.Model):
    """A year whose holidays have been entered completely; deadlines in other years fall back
    to weekends only and are flagged."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class Job(models.Model):
    """A background job with progress and result, run in-process or by a Celery worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("job"), max_length=100)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.name} {self.status}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == self.Status.SUCCEEDED else 0)
