"""The rules table in force: the database's factors, bands and parameters (administrators edit them),
or the seed of :mod:`shian.risk.rules` when the tables are empty (a database flushed by a test)."""

from __future__ import annotations

from shian.risk import scoring
from shian.risk.models import GradeBand, RiskFactor, RiskParameter
from shian.risk.scoring import Band, Factor, RuleTable


def load() -> RuleTable:
    """The table in force (three queries)."""
    seed = scoring.seed_table()
    factors = tuple(Factor(f.code, f.kind, f.name, float(f.weight), float(f.cap), dict(f.points or {}), f.source, f.confidence, f.note)
                    for f in RiskFactor.objects.order_by("order", "code"))
    bands = tuple(Band(b.grade, float(b.lower), float(b.upper) if b.upper is not None else None) for b in GradeBand.objects.order_by("grade"))
    params = {p.code: float(p.value) for p in RiskParameter.objects.all()}
    return RuleTable(factors or seed.factors, bands or seed.bands, params.get("warning_jump", seed.warning_jump))


def ensure_seeded() -> None:
    """Write the seed rows that are missing (the data migration calls the same; tests after a flush may call it)."""
    from shian.risk import rules

    have = set(RiskFactor.objects.values_list("code", flat=True))
    RiskFactor.objects.bulk_create([RiskFactor(code=s.code, kind=s.kind, name=s.name, weight=s.weight, cap=s.cap, points=s.points,
                                               source=s.source.text, confidence=s.source.confidence, note=s.note, order=s.order)
                                    for s in rules.FACTORS if s.code not in have])
    if not GradeBand.objects.exists():
        GradeBand.objects.bulk_create([GradeBand(grade=g, lower=lo, upper=hi, source=rules.BANDS_SOURCE.text, confidence=rules.BANDS_SOURCE.confidence)
                                       for g, lo, hi in rules.BANDS])
    have = set(RiskParameter.objects.values_list("code", flat=True))
    RiskParameter.objects.bulk_create([RiskParameter(code=p.code, name=p.name, value=p.value, source=p.source.text, confidence=p.source.confidence)
                                       for p in rules.PARAMETERS if p.code not in have])
