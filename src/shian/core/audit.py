"""Tamper-evident audit trail.

Two kinds of entry share one hash chain:

* the generic change log: every create/update/delete of a registered model, written by
  signal handlers so that services, the admin and the shell are all covered;
* typed regulatory events (``licence.suspended``, ``operator.merged``...) written by services
  through :func:`record_event`.

Each entry's ``hash`` is SHA-256 over its canonical JSON content and the previous entry's
hash. Writers lock the single :class:`AuditHead` row, so the chain never forks, and update it
in the same transaction, so that :func:`verify` also detects a deleted tail.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from shian.core.context import current_actor, current_actor_label, current_request_id
from shian.core.db import bulk_insert
from shian.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64

# Model class -> function returning the operator id the row belongs to (for the dossier history).
_REGISTRY: dict[type[models.Model], Callable[[Any], int | None]] = {}
# Model class -> field names never written to the log (secrets, noise).
_EXCLUDED: dict[type[models.Model], frozenset[str]] = {}


# Action code -> human label (lazy translation), for the history shown to people.
_ACTION_LABELS: dict[str, Any] = {}


def describe_actions(labels: dict[str, Any]) -> None:
    """Give typed events (and change actions) a human label; apps call this in ``ready``."""
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The label of an action code, or the code itself when none was given."""
    return str(_ACTION_LABELS.get(action, action))


def field_label(model_label: str, attname: str) -> str:
    """The verbose name of a logged field (``model_label`` as ``app.model``), or its name."""
    from django.apps import apps

    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return attname
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return str(f.verbose_name)
    return attname


def register(model: type[models.Model], *, operator: Callable[[Any], int | None] | None = None, exclude: tuple[str, ...] = ()) -> None:
    """Log every create/update/delete of ``model``; ``operator`` maps a row to its operator id;
    ``exclude`` names fields that are never logged (a password hash, a last-login time)."""
    _REGISTRY[model] = operator or (lambda obj: None)
    _EXCLUDED[model] = frozenset(exclude)


def jsonable(value: Any) -> Any:
    """Normalise a value to what a JSON column gives back, so hashes survive a round trip."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


_UNSET = object()
_NATIVE = (str, int, float, bool, type(None))
_ENCODER = DjangoJSONEncoder()


def _plain(value: Any) -> Any:
    """One field value as JSON gives it back (dates, decimals and UUIDs as DjangoJSONEncoder writes them)."""
    if isinstance(value, _NATIVE):
        return value
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    if isinstance(value, (dict, list)):
        return jsonable(value)
    return _ENCODER.default(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The row's concrete field values (foreign keys as ids), JSON-safe, without excluded fields."""
    excluded = _EXCLUDED.get(type(obj), frozenset())
    return {f.attname: _plain(f.value_from_object(obj)) for f in obj._meta.concrete_fields if f.attname not in excluded}


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)


def _hash_content(e: AuditEntry) -> dict[str, Any]:
    created = e.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    return {
        "created_at": created,
        "kind": e.kind,
        "action": e.action,
        "model": e.model,
        "object_pk": e.object_pk,
        "operator_id": e.operator_id,
        "actor_id": e.actor_id,
        "actor_label": e.actor_label,
        "request_id": e.request_id,
        "before": e.before,
        "after": e.after,
        "data": e.data,
        "prev_hash": e.prev_hash,
    }


def compute_hash(e: AuditEntry) -> str:
    return hashlib.sha256(_canonical(_hash_content(e)).encode()).hexdigest()


def _new_entry(*, kind: str, action: str, model: str, object_pk: Any, operator_id: int | None,
               before: Any = None, after: Any = None, data: Any = None, actor: Any = _UNSET) -> AuditEntry:
    """An unsaved entry; ``before``/``after`` must already be JSON-safe (``snapshot`` output)."""
    if actor is _UNSET:
        actor = current_actor()
    values = {
        "id": None,
        "created_at": timezone.now(),
        "kind": kind,
        "action": action,
        "model": model,
        "object_pk": str(object_pk),
        "operator_id": operator_id,
        "actor_id": getattr(actor, "pk", None),
        "actor_label": current_actor_label()[:150],
        "request_id": current_request_id(),
        "before": before,
        "after": after,
        "data": jsonable(data) if data is not None else None,
        "prev_hash": "",
        "hash": "",
    }
    # Positional arguments take Model.__init__'s fast path (imports build tens of thousands).
    return AuditEntry(*[values[name] for name in _entry_fields()])


@functools.cache
def _entry_fields() -> tuple[str, ...]:
    return tuple(f.attname for f in AuditEntry._meta.concrete_fields)


def append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Chain and store entries in one transaction, holding the head lock."""
    if not entries:
        return entries
    with transaction.atomic():
        head = _Head.lock()
        prev = head.last_hash
        for e in entries:
            e.prev_hash = prev
            e.hash = compute_hash(e)
            prev = e.hash
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            bulk_insert(AuditEntry, entries)
        head.advance(last_hash=prev, last_id=entries[-1].pk or 0, added=len(entries))
    return entries


class _Head:
    """The chain's head row, locked for one append.

    On PostgreSQL the row is read, locked and updated through its physical address (``ctid``),
    remembered on the outermost transaction between appends. Every append updates the row, and
    inside one transaction none of those versions can be pruned until the commit; looked up by
    ``id`` each time, the n-th append of a transaction walked all n earlier versions (a demo city's
    trade network, tens of thousands of appends in one transaction, slowed to a few appends a
    second). The address is only a hint: when it no longer names the live row (a savepoint rolled
    back, or the first append of a transaction), the row is found by ``id``.
    """

    def __init__(self, last_hash: str, last_id: int, count: int, row: AuditHead | None = None, ctid: str | None = None) -> None:
        self.last_hash, self.last_id, self.count, self.row, self.ctid = last_hash, last_id, count, row, ctid

    @classmethod
    def lock(cls) -> _Head:
        if connection.vendor != "postgresql":
            head = AuditHead.objects.select_for_update().filter(pk=1).first()
            if head is None:  # a database flushed by a test or a restore without the seed row
                AuditHead.objects.get_or_create(pk=1)
                head = AuditHead.objects.select_for_update().get(pk=1)
            return cls(head.last_hash, head.last_id, head.count, row=head)
        table = connection.ops.quote_name(AuditHead._meta.db_table)
        select = f"SELECT ctid::text, last_hash, last_id, count FROM {table} WHERE id = 1"  # noqa: S608  (the name comes from the model)
        hint = getattr(connection.atomic_blocks[0], "_audit_head_ctid", None)
        with connection.cursor() as cur:
            found = None
            if hint is not None:
                cur.execute(f"{select} AND ctid = %s::tid FOR UPDATE", [hint])
                found = cur.fetchone()
            if found is None:
                cur.execute(f"{select} FOR UPDATE")
                found = cur.fetchone()
            if found is None:  # a database flushed by a test or a restore without the seed row
                AuditHead.objects.get_or_create(pk=1)
                cur.execute(f"{select} FOR UPDATE")
                found = cur.fetchone()
        assert found is not None
        ctid, last_hash, last_id, count = found
        return cls(last_hash, last_id, count, ctid=ctid)

    def advance(self, *, last_hash: str, last_id: int, added: int) -> None:
        if self.row is not None:
            self.row.last_hash, self.row.last_id, self.row.count = last_hash, last_id, self.count + added
            self.row.save(update_fields=["last_hash", "last_id", "count"])
            return
        table = connection.ops.quote_name(AuditHead._meta.db_table)
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {table} SET last_hash = %s, last_id = %s, count = count + %s WHERE ctid = %s::tid RETURNING ctid::text",  # noqa: S608
                        [last_hash, last_id, added, self.ctid])
            row = cur.fetchone()
        assert row is not None  # the row is locked by this transaction: its address cannot have moved
        connection.atomic_blocks[0]._audit_head_ctid = row[0]  # type: ignore[attr-defined]  # lives and dies with the transaction


def label_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def event_entry(action: str, *, model: str, object_pk: Any, operator_id: int | None = None, data: dict[str, Any] | None = None) -> AuditEntry:
    """An unsaved typed event, exactly what :func:`record_event` writes; for writes in bulk, chain
    many with one :func:`append` (one head lock for all)."""
    return _new_entry(kind=AuditEntry.Kind.EVENT, action=action, model=model, object_pk=object_pk, operator_id=operator_id, data=data or {})


def record_event(action: str, *, obj: models.Model, operator_id: int | None = None, data: dict[str, Any] | None = None) -> AuditEntry:
    """Record a typed regulatory event (e.g. ``licence.suspended``) about ``obj``."""
    return append([event_entry(action, model=label_of(obj), object_pk=obj.pk, operator_id=operator_id, data=data)])[0]


def record_changes_bulk(objs: Iterable[models.Model], *, operator: Callable[[Any], int | None]) -> None:
    """Log creation of many rows at once (bulk imports bypass the per-row signals)."""
    actor = current_actor()
    entries = [
        _new_entry(kind=AuditEntry.Kind.CHANGE, action="create", model=label_of(o), object_pk=o.pk,
                   operator_id=operator(o), after=snapshot(o), actor=actor)
        for o in objs
    ]
    append(entries)


# --- signal handlers: the generic change log ------------------------------------------------

def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if sender not in _REGISTRY or raw or instance.pk is None or instance._state.adding:
        instance.__dict__["_audit_before"] = None
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance.__dict__["_audit_before"] = snapshot(old) if old is not None else None


def _post_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if sender not in _REGISTRY or raw:
        return
    before = instance.__dict__.pop("_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return
    append([_new_entry(kind=AuditEntry.Kind.CHANGE, action="create" if created else "update",
                       model=label_of(sender), object_pk=instance.pk,
                       operator_id=_REGISTRY[sender](instance), before=None if created else before, after=after)])


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if sender not in _REGISTRY:
        return
    append([_new_entry(kind=AuditEntry.Kind.CHANGE, action="delete", model=label_of(sender), object_pk=instance.pk,
                       operator_id=_REGISTRY[sender](instance), before=snapshot(instance))])


def connect_signals() -> None:
    pre_save.connect(_pre_save, dispatch_uid="shian_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="shian_audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="shian_audit_post_delete")


# --- verification ---------------------------------------------------------------------------

@dataclass
class Problem:
    """One break in the chain, naming the entry."""

    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"entry #{self.entry_id}: {self.reason}" if self.entry_id else self.reason


def verify(*, chunk: int = 5000) -> tuple[int, list[Problem]]:
    """Recompute the chain; return (entries checked, problems). Streams in id order."""
    problems: list[Problem] = []
    prev_hash = GENESIS
    prev_id: int | None = None
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:chunk])
        if not batch:
            break
        for e in batch:
            checked += 1
            if e.prev_hash != prev_hash:
                after = f"#{prev_id}" if prev_id else "the start"
                problems.append(Problem(e.id, f"does not follow {after}: an entry between them was deleted or its hash rewritten"))
            if compute_hash(e) != e.hash:
                problems.append(Problem(e.id, "content does not match its hash: the entry was edited"))
            prev_hash, prev_id = e.hash, e.id
        last_id = batch[-1].id
    head = AuditHead.objects.filter(pk=1).first() or AuditHead(pk=1)
    if head.last_hash != prev_hash or head.count != checked:
        problems.append(Problem(None, f"chain head expects {head.count} entries ending at #{head.last_id}; "
                                      f"found {checked} ending at #{prev_id}: entries at the end were deleted"))
    return checked, problems


def history_for_operator(operator_id: int, *, limit: int = 200) -> list[AuditEntry]:
    """Change log and events about one operator, newest first."""
    return list(AuditEntry.objects.filter(operator_id=operator_id).select_related("actor").order_by("-id")[:limit])
