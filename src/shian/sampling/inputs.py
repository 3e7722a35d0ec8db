"""Input helpers shared by the pages and the API: test items, rounds, lots, periods."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core.access import Principal
from shian.core.errors import Invalid, NotFound
from shian.registry.models import Operator
from shian.sampling.models import Report, Retest, Sample
from shian.sampling.services import ItemIn
from shian.trace.models import Lot
from shian.trace.services import held_quantities


def items_in(items: Iterable[Any]) -> list[ItemIn]:
    """Test items from API schemas or form rows (objects with item, value, unit, method_standard...)."""
    return [ItemIn(item=i.item, value=i.value, unit=i.unit, method_standard=i.method_standard, limit_id=i.limit_id,
                   unit_values=tuple(getattr(i, "unit_values", ()) or ())) for i in items]


def rounds_for(principal: Principal, samples: Sequence[Sample]) -> dict[int, str]:
    """The round each sample is reported in by this laboratory (first test for its own samples,
    re-test for samples drawn to it), with one query for the whole batch."""
    others = [s.pk for s in samples if s.lab_id != principal.organisation_id]
    retest_labs = dict(Retest.objects.filter(sample_id__in=others).values_list("sample_id", "lab_id")) if others else {}
    out: dict[int, str] = {}
    for s in samples:
        lab = retest_labs.get(s.pk)
        is_retest = lab is not None and (lab == principal.organisation_id or (principal.is_admin and s.status == Sample.Status.RETESTING))
        out[s.pk] = Report.Round.RETEST if is_retest else Report.Round.FIRST
    return out


def lot_for_sample(operator: Operator | None, *, lot_id: int | None = None, trace_code: str = "") -> Lot | None:
    """The lot a sample (or rapid test) was taken from, named by id or printed trace code; the sampled
    operator must hold it (its own lot, or one it received)."""
    if lot_id is None and not trace_code.strip():
        return None
    qs = Lot.objects.select_related("product")
    lot = qs.filter(pk=lot_id).first() if lot_id is not None else qs.filter(trace_code=trace_code.strip().upper()).first()
    if lot is None:
        raise NotFound(_("No lot with trace code %(codes)s is on the platform.") % {"codes": trace_code or lot_id}, code="lot_unknown", field="lot")
    if operator is not None and not held_quantities(operator, [lot]).get(lot.pk):
        raise Invalid(_("Lot %(lot)s is neither the operator's own nor received by it (confirm the receipt first).") % {"lot": lot.lot_code},
                      code="lot_not_held", field="lot")
    return lot


def period(since: date | None, until: date | None) -> tuple[date, date]:
    """A reporting period: the given bounds, by default the current year up to today."""
    today = timezone.localdate()
    start = since or date(today.year, 1, 1)
    end = until or (today if start.year == today.year else date(start.year, 12, 31))
    if end < start:
        raise Invalid(_("The end of the period must be after its start."), code="period_invalid", field="until")
    return start, end


def operator_from_ref(qs: QuerySet[Operator], ref: str, *, field: str = "operator") -> Operator:
    """An operator from ``qs`` (already restricted) named by its id or its unified social credit code."""
    text = (ref or "").strip().upper()
    if not text:
        raise Invalid(_("Name the operator by its ID or unified social credit code."), code="operator_required", field=field)
    found = qs.filter(pk=int(text)).first() if text.isdigit() and len(text) < 18 else qs.filter(uscc=text).first()
    if found is None:
        raise NotFound(_("The record does not exist or is outside your jurisdiction."), field=field)
    return found
