"""The audit trail logs every change with actor and request id, and detects tampering."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shian.core import audit
from shian.core.models import AuditEntry
from shian.registry import services
from tests.conftest import World


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


@pytest.mark.django_db
def test_change_log_records_create_update_delete_with_actor_and_request_id(world: World) -> None:
    client = world.client("district_regulator")
    response = client.patch(f"/api/v1/operators/{world.op1.pk}", data=json.dumps({"phone": "0750-2222222"}),
                            content_type="application/json", HTTP_X_REQUEST_ID="req-abc-123")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(model="registry.operator", object_pk=str(world.op1.pk), action="update").latest("id")
    assert entry.actor_label == "district_regulator"
    assert entry.actor_id == world.users["district_regulator"].pk
    assert entry.request_id == "req-abc-123"
    assert entry.before["phone"] == "" and entry.after["phone"] == "0750-2222222"
    assert entry.operator_id == world.op1.pk
    staff = services.staff_add(operator=world.op1, name="临时工", by=world.users["operator_user"])
    staff_pk = staff.pk
    staff.delete()
    actions = list(AuditEntry.objects.filter(model="registry.staffmember", object_pk=str(staff_pk)).values_list("action", flat=True))
    assert actions == ["create", "delete"]


@pytest.mark.django_db
def test_typed_events_are_recorded_by_services(world: World) -> None:
    services.operator_set_status(operator=world.op2, status="suspended", reason="停业整顿", by=world.users["city_regulator"])
    event = AuditEntry.objects.get(kind="event", action="operator.suspended")
    assert event.data == {"from": "active", "reason": "停业整顿"}
    assert event.actor_label == "city_regulator"


@pytest.mark.django_db
def test_verify_passes_on_untouched_chain(world: World) -> None:
    checked, problems = audit.verify()
    assert checked == AuditEntry.objects.count() > 10
    assert problems == []
    call_command("audit", "verify")


@pytest.mark.django_db
def test_edited_entry_is_detected_and_named(world: World) -> None:
    victim = AuditEntry.objects.filter(model="registry.operator").order_by("id")[1]
    tampered = {**victim.after, "name": "篡改后的名称"} if victim.after else {"x": 1}
    _raw("UPDATE core_auditentry SET after = %s WHERE id = %s", [json.dumps(tampered), victim.pk])
    _checked, problems = audit.verify()
    assert [p.entry_id for p in problems] == [victim.pk]
    assert "edited" in problems[0].reason
    with pytest.raises(CommandError):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_deleted_entry_is_detected_and_named(world: World) -> None:
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    victim, follower = ids[5], ids[6]
    _raw("DELETE FROM core_auditentry WHERE id = %s", [victim])
    _checked, problems = audit.verify()
    assert any(p.entry_id == follower and "deleted" in p.reason for p in problems)


@pytest.mark.django_db
def test_deleted_tail_is_detected(world: World) -> None:
    last = AuditEntry.objects.order_by("-id").first()
    assert last is not None
    _raw("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
    _checked, problems = audit.verify()
    assert problems and problems[-1].entry_id is None and "end" in problems[-1].reason


@pytest.mark.django_db
def test_rewritten_hash_is_detected(world: World) -> None:
    """Recomputing an edited entry's own hash still breaks the link to the next entry."""
    entries = list(AuditEntry.objects.order_by("id")[:4])
    victim = entries[2]
    victim.action = "forged"
    victim.hash = audit.compute_hash(victim)
    _raw("UPDATE core_auditentry SET action = %s, hash = %s WHERE id = %s", [victim.action, victim.hash, victim.pk])
    _checked, problems = audit.verify()
    assert [p.entry_id for p in problems] == [entries[3].pk]


@pytest.mark.django_db
def test_dossier_shows_change_history(world: World) -> None:
    services.operator_update(operator=world.op1, phone="0750-3333333", by=world.users["district_regulator"])
    body = world.client("district_regulator").get(f"/api/v1/operators/{world.op1.pk}").json()
    history = next(s for s in body["sections"] if s["key"] == "history")
    assert any(e["action"] == "update" and e["after"]["phone"] == "0750-3333333" for e in history["data"])
    page = world.client("district_regulator").get(f"/operators/{world.op1.pk}/").content.decode()
    assert "0750-3333333" in page


@pytest.mark.django_db
def test_password_hashes_and_logins_are_not_logged(world: World) -> None:
    user = world.users["inspector"]
    created = AuditEntry.objects.get(model="accounts.user", object_pk=str(user.pk), action="create")
    assert "password" not in created.after and "last_login" not in created.after
    count = AuditEntry.objects.count()
    world.client("inspector")  # force_login updates last_login only
    user.set_password("another-Passw0rd")
    user.save()
    assert AuditEntry.objects.count() == count


@pytest.mark.django_db
def test_many_appends_in_one_transaction_with_a_rolled_back_savepoint(world: World) -> None:
    """The head is found again after a savepoint that advanced it was rolled back (on PostgreSQL its
    remembered address then names a dead row version); the chain stays whole and the head counts right."""
    from django.db import transaction

    from shian.core.models import AuditHead

    head = AuditHead.objects.get(pk=1)
    start = head.count
    op = world.op1
    audit.record_event("test.one", obj=op)
    try:
        with transaction.atomic():
            audit.record_event("test.rolled_back", obj=op)
            audit.append([audit.event_entry("test.rolled_back", model="registry.operator", object_pk=op.pk) for _ in range(3)])
            raise RuntimeError
    except RuntimeError:
        pass
    for i in range(50):
        audit.record_event("test.many", obj=op, data={"i": i})
    head.refresh_from_db()
    assert head.count == start + 51 == AuditEntry.objects.count()
    assert not AuditEntry.objects.filter(action="test.rolled_back").exists()
    assert head.last_hash == AuditEntry.objects.order_by("-id").first().hash
    assert audit.verify()[1] == []
