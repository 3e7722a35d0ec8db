"""The double-random draw (双随机) as pure functions over published data, and its check.

Stage 1 draws ``count`` targets from the target pool (operators' USCCs) with the seed, exactly as
:func:`shian.core.draws.draw` does. Stage 2, for each drawn target ``t`` in draw order, ranks the
inspector pool (badge numbers) minus the inspectors excluded for ``t`` (recusal: a configured
conflict of interest, or having inspected ``t`` last time) with the sub-seed
``sub_seed(seed, t)`` and takes the first ``k``. The published record holds the seed, both pools,
the count, ``k`` and each target's excluded keys, so anyone can repeat both stages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shian.core import draws


@dataclass(frozen=True)
class Assignment:
    """One drawn target with its inspectors and the inspectors excluded for it."""

    target: str
    inspectors: tuple[str, ...]
    excluded: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"target": self.target, "inspectors": list(self.inspectors), "excluded": list(self.excluded)}


class TooFewInspectors(Exception):
    """Recusal leaves fewer than ``k`` inspectors for a target."""

    def __init__(self, target: str, available: int, needed: int) -> None:
        super().__init__(target)
        self.target = target
        self.available = available
        self.needed = needed


def draw_targets(targets: Sequence[str], count: int, seed: str) -> draws.Draw:
    return draws.draw(targets, count, seed)


def assign_inspectors(drawn: Sequence[str], inspectors: Sequence[str], per_inspection: int, seed: str,
                      excluded: Mapping[str, set[str]]) -> list[Assignment]:
    """Stage 2: the inspectors of each drawn target (raises :class:`TooFewInspectors`)."""
    pool = set(inspectors)
    out = []
    for target in drawn:
        out_for_target = sorted(excluded.get(target, set()) & pool)
        eligible = sorted(pool - set(out_for_target))
        if len(eligible) < per_inspection:
            raise TooFewInspectors(target, len(eligible), per_inspection)
        chosen = draws.rank(eligible, draws.sub_seed(seed, target))[:per_inspection]
        out.append(Assignment(target, tuple(chosen), tuple(out_for_target)))
    return out


@dataclass(frozen=True)
class Published:
    """Everything a draw publishes."""

    seed: str
    target_keys: Sequence[str]
    target_pool_hash: str
    inspector_keys: Sequence[str]
    inspector_pool_hash: str
    count: int
    per_inspection: int
    assignments: Sequence[Assignment]


def verify(p: Published) -> list[str]:
    """Re-run both stages from the published data; the list of problems is empty when the draw checks out."""
    problems = []
    targets = tuple(a.target for a in p.assignments)
    stage1 = draws.Draw(seed=p.seed, pool_hash=p.target_pool_hash, pool_size=len(set(p.target_keys)), count=p.count, drawn=targets)
    problems += [f"target_{problem}" for problem in draws.verify(p.target_keys, stage1)]
    if draws.pool_hash(p.inspector_keys) != p.inspector_pool_hash:
        problems.append("inspector_pool_hash")
    try:
        again = assign_inspectors(targets, p.inspector_keys, p.per_inspection, p.seed, {a.target: set(a.excluded) for a in p.assignments})
    except TooFewInspectors:
        problems.append("inspectors")
        return problems
    if [a.inspectors for a in again] != [a.inspectors for a in p.assignments]:
        problems.append("inspectors")
    return problems
