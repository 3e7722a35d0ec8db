"""What other modules do with newly stored events, without the repository depending on them.

A *stored-events hook* gets the events a capture (or ``record_platform_events``) has just stored,
inside the same transaction: if it raises, nothing is stored. The cold-chain module registers one
that turns temperatures in captured ``sensorElementList``s into readings of first-stop lots.
Hooks must be cheap for events they do not care about (a capture may hold 50,000 events).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shian.epcis.models import EpcisEvent

StoredHook = Callable[[Sequence[EpcisEvent]], None]
_STORED: dict[str, StoredHook] = {}


def register_stored_hook(key: str, hook: StoredHook) -> None:
    """Add (or replace) a hook under ``key``; called from an app's ``ready()``."""
    _STORED[key] = hook


def events_stored(events: Sequence[EpcisEvent]) -> None:
    """Run every hook on the newly stored events (the caller's transaction)."""
    if events:
        for hook in _STORED.values():
            hook(events)
