"""An operator's credit standing from its records: what counts, what is shown, the level (pure functions).

A record *counts* for the level from its date until ``effect_until`` unless it was repaired or
withdrawn; it is *displayed* publicly while ``public`` and before ``display_until`` on the same
conditions. :mod:`shian.credit.sanctions` computes the same counts in SQL for many operators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shian.credit import rules


def in_effect(record: Any, today: date) -> bool:
    """True if the record counts for the credit level on ``today``."""
    return not record.withdrawn and not record.repaired and record.occurred_on <= today < record.effect_until


def displayed(record: Any, today: date) -> bool:
    """True if the record may be shown on the public profile on ``today``."""
    return (record.public and not record.withdrawn and not record.repaired and record.display_until is not None
            and record.occurred_on <= today < record.display_until)


def penalty_window_start(today: date) -> date:
    """Penalties decided after this date are "within a year" (Food Safety Law Art 134)."""
    return rules.add_months(today, -12)


def counts_of(records: Iterable[Any], today: date) -> dict[str, int]:
    """The counts the level rules look at (see :data:`rules.COUNT_NAMES`)."""
    out = dict.fromkeys(rules.COUNT_NAMES, 0)
    start = penalty_window_start(today)
    for r in records:
        if r.kind == "penalty" and not r.withdrawn and start < r.occurred_on <= today:
            out["penalties_12m"] += 1
        if not in_effect(r, today):
            continue
        if r.kind == "listing":
            out["listing"] += 1
        elif r.severity in rules.SEVERITIES:
            out[r.severity] += 1
    return out


@dataclass
class Standing:
    """The level, why, and the sanction triggers it brings."""

    level: str
    decided_by: list[str]
    counts: dict[str, int]
    triggers: list[str]
    contributing: list[Any] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return str(rules.LEVEL_LABELS.get(self.level, self.level))

    def count_lines(self) -> list[tuple[str, int]]:
        """Every count with its label, for the profile page."""
        return [(str(label), self.counts.get(name, 0)) for name, label in rules.COUNT_NAMES.items()]

    def explanation(self) -> list[str]:
        """One line per count that decided the level, in the active language."""
        return [f"{rules.COUNT_NAMES[name]}: {self.counts.get(name, 0)}" for name in self.decided_by if name in rules.COUNT_NAMES]


def standing_of(records: Iterable[Any], today: date) -> Standing:
    """The standing of one operator from all its records (pure)."""
    records = list(records)
    counts = counts_of(records, today)
    level, decided_by = rules.level_for(counts)
    contributing = [r for r in records if in_effect(r, today) and not r.is_positive]
    return Standing(level, decided_by, counts, rules.triggers_for(level=level, counts=counts), contributing)


def standing_if_repaired(records: Iterable[Any], repaired_ids: set[int], today: date) -> Standing:
    """The standing as it would be if the records with these ids were repaired (the what-if view)."""

    @dataclass
    class _As:
        base: Any

        def __getattr__(self, name: str) -> Any:
            if name == "repaired":
                return self.base.repaired or self.base.pk in repaired_ids
            return getattr(self.base, name)

    return standing_of([_As(r) for r in records], today)
