"""Checks other modules attach to trace movements, without trace depending on them.

A *shipment guard* receives the lots about to be shipped and returns, for each lot it refuses,
the reason (Chinese, translated by the caller's gettext). The cold-chain module registers one
that keeps imported lots in the central warehouse until they are released (首站赋码 → 出库证明).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shian.trace.models import Lot

ShipmentGuard = Callable[[Sequence[Lot]], dict[int, str]]
_SHIPMENT_GUARDS: dict[str, ShipmentGuard] = {}


def register_shipment_guard(key: str, guard: ShipmentGuard) -> None:
    """Add (or replace) a guard under ``key``; called from an app's ``ready()``."""
    _SHIPMENT_GUARDS[key] = guard


def shipment_refusals(lots: Sequence[Lot]) -> dict[int, str]:
    """Lot id → reason, from every guard (the first reason for a lot wins)."""
    out: dict[int, str] = {}
    for guard in _SHIPMENT_GUARDS.values():
        for lot_id, reason in guard(lots).items():
            out.setdefault(lot_id, reason)
    return out
