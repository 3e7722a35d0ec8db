"""bulk_insert: ids, auto timestamps and JSON survive, on SQLite (bulk_create) and PostgreSQL (COPY)."""

from __future__ import annotations

import pytest

from shian.core.db import bulk_insert
from shian.core.models import Job
from shian.registry.models import Operator
from tests.conftest import World, make_uscc


@pytest.mark.django_db
def test_bulk_insert_sets_ids_and_auto_fields(world: World) -> None:
    ops = [Operator(name=f"批量{i}", uscc=make_uscc(5000 + i), legal_representative="某", address="某地", jurisdiction=world.s1)
           for i in range(3)]
    bulk_insert(Operator, ops)
    assert all(o.pk for o in ops)
    stored = Operator.objects.get(pk=ops[1].pk)
    assert stored.name == "批量1" and stored.created_at is not None and stored.updated_at is not None
    ops[1].name = "改名"
    ops[1].save()  # the instance is now a normal saved row
    assert Operator.objects.get(pk=ops[1].pk).name == "改名"


@pytest.mark.django_db
def test_bulk_insert_json(world: World) -> None:
    jobs = [Job(name="x", params={"中文": [1, 2], "n": None}), Job(name="y", params={})]
    bulk_insert(Job, jobs)
    assert Job.objects.get(pk=jobs[0].pk).params == {"中文": [1, 2], "n": None}


@pytest.mark.django_db
def test_planner_statistics_touch_only_the_platform_tables(world: World) -> None:
    """ANALYZE in a transaction must not hold the cluster-wide catalogs (other databases' ANALYZE would wait)."""
    from django.db import connection

    from shian.core.db import refresh_planner_statistics

    refresh_planner_statistics()  # on SQLite: nothing to do
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute("SELECT c.relname, c.relisshared FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE l.pid = pg_backend_pid() AND l.mode = 'ShareUpdateExclusiveLock'")
        locked = dict(cur.fetchall())
    assert "registry_operator" in locked and not any(locked.values())


@pytest.mark.django_db
def test_bulk_insert_raises_djangos_integrity_error(world: World) -> None:
    """A unique violation inside COPY reaches callers as django.db.IntegrityError (what their retry loops catch)."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Operator, [Operator(name="重复", uscc=world.op1.uscc, legal_representative="某", address="某地", jurisdiction=world.s1)])
