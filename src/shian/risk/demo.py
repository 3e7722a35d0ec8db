"""Demo data: the demo city graded from its own events, with a grade history and risk warnings, and the
targeting model trained on its inspection history.

Called by the demo generator (the lead wires it in) after the inspection, sampling and credit demos, as
``generate(seed, start, end)``. Everything goes through the services: a mid-period assessment and the
assessment at ``end`` (each reads the 12 months before its day, so the second sees the whole period and
the jumps between them become warnings), then :func:`shian.risk.retrain.retrain` on the closed
inspections up to ``end`` with two candidate parameter sets (the job tries six), skipped when the
history is too small. Deterministic for the same city (the seed is not needed: nothing is drawn at random);
nothing is done when the city has already been assessed.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from shian.core.context import acting_as
from shian.core.errors import Invalid
from shian.risk import retrain, services, targeting
from shian.risk.models import RiskGrade, RiskWarning

DEMO_CANDIDATES = (targeting.DEFAULT_CANDIDATES[0], targeting.DEFAULT_CANDIDATES[-1])


def generate(seed: int, start: date, end: date) -> dict[str, int]:
    """Grade the demo city at mid-period and at ``end``, then train the targeting model; returns counts."""
    end = min(end, timezone.localdate())
    if RiskGrade.objects.filter(source=RiskGrade.Source.ASSESSMENT).exists():
        return {"risk_graded": RiskGrade.objects.filter(is_current=True).count()}
    middle = start + (end - start) / 2
    counts: dict[str, int] = {}
    with acting_as(None, label="demo"):
        first = services.regrade(today=middle, reason="年中风险评定（演示）")
        second = services.regrade(today=end, reason="年度风险评定（演示）")
        counts["risk_graded"] = second.graded
        counts["risk_grade_changes"] = first.changed + second.changed
        counts["risk_warnings"] = RiskWarning.objects.count()
        counts.update({f"risk_grade_{g}": n for g, n in sorted(second.by_grade.items())})
        try:
            version = retrain.retrain(until=end, candidates=DEMO_CANDIDATES)
        except Invalid:
            counts["risk_targeting_skipped"] = 1
        else:
            counts["risk_targeting_examples"] = version.examples
            counts["risk_targeting_positives"] = version.positives
    return counts
