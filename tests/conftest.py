"""Shared fixtures: a small world built through services, with named personas.

Personas (all with password ``PASSWORD``):
city_regulator (city), district_regulator (蓬江区), other_district_regulator (江海区),
station_officer and inspector (环市街道 station in 蓬江区), operator_user (owns op1),
other_operator_user (owns op3), lab_user, cdc_user (city), public_user, admin.
Operators: op1 and op2 in 蓬江区/环市街道 (op1 owned by operator_user), op3 in 江海区.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from shian.accounts import services as accounts
from shian.accounts.models import Organisation, User
from shian.core.access import Role
from shian.core.ids import uscc_with_check
from shian.core.models import Jurisdiction
from shian.registry import services as registry
from shian.registry.models import Operator

PASSWORD = "Passw0rd!shian"


def pytest_report_header(config: Any) -> str:
    db = settings.DATABASES["default"]
    return f"shian database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}"


def pytest_configure(config: Any) -> None:
    # Argon2 is the production hasher (tested in tests/accounts); tests build many users, so hash fast here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _sync_jobs(settings: Any) -> None:
    settings.SHIAN_JOB_SYNC = True
    settings.SHIAN_JOB_BACKEND = "inline"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Cached pages (the consumer page) must not leak from one test's database into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tmp_var(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"


def make_uscc(n: int, district: str = "440703") -> str:
    """A valid USCC for test operator number ``n``."""
    from stdnum.cn import uscc as std

    body = f"{n:08d}"
    # Organisation code part (9 chars) with its own GB 11714 check digit, so stricter validators accept it too.
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
    prefix = "91" + district + org
    code = uscc_with_check(prefix)
    std.validate(code)
    return code


@dataclass
class World:
    city: Jurisdiction
    d1: Jurisdiction
    d2: Jurisdiction
    s1: Jurisdiction
    s2: Jurisdiction
    users: dict[str, User]
    op1: Operator
    op2: Operator
    op3: Operator

    def client(self, persona: str | None) -> Client:
        c = Client()
        if persona is not None:
            c.force_login(self.users[persona])
        return c


def build_world() -> World:
    city = Jurisdiction.objects.create(code="440700", name="江门市", level="city", population=4_799_000)
    d1 = Jurisdiction.objects.create(code="440703", name="蓬江区", level="district", parent=city, population=842_000)
    d2 = Jurisdiction.objects.create(code="440704", name="江海区", level="district", parent=city, population=366_000)
    s1 = Jurisdiction.objects.create(code="440703001", name="环市街道", level="street", parent=d1, population=200_000)
    s2 = Jurisdiction.objects.create(code="440704001", name="外海街道", level="street", parent=d2, population=120_000)
    orgs = {
        "city": accounts.organisation_create(code="JM-SJ", name="江门市市场监督管理局", kind=Organisation.Kind.CITY_BUREAU, jurisdiction=city),
        "d1": accounts.organisation_create(code="JM-PJ", name="蓬江区市场监督管理局", kind=Organisation.Kind.DISTRICT_BUREAU, jurisdiction=d1),
        "d2": accounts.organisation_create(code="JM-JH", name="江海区市场监督管理局", kind=Organisation.Kind.DISTRICT_BUREAU, jurisdiction=d2),
        "s1": accounts.organisation_create(code="ST-440703001", name="环市市场监管所", kind=Organisation.Kind.STATION, jurisdiction=s1),
        "lab": accounts.organisation_create(code="LAB-1", name="江门市食品检验所", kind=Organisation.Kind.LAB, jurisdiction=city),
        "cdc": accounts.organisation_create(code="CDC-JM", name="江门市疾控中心", kind=Organisation.Kind.CDC, jurisdiction=city),
        "op1": accounts.organisation_create(code="OP-1", name="甲餐饮", kind=Organisation.Kind.OPERATOR, jurisdiction=s1),
        "op3": accounts.organisation_create(code="OP-3", name="丙食品", kind=Organisation.Kind.OPERATOR, jurisdiction=s2),
    }
    specs = [
        ("city_regulator", Role.CITY_REGULATOR, "city"),
        ("district_regulator", Role.DISTRICT_REGULATOR, "d1"),
        ("other_district_regulator", Role.DISTRICT_REGULATOR, "d2"),
        ("station_officer", Role.STATION_OFFICER, "s1"),
        ("inspector", Role.INSPECTOR, "s1"),
        ("operator_user", Role.OPERATOR, "op1"),
        ("other_operator_user", Role.OPERATOR, "op3"),
        ("lab_user", Role.LAB, "lab"),
        ("cdc_user", Role.CDC, "cdc"),
        ("public_user", Role.PUBLIC, None),
        ("admin", Role.ADMIN, None),
    ]
    users = {name: accounts.user_create(username=name, password=PASSWORD, role=role, organisation=orgs[o] if o else None)
             for name, role, o in specs}
    op1 = registry.operator_create(name="江门市甲餐饮有限公司", uscc=make_uscc(1), legal_representative="李一", type_codes=["restaurant"],
                                   scope_codes=["B04"], address="江门市蓬江区建设路1号", jurisdiction=s1, owner_org=orgs["op1"])
    op2 = registry.operator_create(name="江门市乙食品厂", uscc=make_uscc(2), legal_representative="王二", type_codes=["producer"],
                                   scope_codes=["104"], address="江门市蓬江区港口路2号", jurisdiction=s1)
    op3 = registry.operator_create(name="江门市丙食品有限公司", uscc=make_uscc(3, "440704"), legal_representative="赵三", type_codes=["retailer"],
                                   scope_codes=["B01"], address="江门市江海区五邑路3号", jurisdiction=s2, owner_org=orgs["op3"])
    registry.licence_create(operator=op1, kind="business", number="JY14407030000011", issued_on=date(2022, 1, 10), expires_on=date(2027, 1, 9),
                            authority="蓬江区市场监督管理局", scope_codes=["B04"])
    registry.licence_create(operator=op3, kind="business", number="JY14407040000031", issued_on=date(2021, 12, 1), expires_on=date(2026, 12, 31),
                            authority="江海区市场监督管理局", scope_codes=["B01"])
    return World(city, d1, d2, s1, s2, users, op1, op2, op3)


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def require_postgres() -> None:
    """Skip on SQLite; scripts/test.sh runs these in its PostgreSQL pass and fails CI if that pass did not run."""
    if not on_postgres():
        pytest.skip("PostgreSQL test skipped: DATABASE_URL is not a PostgreSQL database")


def dossier_budget() -> int:
    """The dossier page's query budget: the registry's own queries plus at most 3 per registered section
    (each module's section is a handful of indexed queries, never one per row)."""
    from shian.core import dossier

    return 14 + 3 * len(dossier._SECTIONS)
