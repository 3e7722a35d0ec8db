"""The risk score of an operator from its facts (pure: no database).

:func:`score` applies a :class:`RuleTable` (the factor table, the grade bands) to an
:class:`OperatorFacts` and returns a :class:`Scored`: every factor's raw points, contribution
and the input it came from, the static and dynamic sums, the grade of the score's band and the
grade after adjustments. :func:`band_problems` checks that bands tile the scores without gap or
overlap. :func:`describe` turns a factor's stored input into a sentence for the grade page.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from shian.risk import rules

GRADES = rules.GRADES


@dataclass(frozen=True)
class Factor:
    code: str
    kind: str
    name: str
    weight: float
    cap: float
    points: Mapping[str, Any]
    source: str = ""
    confidence: str = "U"
    note: str = ""


@dataclass(frozen=True)
class Band:
    grade: str
    lower: float
    upper: float | None

    def contains(self, value: float, *, first: bool) -> bool:
        above = value >= self.lower if first else value > self.lower
        return above and (self.upper is None or value <= self.upper)


@dataclass(frozen=True)
class RuleTable:
    factors: tuple[Factor, ...]
    bands: tuple[Band, ...]
    warning_jump: float = 10.0

    @property
    def digest(self) -> str:
        """A short fingerprint of the rules (stored with each grade: which rules gave it)."""
        payload = {"f": [[f.code, f.kind, f.weight, f.cap, dict(f.points)] for f in self.factors],
                   "b": [[b.grade, b.lower, b.upper] for b in self.bands]}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def grade_for(self, value: float) -> str:
        """The grade of a score (a score below every band gets the lowest grade, above every band the highest)."""
        ordered = self.__dict__.get("_ordered")
        if ordered is None:  # (grade, lower, upper, first) by lower bound, computed once: a cache, not a field
            bands = sorted(self.bands, key=lambda b: b.lower)
            ordered = self.__dict__["_ordered"] = [(b.grade, b.lower, b.upper, i == 0) for i, b in enumerate(bands)]
        if not ordered:
            return "B"
        for grade, lower, upper, first in ordered:
            if (value >= lower if first else value > lower) and (upper is None or value <= upper):
                return grade  # type: ignore[no-any-return]
        return ordered[0][0] if value < ordered[0][1] else ordered[-1][0]  # type: ignore[no-any-return]

    @property
    def max_static(self) -> float:
        return sum(f.cap for f in self.factors if f.kind == rules.STATIC)

    @property
    def max_dynamic(self) -> float:
        return sum(f.cap for f in self.factors if f.kind == rules.DYNAMIC)


def seed_table() -> RuleTable:
    """The table of :mod:`shian.risk.rules` (what the migration seeds)."""
    factors = tuple(Factor(s.code, s.kind, s.name, float(s.weight), float(s.cap), dict(s.points), s.source.text, s.source.confidence, s.note)
                    for s in rules.FACTORS)
    bands = tuple(Band(g, float(lo), float(hi) if hi is not None else None) for g, lo, hi in rules.BANDS)
    jump = next((p.value for p in rules.PARAMETERS if p.code == "warning_jump"), 10.0)
    return RuleTable(factors, bands, float(jump))


# --- facts ----------------------------------------------------------------------------------------

@dataclass
class OperatorFacts:
    """What the score reads about one operator (the last 12 months for the dynamic part)."""

    id: int
    name: str = ""
    scale: str = "small"
    types: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    inspections: list[tuple[str, int]] = field(default_factory=list)  # (result, key failures)
    samples: list[str] = field(default_factory=list)  # purpose of each non-conforming sample (final conclusion)
    disposals_late: int = 0
    penalties: list[str] = field(default_factory=list)  # severity of each penalty
    complaints: int = 0
    credit_level: str = "A"
    listed: bool = False
    points_grade: str = "甲"
    incidents: int = 0
    recalls: int = 0


# --- factors --------------------------------------------------------------------------------------

Raw = tuple[float, dict[str, Any]]


def _lookup(points: Mapping[str, Any], key: str) -> float:
    value = points.get(key, points.get("*", 0))
    return float(value or 0)


def _food_category(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    if not f.categories:
        return _lookup(p, "*"), {"categories": []}
    best = max(sorted(f.categories), key=lambda c: _lookup(p, c))
    return _lookup(p, best), {"categories": sorted(f.categories), "riskiest": best}


def _operator_type(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    if not f.types:
        return _lookup(p, "*"), {"types": []}
    best = max(sorted(f.types), key=lambda t: _lookup(p, t))
    return _lookup(p, best), {"types": sorted(f.types), "riskiest": best}


def _scale(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    return _lookup(p, f.scale), {"scale": f.scale}


def population_keys(points: Mapping[str, Any]) -> tuple[tuple[str, str, str, float], ...]:
    """The special-population table parsed once: (key, kind, value, points) for ``type:…``, ``category:…``, ``name:…`` keys."""
    out = []
    for key, value in sorted(points.items()):
        kind, _sep, what = str(key).partition(":")
        out.append((str(key), kind, what, float(value or 0)))
    return tuple(out)


def _special_population_parsed(f: OperatorFacts, keys: tuple[tuple[str, str, str, float], ...]) -> Raw:
    matched: list[str] = []
    best = 0.0
    for key, kind, value, points in keys:
        if (kind == "type" and value in f.types) or (kind == "category" and value in f.categories) or (kind == "name" and value and value in f.name):
            matched.append(key)
            best = max(best, points)
    return best, {"matched": matched}


def _special_population(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    return _special_population_parsed(f, population_keys(p))


def _inspections(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    counts = {"non_compliant": 0, "basically_compliant": 0, "compliant": 0}
    keys = 0
    for result, key_failures in f.inspections:
        counts[result] = counts.get(result, 0) + 1
        keys += key_failures
    raw = sum(float(p.get(r, 0) or 0) * n for r, n in counts.items() if r != "compliant") + float(p.get("key_failure", 0) or 0) * keys
    return raw, {**counts, "key_failures": keys}


def _sampling(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    by_purpose: dict[str, int] = {}
    for purpose in f.samples:
        by_purpose[purpose] = by_purpose.get(purpose, 0) + 1
    return sum(_lookup(p, k) * n for k, n in by_purpose.items()), {"nonconforming": by_purpose}


def _disposal(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    return float(p.get("late", 0) or 0) * f.disposals_late, {"late": f.disposals_late}


def _penalties(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    by_severity: dict[str, int] = {}
    for s in f.penalties:
        by_severity[s] = by_severity.get(s, 0) + 1
    return sum(float(p.get(k, 0) or 0) * n for k, n in by_severity.items()), {"penalties": by_severity}


def _each(attr: str) -> Callable[[OperatorFacts, Mapping[str, Any]], Raw]:
    def evaluate(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
        n = int(getattr(f, attr))
        return float(p.get("each", 0) or 0) * n, {"count": n}

    return evaluate


def _credit_level(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    return float(p.get(f.credit_level, 0) or 0), {"level": f.credit_level}


def _violation_points(f: OperatorFacts, p: Mapping[str, Any]) -> Raw:
    return float(p.get(f.points_grade, 0) or 0), {"grade": f.points_grade}


EVALUATORS: dict[str, Callable[[OperatorFacts, Mapping[str, Any]], Raw]] = {
    "food_category": _food_category,
    "operator_type": _operator_type,
    "scale": _scale,
    "special_population": _special_population,
    "inspections": _inspections,
    "sampling": _sampling,
    "disposal": _disposal,
    "penalties": _penalties,
    "complaints": _each("complaints"),
    "credit_level": _credit_level,
    "violation_points": _violation_points,
    "incidents": _each("incidents"),
    "recalls": _each("recalls"),
}

ADJUSTMENTS: dict[str, Callable[[OperatorFacts], bool]] = {
    "listed": lambda f: f.listed,
    "points_ding": lambda f: f.points_grade == "丁",
}


# --- the score ------------------------------------------------------------------------------------

class Contribution(NamedTuple):
    """One factor's part: raw points from the input, and what it adds (``min(cap, weight × raw)``; levels for adjustments)."""

    code: str
    kind: str
    raw: float
    points: float
    detail: dict[str, Any]


@dataclass(frozen=True)
class Scored:
    operator_id: int
    score: float
    static: float
    dynamic: float
    score_grade: str
    grade: str
    levels: int
    contributions: tuple[Contribution, ...]

    def compact(self) -> dict[str, list[Any]]:
        """What a grade row stores: ``{code: [points, raw, detail]}``."""
        return {c.code: [c.points, c.raw, c.detail] for c in self.contributions}


def _round(x: float) -> float:
    return round(x + 0.0, 2)


def raise_grade(grade: str, levels: int) -> str:
    return GRADES[min(len(GRADES) - 1, max(0, GRADES.index(grade) + levels))]


def _compile(table: RuleTable) -> tuple[tuple[Factor, Any, Any], ...]:
    """Per factor: the evaluator (or adjustment check) and, for the special population, its parsed table (once per table)."""
    cached = table.__dict__.get("_compiled")
    if cached is None:
        cached = tuple((f, ADJUSTMENTS.get(f.code) if f.kind == rules.ADJUSTMENT else EVALUATORS.get(f.code),
                        population_keys(f.points) if f.code == "special_population" else None) for f in table.factors)
        table.__dict__["_compiled"] = cached  # a frozen dataclass still has a __dict__: a cache, not a field
    return cached  # type: ignore[no-any-return]


def score(facts: OperatorFacts, table: RuleTable) -> Scored:
    """Apply the table to one operator's facts."""
    parts: list[Contribution] = []
    static = dynamic = 0.0
    levels = 0
    for factor, evaluate, keys in _compile(table):
        if factor.kind == rules.ADJUSTMENT:
            applies = bool(evaluate(facts)) if evaluate is not None else False
            n = int(factor.weight) if applies else 0
            levels += n
            parts.append(Contribution(factor.code, factor.kind, 1.0 if applies else 0.0, float(n), {"applies": applies}))
            continue
        if keys is not None:
            raw, detail = _special_population_parsed(facts, keys)
        elif evaluate is not None:
            raw, detail = evaluate(facts, factor.points)
        else:
            raw, detail = 0.0, {"unknown": True}
        points = _round(min(factor.cap, factor.weight * raw))
        if factor.kind == rules.STATIC:
            static += points
        else:
            dynamic += points
        parts.append(Contribution(factor.code, factor.kind, _round(raw), points, detail))
    total = _round(static + dynamic)
    band = table.grade_for(total)
    return Scored(facts.id, total, _round(static), _round(dynamic), band, raise_grade(band, levels), levels, tuple(parts))


# --- bands ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BandProblem:
    code: str  # bands_gap, bands_overlap, bands_order, bands_start, bands_open_end, bands_missing, band_empty
    bands: tuple[str, ...]
    message: str


def _fmt(x: float | None) -> str:
    if x is None:
        return "∞"
    return f"{x:g}"


def band_problems(bands: Sequence[Band]) -> list[BandProblem]:
    """Everything wrong with a set of bands: each grade once, A to D upwards, starting at 0, no gap or overlap, D open-ended."""
    out: list[BandProblem] = []
    grades = [b.grade for b in bands]
    missing = [g for g in GRADES if g not in grades]
    if missing or len(grades) != len(set(grades)):
        out.append(BandProblem("bands_missing", tuple(missing) or tuple(GRADES),
                               _("Give each grade A, B, C and D exactly one band (missing or repeated: %(bands)s).")
                               % {"bands": "、".join(missing or sorted({g for g in grades if grades.count(g) > 1}))}))
        return out
    by_grade = {b.grade: b for b in bands}
    ordered = [by_grade[g] for g in GRADES]
    for b in ordered:
        if b.upper is not None and b.upper <= b.lower:
            out.append(BandProblem("band_empty", (b.grade,), _("Band %(band)s is empty: its upper bound %(upper)s is not above its lower bound %(lower)s.")
                                   % {"band": b.grade, "upper": _fmt(b.upper), "lower": _fmt(b.lower)}))
    if ordered[0].lower != 0:
        out.append(BandProblem("bands_start", (ordered[0].grade,), _("Band %(band)s must start at 0 (it starts at %(lower)s).")
                               % {"band": ordered[0].grade, "lower": _fmt(ordered[0].lower)}))
    for prev, nxt in itertools.pairwise(ordered):
        if prev.upper is None:
            out.append(BandProblem("bands_overlap", (prev.grade, nxt.grade),
                                   _("Bands %(a)s and %(b)s overlap: %(a)s has no upper bound, so it covers every score from %(lower)s.")
                                   % {"a": prev.grade, "b": nxt.grade, "lower": _fmt(prev.lower)}))
        elif nxt.lower > prev.upper:
            out.append(BandProblem("bands_gap", (prev.grade, nxt.grade),
                                   _("Bands %(a)s and %(b)s leave a gap: no grade for scores above %(upper)s up to %(lower)s.")
                                   % {"a": prev.grade, "b": nxt.grade, "upper": _fmt(prev.upper), "lower": _fmt(nxt.lower)}))
        elif nxt.lower < prev.upper:
            out.append(BandProblem("bands_overlap", (prev.grade, nxt.grade),
                                   _("Bands %(a)s and %(b)s overlap: scores above %(lower)s up to %(upper)s fall in both.")
                                   % {"a": prev.grade, "b": nxt.grade, "lower": _fmt(nxt.lower), "upper": _fmt(prev.upper)}))
    if ordered[-1].upper is not None:
        out.append(BandProblem("bands_open_end", (ordered[-1].grade,),
                               _("Band %(band)s must have no upper bound, or scores above %(upper)s get no grade.")
                               % {"band": ordered[-1].grade, "upper": _fmt(ordered[-1].upper)}))
    return out


# --- explanations ---------------------------------------------------------------------------------

def _labels() -> dict[str, str]:
    from shian.registry.models import Operator

    return {
        "enforcement": _("enforcement sampling"), "monitoring": _("risk monitoring"),
        "minor": _("minor"), "moderate": _("moderate"), "serious": _("serious"),
        **{k: str(v) for k, v in Operator.Scale.choices},
    }


def describe(code: str, detail: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """A factor's input in words (the active language), from what the grade row stored.

    ``names`` maps operator-type and food-category codes to their names (the page loads them once).
    """
    if not detail:
        return ""
    names = names or {}
    labels = _labels()

    def name(c: str) -> str:
        return names.get(c) or labels.get(c) or c

    def counted(found: Mapping[str, Any]) -> str:
        return "、".join(f"{name(k)} {v}" for k, v in sorted(found.items())) or "0"

    if code == "food_category":
        cats = detail.get("categories") or []
        if not cats:
            return _("No business scope recorded")
        return _("Business scope: %(codes)s; riskiest: %(code)s") % {"codes": "、".join(name(c) for c in cats), "code": name(detail.get("riskiest", ""))}
    if code == "operator_type":
        types = detail.get("types") or []
        return _("Types: %(codes)s") % {"codes": "、".join(name(t) for t in types)} if types else _("No operator type recorded")
    if code == "scale":
        return _("Scale: %(scale)s") % {"scale": name(detail.get("scale", ""))}
    if code == "special_population":
        matched = detail.get("matched") or []
        what = "、".join(name(m.split(":", 1)[-1]) for m in matched)
        return _("Serves: %(what)s") % {"what": what} if matched else _("No special population served")
    if code == "inspections":
        return _("%(nc)s non-compliant, %(bc)s basically compliant, %(ok)s compliant; %(keys)s key items failed") % {
            "nc": detail.get("non_compliant", 0), "bc": detail.get("basically_compliant", 0), "ok": detail.get("compliant", 0),
            "keys": detail.get("key_failures", 0)}
    if code == "sampling":
        return _("Non-conforming samples: %(n)s") % {"n": counted(detail.get("nonconforming") or {})}
    if code == "disposal":
        return _("Disposal cases late or overdue: %(n)s") % {"n": detail.get("late", 0)}
    if code == "penalties":
        return _("Penalties: %(n)s") % {"n": counted(detail.get("penalties") or {})}
    if code in ("complaints", "incidents", "recalls"):
        return _("Count: %(n)s") % {"n": detail.get("count", 0)}
    if code == "credit_level":
        return _("Credit level %(level)s") % {"level": detail.get("level", "")}
    if code == "violation_points":
        return _("Violation-point grade %(grade)s") % {"grade": detail.get("grade", "")}
    if "applies" in detail:
        return _("Applies") if detail["applies"] else _("Does not apply")
    return ""
