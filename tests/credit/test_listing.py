"""The serious-violation list (严重违法失信名单): proposals, decisions, publication, early removal on
application after a year, automatic removal; and the joint sanctions a listing brings."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from shian.core.errors import Conflict, Invalid
from shian.core.models import AuditEntry
from shian.credit import rules, sanctions, selectors, services
from shian.credit.models import CreditRecord, Listing
from tests.conftest import World
from tests.credit.conftest import listed, months_ago, penalty, today

pytestmark = pytest.mark.django_db


def test_only_a_serious_penalty_on_a_legal_ground(world: World) -> None:
    moderate = penalty(world, world.op2, severity="moderate")
    with pytest.raises(Invalid) as exc:
        services.listing_propose(penalty=moderate, ground="closure", facts="x")
    assert exc.value.code == "penalty_not_serious"
    serious = penalty(world, world.op2, severity="serious")
    with pytest.raises(Invalid) as exc:
        services.listing_propose(penalty=serious, ground="bad_luck", facts="x")
    assert exc.value.field == "ground"
    commitment = services.record_create(operator=world.op2, kind="commitment", title="承诺", occurred_on=today())
    with pytest.raises(Invalid) as exc:
        services.listing_propose(penalty=commitment, ground="closure", facts="x")
    assert exc.value.code == "not_a_penalty"
    proposal = services.listing_propose(penalty=serious, ground="closure", facts="责令停产停业", by=world.users["station_officer"])
    with pytest.raises(Conflict):
        services.listing_propose(penalty=serious, ground="closure", facts="again")
    assert proposal.status == "proposed"
    assert not sanctions.sanctions_for(world.op2).listed  # a proposal is not a listing


def test_reject_needs_a_reason(world: World) -> None:
    proposal = services.listing_propose(penalty=penalty(world, world.op2, severity="serious"), ground="closure", facts="x")
    with pytest.raises(Invalid):
        services.listing_decide(listing=proposal, approve=False)
    services.listing_decide(listing=proposal, approve=False, reason="处罚不属于较重处罚", by=world.users["district_regulator"])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_reason, proposal.record_id) == ("rejected", "处罚不属于较重处罚", None)


def test_approve_publishes_and_sanctions_follow(world: World) -> None:
    listing = listed(world, world.op2, on=months_ago(2))
    assert listing.status == "listed" and listing.published_on == months_ago(2)
    assert listing.removal_due == rules.add_months(listing.published_on, 36)
    record = listing.record
    assert record is not None and (record.kind, record.severity, record.display_until) == ("listing", "serious", listing.removal_due)
    s = sanctions.sanctions_for(world.op2)
    assert s.listed and s.level == "D"
    assert (s.no_instant_approval, s.extra_inspections, s.excluded_from_quality_brand, s.excluded_from_honours, s.public_flag) == (
        True, 2, True, True, True)
    assert "listed" in s.triggers and any("第44号" in src.text for src in s.sources())
    public = selectors.profile(world.op2, public=True)
    assert public.sanctions.public_flag and public.listing == listing
    assert [x.operator_id for x in selectors.public_listings()] == [world.op2.pk]
    assert AuditEntry.objects.filter(action="credit.listing_approved", operator_id=world.op2.pk).exists()


def test_sanctions_for_many_is_one_query(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    listed(world, world.op2)
    penalty(world, world.op3, severity="serious")
    ids = [world.op1.pk, world.op2.pk, world.op3.pk]
    with django_assert_num_queries(1):
        result = sanctions.sanctions_for_many(ids)
    assert {pk: result[pk].level for pk in ids} == {world.op1.pk: "A", world.op2.pk: "D", world.op3.pk: "C"}
    assert set(result) == {world.op2.pk, world.op3.pk}  # the map holds operators with records; any id answers
    assert result[999_999].level == "A" and not result[999_999].any  # an id with no record has no sanction
    from shian.registry.models import Operator

    with django_assert_num_queries(1):
        by_subquery = sanctions.sanctions_for_many(Operator.objects.filter(jurisdiction__path__startswith="440700/440703").values("pk"))
    assert by_subquery[world.op2.pk].listed and world.op3.pk not in by_subquery
    assert sanctions.extra_frequency(ids) == {world.op2.pk: 2, world.op3.pk: 1}
    assert sanctions.credit_flags(ids) == {world.op2.pk: ["listed", "level_D"], world.op3.pk: ["level_C"]}


def test_early_removal_after_one_year(world: World) -> None:
    listing = listed(world, world.op2, on=months_ago(13))
    record = listing.record
    assert record is not None
    with pytest.raises(Invalid) as exc:
        services.repair_apply(record=record, obligations_fulfilled=True, harm_removed=False)
    assert exc.value.code == "harm_not_removed"
    app = services.repair_apply(record=record, obligations_fulfilled=True, harm_removed=True, evidence="已缴清罚款，消除危害后果",
                                by=world.users["district_regulator"])  # a paper application
    services.repair_decide(application=app, approve=True, by=world.users["district_regulator"])
    listing.refresh_from_db()
    assert (listing.status, listing.removal, listing.removed_on) == ("removed", "early", today())
    assert not sanctions.sanctions_for(world.op2).listed
    assert AuditEntry.objects.filter(action="credit.listing_removed", operator_id=world.op2.pk).exists()


def test_early_removal_before_one_year_is_refused_with_the_date(world: World) -> None:
    listing = listed(world, world.op2, on=months_ago(5))
    assert listing.record is not None
    with pytest.raises(Invalid) as exc:
        services.repair_apply(record=listing.record, obligations_fulfilled=True, harm_removed=True)
    assert exc.value.code == "too_early"
    assert exc.value.details["earliest_date"] == rules.add_months(listing.published_on, 12).isoformat()


def test_automatic_removal_job_and_command(world: World) -> None:
    listing = listed(world, world.op2, on=months_ago(37))
    other = listed(world, world.op3, on=months_ago(3))
    assert not sanctions.sanctions_for(world.op2).listed  # its period ended: it no longer counts, even before the job runs
    out = StringIO()
    call_command("credit", "expire", stdout=out)
    assert "1" in out.getvalue()
    listing.refresh_from_db()
    other.refresh_from_db()
    assert (listing.status, listing.removal, listing.removed_on) == ("removed", "expired", listing.removal_due)
    assert other.status == "listed"
    assert services.listings_expire() == 0


def test_automatic_removal_as_a_job(world: World) -> None:
    from shian.core import jobs

    listed(world, world.op2, on=months_ago(37))
    job = jobs.submit("credit.expire_listings", by=world.users["city_regulator"])
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result == {"removed": 1}
    assert Listing.objects.get().status == "removed"


def test_listing_record_cannot_be_withdrawn(world: World) -> None:
    listing = listed(world, world.op2)
    with pytest.raises(Invalid):
        services.record_withdraw(record=CreditRecord.objects.get(pk=listing.record_id), reason="x")
    assert listing.removal_due is not None and listing.removal_due > today() + timedelta(days=300)


def test_long_id_lists_are_sliced_on_sqlite(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    listed(world, world.op2)
    penalty(world, world.op3, severity="serious")
    ids = [world.op1.pk, world.op2.pk, world.op3.pk]
    whole = sanctions.sanctions_for_many(ids)
    monkeypatch.setattr(sanctions, "SQLITE_IDS", 2)
    sliced = sanctions.sanctions_for_many(ids)
    assert {pk: sliced[pk].level for pk in ids} == {pk: whole[pk].level for pk in ids} == {world.op1.pk: "A", world.op2.pk: "D", world.op3.pk: "C"}


def test_a_city_wide_id_list_gives_the_same_answer(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    """More than 1,000 ids take the one-parameter path on PostgreSQL (and one IN list on SQLite): still one query."""
    listed(world, world.op2)
    ids = [world.op1.pk, world.op2.pk, world.op3.pk, *range(10_000, 12_000)]
    with django_assert_num_queries(1):
        result = sanctions.sanctions_for_many(ids)
    assert set(result) == {world.op2.pk} and result[world.op2.pk].listed and result[world.op1.pk].level == "A"
