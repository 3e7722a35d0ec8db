"""Checking a stored draw: rebuild what it published and re-run it (:func:`shian.inspection.drawing.verify`).

``verify(draw)`` is what the draw page, the public page and the API show; a citizen can do the
same with the published seed and pool files and SHA-256 alone (the rule is in
:mod:`shian.core.draws` and on the verification page).
"""

from __future__ import annotations

from shian.inspection.drawing import Assignment, Published
from shian.inspection.drawing import verify as verify_published
from shian.inspection.models import Draw


def _keys(text: str) -> list[str]:
    return [k for k in text.split("\n") if k]


def published(draw: Draw) -> Published:
    """What the draw publishes: seed, both pools, the count, inspectors per inspection and each target's result."""
    return Published(seed=draw.seed, target_keys=_keys(draw.target_keys), target_pool_hash=draw.target_pool_hash,
                     inspector_keys=_keys(draw.inspector_keys), inspector_pool_hash=draw.inspector_pool_hash, count=draw.count,
                     per_inspection=draw.inspectors_per_inspection,
                     assignments=[Assignment(a["target"], tuple(a["inspectors"]), tuple(a.get("excluded", ()))) for a in draw.drawn])


def verify(draw: Draw) -> list[str]:
    """Problems found re-running the draw (empty when it checks out): ``target_pool_hash``, ``target_drawn``,
    ``inspector_pool_hash``, ``inspectors``."""
    return verify_published(published(draw))


check = verify
