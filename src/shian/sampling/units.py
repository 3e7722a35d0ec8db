"""Units of laboratory results and their conversion (mg/kg ↔ μg/kg ↔ mg/L ...).

Each unit belongs to a dimension and has a factor to the dimension's base unit. Values convert
within a dimension; a mass fraction (mg/kg) and a mass concentration (mg/L) convert only with a
density (kg/L) that the limit names. Counts (CFU, MPN) and presence/absence in a test portion
("/25g") never convert to anything else. Symbols are matched without regard to case, spaces or
the spelling of micro (μ, µ, u).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

MASS_FRACTION = "mass_fraction"  # base mg/kg
MASS_CONCENTRATION = "mass_concentration"  # base mg/L
CFU_MASS = "cfu_mass"  # base CFU/g
CFU_VOLUME = "cfu_volume"  # base CFU/mL
MPN_MASS = "mpn_mass"  # base MPN/g
MPN_VOLUME = "mpn_volume"  # base MPN/mL
PRESENCE = "presence"  # detected / not detected in a test portion


@dataclass(frozen=True)
class Unit:
    symbol: str
    dimension: str
    factor: Decimal  # one of this unit in the dimension's base unit


def _u(symbol: str, dimension: str, factor: str) -> Unit:
    return Unit(symbol, dimension, Decimal(factor))


UNITS: tuple[Unit, ...] = (
    _u("mg/kg", MASS_FRACTION, "1"), _u("μg/kg", MASS_FRACTION, "0.001"), _u("ng/g", MASS_FRACTION, "0.001"),
    _u("μg/g", MASS_FRACTION, "1"), _u("g/kg", MASS_FRACTION, "1000"), _u("mg/g", MASS_FRACTION, "1000"),
    _u("g/100g", MASS_FRACTION, "10000"), _u("mg/100g", MASS_FRACTION, "10"), _u("ppm", MASS_FRACTION, "1"), _u("ppb", MASS_FRACTION, "0.001"),
    _u("mg/L", MASS_CONCENTRATION, "1"), _u("μg/L", MASS_CONCENTRATION, "0.001"), _u("ng/mL", MASS_CONCENTRATION, "0.001"),
    _u("μg/mL", MASS_CONCENTRATION, "1"), _u("g/L", MASS_CONCENTRATION, "1000"), _u("mg/mL", MASS_CONCENTRATION, "1000"),
    _u("mg/100mL", MASS_CONCENTRATION, "10"),
    _u("CFU/g", CFU_MASS, "1"), _u("CFU/kg", CFU_MASS, "0.001"), _u("CFU/mL", CFU_VOLUME, "1"), _u("CFU/L", CFU_VOLUME, "0.001"),
    _u("MPN/g", MPN_MASS, "1"), _u("MPN/100g", MPN_MASS, "0.01"), _u("MPN/mL", MPN_VOLUME, "1"), _u("MPN/100mL", MPN_VOLUME, "0.01"),
    _u("/25g", PRESENCE, "1"), _u("/25mL", PRESENCE, "1"), _u("/100g", PRESENCE, "1"), _u("/10g", PRESENCE, "1"),
)


def _key(symbol: str) -> str:
    """Lower case, no spaces, one micro sign; "ug"/"uL" written with a Latin u read as μg/μL."""
    s = symbol.strip().replace(" ", "").replace("\u00b5", "\u03bc").lower()
    return re.sub(r"(^|/)u([gl])", "\\1\u03bc\\2", s)


_BY_KEY: dict[str, Unit] = {_key(u.symbol): u for u in UNITS}


class UnitError(ValueError):
    """A unit that is unknown or cannot be converted; ``code`` is the machine code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def unit_of(symbol: str) -> Unit:
    """The unit named by ``symbol`` (case, spaces and the micro sign do not matter)."""
    unit = _lookup(symbol or "")
    if unit is None:
        raise UnitError(_("Unknown unit “%(unit)s”.") % {"unit": (symbol or "").strip()}, "unit_unknown")
    return unit


@functools.lru_cache(maxsize=1024)
def _lookup(symbol: str) -> Unit | None:
    """Bulk posts name the same few units thousands of times: normalise each spelling once."""
    return _BY_KEY.get(_key(symbol.strip()))


def convert(value: Decimal, from_symbol: str, to_symbol: str, *, density: Decimal | None = None) -> Decimal:
    """``value`` in ``from_symbol`` expressed in ``to_symbol``.

    A mass fraction and a mass concentration convert only with ``density`` in kg/L
    (mg/L = mg/kg × kg/L); anything else across dimensions is refused.
    """
    src, dst = unit_of(from_symbol), unit_of(to_symbol)
    base = value * src.factor
    if src.dimension == dst.dimension:
        return base / dst.factor
    pair = {src.dimension, dst.dimension}
    if pair == {MASS_FRACTION, MASS_CONCENTRATION} and density:
        base = base / density if src.dimension == MASS_CONCENTRATION else base * density
        return base / dst.factor
    raise UnitError(_("%(src)s cannot be converted to %(dst)s (the limit's unit).") % {"src": src.symbol, "dst": dst.symbol},
                    "unit_not_convertible")


def symbols() -> list[str]:
    """Every unit symbol, for forms and the API documentation."""
    return [u.symbol for u in UNITS]
