"""Credit pages: the regulator's and the public profile, the QR sticker, forms for records, repair,
listing and points, and who sees what (right persona, wrong role, wrong jurisdiction)."""

from __future__ import annotations

import pytest

from shian.credit.models import CreditRecord, Listing, RepairApplication, ViolationPoint
from tests.conftest import World
from tests.credit.conftest import listed, months_ago, penalty, today

pytestmark = pytest.mark.django_db


def test_profile_regulator_view_shows_everything(world: World) -> None:
    shown = penalty(world, world.op1, severity="moderate", on=months_ago(2), title="进货查验记录不全")
    old = penalty(world, world.op1, severity="minor", on=months_ago(5), title="旧的轻微处罚")
    client = world.client("district_regulator")
    body = client.get(f"/credit/operators/{world.op1.pk}/").content.decode()
    assert shown.title in body and old.title in body
    assert "level-B" in body


def test_public_profile_shows_only_what_may_be_published(world: World) -> None:
    from shian.credit import services

    repaired = penalty(world, world.op1, severity="moderate", on=months_ago(4), title="已修复的处罚")
    app = services.repair_apply(record=repaired, obligations_fulfilled=True)
    services.repair_decide(application=app, approve=True)
    shown = penalty(world, world.op1, severity="moderate", on=months_ago(2), title="进货查验记录不全")
    ended = penalty(world, world.op1, severity="minor", on=months_ago(5), title="旧的轻微处罚")
    internal = services.record_create(operator=world.op1, kind="complaint", severity="minor", title="投诉核实内部记录", occurred_on=today())
    for persona in (None, "public_user", "other_operator_user"):
        response = world.client(persona).get(f"/credit/p/{world.op1.uscc}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert shown.title in body
        for hidden in (ended, internal, repaired):
            assert hidden.title not in body
        assert response["X-Robots-Tag"] == "noindex"
    assert world.client(None).get("/credit/p/91440703XXXXXXXXXX/").status_code == 404


def test_public_profile_marks_a_listed_operator(world: World) -> None:
    listed(world, world.op2)
    body = world.client(None).get(f"/credit/p/{world.op2.uscc}/").content.decode()
    assert "blacklisted" in body
    listing_page = world.client(None).get("/credit/public/listings/").content.decode()
    assert world.op2.name in listing_page


def test_sticker_qr(world: World) -> None:
    client = world.client("operator_user")
    page = client.get(f"/credit/operators/{world.op1.pk}/sticker/")
    assert page.status_code == 200 and b"<svg" in page.content and f"/credit/p/{world.op1.uscc}/".encode() in page.content
    png = client.get(f"/credit/operators/{world.op1.pk}/sticker.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert client.get(f"/credit/operators/{world.op3.pk}/sticker/").status_code == 404  # another operator's


def test_operator_sees_own_file_and_only_public_views_of_others(world: World) -> None:
    own = penalty(world, world.op1, title="本店处罚")
    other = penalty(world, world.op3, title="他店处罚")
    client = world.client("operator_user")
    assert client.get(f"/credit/operators/{world.op1.pk}/").status_code == 200
    assert client.get(f"/credit/operators/{world.op3.pk}/").status_code == 404
    assert client.get(f"/credit/records/{other.pk}/").status_code == 404
    listing = client.get("/credit/").content.decode()
    assert own.title in listing and other.title not in listing
    assert other.title in client.get(f"/credit/p/{world.op3.uscc}/").content.decode()


def test_district_regulator_sees_only_its_district(world: World) -> None:
    mine = penalty(world, world.op1, title="蓬江处罚")
    theirs = penalty(world, world.op3, title="江海处罚")
    client = world.client("district_regulator")
    body = client.get("/credit/").content.decode()
    assert mine.title in body and theirs.title not in body
    assert client.get(f"/credit/operators/{world.op3.pk}/").status_code == 404
    assert client.get(f"/credit/records/{theirs.pk}/").status_code == 404
    assert world.client("other_district_regulator").get(f"/credit/records/{theirs.pk}/").status_code == 200


def test_wrong_roles_are_refused(world: World) -> None:
    r = penalty(world, world.op1)
    for persona in ("lab_user", "cdc_user", "public_user"):
        client = world.client(persona)
        assert client.get("/credit/").status_code == 403
        assert client.get(f"/credit/operators/{world.op1.pk}/").status_code == 403
        assert client.get(f"/credit/records/{r.pk}/").status_code == 403
    assert world.client(None).get("/credit/").status_code == 302


def test_regulator_enters_a_penalty_through_the_form(world: World) -> None:
    client = world.client("station_officer")
    data = {"operator": world.op1.uscc, "kind": "penalty", "severity": "moderate", "title": "未建立进货查验记录", "occurred_on": months_ago(1).isoformat(),
            "decision_number": "江蓬市监罚〔2026〕88号", "legal_ground": "《食品安全法》第一百二十六条", "facts": "现场检查发现"}
    response = client.post("/credit/records/new/", data)
    record = CreditRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/credit/records/{record.pk}/"
    again = client.post("/credit/records/new/", data)
    assert again.status_code == 400 and CreditRecord.objects.count() == 1
    far = world.client("other_district_regulator").post("/credit/records/new/", {**data, "decision_number": "X-1"})
    assert far.status_code == 400 and CreditRecord.objects.count() == 1  # op1 is outside 江海区


def test_operator_may_enter_only_its_commitment(world: World) -> None:
    client = world.client("operator_user")
    form = client.get("/credit/records/new/").content.decode()
    assert 'value="commitment"' in form and 'value="penalty"' not in form
    ok = client.post("/credit/records/new/", {"operator": str(world.op1.pk), "kind": "commitment", "title": "食品安全信用承诺",
                                             "occurred_on": today().isoformat()})
    assert ok.status_code == 302
    bad = client.post("/credit/records/new/", {"operator": str(world.op1.pk), "kind": "penalty", "severity": "minor", "title": "x",
                                              "occurred_on": today().isoformat(), "decision_number": "N", "legal_ground": "g"})
    assert bad.status_code == 400 and CreditRecord.objects.count() == 1


def test_ineligible_repair_on_the_page_names_the_earliest_date(world: World) -> None:
    r = penalty(world, world.op1, severity="moderate", on=months_ago(1))
    response = world.client("operator_user").post(f"/credit/records/{r.pk}/repair/", {"obligations_fulfilled": "on"})
    assert response.status_code == 400
    assert r.repair_from is not None and r.repair_from.isoformat() in response.content.decode()
    assert not RepairApplication.objects.exists()


def test_repair_flow_on_pages(world: World) -> None:
    r = penalty(world, world.op1, severity="moderate", on=months_ago(4))
    detail = world.client("operator_user").get(f"/credit/records/{r.pk}/").content.decode()
    assert f"/credit/records/{r.pk}/repair/" in detail
    applied = world.client("operator_user").post(f"/credit/records/{r.pk}/repair/", {"obligations_fulfilled": "on", "evidence": "已缴款"})
    app = RepairApplication.objects.get()
    assert applied.status_code == 302 and applied["Location"] == f"/credit/repairs/{app.pk}/"
    assert world.client("station_officer").post(f"/credit/repairs/{app.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert world.client("other_district_regulator").post(f"/credit/repairs/{app.pk}/decide/", {"decision": "approve"}).status_code == 404
    assert world.client("district_regulator").post(f"/credit/repairs/{app.pk}/decide/", {"decision": "refuse"}).status_code == 400
    decided = world.client("district_regulator").post(f"/credit/repairs/{app.pk}/decide/", {"decision": "approve"})
    assert decided.status_code == 302
    r.refresh_from_db()
    assert r.repaired


def test_listing_flow_on_pages(world: World) -> None:
    p = penalty(world, world.op1, severity="serious")
    proposed = world.client("station_officer").post(f"/credit/records/{p.pk}/list/", {"ground": "licence_revoked", "facts": "吊销许可证"})
    listing = Listing.objects.get()
    assert proposed.status_code == 302
    assert world.client("operator_user").post(f"/credit/records/{p.pk}/list/", {"ground": "closure", "facts": "x"}).status_code == 403
    decided = world.client("city_regulator").post(f"/credit/listings/{listing.pk}/decide/", {"decision": "approve"})
    assert decided.status_code == 302
    listing.refresh_from_db()
    assert listing.status == "listed"
    assert world.op1.name in world.client("district_regulator").get("/credit/listings/").content.decode()


def test_points_on_the_profile(world: World) -> None:
    client = world.client("district_regulator")
    response = client.post(f"/credit/operators/{world.op1.pk}/points/", {"points": "5", "violation": "使用超过保质期的食品原料",
                                                                        "occurred_on": today().isoformat()})
    assert response.status_code == 302 and ViolationPoint.objects.get().points == 5
    client.post(f"/credit/operators/{world.op2.pk}/points/", {"points": "5", "violation": "x", "occurred_on": today().isoformat()})
    assert ViolationPoint.objects.count() == 1  # op2 is not a catering operator
    body = client.get(f"/credit/operators/{world.op1.pk}/").content.decode()
    assert "使用超过保质期的食品原料" in body and "甲" in body
    public = world.client(None).get(f"/credit/p/{world.op1.uscc}/").content.decode()
    assert "甲" in public and "使用超过保质期的食品原料" not in public  # the grade is published, the entries are not


def test_what_if_page(world: World) -> None:
    r = penalty(world, world.op1, severity="moderate", on=months_ago(4))
    body = world.client("operator_user").get(f"/credit/operators/{world.op1.pk}/what-if/").content.decode()
    assert r.title in body and "level-B" in body and "level-A" in body


def test_dossier_section(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from shian.core import dossier
    from shian.credit.dossier_sections import _credit

    penalty(world, world.op1, severity="moderate", title="档案里的处罚")
    principal = world.users["district_regulator"].principal
    with django_assert_max_num_queries(2):
        section = _credit(world.op1, principal)
    assert section is not None and section.data["level"] == "B" and section.timeline[0].title == "档案里的处罚"
    assert _credit(world.op3, principal) is None
    assert _credit(world.op1, world.users["public_user"].principal) is None
    body = world.client("district_regulator").get(f"/operators/{world.op1.pk}/").content.decode()
    assert "档案里的处罚" in body
    assert "credit" in {s.key for s in dossier.sections_for(world.op1, principal)}


def test_rules_page_is_public(world: World) -> None:
    body = world.client(None).get("/credit/rules/").content.decode()
    assert "第44号" in body and "第107号" in body and "confidence-U" in body
