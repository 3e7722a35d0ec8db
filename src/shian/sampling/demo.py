"""The demo city's sampling year, written through the sampling services (so every record has its deadlines,
judgements, notifications, draws and audit entries like real use).

* plans for the city and each district for every year the period touches (7 batches per 1000 residents);
* samples: every active producer and central market at least once in the last year of the period, and a
  random share of the other operators (about 0.35 per operator, so the large city meets the 7/1000 target);
  foods follow the operator's type and scope, lots are the operator's own or received ones when it has any;
* laboratory receipt and reports (a few late), results judged against the limits table: the chance of a
  non-conforming item grows as the operator's hidden quality (:class:`shian.demo.models.SimulatedOperator`)
  falls; paper notifications delivered after a few working days;
* re-tests for some non-conforming results (a few applied too late and refused, some overturned), and
  disposal cases answered, verified and closed (careless operators late or not at all);
* rapid tests by the street stations (positives followed by official sampling) and residents' requests.

Deterministic for a seed except the draws' seeds (random by design) and the trace codes of the lots.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shian.accounts.models import Organisation, User
from shian.accounts.services import organisation_create, user_create
from shian.core.access import Role
from shian.core.calendar import add_working_days
from shian.core.errors import ShianError
from shian.core.models import Jurisdiction
from shian.registry.models import Operator
from shian.sampling import rapid, rules, services
from shian.sampling.limits import LimitIndex
from shian.sampling.models import Disposal, FoodGroup, Limit, Notification, QualifiedLab, Report, Retest, Sample
from shian.trace.models import Lot, ReceiptLine
from shian.trace.selectors import HOLDING_STATUSES

SAMPLES_PER_OPERATOR = 0.35
PROVINCIAL_LAB = ("LAB-GD1", "广东省食品检验研究院")
METHODS = {"lead": "GB 5009.12-2017", "cadmium": "GB 5009.15-2014", "mercury": "GB 5009.17-2021", "methylmercury": "GB 5009.17-2021",
           "arsenic": "GB 5009.11-2014", "arsenic_inorganic": "GB 5009.11-2014", "nitrite": "GB 5009.33-2016", "benzo_a_pyrene": "GB 5009.27-2016",
           "salmonella": "GB 4789.4-2016", "staphylococcus_aureus": "GB 4789.10-2016", "listeria_monocytogenes": "GB 4789.30-2016",
           "vibrio_parahaemolyticus": "GB 4789.7-2013", "e_coli_o157": "GB 4789.36-2016"}
PESTICIDE_METHOD = "GB 23200.113-2018"
PRODUCE_GROUPS = ["veg", "veg_leafy", "veg_celery", "veg_bok_choy", "veg_brassica", "veg_chive", "veg_cowpea", "fruit", "fruit_citrus", "meat",
                  "fish", "crustacean", "bivalve", "egg"]
CATERING_GROUPS = ["meat_cooked", "meat_bbq", "rte_fruit_veg", "rice", "oil", "aquatic_rte"]
RETAIL_GROUPS = ["milk", "tea", "frozen_drinks", "meat_cooked", "rice", "oil", "egg", "veg_pickled"]
BY_TYPE = {"farm": PRODUCE_GROUPS, "market": PRODUCE_GROUPS, "wholesaler": PRODUCE_GROUPS, "vendor": PRODUCE_GROUPS,
           "restaurant": CATERING_GROUPS, "canteen": CATERING_GROUPS, "school_canteen": CATERING_GROUPS, "central_kitchen": CATERING_GROUPS,
           "group_meal": CATERING_GROUPS, "workshop": CATERING_GROUPS}
PRODUCTS = {"veg": "番茄", "veg_leafy": "生菜", "veg_celery": "芹菜", "veg_bok_choy": "小白菜", "veg_brassica": "菜心", "veg_chive": "韭菜",
            "veg_cowpea": "豇豆", "veg_legume": "荷兰豆", "fruit": "苹果", "fruit_citrus": "砂糖橘", "cereal": "小麦粉", "rice": "大米",
            "meat": "猪肉", "offal": "猪肝", "aquatic": "鲜鱿鱼", "fish": "鲩鱼", "crustacean": "基围虾", "bivalve": "生蚝", "egg": "鲜鸡蛋",
            "milk": "巴氏杀菌乳", "tea": "绿茶", "oil": "花生油", "meat_cooked": "白切鸡", "meat_bbq": "叉烧", "aquatic_rte": "鱼生",
            "rte_fruit_veg": "凉拌菜", "veg_pickled": "酸菜", "frozen_drinks": "雪糕"}


@dataclass
class Counts:
    plans: int = 0
    samples: int = 0
    received: int = 0
    reports: int = 0
    nonconforming: int = 0
    notifications_delivered: int = 0
    retests: int = 0
    retests_refused: int = 0
    retests_overturned: int = 0
    disposals: int = 0
    disposals_closed: int = 0
    rapid_tests: int = 0
    rapid_positive: int = 0
    requests: int = 0
    requests_published: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if k != "extra"} | self.extra


@dataclass
class _Planned:
    operator: Operator
    quality: float
    group: FoodGroup
    day: date
    purpose: str
    lab: Organisation
    lot: Lot | None = None
    rapid_test: Any = None


class _City:
    """What the generator draws from: operators by type and street with their quality, lots they hold, groups, labs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        ops = list(Operator.objects.filter(status=Operator.Status.ACTIVE).select_related("jurisdiction", "simulation")
                   .prefetch_related("types", "scope").order_by("id"))
        self.operators = ops
        self.types = {op.pk: {t.code for t in op.types.all()} for op in ops}
        self.by_street: dict[int, list[Operator]] = defaultdict(list)
        for op in ops:
            self.by_street[op.jurisdiction_id].append(op)
        self.groups = {g.code: g for g in FoodGroup.objects.all()}
        self.by_category = {code: g for g in self.groups.values() for code in g.category_codes.split(",") if code}
        self.lots: dict[int, list[Lot]] = defaultdict(list)
        ids = [op.pk for op in ops]
        for lot in Lot.objects.filter(product__owner_id__in=ids).select_related("product"):
            self.lots[lot.product.owner_id].append(lot)
        received = ReceiptLine.objects.filter(receipt__buyer_id__in=ids, receipt__status__in=HOLDING_STATUSES).select_related("lot__product", "receipt")
        for line in received:
            self.lots[line.receipt.buyer_id].append(line.lot)

    def quality(self, op: Operator) -> float:
        sim = getattr(op, "simulation", None)
        return float(sim.quality) if sim is not None else 0.7

    def group_for(self, op: Operator) -> FoodGroup:
        types = self.types.get(op.pk, set())
        if "producer" in types:
            options = [self.by_category[c.code].code for c in op.scope.all() if c.code in self.by_category]
            if options:
                return self.groups[self.rng.choice(options)]
        for code, groups in BY_TYPE.items():
            if code in types:
                return self.groups[self.rng.choice(groups)]
        return self.groups[self.rng.choice(RETAIL_GROUPS)]

    def lot_for(self, op: Operator, day: date) -> Lot | None:
        held = [lot for lot in self.lots.get(op.pk, []) if lot.production_date <= day]
        return self.rng.choice(held) if held and self.rng.random() < 0.6 else None


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _setup_labs() -> list[Organisation]:
    """The demo's laboratories, all on the re-test list (a provincial one is added so that two remain besides the first)."""
    city = Jurisdiction.objects.filter(parent__isnull=True).order_by("path").first()
    if not Organisation.objects.filter(code=PROVINCIAL_LAB[0]).exists():
        organisation_create(code=PROVINCIAL_LAB[0], name=PROVINCIAL_LAB[1], kind=Organisation.Kind.LAB, jurisdiction=city)
    labs = list(Organisation.objects.filter(kind=Organisation.Kind.LAB, is_active=True).order_by("code"))
    for lab in labs:
        QualifiedLab.objects.get_or_create(organisation=lab, defaults={"retest": True, "note": "演示数据"})
    return labs


def _samplers() -> list[User]:
    found = list(User.objects.filter(role__in=[Role.CITY_REGULATOR, Role.DISTRICT_REGULATOR, Role.STATION_OFFICER, Role.INSPECTOR],
                                     is_active=True).order_by("id")[:4])
    org = Organisation.objects.filter(kind=Organisation.Kind.CITY_BUREAU).first()
    while len(found) < rules.MIN_SAMPLERS.value:
        found.append(user_create(username=f"demo_sampler_{len(found) + 1}", password=secrets.token_urlsafe(16), role=Role.INSPECTOR, organisation=org,
                                 display_name="抽样人员（演示）"))
    return found


def _value(rng: random.Random, limit: Limit, fail: bool) -> services.ItemIn:
    method = METHODS.get(limit.item_code, PESTICIDE_METHOD)
    if limit.is_plan:
        if limit.unit.startswith("/"):
            values = ["未检出"] * (limit.n or 5)
            if fail:
                values[rng.randrange(len(values))] = "检出"
            return services.ItemIn(item=limit.item_code, value="", unit=limit.unit, method_standard=method, unit_values=tuple(values))
        big = limit.big_m or Decimal(1000)
        counts = [str(rng.choice([0, 10, 20, 30, 40])) for _ in range(limit.n or 5)]
        if fail:
            counts[0] = str(int(big * Decimal(rng.uniform(1.2, 5))))
        return services.ItemIn(item=limit.item_code, value="", unit=limit.unit, method_standard=method,
                               unit_values=tuple(c if c != "0" else "<10" for c in counts))
    assert limit.value is not None
    if not fail and rng.random() < 0.55:
        return services.ItemIn(item=limit.item_code, value="未检出", unit="", method_standard=method)
    factor = Decimal(str(round(rng.uniform(1.3, 8), 2))) if fail else Decimal(str(round(rng.uniform(0.02, 0.8), 3)))
    value = (limit.value * factor).quantize(Decimal("0.0001"))
    unit = limit.unit
    if unit == "mg/kg" and limit.value < Decimal("0.1") and rng.random() < 0.3:  # some labs report in μg/kg
        value, unit = value * 1000, "μg/kg"
    return services.ItemIn(item=limit.item_code, value=format(value.normalize(), "f"), unit=unit, method_standard=method)


def _limits_for(index: LimitIndex, group: FoodGroup) -> list[Limit]:
    out: dict[str, Limit] = {}
    gid: int | None = group.pk
    while gid is not None:
        for (g, code), limit in index.by_food.items():
            if g == gid and code not in out:
                out[code] = limit
        gid = index.parents.get(gid)
    return sorted(out.values(), key=lambda x: x.item_code)


def _plans(start: date, end: date, counts: Counts) -> None:
    places = list(Jurisdiction.objects.exclude(level=Jurisdiction.Level.STREET).order_by("path"))
    for year in range(start.year, end.year + 1):
        for place in places:
            if not place.population:
                continue
            try:
                services.plan_create(jurisdiction=place, year=year, note="演示计划")
            except ShianError:
                continue
            counts.plans += 1


def _plan_samples(city: _City, labs: Sequence[Organisation], start: date, end: date) -> list[_Planned]:
    rng = city.rng
    last_year = max(start, date(end.year, 1, 1))
    latest = end - timedelta(days=30)
    must = [op for op in city.operators if city.types.get(op.pk, set()) & {*rules.PRODUCER_TYPES, *rules.MARKET_TYPES}]
    must_ids = {op.pk for op in must}
    others = [op for op in city.operators if op.pk not in must_ids]
    extra = max(0, int(len(city.operators) * SAMPLES_PER_OPERATOR) - len(must))
    chosen = [(op, True) for op in must] + ([(op, False) for op in rng.choices(others, k=extra)] if others else [])
    span_all = max(1, (latest - start).days)
    span_year = max(1, (latest - last_year).days)
    weights = [0.7, 0.3] + [0.15] * max(0, len(labs) - 2)
    planned = []
    for op, covered in chosen:
        day = _weekday((last_year + timedelta(days=rng.randrange(span_year))) if covered else (start + timedelta(days=rng.randrange(span_all))))
        if day > end:
            continue
        group = city.group_for(op)
        lab = rng.choices(list(labs), weights=weights[:len(labs)])[0]
        purpose = Sample.Purpose.MONITORING if rng.random() < 0.15 else Sample.Purpose.ENFORCEMENT
        planned.append(_Planned(op, city.quality(op), group, day, purpose, lab, city.lot_for(op, day)))
    planned.sort(key=lambda p: (p.day, p.operator.pk))
    return planned


def _take(planned: Sequence[_Planned], samplers: Sequence[User], counts: Counts) -> list[tuple[_Planned, Sample]]:
    out = []
    for i, p in enumerate(planned):
        pair = [samplers[i % len(samplers)], samplers[(i + 1) % len(samplers)]]
        sample = services.sample_create(
            number=f"JM{p.day:%Y%m%d}{i:05d}", purpose=p.purpose, operator=p.operator, place=p.operator.address,
            product_name=PRODUCTS.get(p.group.code, p.group.name), food_group=p.group, lot=p.lot, sampled_on=p.day, samplers=pair,
            seal_number=f"FZ{i:06d}", quantity=Decimal("1.5"), price_paid=Decimal(str(8 + i % 40)), lab=p.lab, rapid_test=p.rapid_test, by=pair[0])
        out.append((p, sample))
    counts.samples += len(out)
    return out


def _test(rng: random.Random, taken: Sequence[tuple[_Planned, Sample]], index: LimitIndex, end: date, counts: Counts) -> list[tuple[_Planned, Sample]]:
    """Receive (a few late) and report (a few late) everything whose dates fall before ``end``; post reports in batches."""
    batch: list[services.ReportIn] = []
    reported: list[tuple[_Planned, Sample]] = []
    for p, sample in taken:
        received = add_working_days(p.day, rng.choice([1, 1, 2, 2, 3, 4, 5, 5, 7]))
        if received > end:
            continue
        services.sample_receive(sample=sample, received_on=received)
        counts.received += 1
        reported_on = add_working_days(received, rng.choice([6, 8, 10, 12, 15, 18, 19, 20, 24]))
        if reported_on > end:
            continue
        limits = _limits_for(index, p.group)
        if not limits:
            continue
        picked = rng.sample(limits, k=min(len(limits), rng.choice([2, 3, 4])))
        p_fail = 0.004 + 0.09 * (1 - p.quality) ** 2 + (0.35 if p.rapid_test is not None else 0)
        fail_at = rng.randrange(len(picked)) if rng.random() < p_fail else -1
        batch.append(services.ReportIn(sample=sample, items=[_value(rng, x, i == fail_at) for i, x in enumerate(picked)], reported_on=reported_on))
        reported.append((p, sample))
        if len(batch) >= 200:
            counts.reports += len(services.reports_post(reports=batch))
            batch = []
    if batch:
        counts.reports += len(services.reports_post(reports=batch))
    return reported


def _follow_up(rng: random.Random, reported: Sequence[tuple[_Planned, Sample]], end: date, counts: Counts) -> None:
    """Paper deliveries, re-tests and disposal cases of the non-conforming results."""
    ids = [s.pk for _p, s in reported]
    failed = {s.pk: s for s in Sample.objects.filter(pk__in=ids, conclusion=Sample.Conclusion.NONCONFORMING).select_related("operator")}
    counts.nonconforming += len(failed)
    quality = {s.pk: p.quality for p, s in reported}
    for note in Notification.objects.filter(sample_id__in=list(failed), delivered_on__isnull=True).select_related("sample"):
        day = add_working_days(note.sample.reported_on or note.due_on, rng.choice([1, 1, 2, 2, 3, 4]))
        if day <= end:
            services.notification_deliver(notification=note, delivered_on=day)
            counts.notifications_delivered += 1
    retest_batch: list[services.ReportIn] = []
    for sample in failed.values():
        if sample.purpose != Sample.Purpose.ENFORCEMENT or rng.random() > 0.3:
            continue
        last = services.retest_deadline(sample)
        if last is None:
            continue
        applied = add_working_days(last, rng.choice([-6, -4, -2, -1, 0, 0, 2]))
        if applied > end:
            continue
        try:
            services.retest_request(sample=sample, requested_on=applied, reason="对检验结论有异议，申请复检")
        except ShianError:
            counts.retests_refused += 1
            continue
        counts.retests += 1
        received = add_working_days(applied, rng.choice([2, 3, 4]))
        reported_on = add_working_days(received, rng.choice([5, 8, 10, 15]))
        if reported_on > end:
            continue
        services.sample_receive(sample=sample, round=Report.Round.RETEST, received_on=received)
        results = list(sample.reports.get(round=Report.Round.FIRST).results.select_related("limit"))
        overturn = rng.random() < 0.3
        items = [_value(rng, r.limit, r.judgement == "nonconforming" and not overturn) for r in results if r.limit is not None]
        counts.retests_overturned += int(overturn)
        retest_batch.append(services.ReportIn(sample=sample, items=items, round=Report.Round.RETEST, reported_on=reported_on))
    if retest_batch:
        services.reports_post(reports=retest_batch)
    for case in Disposal.objects.filter(sample_id__in=list(failed)).exclude(status=Disposal.Status.CLOSED).select_related("sample"):
        counts.disposals += 1
        q = quality.get(case.sample_id, 0.7)
        if rng.random() > 0.6 + 0.4 * q:
            continue  # a careless operator has not answered yet
        services.disposal_respond(case=case, withdrawal="已下架同批次产品并封存，通知下游客户停止销售", cause_analysis=rng.choice([
            "供货商未按规定使用农药，进货查验不严", "原料验收把关不严", "加工过程卫生控制不到位", "贮存温度控制不当"]))
        close_on = case.opened_on + timedelta(days=rng.choice([20, 35, 50, 70, 85, 100]))
        if close_on > end:
            continue
        services.disposal_verify(case=case, verification="现场核查：问题产品已下架，整改到位",
                                 penalty_case_ref=f"江市监罚〔{case.opened_on.year}〕{case.pk}号" if rng.random() < 0.5 else "")
        services.disposal_close(case=case, closed_on=close_on)
    counts.disposals_closed = Disposal.objects.filter(sample_id__in=ids, status=Disposal.Status.CLOSED).count()
    counts.disposals = Disposal.objects.filter(sample_id__in=ids).count()


def _rapid(rng: random.Random, city: _City, start: date, end: date, counts: Counts) -> list[_Planned]:
    """Rapid tests by each street's station; a positive is often followed by an official sample (returned, to be taken)."""
    stations = list(Organisation.objects.filter(kind=Organisation.Kind.STATION, jurisdiction__isnull=False).select_related("jurisdiction"))
    lab = Organisation.objects.filter(kind=Organisation.Kind.LAB, is_active=True).order_by("code").first()
    follow: list[_Planned] = []
    n = max(len(stations), len(city.operators) // 8)
    span = max(1, (end - start).days)
    for i in range(n):
        station = stations[i % len(stations)] if stations else None
        ops = city.by_street.get(station.jurisdiction_id, []) if station is not None and station.jurisdiction_id is not None else []
        if station is None or not ops:
            continue
        op = rng.choice(ops)
        q = city.quality(op)
        day = start + timedelta(days=rng.randrange(span))
        positive = rng.random() < 0.01 + 0.12 * (1 - q) ** 2
        test = rapid.rapid_test_record(station=station, tested_on=day, item=rng.choice(rapid.RAPID_ITEMS), product_name=rng.choice(list(PRODUCTS.values())),
                                       result="positive" if positive else "negative", operator=op, method="快检试剂盒")
        counts.rapid_tests += 1
        counts.rapid_positive += int(positive)
        follow_day = _weekday(day + timedelta(days=1))
        if positive and lab is not None and rng.random() < 0.7 and follow_day <= end:
            follow.append(_Planned(op, q, city.group_for(op), follow_day, Sample.Purpose.ENFORCEMENT, lab, None, test))
    return follow


def _requests(rng: random.Random, city: _City, start: date, end: date, counts: Counts) -> None:
    resident = User.objects.filter(role=Role.PUBLIC, is_active=True).order_by("id").first() or user_create(
        username="demo_resident", password=secrets.token_urlsafe(16), role=Role.PUBLIC, organisation=None, display_name="居民（演示）")
    stations = {s.jurisdiction_id: s for s in Organisation.objects.filter(kind=Organisation.Kind.STATION, jurisdiction__isnull=False)}
    streets = [j for j in Jurisdiction.objects.filter(pk__in=list(stations)) if city.by_street.get(j.pk)]
    span = max(1, (end - start).days - 3)
    for _ in range(max(5, len(city.operators) // 60)):
        if not streets:
            return
        street = rng.choice(streets)
        market = rng.choice(city.by_street[street.pk])
        bought = start + timedelta(days=rng.randrange(span))
        req = rapid.request_submit(by=resident, street=street, product_name=rng.choice(["豆芽", "米粉", "鲜湿河粉", "腊肠", "韭菜", "猪肉"]),
                                   bought_at=market.name, bought_on=bought, items=rng.choice(["甲醛", "硼砂", "二氧化硫", "农药残留"]))
        counts.requests += 1
        tested = bought + timedelta(days=rng.randint(0, 2))
        if rng.random() < 0.85 and tested <= end:
            q = city.quality(market)
            rapid.request_answer(request=req, station=stations[street.pk], item=req.items, tested_on=tested,
                                 result="positive" if rng.random() < 0.1 * (1 - q) else "negative", method="快检试剂盒")
            counts.requests_published += 1


def generate(seed: int, start: date, end: date) -> dict[str, int]:
    """Create a sampling year for the demo city between ``start`` and ``end`` (clamped to today); returns counts.

    Runs once: when the database already holds samples it adds nothing (the demo is idempotent)."""
    end = min(end, timezone.localdate())
    rng = random.Random(seed ^ 0x5A3971)
    counts = Counts()
    if Sample.objects.exists():
        return counts.as_dict()
    labs = _setup_labs()
    if not labs:
        return counts.as_dict()
    _plans(start, end, counts)
    city = _City(rng)
    samplers = _samplers()
    index = LimitIndex.load()
    planned = _plan_samples(city, labs, start, end)
    follow = _rapid(rng, city, start, end, counts)
    taken = _take(sorted([*planned, *follow], key=lambda p: (p.day, p.operator.pk)), samplers, counts)
    reported = _test(rng, taken, index, end, counts)
    _follow_up(rng, reported, end, counts)
    _requests(rng, city, start, end, counts)
    counts.extra["retests_total"] = Retest.objects.count()
    return counts.as_dict()
