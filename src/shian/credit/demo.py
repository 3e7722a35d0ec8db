"""Demo data: a year of credit records, listings, repairs, restaurant points and hygiene grades.

Called by the demo generator (the lead wires it in) as ``generate(seed, start, end)``. Facts from the
inspection and sampling modules are synced when the demo city has them; penalties, verified
complaints, commitments and awards are drawn from each operator's hidden quality
(:class:`shian.demo.models.SimulatedOperator`: a careless business is penalised more, and more
seriously); restaurants get violation points and, when the demo has no inspections of its own,
simulated hygiene grades. Listings and repairs go through the services, so the audit trail, the
rules and the working-day deadlines apply as in real use; the many plain records go in with bulk
inserts and their change log entries (as the import does).

Deterministic for a seed; nothing is generated when the credit file already has records.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shian.core import audit
from shian.core.context import acting_as
from shian.core.db import bulk_insert
from shian.credit import rules, services
from shian.credit.models import CreditRecord, HygieneGrade, ViolationPoint
from shian.registry.models import Operator

DEFAULT_QUALITY = 0.75
DISTRICT_SHORT = {"440703": "蓬", "440704": "江", "440705": "新", "440781": "台", "440783": "开", "440784": "鹤", "440785": "恩"}

PENALTY_FACTS = [
    ("minor", "未按规定公示食品经营许可证", "《食品安全法》第一百二十六条第一款"),
    ("minor", "未按规定开展食品安全自查", "《食品安全法》第一百二十六条第一款"),
    ("minor", "从业人员未按规定穿戴工作衣帽", "《食品安全法》第一百二十六条第一款"),
    ("moderate", "未查验供货者许可证和食品合格证明", "《食品安全法》第一百二十六条第一款第（三）项"),
    ("moderate", "从业人员未取得健康证明上岗", "《食品安全法》第一百二十六条第一款第（六）项"),
    ("moderate", "餐具饮具未按规定清洗消毒", "《食品安全法》第一百二十六条第一款第（五）项"),
    ("moderate", "经营超过保质期的食品", "《食品安全法》第一百二十四条第一款第（五）项"),
    ("serious", "使用非食品原料加工食品", "《食品安全法》第一百二十三条第一款第（一）项"),
    ("serious", "经营病死畜禽肉类", "《食品安全法》第一百二十三条第一款第（四）项"),
    ("serious", "超范围超限量使用食品添加剂，情节严重", "《食品安全法》第一百二十四条第一款第（三）项"),
]
COMPLAINTS = ["投诉核实：就餐后腹泻，后厨卫生不达标", "投诉核实：销售过期食品", "投诉核实：餐具有污渍"]
COMMITMENT = "本单位承诺严格遵守《食品安全法》，落实食品安全主体责任，自愿接受社会监督。"
AWARDS = ["食品安全示范店", "放心消费承诺单位", "餐饮服务食品安全量化分级A级单位"]
POINT_VIOLATIONS = [(1, "食品经营许可证未在显著位置悬挂"), (1, "废弃物容器未加盖"), (2, "从业人员健康证明过期"), (2, "生熟食品混放"),
                    (5, "使用超过保质期的食品原料"), (5, "未按规定留样")]


def _on(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _severity(rng: random.Random, quality: float) -> str:
    """Careless businesses are penalised more seriously."""
    serious = 0.03 + 0.25 * (1 - quality) ** 2
    moderate = 0.35 + 0.2 * (1 - quality)
    roll = rng.random()
    return "serious" if roll < serious else "moderate" if roll < serious + moderate else "minor"


def _record(op_id: int, kind: str, severity: str, title: str, on: date, *, ref: str, ground: str = "", number: str = "",
            facts: str = "") -> CreditRecord:
    return CreditRecord(operator_id=op_id, kind=kind, severity=severity, title=title, facts=facts, legal_ground=ground, decision_number=number,
                        source_ref=ref, occurred_on=on, **services.periods(kind, severity, on))


def _bulk(model: Any, rows: list[Any]) -> None:
    bulk_insert(model, rows)
    audit.record_changes_bulk(rows, operator=lambda o: o.operator_id)


def _population() -> tuple[list[tuple[int, float, str]], set[int]]:
    ops = [(pk, q if q is not None else DEFAULT_QUALITY, path) for pk, q, path in
           Operator.objects.filter(status=Operator.Status.ACTIVE).order_by("pk").values_list("pk", "simulation__quality", "jurisdiction__path")]
    catering = set(Operator.types.through.objects.filter(operatortype__code__in=rules.CATERING_TYPES).values_list("operator_id", flat=True))
    return ops, catering


def _district(path: str) -> str:
    parts = path.split("/")
    return DISTRICT_SHORT.get(parts[1] if len(parts) > 1 else "", "门")


def generate(seed: int, start: date, end: date) -> dict[str, int]:
    """A year (``start``..``end``) of credit data for the demo city; returns counts by kind."""
    end = min(end, timezone.localdate())
    counts: dict[str, int] = {}
    if CreditRecord.objects.exists():
        return {"credit_records": CreditRecord.objects.count()}
    rng = random.Random(seed)
    ops, catering = _population()
    with acting_as(None, label="demo"), transaction.atomic():
        synced = services.sync(since=start, until=end, today=end)
        counts.update({"credit_synced_records": synced.created, "credit_synced_points": synced.points, "credit_dynamic_grades": synced.hygiene})
        records, points = _manual_records(rng, ops, catering, start, end, counts)
        _bulk(CreditRecord, records)
        _bulk(ViolationPoint, points)
        if not synced.hygiene:
            _simulated_hygiene(rng, ops, catering, start, end, counts)
        else:
            counts["credit_annual_grades"] = services.hygiene_annual(year=end.year)
        _listings_and_repairs(rng, [r for r in records if r.kind == "penalty"], {pk: q for pk, q, _p in ops}, end, counts)
    counts["credit_records"] = CreditRecord.objects.count()
    return counts


def _manual_records(rng: random.Random, ops: Iterable[tuple[int, float, str]], catering: set[int], start: date, end: date,
                    counts: dict[str, int]) -> tuple[list[CreditRecord], list[ViolationPoint]]:
    records: list[CreditRecord] = []
    points: list[ViolationPoint] = []
    number = 0
    by_kind = dict.fromkeys(("penalty", "complaint", "commitment", "award"), 0)
    for pk, quality, path in ops:
        for _n in range(rng.choices((0, 1, 2, 3), weights=(1, 0.02 + 0.3 * (1 - quality) ** 2, 0.1 * (1 - quality) ** 3, 0.02 * (1 - quality) ** 3))[0]):
            severity = _severity(rng, quality)
            _sev, title, ground = rng.choice([f for f in PENALTY_FACTS if f[0] == severity])
            on = _on(rng, start, end)
            number += 1
            decision = f"江{_district(path)}市监罚〔{on.year}〕{number}号"
            records.append(_record(pk, "penalty", severity, title, on, ref=f"penalty:{decision}", ground=ground, number=decision,
                                   facts="经立案调查，当事人的行为违反了食品安全法律法规。"))
            by_kind["penalty"] += 1
            if pk in catering:
                points.append(ViolationPoint(operator_id=pk, points=rules.POINTS_PER_PENALTY[severity], violation=title, occurred_on=on,
                                             source_ref=f"penalty:{decision}"))
        if rng.random() < 0.04 * (1 - quality):
            records.append(_record(pk, "complaint", rng.choice(("minor", "moderate")), rng.choice(COMPLAINTS), _on(rng, start, end),
                                   ref=f"complaint:demo-{pk}-{rng.getrandbits(32):08x}"))
            by_kind["complaint"] += 1
        if rng.random() < 0.35 * quality:
            records.append(_record(pk, "commitment", "", "食品安全信用承诺书", _on(rng, start, end), ref=f"commitment:demo-{pk}", facts=COMMITMENT))
            by_kind["commitment"] += 1
        if quality > 0.9 and rng.random() < 0.05:
            records.append(_record(pk, "award", "", rng.choice(AWARDS), _on(rng, start, end), ref=f"award:demo-{pk}"))
            by_kind["award"] += 1
        if pk in catering and rng.random() < 0.6 * (1 - quality):
            for i in range(rng.randint(1, 4)):
                value, text = rng.choice(POINT_VIOLATIONS)
                points.append(ViolationPoint(operator_id=pk, points=value, violation=text, occurred_on=_on(rng, start, end),
                                             source_ref=f"points:demo-{pk}-{i}"))
    plural = {"penalty": "credit_penalties", "complaint": "credit_complaints", "commitment": "credit_commitments", "award": "credit_awards"}
    counts.update({plural[k]: v for k, v in by_kind.items()})
    counts["credit_points"] = len(points)
    return records, points


def _simulated_hygiene(rng: random.Random, ops: Iterable[tuple[int, float, str]], catering: set[int], start: date, end: date,
                       counts: dict[str, int]) -> None:
    """Dynamic grades after simulated inspections and the annual grade of the year, for a demo without inspections."""
    grades: list[HygieneGrade] = []
    annual = 0
    for pk, quality, _path in ops:
        if pk not in catering:
            continue
        scores = []
        for i in range(rng.randint(1, 3)):
            roll = rng.random()
            result = "compliant" if roll < quality * 0.8 else "basically_compliant" if roll < 0.9 else "non_compliant"
            key = 0 if result != "non_compliant" else rng.randint(1, 3)
            scores.append(rules.inspection_score(result, key))
            grades.append(HygieneGrade(operator_id=pk, kind=HygieneGrade.Kind.DYNAMIC, grade=rules.DYNAMIC_GRADES[result],
                                       score=Decimal(scores[-1]), assessed_on=_on(rng, start, end), source_ref=f"dynamic:demo-{pk}-{i}"))
        score = Decimal(str(round(sum(scores) / len(scores), 1)))
        grade = rules.annual_grade(score)
        if grade:
            grades.append(HygieneGrade(operator_id=pk, kind=HygieneGrade.Kind.ANNUAL, grade=grade, score=score, assessed_on=end, year=end.year,
                                       source_ref=f"annual:{pk}:{end.year}"))
            annual += 1
    _bulk(HygieneGrade, grades)
    counts["credit_dynamic_grades"] = len(grades) - annual
    counts["credit_annual_grades"] = annual


def _listings_and_repairs(rng: random.Random, penalties: list[CreditRecord], quality: dict[int, float], end: date, counts: dict[str, int]) -> None:
    """List some serious violators (a few proposals rejected) and let some operators repair moderate records."""
    listings = rejected = approved = refused = 0
    serious = [p for p in penalties if p.severity == "serious"]
    rng.shuffle(serious)
    listed_ops: set[int] = set()
    for p in serious[: max(1, len(serious) // 5)] if serious else []:
        if p.operator_id in listed_ops:
            continue
        proposed_on = min(p.occurred_on + timedelta(days=rng.randint(5, 20)), end)
        listing = services.listing_propose(penalty=p, ground=rng.choice(list(rules.LISTING_GROUNDS)), facts=f"{p.title}，受到较重行政处罚。",
                                           proposed_on=proposed_on)
        decided_on = min(proposed_on + timedelta(days=rng.randint(3, 15)), end)
        if rng.random() < 0.85:
            services.listing_decide(listing=listing, approve=True, decided_on=decided_on)
            listed_ops.add(p.operator_id)
            listings += 1
        else:
            services.listing_decide(listing=listing, approve=False, reason="违法行为不属于情节严重，不予列入。", decided_on=decided_on)
            rejected += 1
    blocking: dict[int, list[date]] = {}
    for p in penalties:
        if p.severity in rules.BLOCKING_PENALTY:
            blocking.setdefault(p.operator_id, []).append(p.occurred_on)
    for p in penalties:
        if p.severity != "moderate" or p.repair_from is None or p.repair_from > end or rng.random() > 0.3 + 0.4 * quality.get(p.operator_id, 0.5):
            continue
        if any(d > p.occurred_on for d in blocking.get(p.operator_id, [])):
            continue  # a later penalty: not eligible (the page would refuse it)
        applied_on = p.repair_from + timedelta(days=rng.randint(0, max(0, min(60, (end - p.repair_from).days))))
        app = services.repair_apply(record=p, obligations_fulfilled=True, evidence="罚款已缴纳，整改已完成，已签署信用修复承诺书。", applied_on=applied_on)
        decided_on = min(applied_on + timedelta(days=rng.randint(1, 8)), end)
        if rng.random() < 0.85:
            services.repair_decide(application=app, approve=True, decided_on=decided_on)
            approved += 1
        else:
            services.repair_decide(application=app, approve=False, reason="提交的缴款凭证与处罚决定不符，请补正后重新申请。", decided_on=decided_on,
                                   earliest_date=decided_on + timedelta(days=1))
            refused += 1
    counts.update({"credit_listings": listings, "credit_listings_rejected": rejected, "credit_repairs_approved": approved,
                   "credit_repairs_refused": refused})
