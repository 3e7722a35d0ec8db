"""Turn what a client names on a line (a lot id, a printed trace code, GTIN + lot code, or a new lot of
the buyer's own product) into the services' :class:`~shian.trace.services.LineIn`, with access checks
and a fixed number of queries per kind of reference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shian.core.access import Principal
from shian.core.errors import Invalid, NotFound
from shian.trace import selectors
from shian.trace.identifiers import normalise_gtin
from shian.trace.models import Lot, Product, Unit
from shian.trace.services import LineIn, NewLot


@dataclass(frozen=True)
class LineSpec:
    """One line as a client names it; exactly one way of naming the lot is used."""

    quantity: Decimal
    lot_id: int | None = None
    trace_code: str = ""
    gtin: str = ""
    lot_code: str = ""
    new_product_id: int | None = None
    new_lot_code: str = ""
    production_date: date | None = None
    expiry_date: date | None = None
    unit: str = Unit.KG


def resolve_lines(principal: Principal | None, specs: Sequence[LineSpec], *, allow_new: bool) -> list[LineIn]:
    """The lines for a receipt (``allow_new``) or a shipment; 404 for a lot the principal may not name."""
    ids = [s.lot_id for s in specs if s.lot_id is not None]
    by_id = selectors.lots_by_id(principal, ids) if ids else {}
    codes = [s.trace_code.strip().upper() for s in specs if s.lot_id is None and s.trace_code.strip()]
    by_code = selectors.lots_by_trace_code(principal, codes) if codes else {}
    product_ids = [s.new_product_id for s in specs if s.lot_id is None and not s.trace_code.strip() and s.new_product_id is not None]
    products = selectors.products_for_recording(principal, product_ids) if product_ids else {}
    out = []
    for spec in specs:
        out.append(_line(principal, spec, by_id, by_code, products, allow_new=allow_new))
    return out


def _line(principal: Principal | None, spec: LineSpec, by_id: dict[int, Lot], by_code: dict[str, Lot], products: dict[int, Product], *,
          allow_new: bool) -> LineIn:
    if spec.lot_id is not None:
        return LineIn(quantity=spec.quantity, lot=by_id[spec.lot_id])
    if spec.trace_code.strip():
        return LineIn(quantity=spec.quantity, lot=by_code[spec.trace_code.strip().upper()])
    if spec.gtin.strip() and spec.lot_code.strip():
        try:
            gtin = normalise_gtin(spec.gtin)
        except ValidationError as exc:
            raise Invalid(exc.messages[0], code=exc.code or "gtin_invalid", field="gtin") from None
        lot = selectors.lot_by_code(principal, gtin=gtin, lot_code=spec.lot_code.strip())
        if lot is None:
            raise NotFound(_("No lot %(lot)s of GTIN %(gtin)s is on the platform.") % {"lot": spec.lot_code, "gtin": gtin})
        return LineIn(quantity=spec.quantity, lot=lot)
    if allow_new and spec.new_product_id is not None:
        if spec.production_date is None or not spec.new_lot_code.strip():
            raise Invalid(_("A new lot needs a lot code and a production date."), code="new_lot_incomplete", field="lines")
        return LineIn(quantity=spec.quantity, new_lot=NewLot(product=products[spec.new_product_id], lot_code=spec.new_lot_code,
                                                             production_date=spec.production_date, expiry_date=spec.expiry_date,
                                                             unit=spec.unit))
    raise Invalid(_("Choose a lot for every line."), code="lot_required", field="lines")
