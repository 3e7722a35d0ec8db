"""The demo city generator: deterministic, valid identifiers, idempotent, audited, usable logins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from shian.accounts.models import Organisation, User
from shian.core import audit
from shian.core.ids import normalise_licence_number, normalise_uscc
from shian.core.models import AuditEntry, Jurisdiction
from shian.demo import generator, jiangmen
from shian.demo.generator import REFERENCE_DATE, Planner, generate
from shian.demo.models import SimulatedOperator
from shian.registry.models import FoodCategory, InsurancePolicy, Licence, Operator, OperatorType, Premises, SelfInspection, StaffMember

N = 200
SEED = 20261125


def plan_rows(seed: int, count: int) -> list[tuple[Any, ...]]:
    """The identifying content of a plan: names, USCCs, licence numbers and dates."""
    rows = []
    for p in Planner(seed, count).operators():
        lic = p.licence
        rows.append(
            (
                p.name,
                p.uscc,
                p.legal_representative,
                p.street_code,
                tuple(p.types),
                tuple(p.scope),
                p.status,
                p.quality,
                lic.number if lic else "",
                lic.issued_on if lic else None,
                lic.expires_on if lic else None,
                tuple((s.name, s.certificate_number) for s in p.staff),
                p.insurance.policy_number if p.insurance else "",
            )
        )
    return rows


def db_rows() -> list[tuple[Any, ...]]:
    """The same content read back from the database, in creation order."""
    rows = []
    ops = (
        Operator.objects.order_by("id")
        .select_related("jurisdiction", "simulation")
        .prefetch_related("types", "scope", "licences", "staff", "insurance_policies")
    )
    for op in ops:
        lic = next(iter(op.licences.all()), None)
        ins = next(iter(op.insurance_policies.all()), None)
        staff = sorted(op.staff.all(), key=lambda s: s.pk)
        rows.append(
            (
                op.name,
                op.uscc,
                op.legal_representative,
                op.jurisdiction.code,
                tuple(t.code for t in sorted(op.types.all(), key=lambda t: t.code)),
                tuple(sorted(c.code for c in op.scope.all())),
                op.status,
                op.simulation.quality,
                lic.number if lic else "",
                lic.issued_on if lic else None,
                lic.expires_on if lic else None,
                tuple((s.name, s.certificate_number) for s in staff),
                ins.policy_number if ins else "",
            )
        )
    return rows


def normalised(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Sort the set-valued parts (types, scope) so plan and database compare equal."""
    return [(*r[:4], tuple(sorted(r[4])), tuple(sorted(r[5])), *r[6:]) for r in rows]


# --- pure parts -----------------------------------------------------------------------------


def test_plan_is_deterministic() -> None:
    first = plan_rows(SEED, 500)
    assert first == plan_rows(SEED, 500)
    assert first != plan_rows(SEED + 1, 500)


def test_plan_identifiers_are_valid_and_unique() -> None:
    ops = list(Planner(SEED, 2000).operators())
    usccs = [o.uscc for o in ops]
    assert len(set(usccs)) == len(usccs)
    for code in usccs:
        assert normalise_uscc(code) == code
        assert code[2:8] in {d.code for d in jiangmen.DISTRICTS}
        assert code[:2] in {"91", "92", "93", "11", "12"}
        org = code[8:17]
        assert generator.organisation_code(org[:8]) == org  # GB 11714 check of the embedded organisation code
    numbers = [o.licence.number for o in ops if o.licence]
    assert len(set(numbers)) == len(numbers)
    for o in ops:
        if o.licence is None:
            assert not set(o.types) & (set(generator.JY_MAIN_TYPE) | generator.PRODUCTION_TYPES)
            continue
        assert normalise_licence_number(o.licence.number, o.licence.kind) == o.licence.number
        if o.licence.kind == Licence.Kind.PRODUCTION:
            assert o.licence.number[2:5] in o.scope  # category code matches the scope
            assert o.licence.number[5:9] == "4407"
            assert o.licence.number[9:11] == o.street_code[4:6]
        assert o.licence.expires_on > o.licence.issued_on
    names = [o.name for o in ops]
    assert len(set(names)) == len(names)


def test_plan_spreads_licence_expiry_and_keeps_coordinates_in_the_city() -> None:
    ops = list(Planner(SEED, 3000).operators())
    expiries = [o.licence.expires_on for o in ops if o.licence]
    expired = sum(e < REFERENCE_DATE for e in expiries)
    soon = sum(REFERENCE_DATE <= e <= REFERENCE_DATE + timedelta(days=90) for e in expiries)
    later = len(expiries) - expired - soon
    assert expired > 0
    assert soon > 0
    assert later > 0.8 * len(expiries)
    lat_min, lat_max, lon_min, lon_max = jiangmen.BBOX
    for o in ops:
        assert lat_min <= o.latitude <= lat_max
        assert lon_min <= o.longitude <= lon_max
        assert 0.0 <= o.quality <= 1.0
        assert 1 <= len(o.premises) <= 2
        assert 2 <= len(o.staff) <= 6
        assert 0 <= len(o.self_inspections) <= 3
    insured = sum(o.insurance is not None for o in ops) / len(ops)
    assert 0.3 < insured < 0.5
    types = [o.types[0] for o in ops]
    assert types.count("restaurant") > types.count("retailer") > types.count("producer") > types.count("market") > 0
    assert 1 <= types.count("online_platform") <= 2


def test_jiangmen_data() -> None:
    assert jiangmen.CITY_POPULATION == 842_000 + 366_000 + 958_000 + 907_000 + 750_000 + 494_000 + 482_000
    streets = jiangmen.streets()
    assert len(streets) == 75
    assert len({s.code for s in streets}) == 75
    for d in jiangmen.DISTRICTS:
        assert sum(jiangmen.street_populations(d)) == d.population
    assert streets[0].code == "440703001" and streets[0].name == "环市街道"


def test_resolve_scale() -> None:
    assert generator.resolve_scale("small") == 3000
    assert generator.resolve_scale("large") == 100_000
    assert generator.resolve_scale(200) == 200
    assert generator.resolve_scale("200") == 200
    with pytest.raises(ValueError):
        generator.resolve_scale("huge")
    with pytest.raises(ValueError):
        generator.resolve_scale(0)


# --- database -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_jurisdiction_tree_is_idempotent() -> None:
    first = jiangmen.ensure_jiangmen()
    second = jiangmen.ensure_jiangmen()
    assert Jurisdiction.objects.count() == 1 + 7 + 75
    assert [j.pk for j in second.streets] == [j.pk for j in first.streets]
    street = Jurisdiction.objects.get(code="440781008")
    assert street.name == "斗山镇"
    assert street.path == "440700/440781/440781008"
    assert Jurisdiction.objects.get(code="440700").population == jiangmen.CITY_POPULATION


@pytest.mark.django_db
def test_generate_writes_the_plan() -> None:
    result = generate(scale=N, seed=SEED)
    assert result.created
    assert normalised(db_rows()) == normalised(plan_rows(SEED, N))

    assert Operator.objects.count() == N == result.counts["operators"]
    assert SimulatedOperator.objects.count() == N
    assert Licence.objects.count() == result.counts["licences"] > 0
    assert Premises.objects.count() == result.counts["premises"] >= N
    assert StaffMember.objects.count() == result.counts["staff"] >= 2 * N
    assert InsurancePolicy.objects.count() == result.counts["insurance_policies"]
    assert SelfInspection.objects.count() == result.counts["self_inspections"]
    assert Jurisdiction.objects.count() == 83
    # 1 city + 7 district bureaus + 75 stations + 2 labs + 1 CDC + OP-DEMO, and the sampling demo's re-test lab LAB-GD1
    assert Organisation.objects.count() == 88 == len(result.organisation_codes)
    assert {"JM-SJ", "JM-PJ", "JM-JH", "JM-XH", "JM-TS", "JM-KP", "JM-HS", "JM-EP", "ST-440703001", "LAB-JM1", "LAB-JM2", "CDC-JM", "OP-DEMO"} <= set(
        result.organisation_codes
    )
    assert Organisation.objects.get(code="JM-TS").name == "台山市市场监督管理局"
    assert Organisation.objects.get(code="JM-PJ").name == "江门市蓬江区市场监督管理局"
    assert Organisation.objects.get(code="ST-440703001").name == "环市街道市场监管所"

    for uscc in Operator.objects.values_list("uscc", flat=True):
        assert normalise_uscc(uscc) == uscc
    for number, kind in Licence.objects.values_list("number", "kind"):
        assert normalise_licence_number(number, kind) == number
    assert not StaffMember.objects.filter(is_safety_manager=True, certificate_number="").exists()
    # Every operator sits in a street, and the M2M scope only uses seeded categories.
    assert not Operator.objects.exclude(jurisdiction__level=Jurisdiction.Level.STREET).exists()
    assert Operator.types.through.objects.count() >= N
    assert set(Operator.objects.values_list("types__code", flat=True)) <= set(OperatorType.objects.values_list("code", flat=True))
    assert FoodCategory.objects.filter(licences__isnull=False).exists()

    demo_op = Operator.objects.get(owner_org__code="OP-DEMO")
    assert demo_op.jurisdiction.code == "440703001"
    assert demo_op.status == Operator.Status.ACTIVE
    assert demo_op.licences.filter(kind=Licence.Kind.BUSINESS).exists()


@pytest.mark.django_db
def test_generate_audits_and_verifies() -> None:
    result = generate(scale=N, seed=SEED)
    checked, problems = audit.verify()
    assert problems == []
    assert checked == AuditEntry.objects.count() == result.counts["audit_entries"]
    assert AuditEntry.objects.filter(model="registry.operator", action="create").count() == N
    assert AuditEntry.objects.filter(model="registry.licence", action="create").count() == result.counts["licences"]
    event = AuditEntry.objects.get(action="demo.generated")
    assert event.data is not None and event.data["seed"] == SEED
    assert event.actor_label == "demo"
    op = Operator.objects.first()
    assert op is not None
    assert AuditEntry.objects.filter(model="registry.operator", object_pk=str(op.pk), operator_id=op.pk).exists()


@pytest.mark.django_db
def test_second_call_is_idempotent() -> None:
    first = generate(scale=N, seed=SEED)
    entries = AuditEntry.objects.count()
    second = generate(scale=N, seed=SEED)
    assert not second.created
    assert Operator.objects.count() == N
    assert AuditEntry.objects.count() == entries
    assert second.logins == first.logins
    assert set(second.organisation_codes) == set(first.organisation_codes)
    assert second.counts["operators"] == N


@pytest.mark.django_db
def test_persona_logins() -> None:
    result = generate(scale=50, seed=SEED)
    expected = {username: (role, org) for _label, username, role, org in generator.PERSONAS}
    assert [row[1] for row in result.logins] == list(expected)
    for label, username, password, org_code in result.logins:
        assert label
        assert password == generator.DEMO_PASSWORD
        user = User.objects.get(username=username)
        role, org = expected[username]
        assert user.role == role
        assert (user.organisation.code if user.organisation else "") == org == org_code
        client = Client()  # through the login page: django-axes needs the request
        response = client.post("/login/", {"username": username, "password": password})
        assert response.status_code == 302, username
        assert client.session.get("_auth_user_id") == str(user.pk)
    assert User.objects.get(username="admin").is_superuser
    operator_org = User.objects.get(username="operator").organisation
    assert operator_org is not None and operator_org.operators.count() == 1


@pytest.mark.django_db
def test_command_prints_summary_and_logins() -> None:
    from io import StringIO

    out = StringIO()
    call_command("demo", "--scale", "30", "--seed", "7", stdout=out)
    text = out.getvalue()
    assert "演示城市" in text
    assert "city_regulator" in text and generator.DEMO_PASSWORD in text and "JM-SJ" in text
    assert Operator.objects.count() == 30
    out = StringIO()
    call_command("demo", "--scale", "30", stdout=out)
    assert "未重复生成" in out.getvalue()
    assert Operator.objects.count() == 30
