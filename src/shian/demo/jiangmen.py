"""The Jiangmen (江门市) jurisdiction tree used by the demo city.

The city, its seven county-level divisions (GB/T 2260 codes) and their streets/towns.
Street and town codes are the district code followed by a 3-digit sequence in the order
listed here (e.g. ``440703001`` for 环市街道); they follow the official list's order but are
not guaranteed to match the official township codes.

Populations are APPROXIMATE resident populations from the 2020 (seventh) census, rounded to
the thousand; the city total is the sum of the districts. Street/town populations are not
census figures: each district's population is split across its streets deterministically
(see :func:`street_populations`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from shian.core.models import Jurisdiction

CITY_CODE = "440700"
CITY_NAME = "江门市"


@dataclass(frozen=True)
class DistrictSpec:
    """One county-level division: code, name, short code for organisation codes, population, streets."""

    code: str
    name: str
    short: str  # used in organisation codes, e.g. JM-PJ
    population: int  # approximate, 2020 census
    streets: tuple[str, ...]

    @property
    def is_county_city(self) -> bool:
        """True for county-level cities (台山市...), whose names are used without the 江门市 prefix."""
        return self.name.endswith("市")

    @property
    def prefix(self) -> str:
        """Place prefix for names and addresses: 江门市蓬江区 or 台山市."""
        return self.name if self.is_county_city else CITY_NAME + self.name

    @property
    def bureau_name(self) -> str:
        """The district's market regulation bureau: 江门市蓬江区市场监督管理局 / 台山市市场监督管理局."""
        return f"{self.prefix}市场监督管理局"

    def street_code(self, index: int) -> str:
        """Code of the street at 0-based ``index``."""
        return f"{self.code}{index + 1:03d}"


# Approximate resident populations, 2020 census (rounded; for demo purposes only).
DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec(
        "440703",
        "蓬江区",
        "PJ",
        842_000,
        (
            "环市街道",
            "潮连街道",
            "白沙街道",
            "北街街道",
            "堤东街道",
            "杜阮镇",
            "棠下镇",
            "荷塘镇",
        ),
    ),
    DistrictSpec(
        "440704",
        "江海区",
        "JH",
        366_000,
        (
            "外海街道",
            "礼乐街道",
            "江南街道",
        ),
    ),
    DistrictSpec(
        "440705",
        "新会区",
        "XH",
        958_000,
        (
            "会城街道",
            "大泽镇",
            "司前镇",
            "罗坑镇",
            "双水镇",
            "崖门镇",
            "沙堆镇",
            "古井镇",
            "三江镇",
            "睦洲镇",
            "大鳌镇",
        ),
    ),
    DistrictSpec(
        "440781",
        "台山市",
        "TS",
        907_000,
        (
            "台城街道",
            "大江镇",
            "水步镇",
            "四九镇",
            "白沙镇",
            "三合镇",
            "冲蒌镇",
            "斗山镇",
            "都斛镇",
            "赤溪镇",
            "端芬镇",
            "广海镇",
            "海宴镇",
            "汶村镇",
            "深井镇",
            "北陡镇",
            "川岛镇",
        ),
    ),
    DistrictSpec(
        "440783",
        "开平市",
        "KP",
        750_000,
        (
            "长沙街道",
            "三埠街道",
            "月山镇",
            "水口镇",
            "沙塘镇",
            "苍城镇",
            "龙胜镇",
            "大沙镇",
            "马冈镇",
            "塘口镇",
            "赤坎镇",
            "百合镇",
            "蚬冈镇",
            "金鸡镇",
            "赤水镇",
        ),
    ),
    DistrictSpec(
        "440784",
        "鹤山市",
        "HS",
        494_000,
        (
            "沙坪街道",
            "龙口镇",
            "雅瑶镇",
            "古劳镇",
            "桃源镇",
            "鹤城镇",
            "共和镇",
            "址山镇",
            "宅梧镇",
            "双合镇",
        ),
    ),
    DistrictSpec(
        "440785",
        "恩平市",
        "EP",
        482_000,
        (
            "恩城街道",
            "横陂镇",
            "圣堂镇",
            "良西镇",
            "沙湖镇",
            "牛江镇",
            "君堂镇",
            "大田镇",
            "那吉镇",
            "大槐镇",
            "东成镇",
        ),
    ),
)

CITY_POPULATION = sum(d.population for d in DISTRICTS)

# Rough centre (latitude, longitude) and spread in degrees of each division, for coordinates.
CENTRES: dict[str, tuple[float, float, float]] = {
    "440703": (22.60, 113.06, 0.06),
    "440704": (22.55, 113.13, 0.04),
    "440705": (22.45, 113.03, 0.12),
    "440781": (22.15, 112.75, 0.22),
    "440783": (22.38, 112.62, 0.14),
    "440784": (22.72, 112.90, 0.10),
    "440785": (22.20, 112.30, 0.12),
}
# Jiangmen's rough bounding box: every generated coordinate lies inside it.
BBOX = (21.5, 22.9, 112.2, 113.3)  # lat min, lat max, lon min, lon max


@dataclass(frozen=True)
class StreetSpec:
    """One street or town with its derived code and population share."""

    code: str
    name: str
    district: DistrictSpec
    population: int
    index: int  # 0-based position within the district


def _spread(name: str) -> float:
    """A stable factor in [0.75, 1.25] from the name (not Python's salted hash())."""
    digest = hashlib.sha256(name.encode()).digest()
    return 0.75 + 0.5 * int.from_bytes(digest[:2], "big") / 65535


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` that sum exactly to ``total``."""
    wsum = sum(weights)
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    raw = [total * w / wsum for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def street_populations(district: DistrictSpec) -> list[int]:
    """Split the district population across its streets deterministically.

    Urban sub-districts (街道) weigh 1.6, towns (镇) 1.0, the first-listed seat twice as much,
    each varied by a stable factor from its name; the parts sum to the district population.
    """
    weights = []
    for i, name in enumerate(district.streets):
        w = 1.6 if name.endswith("街道") else 1.0
        if i == 0:
            w *= 2
        weights.append(w * _spread(name))
    return largest_remainder(district.population, weights)


def streets() -> list[StreetSpec]:
    """Every street/town of the city, in code order."""
    result = []
    for d in DISTRICTS:
        for i, (name, pop) in enumerate(zip(d.streets, street_populations(d), strict=True)):
            result.append(StreetSpec(d.street_code(i), name, d, pop, i))
    return result


def district_by_code(code: str) -> DistrictSpec:
    """The district spec for a district code (or the first six digits of a street code)."""
    for d in DISTRICTS:
        if d.code == code[:6]:
            return d
    raise KeyError(code)


@dataclass
class JiangmenTree:
    """The Jurisdiction rows of the demo city."""

    city: Jurisdiction
    districts: list[Jurisdiction] = field(default_factory=list)
    streets: list[Jurisdiction] = field(default_factory=list)

    @property
    def by_code(self) -> dict[str, Jurisdiction]:
        """Every node by its code."""
        nodes = [self.city, *self.districts, *self.streets]
        return {j.code: j for j in nodes}


def ensure_jiangmen() -> JiangmenTree:
    """Create or update the Jiangmen tree; running it twice changes nothing."""
    with transaction.atomic():
        city, _ = Jurisdiction.objects.update_or_create(
            code=CITY_CODE, defaults={"name": CITY_NAME, "level": Jurisdiction.Level.CITY, "parent": None, "population": CITY_POPULATION}
        )
        tree = JiangmenTree(city=city)
        street_specs = streets()
        for d in DISTRICTS:
            dist, _ = Jurisdiction.objects.update_or_create(
                code=d.code, defaults={"name": d.name, "level": Jurisdiction.Level.DISTRICT, "parent": city, "population": d.population}
            )
            tree.districts.append(dist)
            for s in street_specs:
                if s.district.code != d.code:
                    continue
                street, _ = Jurisdiction.objects.update_or_create(
                    code=s.code, defaults={"name": s.name, "level": Jurisdiction.Level.STREET, "parent": dist, "population": s.population}
                )
                tree.streets.append(street)
        return tree
