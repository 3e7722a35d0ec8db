"""Deterministic generator of the demo city (a Jiangmen-like 江门市).

``generate(scale=..., seed=...)`` creates the jurisdiction tree, the regulator, laboratory and
CDC organisations, one login per persona and a population of fictional food businesses with
their licences, premises, staff, insurance, self-inspection reports and hidden quality.

It works in two layers:

* :class:`Planner` is pure (no database): from a seed and an operator count it yields
  :class:`PlannedOperator` records, drawing every value from one ``random.Random(seed)`` in a
  fixed order. The same seed and count always give the same names, USCCs, licence numbers and
  dates; dates are relative to :data:`REFERENCE_DATE`, never to ``date.today()``.
* :class:`_Writer` turns chunks of planned operators into rows with ``bulk_create`` and writes
  the audit trail for operators and licences itself (bulk inserts bypass the signals).

Everything runs in one transaction. If the demo already exists (organisation ``JM-SJ``), nothing
is generated and the result only lists the logins, so ``make run`` may call it every time.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.db import transaction

from shian.accounts.models import Organisation, User
from shian.accounts.services import organisation_create, user_create
from shian.certificates import demo as certificates_demo
from shian.coldchain import demo as coldchain_demo
from shian.core import audit
from shian.core.access import Role
from shian.core.context import acting_as
from shian.core.db import refresh_planner_statistics
from shian.core.ids import uscc_with_check
from shian.core.models import AuditEntry, Jurisdiction
from shian.credit import demo as credit_demo
from shian.demo import jiangmen, names
from shian.demo.models import SimulatedOperator
from shian.inspection import demo as inspection_demo
from shian.registry.models import (
    FoodCategory,
    InsurancePolicy,
    Licence,
    Operator,
    OperatorType,
    Premises,
    SelfInspection,
    StaffMember,
)
from shian.risk import demo as risk_demo
from shian.sampling import demo as sampling_demo
from shian.trace import demo as trace_demo

REFERENCE_DATE = date(2026, 11, 25)  # "today" of the generated data, fixed for reproducibility
DEFAULT_SEED = 20261125
DEMO_PASSWORD = "Shian-demo-2026"
SCALES = {"small": 3_000, "large": 100_000}
TRADE_DAYS = 120  # the supply network's trade spans this many days before REFERENCE_DATE
CHUNK = 2_000  # operators planned and written per round (bounds memory at the large scale)
BATCH = 2_000  # bulk_create batch size

CITY_BUREAU_CODE = "JM-SJ"
DEMO_OPERATOR_ORG = "OP-DEMO"
DEMO_STREET = "440703001"  # 环市街道, 蓬江区: the demo operator and the demo station
LICENCE_YEARS = 5

LABS = (("LAB-JM1", "江门市食品检验所"), ("LAB-JM2", "江门市侨信食品检测技术有限公司"))
CDC = ("CDC-JM", "江门市疾病预防控制中心")

# (persona label, username, role, organisation code or "")
PERSONAS: tuple[tuple[str, str, str, str], ...] = (
    ("市级监管人员", "city_regulator", Role.CITY_REGULATOR, CITY_BUREAU_CODE),
    ("区级监管人员（蓬江区）", "district_regulator", Role.DISTRICT_REGULATOR, "JM-PJ"),
    ("监管所人员（环市街道）", "station_officer", Role.STATION_OFFICER, f"ST-{DEMO_STREET}"),
    ("执法检查员（环市街道）", "inspector", Role.INSPECTOR, f"ST-{DEMO_STREET}"),
    ("食品经营者", "operator", Role.OPERATOR, DEMO_OPERATOR_ORG),
    ("检验机构", "lab", Role.LAB, LABS[0][0]),
    ("疾控中心", "cdc", Role.CDC, CDC[0]),
    ("公众（消费者/志愿者）", "public", Role.PUBLIC, ""),
    ("系统管理员", "admin", Role.ADMIN, ""),
)

# --- the operator population --------------------------------------------------------------

# Share of each operator type (before the demo restaurant and the 1–2 online platforms).
TYPE_SHARES: dict[str, float] = {
    "restaurant": 0.42,
    "retailer": 0.22,
    "canteen": 0.05,
    "school_canteen": 0.04,
    "producer": 0.05,
    "workshop": 0.04,
    "wholesaler": 0.04,
    "vendor": 0.04,
    "farm": 0.05,
    "market": 0.012,
    "cold_store": 0.008,
    "central_kitchen": 0.004,
    "group_meal": 0.004,
}
# (small, medium, large) weights by type.
SCALE_WEIGHTS: dict[str, tuple[int, int, int]] = {
    "restaurant": (75, 22, 3),
    "retailer": (80, 17, 3),
    "canteen": (40, 50, 10),
    "school_canteen": (30, 60, 10),
    "producer": (40, 40, 20),
    "workshop": (1, 0, 0),
    "wholesaler": (50, 40, 10),
    "vendor": (1, 0, 0),
    "farm": (60, 30, 10),
    "market": (20, 50, 30),
    "cold_store": (20, 50, 30),
    "central_kitchen": (0, 40, 60),
    "group_meal": (0, 50, 50),
    "online_platform": (0, 0, 1),
}
SCALES_ORDER = (Operator.Scale.SMALL.value, Operator.Scale.MEDIUM.value, Operator.Scale.LARGE.value)
STATUS_WEIGHTS = ((Operator.Status.ACTIVE.value, 965), (Operator.Status.SUSPENDED.value, 15), (Operator.Status.CANCELLED.value, 20))

# Production categories of producers (weighted toward Jiangmen's food industry: 调味品, 腊味, 陈皮, 水产, 糕点).
PRODUCER_CATEGORIES: dict[str, int] = {
    "101": 6,
    "102": 2,
    "103": 8,
    "104": 8,
    "105": 1,
    "106": 6,
    "107": 2,
    "108": 2,
    "109": 2,
    "110": 2,
    "111": 4,
    "112": 2,
    "113": 2,
    "114": 6,
    "115": 6,
    "116": 4,
    "117": 4,
    "118": 3,
    "119": 1,
    "120": 1,
    "121": 1,
    "122": 7,
    "123": 2,
    "124": 8,
    "125": 4,
    "126": 2,
    "127": 1,
    "131": 3,
}
WORKSHOP_CATEGORIES: dict[str, int] = {"101": 4, "104": 4, "106": 1, "116": 2, "124": 3, "125": 3}
FARM_CATEGORIES: dict[str, int] = {"A01": 5, "A02": 4, "A03": 1, "A04": 3, "A05": 2, "A06": 4}

# Types whose operators hold a licence: SC (production) or JY (business); the JY main-type digit.
PRODUCTION_TYPES = {"producer", "workshop"}
JY_MAIN_TYPE = {"retailer": "1", "wholesaler": "1", "restaurant": "2", "central_kitchen": "2", "group_meal": "2", "canteen": "3", "school_canteen": "3"}
# Markets, cold stores and online platforms file records (备案) rather than hold a licence; farms
# and vendors need none.

# A suspended or cancelled operator's licence shares its status.
LICENCE_STATUS = {
    Operator.Status.SUSPENDED.value: Licence.Status.SUSPENDED.value,
    Operator.Status.CANCELLED.value: Licence.Status.CANCELLED.value,
}

PREMISES_KIND = {
    "producer": ("production", "warehouse"),
    "workshop": ("production", "production"),
    "wholesaler": ("warehouse", "store"),
    "market": ("store", "stall"),
    "retailer": ("store", "store"),
    "restaurant": ("kitchen", "kitchen"),
    "school_canteen": ("kitchen", "kitchen"),
    "canteen": ("kitchen", "kitchen"),
    "central_kitchen": ("kitchen", "warehouse"),
    "group_meal": ("kitchen", "warehouse"),
    "farm": ("farm", "farm"),
    "cold_store": ("warehouse", "warehouse"),
    "online_platform": ("store", "store"),
    "vendor": ("stall", "stall"),
}
PREMISES_SUFFIX = {"production": "生产厂区", "store": "经营场所", "kitchen": "加工经营场所", "warehouse": "仓库", "farm": "生产基地", "stall": "摊位"}
SECOND_PREMISES = {
    "producer": 0.5,
    "wholesaler": 0.4,
    "central_kitchen": 0.5,
    "cold_store": 0.5,
    "farm": 0.3,
    "market": 0.1,
    "restaurant": 0.1,
    "retailer": 0.15,
    "group_meal": 0.3,
}
AREA_RANGE = {"small": (12, 150), "medium": (150, 800), "large": (800, 6000)}

POSITIONS = {
    "restaurant": ("厨师", "厨师", "服务员", "收银员", "帮厨", "店长"),
    "producer": ("生产主管", "质检员", "生产员", "生产员", "仓管员", "采购员"),
    "workshop": ("生产员", "生产员", "帮工"),
    "retailer": ("店员", "理货员", "收银员"),
    "wholesaler": ("业务员", "仓管员", "配送员"),
    "canteen": ("厨师", "帮厨", "配餐员", "食堂管理员"),
    "school_canteen": ("厨师", "帮厨", "配餐员", "食堂管理员"),
    "central_kitchen": ("厨师", "配餐员", "质检员", "仓管员"),
    "group_meal": ("厨师", "配餐员", "配送员", "质检员"),
    "farm": ("技术员", "农工", "农工"),
    "market": ("市场管理员", "检测员", "保洁员"),
    "cold_store": ("仓管员", "叉车司机", "质检员"),
    "online_platform": ("运营专员", "食品安全专员", "客服"),
    "vendor": ("帮工",),
}
INSURANCE_SHARE = {
    "school_canteen": 0.85,
    "central_kitchen": 0.8,
    "group_meal": 0.8,
    "online_platform": 1.0,
    "canteen": 0.6,
    "producer": 0.5,
    "market": 0.5,
    "cold_store": 0.5,
    "wholesaler": 0.4,
    "restaurant": 0.36,
    "retailer": 0.3,
    "workshop": 0.2,
    "farm": 0.15,
    "vendor": 0.05,
}
# Fictional insurers (no real company is named): (name, policy prefix).
INSURERS = (
    ("侨乡财产保险股份有限公司江门中心支公司", "QXCX"),
    ("五邑安信财产保险股份有限公司江门分公司", "WYAX"),
    ("南粤联合财产保险股份有限公司江门中心支公司", "NYLH"),
)
SELF_INSPECTION_ISSUES = (
    "部分原料未记录进货查验台账",
    "冷藏柜温度记录不全",
    "个别从业人员健康证过期",
    "防鼠设施破损",
    "餐用具消毒记录缺失",
    "食品添加剂未专柜存放",
    "预包装食品标签不规范",
    "临近保质期食品未单独存放",
    "加工区生熟工具混用",
    "留样记录不完整",
)
SELF_INSPECTION_OK = (
    "按自查表逐项检查，未发现问题。",
    "原料进货查验、贮存、加工制作及环境卫生均符合要求。",
    "从业人员健康证明齐全，设施设备运转正常，未发现问题。",
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(body8: str) -> str:
    """Complete an 8-character body with its GB 11714 check character (organisation code).

    python-stdnum does not check the organisation code embedded in a USCC, but generated
    codes carry a correct one anyway so that stricter validators accept them.
    """
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def licence_check_digit(digits: str) -> str:
    """A check digit for generated licence numbers (the official algorithm is not published; any digit is accepted)."""
    return str(sum(int(d) * (i + 1) for i, d in enumerate(digits)) % 10)


def resolve_scale(scale: str | int) -> int:
    """ "small" → 3,000, "large" → 100,000, an int (or digit string) → that many operators."""
    if isinstance(scale, int):
        count = scale
    elif str(scale).strip().isdigit():
        count = int(str(scale).strip())
    elif scale in SCALES:
        count = SCALES[scale]
    else:
        raise ValueError(f"unknown scale {scale!r}: use small, large or a number of operators")
    if count < 1:
        raise ValueError("the demo city needs at least one operator")
    return count


# --- the plan (pure) ----------------------------------------------------------------------


@dataclass(slots=True)
class PlannedPremises:
    """A premises of a planned operator."""

    name: str
    kind: str
    address: str
    street_code: str
    area_m2: Decimal


@dataclass(slots=True)
class PlannedLicence:
    """The licence of a planned operator (on its first premises)."""

    kind: str
    number: str
    issued_on: date
    expires_on: date
    authority: str
    scope: list[str]
    status: str


@dataclass(slots=True)
class PlannedStaff:
    """A staff member of a planned operator."""

    name: str
    position: str
    is_safety_manager: bool
    certificate_number: str
    certified_until: date | None
    health_certificate_until: date | None


@dataclass(slots=True)
class PlannedInsurance:
    """A liability insurance policy of a planned operator."""

    insurer: str
    policy_number: str
    coverage_yuan: Decimal
    starts_on: date
    ends_on: date


@dataclass(slots=True)
class PlannedSelfInspection:
    """A self-inspection report of a planned operator."""

    inspected_on: date
    result: str
    issues_found: int
    summary: str


@dataclass(slots=True)
class PlannedOperator:
    """Everything generated for one operator, before it touches the database."""

    index: int
    name: str
    uscc: str
    legal_representative: str
    types: list[str]
    scope: list[str]
    address: str
    street_code: str
    latitude: Decimal
    longitude: Decimal
    scale: str
    status: str
    phone: str
    quality: float
    premises: list[PlannedPremises] = field(default_factory=list)
    licence: PlannedLicence | None = None
    staff: list[PlannedStaff] = field(default_factory=list)
    insurance: PlannedInsurance | None = None
    self_inspections: list[PlannedSelfInspection] = field(default_factory=list)
    is_demo_account: bool = False


class Planner:
    """Plans ``count`` operators from ``seed``; pure and deterministic.

    ``reserved_usccs`` and ``reserved_licences`` are identifiers already in the database, so that
    generated ones never collide with them (on an empty database they are empty and do not
    affect the output).
    """

    def __init__(self, seed: int, count: int, *, reserved_usccs: Iterable[str] = (), reserved_licences: Iterable[str] = ()) -> None:
        self.seed = seed
        self.count = count
        self.rng = random.Random(seed)
        self.streets = jiangmen.streets()
        self.street_by_code = {s.code: s for s in self.streets}
        self.towns = [s for s in self.streets if s.name.endswith("镇")]
        self.street_cum = _cumulative([s.population for s in self.streets])
        self.town_cum = _cumulative([s.population for s in self.towns])
        self.used_names: set[str] = set()
        self.used_usccs: set[str] = set(reserved_usccs)
        self.used_org_codes: set[str] = set()
        self.used_licences: set[str] = set(reserved_licences)
        self.licence_seq: dict[tuple[str, str], int] = {}
        self.certificate_seq = 0
        self.policy_seq = 0
        self.types = self._allocate_types()

    def _allocate_types(self) -> list[str]:
        """Exact type counts (largest remainder), shuffled; operator 0 is the demo restaurant."""
        n = self.count
        platforms = 0 if n < 20 else 1 if n < 1000 else 2
        rest = max(n - 1 - platforms, 0)
        codes = list(TYPE_SHARES)
        counts = jiangmen.largest_remainder(rest, [TYPE_SHARES[c] for c in codes])
        pool = [c for c, k in zip(codes, counts, strict=True) for _ in range(k)] + ["online_platform"] * platforms
        self.rng.shuffle(pool)
        return ["restaurant", *pool][:n]

    def operators(self) -> Iterator[PlannedOperator]:
        """Yield the planned operators in order (one random stream, so chunking does not matter)."""
        for index, type_code in enumerate(self.types):
            yield self._operator(index, type_code)

    # -- one operator

    def _operator(self, index: int, type_code: str) -> PlannedOperator:
        rng = self.rng
        demo = index == 0
        if demo:
            street = self.street_by_code[DEMO_STREET]
        elif type_code == "farm":
            street = rng.choices(self.towns, cum_weights=self.town_cum)[0]
        else:
            street = rng.choices(self.streets, cum_weights=self.street_cum)[0]
        district = street.district
        scale = rng.choices(SCALES_ORDER, weights=SCALE_WEIGHTS[type_code])[0]
        if demo:
            scale = Operator.Scale.MEDIUM.value
        status = rng.choices([s for s, _ in STATUS_WEIGHTS], weights=[w for _, w in STATUS_WEIGHTS])[0]
        if demo:
            status = Operator.Status.ACTIVE.value
        quality = self._quality(scale, status)
        types = [type_code]
        if type_code == "central_kitchen" and rng.random() < 0.5:
            types.append("group_meal")
        elif type_code == "producer" and rng.random() < 0.15:
            types.append("wholesaler")
        scope = self._scope(type_code)
        entity = self._entity_kind(type_code, scale)
        name = self._unique_name(type_code, district, street, scope, company=entity == "91")
        if type_code == "farm":
            entity = "93" if "合作社" in name else "92" if "家庭农场" in name else "91"
        elif type_code == "school_canteen":
            entity = "12"  # public institution (事业单位)
        elif type_code == "canteen" and name.endswith(("机关食堂", "医院食堂")):
            entity = "11" if name.endswith("机关食堂") else "12"
        uscc = self._uscc(entity, district.code)
        addr = names.address(rng, district.prefix, street.name)
        lat, lon = self._coordinates(street)
        op = PlannedOperator(
            index=index,
            name=name,
            uscc=uscc,
            legal_representative=names.person_name(rng),
            types=types,
            scope=scope,
            address=addr,
            street_code=street.code,
            latitude=lat,
            longitude=lon,
            scale=scale,
            status=status,
            phone=self._phone(),
            quality=quality,
            is_demo_account=demo,
        )
        self._premises(op, type_code, district)
        op.licence = self._licence(op, type_code, district)
        self._staff(op, type_code, district)
        self._insurance(op, type_code, district)
        self._self_inspections(op)
        return op

    def _quality(self, scale: str, status: str) -> float:
        """Hidden quality: Beta-distributed, a little higher for larger operators, lower for suspended/cancelled ones."""
        alpha = 4.0 + {"small": 0.0, "medium": 0.7, "large": 1.4}[scale]
        if status != Operator.Status.ACTIVE.value:
            alpha = 2.2
        return round(min(max(self.rng.betavariate(alpha, 2.0), 0.0), 1.0), 4)

    def _scope(self, type_code: str) -> list[str]:
        rng = self.rng

        def pick(weights: dict[str, int], extra: float) -> list[str]:
            first = rng.choices(list(weights), weights=list(weights.values()))[0]
            chosen = [first]
            if rng.random() < extra:
                second = rng.choices(list(weights), weights=list(weights.values()))[0]
                if second != first:
                    chosen.append(second)
            return chosen

        def maybe(code: str, p: float) -> list[str]:
            return [code] if rng.random() < p else []

        if type_code == "producer":
            return pick(PRODUCER_CATEGORIES, 0.2)
        if type_code == "workshop":
            return pick(WORKSHOP_CATEGORIES, 0.0)
        if type_code == "farm":
            return pick(FARM_CATEGORIES, 0.2)
        if type_code == "restaurant":
            scope = maybe("B04", 0.95) + maybe("B05", 0.4) + maybe("B06", 0.05) + maybe("B07", 0.1) + maybe("B08", 0.25)
            return scope or ["B05"]
        if type_code in ("retailer", "wholesaler"):
            return ["B01", *maybe("B02", 0.55 if type_code == "retailer" else 0.6), *maybe("B03", 0.1 if type_code == "retailer" else 0.15)]
        if type_code in ("canteen", "school_canteen"):
            return ["B04", *maybe("B05", 0.3)]
        if type_code == "central_kitchen":
            return ["B04", "B05", *maybe("B07", 0.3)]
        if type_code == "group_meal":
            return ["B04", *maybe("B05", 0.2)]
        if type_code == "vendor":
            return [rng.choice(("B04", "B05", "B02", "B08"))]
        if type_code == "market":
            return ["B02", "A01", "A02", "A04", "A05", "A06"]
        if type_code == "cold_store":
            return ["B01", *maybe("B02", 0.5)]
        return ["B04"]  # online platform

    def _entity_kind(self, type_code: str, scale: str) -> str:
        """First two USCC characters: 91 company, 92 individual business (93/12/11 decided from the name)."""
        if type_code in ("vendor", "workshop"):
            return "92"
        if type_code in ("restaurant", "retailer") and scale == "small" and self.rng.random() < 0.75:
            return "92"
        return "91"

    def _unique_name(self, type_code: str, district: jiangmen.DistrictSpec, street: jiangmen.StreetSpec, scope: list[str], *, company: bool) -> str:
        for _ in range(4):
            name = names.business_name(self.rng, type_code, district.prefix, street.name, scope, company=company)
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        k = 2
        while True:
            candidate = f"{name}（{street.name}{names.chinese_number(k) if k < 100 else k}店）"
            if candidate not in self.used_names:
                self.used_names.add(candidate)
                return candidate
            k += 1

    def _uscc(self, entity: str, division: str) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.55:  # newer codes: MA + 6 characters
                body = "MA" + "".join(rng.choice(USCC_ALPHABET[:-1]) for _ in range(6))
            else:
                body = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(7))
            org = organisation_code(body)
            if org in self.used_org_codes:
                continue
            uscc = uscc_with_check(f"{entity}{division}{org}")
            if uscc in self.used_usccs:
                continue
            self.used_org_codes.add(org)
            self.used_usccs.add(uscc)
            return uscc

    def _coordinates(self, street: jiangmen.StreetSpec) -> tuple[Decimal, Decimal]:
        """A point near the street's position in its district, inside Jiangmen's bounding box."""
        lat0, lon0, spread = jiangmen.CENTRES[street.district.code]
        n = len(street.district.streets)
        angle = street.index * 2.39996  # golden angle spreads the streets around the centre
        radius = 0 if street.index == 0 else spread * 0.9 * ((street.index + 0.5) / n) ** 0.5
        lat = lat0 + radius * math.cos(angle) + self.rng.gauss(0, spread * 0.15)
        lon = lon0 + radius * math.sin(angle) + self.rng.gauss(0, spread * 0.15)
        lat_min, lat_max, lon_min, lon_max = jiangmen.BBOX
        lat = min(max(lat, lat_min + 0.001), lat_max - 0.001)
        lon = min(max(lon, lon_min + 0.001), lon_max - 0.001)
        return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")

    def _phone(self) -> str:
        """A Jiangmen landline that cannot exist: local numbers never start with 0, so no real line is named."""
        return f"0750-0{self.rng.randint(0, 999_999):06d}"

    def _premises(self, op: PlannedOperator, type_code: str, district: jiangmen.DistrictSpec) -> None:
        rng = self.rng
        kinds = PREMISES_KIND[type_code]
        low, high = AREA_RANGE[op.scale]
        count = 2 if rng.random() < SECOND_PREMISES.get(type_code, 0.05) else 1
        for i in range(count):
            kind = kinds[i]
            if i == 0:
                addr, street_code = op.address, op.street_code
                title = f"{op.name}{PREMISES_SUFFIX[kind]}"
            else:
                other = district.street_code(rng.randrange(len(district.streets)))
                addr = names.address(rng, district.prefix, self.street_by_code[other].name)
                street_code = other
                title = f"{op.name}第二{PREMISES_SUFFIX[kind]}"
            area = Decimal(f"{rng.uniform(low, high):.1f}")
            op.premises.append(PlannedPremises(title, kind, addr, street_code, area))

    def _licence(self, op: PlannedOperator, type_code: str, district: jiangmen.DistrictSpec) -> PlannedLicence | None:
        rng = self.rng
        if type_code in PRODUCTION_TYPES:
            kind = Licence.Kind.PRODUCTION.value
            category = next(c for c in op.scope if c[0].isdigit())
            county = district.code[4:6]
            number = self._next_licence(("SC", category + county), lambda seq: f"{category}4407{county}{seq:04d}", 9999, "SC")
            scope = [c for c in op.scope if c[0].isdigit()]
            authority = "江门市市场监督管理局"
        elif type_code in JY_MAIN_TYPE:
            kind = Licence.Kind.BUSINESS.value
            main = JY_MAIN_TYPE[type_code]
            number = self._next_licence(("JY", main + district.code), lambda seq: f"{main}{district.code}{seq:06d}", 999_999, "JY")
            scope = [c for c in op.scope if c.startswith("B")]
            authority = district.bureau_name
        else:
            return None
        if rng.random() < 0.05 and not op.is_demo_account:  # expired and not renewed
            age = rng.randint(LICENCE_YEARS * 365 + 2, LICENCE_YEARS * 365 + 400)
        else:
            age = rng.randint(0, LICENCE_YEARS * 365 - 1)
        if op.is_demo_account:
            age = rng.randint(200, 1200)
        issued = REFERENCE_DATE - timedelta(days=age)
        expires = add_years(issued, LICENCE_YEARS) - timedelta(days=1)
        status = LICENCE_STATUS.get(op.status, Licence.Status.VALID.value)
        return PlannedLicence(kind, number, issued, expires, authority, scope, status)

    def _next_licence(self, key: tuple[str, str], body: Callable[[int], str], limit: int, prefix: str) -> str:
        """Next free number in a (kind, category/region) series: random start, small random steps."""
        rng = self.rng
        seq = self.licence_seq.get(key)
        seq = rng.randint(1, max(limit // 30, 1)) if seq is None else seq + rng.randint(1, 7)
        while True:
            if seq > limit:
                seq = 1
            digits = body(seq)
            number = f"{prefix}{digits}{licence_check_digit(digits)}"
            if number not in self.used_licences:
                self.used_licences.add(number)
                self.licence_seq[key] = seq
                return number
            seq += 1

    def _staff(self, op: PlannedOperator, type_code: str, district: jiangmen.DistrictSpec) -> None:
        rng = self.rng
        low, high = {"small": (2, 4), "medium": (3, 6), "large": (4, 6)}[op.scale]
        count = rng.randint(low, high)
        has_manager = op.is_demo_account or rng.random() < 0.78 + 0.2 * op.quality
        positions = POSITIONS[type_code]
        for i in range(count):
            name = names.person_name(rng)
            health = REFERENCE_DATE + timedelta(days=rng.randint(-120, 365) + int(60 * (op.quality - 0.5)))
            if i == 0 and has_manager:
                self.certificate_seq += 1
                year = rng.randint(2022, 2026)
                cert = f"JMSG{year}{district.code[4:6]}{self.certificate_seq:07d}"
                until = REFERENCE_DATE + timedelta(days=rng.randint(-90, 3 * 365))
                op.staff.append(PlannedStaff(name, "食品安全管理员", True, cert, until, health))
            elif i == 0:
                op.staff.append(PlannedStaff(name, "负责人", False, "", None, health))
            else:
                op.staff.append(PlannedStaff(name, rng.choice(positions), False, "", None, health))

    def _insurance(self, op: PlannedOperator, type_code: str, district: jiangmen.DistrictSpec) -> None:
        rng = self.rng
        share = INSURANCE_SHARE.get(type_code, 0.3) + 0.15 * (op.quality - 0.6)
        if not (op.is_demo_account or rng.random() < share):
            return
        insurer, prefix = rng.choice(INSURERS)
        self.policy_seq += 1
        starts = REFERENCE_DATE - timedelta(days=rng.randint(0, 420))
        ends = add_years(starts, 1) - timedelta(days=1)
        units = {"small": (2, 5), "medium": (5, 10), "large": (10, 50)}[op.scale]
        coverage = Decimal(rng.randint(*units) * 100_000)
        number = f"{prefix}{starts.year}{district.code}{self.policy_seq:08d}"
        op.insurance = PlannedInsurance(insurer, number, coverage, starts, ends)

    def _self_inspections(self, op: PlannedOperator) -> None:
        rng = self.rng
        q = op.quality
        count = 2 if op.is_demo_account else rng.choices((0, 1, 2, 3), weights=(1.6 - q, 1.0, 0.6 + q, 0.3 + q))[0]
        days = sorted(rng.sample(range(1, 366), count), reverse=True)
        for ago in days:
            day = REFERENCE_DATE - timedelta(days=ago)
            r = rng.random()
            if r < 0.35 + 0.5 * q:
                summary = rng.choice(SELF_INSPECTION_OK)
                op.self_inspections.append(PlannedSelfInspection(day, SelfInspection.Result.COMPLIANT.value, 0, summary))
                continue
            issues = rng.randint(1, 4)
            sample = "、".join(rng.sample(SELF_INSPECTION_ISSUES, min(issues, 2)))
            if r < 0.8 + 0.15 * q:
                summary = f"发现{issues}项问题（{sample}等），已当场整改完毕。"
                result = SelfInspection.Result.ISSUES_FIXED.value
            else:
                summary = f"发现{issues}项问题（{sample}等），正在整改，预计{rng.choice((7, 15, 30))}日内完成。"
                result = SelfInspection.Result.ISSUES_OPEN.value
            op.self_inspections.append(PlannedSelfInspection(day, result, issues, summary))


def _cumulative(weights: list[int]) -> list[int]:
    total = 0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def _chunks(items: Iterator[PlannedOperator], size: int) -> Iterator[list[PlannedOperator]]:
    chunk: list[PlannedOperator] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- writing ------------------------------------------------------------------------------


class TextOut(Protocol):
    """Where progress goes: a text stream or a management command's ``self.stdout``."""

    def write(self, msg: str, /) -> Any: ...


@dataclass
class DemoResult:
    """What ``generate`` did: counts, the demo logins and the organisation codes."""

    created: bool
    seed: int
    scale: str
    operators_requested: int
    counts: dict[str, int]
    logins: list[tuple[str, str, str, str]]  # (persona label, username, password, organisation code)
    organisation_codes: list[str]
    elapsed_seconds: float = 0.0


class _Writer:
    """Writes planned operators and their children with bulk inserts, plus their audit entries."""

    def __init__(self, tree: jiangmen.JiangmenTree) -> None:
        self.by_code = tree.by_code
        self.type_ids = dict(OperatorType.objects.values_list("code", "id"))
        self.category_ids = dict(FoodCategory.objects.values_list("code", "id"))
        missing = [c for c in used_type_codes() if c not in self.type_ids]
        if missing:
            raise RuntimeError(f"operator types missing (run migrations): {', '.join(missing)}")
        self.demo_org: Organisation | None = None
        self.demo_operator: Operator | None = None
        self.counts = {"operators": 0, "licences": 0, "premises": 0, "staff": 0, "insurance_policies": 0, "self_inspections": 0}

    def write(self, chunk: list[PlannedOperator]) -> None:
        by_code = self.by_code
        for p in chunk:
            if p.is_demo_account and self.demo_org is None:
                self.demo_org = organisation_create(code=DEMO_OPERATOR_ORG, name=p.name, kind=Organisation.Kind.OPERATOR, jurisdiction=by_code[p.street_code])
        ops = [
            Operator(
                name=p.name,
                uscc=p.uscc,
                legal_representative=p.legal_representative,
                address=p.address,
                jurisdiction_id=by_code[p.street_code].pk,
                latitude=p.latitude,
                longitude=p.longitude,
                scale=p.scale,
                status=p.status,
                phone=p.phone,
                owner_org_id=self.demo_org.pk if p.is_demo_account and self.demo_org else None,
            )
            for p in chunk
        ]
        Operator.objects.bulk_create(ops, batch_size=BATCH)
        for p, op in zip(chunk, ops, strict=True):
            if p.is_demo_account:
                self.demo_operator = op
        types_through = Operator.types.through
        scope_through = Operator.scope.through
        pairs = list(zip(chunk, ops, strict=True))
        types_through.objects.bulk_create(
            [types_through(operator_id=op.pk, operatortype_id=self.type_ids[t]) for p, op in pairs for t in p.types], batch_size=BATCH * 2
        )
        scope_through.objects.bulk_create(
            [scope_through(operator_id=op.pk, foodcategory_id=self.category_ids[c]) for p, op in pairs for c in p.scope], batch_size=BATCH * 2
        )

        premises: list[Premises] = []
        first_premises: list[Premises] = []
        for p, op in pairs:
            for i, pp in enumerate(p.premises):
                row = Premises(
                    operator_id=op.pk, name=pp.name, kind=pp.kind, address=pp.address, jurisdiction_id=by_code[pp.street_code].pk, area_m2=pp.area_m2
                )
                premises.append(row)
                if i == 0:
                    first_premises.append(row)
        Premises.objects.bulk_create(premises, batch_size=BATCH)

        licences: list[Licence] = []
        licence_scope: list[list[str]] = []
        for p, op, prem in zip(chunk, ops, first_premises, strict=True):
            if p.licence is None:
                continue
            pl = p.licence
            licences.append(
                Licence(
                    operator_id=op.pk,
                    kind=pl.kind,
                    number=pl.number,
                    issued_on=pl.issued_on,
                    expires_on=pl.expires_on,
                    authority=pl.authority,
                    premises_id=prem.pk,
                    status=pl.status,
                )
            )
            licence_scope.append(pl.scope)
        Licence.objects.bulk_create(licences, batch_size=BATCH)
        lscope_through = Licence.scope.through
        lscope_through.objects.bulk_create(
            [
                lscope_through(licence_id=lic.pk, foodcategory_id=self.category_ids[c])
                for lic, codes in zip(licences, licence_scope, strict=True)
                for c in codes
            ],
            batch_size=BATCH * 2,
        )

        staff = [
            StaffMember(
                operator_id=op.pk,
                name=s.name,
                position=s.position,
                is_safety_manager=s.is_safety_manager,
                certificate_number=s.certificate_number,
                certified_until=s.certified_until,
                health_certificate_until=s.health_certificate_until,
            )
            for p, op in pairs
            for s in p.staff
        ]
        StaffMember.objects.bulk_create(staff, batch_size=BATCH)
        policies = [
            InsurancePolicy(
                operator_id=op.pk,
                insurer=p.insurance.insurer,
                policy_number=p.insurance.policy_number,
                coverage_yuan=p.insurance.coverage_yuan,
                starts_on=p.insurance.starts_on,
                ends_on=p.insurance.ends_on,
            )
            for p, op in pairs
            if p.insurance is not None
        ]
        InsurancePolicy.objects.bulk_create(policies, batch_size=BATCH)
        reports = [
            SelfInspection(operator_id=op.pk, inspected_on=s.inspected_on, result=s.result, issues_found=s.issues_found, summary=s.summary)
            for p, op in pairs
            for s in p.self_inspections
        ]
        SelfInspection.objects.bulk_create(reports, batch_size=BATCH)
        simulated = [SimulatedOperator(operator_id=op.pk, quality=p.quality) for p, op in pairs]
        SimulatedOperator.objects.bulk_create(simulated, batch_size=BATCH)

        # Bulk inserts bypass the change-log signals: write the trail for operators and licences here.
        audit.record_changes_bulk(ops, operator=lambda o: o.pk)
        audit.record_changes_bulk(licences, operator=lambda o: o.operator_id)

        c = self.counts
        c["operators"] += len(ops)
        c["licences"] += len(licences)
        c["premises"] += len(premises)
        c["staff"] += len(staff)
        c["insurance_policies"] += len(policies)
        c["self_inspections"] += len(reports)


def used_type_codes() -> list[str]:
    """Every operator type code the generator uses."""
    return [*TYPE_SHARES, "online_platform"]


def _create_organisations(tree: jiangmen.JiangmenTree) -> list[Organisation]:
    by_code = tree.by_code
    kind = Organisation.Kind
    orgs = [organisation_create(code=CITY_BUREAU_CODE, name="江门市市场监督管理局", kind=kind.CITY_BUREAU, jurisdiction=tree.city)]
    for d in jiangmen.DISTRICTS:
        orgs.append(organisation_create(code=f"JM-{d.short}", name=d.bureau_name, kind=kind.DISTRICT_BUREAU, jurisdiction=by_code[d.code]))
    for s in jiangmen.streets():
        orgs.append(organisation_create(code=f"ST-{s.code}", name=f"{s.name}市场监管所", kind=kind.STATION, jurisdiction=by_code[s.code]))
    for code, name in LABS:
        orgs.append(organisation_create(code=code, name=name, kind=kind.LAB, jurisdiction=tree.city))
    orgs.append(organisation_create(code=CDC[0], name=CDC[1], kind=kind.CDC, jurisdiction=tree.city))
    return orgs


def _create_users() -> list[User]:
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[p[3] for p in PERSONAS if p[3]])}
    return [
        user_create(username=username, password=DEMO_PASSWORD, role=role, organisation=orgs[org] if org else None, display_name=f"{label}（演示）")
        for label, username, role, org in PERSONAS
    ]


def logins() -> list[tuple[str, str, str, str]]:
    """The demo logins: (persona label, username, password, organisation code)."""
    return [(label, username, DEMO_PASSWORD, org) for label, username, _role, org in PERSONAS]


def _demo_org_codes() -> list[str]:
    qs = Organisation.objects.filter(code__regex=r"^(JM-|ST-|LAB-|CDC-JM|OP-DEMO)").order_by("code")
    return list(qs.values_list("code", flat=True))


def database_counts() -> dict[str, int]:
    """Counts of what the database holds now (used when the demo already exists)."""
    return {
        "jurisdictions": Jurisdiction.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "operators": Operator.objects.count(),
        "licences": Licence.objects.count(),
        "premises": Premises.objects.count(),
        "staff": StaffMember.objects.count(),
        "insurance_policies": InsurancePolicy.objects.count(),
        "self_inspections": SelfInspection.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
    }


def _say(stdout: TextOut | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
        flush = getattr(stdout, "flush", None)
        if flush is not None:
            flush()


def _of_type(code: str, limit: int) -> list[Operator]:
    return list(Operator.objects.filter(types__code=code, status=Operator.Status.ACTIVE).order_by("id")[:limit])


def _module_demos(seed: int, count: int) -> dict[str, int]:
    """The other modules' demo data, each through its own ``demo.generate`` (services, or bulk paths with their
    typed audit events): produce certificates, cold chain, a year of inspections and sampling, then credit."""
    f = max(1, min(4, count // 1500))
    start = REFERENCE_DATE - timedelta(days=TRADE_DAYS)
    out = {}
    out["certificates_issued"] = certificates_demo.generate(_of_type("farm", 40 * f), _of_type("market", 8 * f), random.Random(seed + 1), start,
                                                            REFERENCE_DATE)
    buyers = _of_type("wholesaler", 6 * f) + _of_type("restaurant", 10 * f)
    out["coldchain_entries"] = coldchain_demo.generate(_of_type("cold_store", 3 * f), _of_type("wholesaler", 6 * f), buyers,
                                                       random.Random(seed + 2), start, REFERENCE_DATE)
    year = REFERENCE_DATE - timedelta(days=365)
    out.update({f"inspection_{k}": v for k, v in inspection_demo.generate(seed=seed, start=year, end=REFERENCE_DATE).items()})
    out.update({f"sampling_{k}": v for k, v in sampling_demo.generate(seed, year, REFERENCE_DATE).items()})
    out.update(credit_demo.generate(seed, year, REFERENCE_DATE))  # reads the two above; its keys start with "credit_"
    out.update(risk_demo.generate(seed, year, REFERENCE_DATE))  # grades from all of the above, then trains the targeting model
    return out


def generate(*, scale: str | int = "small", seed: int = DEFAULT_SEED, stdout: TextOut | None = None) -> DemoResult:
    """Generate the demo city, or return the logins if it already exists (organisation JM-SJ).

    ``scale``: "small" (≈3,000 operators), "large" (100,000) or an exact number of operators.
    The same seed and scale give the same names, identifiers and dates.
    """
    count = resolve_scale(scale)
    started = time.monotonic()
    if Organisation.objects.filter(code=CITY_BUREAU_CODE).exists():
        return DemoResult(
            created=False,
            seed=seed,
            scale=str(scale),
            operators_requested=count,
            counts=database_counts(),
            logins=logins(),
            organisation_codes=_demo_org_codes(),
            elapsed_seconds=time.monotonic() - started,
        )
    with acting_as(None, label="demo"), transaction.atomic():
        tree = jiangmen.ensure_jiangmen()
        _say(stdout, f"辖区树已就绪：{len(tree.districts)} 个区（县级市）、{len(tree.streets)} 个街道（镇）。")
        orgs = _create_organisations(tree)
        planner = Planner(
            seed, count, reserved_usccs=Operator.objects.values_list("uscc", flat=True), reserved_licences=Licence.objects.values_list("number", flat=True)
        )
        writer = _Writer(tree)
        for chunk in _chunks(planner.operators(), CHUNK):
            writer.write(chunk)
            if count > CHUNK:
                _say(stdout, f"  已生成 {writer.counts['operators']}/{count} 家经营主体（{time.monotonic() - started:.1f} 秒）")
        if writer.demo_org is not None:
            orgs.append(writer.demo_org)
        users = _create_users()
        counts = {"jurisdictions": 1 + len(tree.districts) + len(tree.streets), "organisations": len(orgs), "users": len(users), **writer.counts}
        refresh_planner_statistics()
        _say(stdout, f"经营主体已生成（{time.monotonic() - started:.1f} 秒），正在生成供应链追溯数据……")
        trade = trace_demo.generate(seed=seed, start=REFERENCE_DATE - timedelta(days=TRADE_DAYS), end=REFERENCE_DATE, scale=count)
        counts.update({f"trace_{k}": v for k, v in trade.items()})
        counts.update(_module_demos(seed, count))
        _say(stdout, f"供应链追溯数据已生成：{trade['lots']} 个批次、{trade['shipments']} 次发货、{trade['transformations']} 次加工"
                     f"（{time.monotonic() - started:.1f} 秒）。")
        audit.record_event(
            "demo.generated", obj=orgs[0], data={"seed": seed, "scale": str(scale), "counts": counts, "reference_date": REFERENCE_DATE.isoformat()}
        )
        counts["audit_entries"] = AuditEntry.objects.count()
        refresh_planner_statistics()
    return DemoResult(
        created=True,
        seed=seed,
        scale=str(scale),
        operators_requested=count,
        counts=counts,
        logins=logins(),
        organisation_codes=_demo_org_codes(),
        elapsed_seconds=time.monotonic() - started,
    )
