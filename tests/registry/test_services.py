"""Registry services: identifiers validated, duplicates refused, nothing half-written."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shian.core.errors import Conflict, Invalid
from shian.registry import services
from shian.registry.models import Licence, Operator
from tests.conftest import World, make_uscc


def _create(world: World, **overrides: object) -> Operator:
    kwargs: dict[str, object] = {"name": "测试店", "uscc": make_uscc(50), "legal_representative": "孙五", "type_codes": ["retailer"],
                                 "address": "江门市蓬江区测试路5号", "jurisdiction": world.s1}
    kwargs.update(overrides)
    return services.operator_create(**kwargs)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_invalid_uscc_is_refused_naming_the_field(world: World) -> None:
    good = make_uscc(51)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(Invalid) as err:
        _create(world, uscc=bad)
    assert err.value.field == "uscc" and err.value.code == "uscc_checksum"
    with pytest.raises(Invalid) as err:
        _create(world, uscc="123")
    assert err.value.code == "uscc_length"
    assert not Operator.objects.filter(name="测试店").exists()


@pytest.mark.django_db
def test_duplicate_uscc_names_the_existing_operator(world: World) -> None:
    with pytest.raises(Conflict) as err:
        _create(world, uscc=world.op1.uscc)
    assert err.value.code == "uscc_duplicate"
    assert world.op1.name in err.value.message
    assert err.value.details["existing_operator_id"] == world.op1.pk


@pytest.mark.django_db
def test_lower_case_uscc_is_normalised(world: World) -> None:
    code = make_uscc(52)
    op = _create(world, uscc=code.lower())
    assert op.uscc == code.upper()


@pytest.mark.django_db
def test_unknown_type_writes_nothing(world: World) -> None:
    before = Operator.objects.count()
    with pytest.raises(Invalid) as err:
        _create(world, type_codes=["spaceship"])
    assert err.value.field == "types"
    assert Operator.objects.count() == before


@pytest.mark.django_db
def test_licence_number_format_and_uniqueness(world: World) -> None:
    with pytest.raises(Invalid) as err:
        services.licence_create(operator=world.op2, kind="production", number="SC123", issued_on=date(2024, 1, 1),
                                expires_on=date(2029, 1, 1), authority="蓬江区市场监督管理局")
    assert err.value.field == "number" and err.value.code == "licence_format"
    with pytest.raises(Invalid):
        services.licence_create(operator=world.op2, kind="production", number="JY14407030000099", issued_on=date(2024, 1, 1),
                                expires_on=date(2029, 1, 1), authority="x")
    with pytest.raises(Conflict):
        services.licence_create(operator=world.op2, kind="business", number="JY14407030000011", issued_on=date(2024, 1, 1),
                                expires_on=date(2029, 1, 1), authority="x")
    with pytest.raises(Invalid) as err:
        services.licence_create(operator=world.op2, kind="production", number="SC10444070300012", issued_on=date(2024, 1, 1),
                                expires_on=date(2023, 1, 1), authority="x")
    assert err.value.field == "expires_on"
    lic = services.licence_create(operator=world.op2, kind="production", number="sc10444070300012", issued_on=date(2024, 1, 1),
                                  expires_on=date(2029, 1, 1), authority="蓬江区市场监督管理局", scope_codes=["104"])
    assert lic.number == "SC10444070300012"


@pytest.mark.django_db
def test_status_change_needs_a_reason_and_is_an_event(world: World) -> None:
    lic = Licence.objects.get(number="JY14407030000011")
    with pytest.raises(Invalid) as err:
        services.licence_set_status(licence=lic, status="suspended", reason="  ")
    assert err.value.field == "reason"
    services.licence_set_status(licence=lic, status="suspended", reason="责令停业")
    lic.refresh_from_db()
    assert lic.status == "suspended"


@pytest.mark.django_db
def test_safety_manager_needs_certificate(world: World) -> None:
    with pytest.raises(Invalid):
        services.staff_add(operator=world.op1, name="周六", is_safety_manager=True)
    s = services.staff_add(operator=world.op1, name="周六", is_safety_manager=True, certificate_number="JMSA2026001")
    assert s.is_safety_manager


@given(st.text(min_size=0, max_size=24))
def test_uscc_normaliser_never_crashes(value: str) -> None:
    from django.core.exceptions import ValidationError

    from shian.core.ids import normalise_uscc

    try:
        out = normalise_uscc(value)
    except ValidationError as exc:
        assert exc.messages
    else:
        assert len(out) == 18


_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.text(alphabet=_ALPHABET, min_size=10, max_size=10))
def test_uscc_fast_path_agrees_with_stdnum(head: str, tail: str) -> None:
    from django.core.exceptions import ValidationError
    from stdnum.cn import uscc

    from shian.core.ids import normalise_uscc

    for code in (head + tail, (head + tail).lower(), f" {head + tail} "):
        try:
            ours: str | None = normalise_uscc(code)
        except ValidationError:
            ours = None
        assert ours == (uscc.validate(code) if uscc.is_valid(code) else None)
