"""Extension points the credit module (a later issue) plugs into.

Food Safety Law Art 113 and Order 49 Art 41: bad credit records raise inspection frequency and
joint sanctions apply to serious violators. Until the credit module exists these return nothing;
it replaces them by registering its own functions (``set_extra_frequency``, ``set_credit_flags``)
in its ``AppConfig.ready``, so the inspection module never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

ExtraFrequency = Callable[[Collection[int]], dict[int, int]]
CreditFlags = Callable[[Collection[int]], dict[int, list[str]]]

_extra_frequency: ExtraFrequency | None = None
_credit_flags: CreditFlags | None = None


def extra_frequency(operator_ids: Collection[int]) -> dict[int, int]:
    """Extra inspections per year for operators under credit sanctions (``credit.sanctions_for``); {} for now."""
    return _extra_frequency(operator_ids) if _extra_frequency is not None else {}


def credit_flags(operator_ids: Collection[int]) -> dict[int, list[str]]:
    """Credit flags per operator (e.g. ``serious_violation``) for the draw's credit filter; {} for now."""
    return _credit_flags(operator_ids) if _credit_flags is not None else {}


def set_extra_frequency(func: ExtraFrequency | None) -> None:
    """Install the credit module's frequency function (``None`` removes it)."""
    global _extra_frequency
    _extra_frequency = func


def set_credit_flags(func: CreditFlags | None) -> None:
    """Install the credit module's flag function (``None`` removes it)."""
    global _credit_flags
    _credit_flags = func
