"""Event-driven re-scoring: when a serious event is saved, the operator is re-scored after the commit.

Connected in :meth:`shian.risk.apps.RiskConfig.ready` to the other modules' models (they do not
import this module), the way the credit module plugs into ``shian.inspection.hooks``:

* an inspection closed with the result 不符合 (``Inspection`` saved closed and non-compliant), or an
  amendment that changed an inspection's result;
* a non-conforming enforcement sample: its disposal case is opened (``Disposal`` created), or the
  re-test overturned it (the case closed as overturned);
* the serious-violation list: a listing decided (listed) or removed.

The re-score runs as the job ``risk.rescore`` submitted when the transaction commits (one job for all
the operators of a transaction), so a failure there never undoes the event; bulk paths that skip
signals cost nothing.
Monitoring samples (风险监测) open no case and wait for the yearly regrade.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

# Reason codes stored with the re-score (shown through REASONS on pages).
INSPECTION = "inspection_non_compliant"
AMENDMENT = "inspection_amended"
SAMPLE = "sample_nonconforming"
OVERTURNED = "sample_overturned"
LISTED = "listed"
DELISTED = "delisted"


def reason_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        INSPECTION: _("Inspection found non-compliant"),
        AMENDMENT: _("Inspection result amended"),
        SAMPLE: _("Sample found non-conforming"),
        OVERTURNED: _("Non-conforming result overturned by the re-test"),
        LISTED: _("Listed as a serious violator"),
        DELISTED: _("Removed from the serious-violation list"),
    }


def _submit(batch: dict[int, str]) -> None:
    """One ``risk.rescore`` job for the operators of a committed transaction (reasons by operator)."""
    if not batch:
        return
    from shian.core import jobs

    jobs.submit("risk.rescore", params={"operators": {str(op): code for op, code in sorted(batch.items())}})


def schedule(operator_id: int, reason: str) -> None:
    """Re-score the operator once the current transaction commits.

    Events of one transaction are collected on its outermost atomic block and go to a single job
    (a demo or an import that lists hundreds of operators starts one job, not hundreds).
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _submit({operator_id: reason})
        return
    outer = connection.atomic_blocks[0]
    batch: dict[int, str] | None = getattr(outer, "_risk_rescore", None)
    if batch is None:
        batch = {}
        outer._risk_rescore = batch  # type: ignore[attr-defined]  # lives and dies with the transaction
    batch.setdefault(operator_id, reason)

    def drain() -> None:
        pending = dict(batch)
        batch.clear()
        _submit(pending)

    # Registered for every event: a savepoint rolled back drops its callback, not the batch; the first callback run drains it.
    transaction.on_commit(drain, robust=True)


def _updated(kwargs: dict[str, Any], *names: str) -> bool:
    fields = kwargs.get("update_fields")
    return fields is None or bool(set(fields) & set(names))


def on_inspection_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    if raw or not _updated(kwargs, "status", "result"):
        return
    if instance.status == "closed" and instance.result == "non_compliant" and instance.revision == 0:
        schedule(instance.operator_id, INSPECTION)


def on_amendment_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw and instance.result_before != instance.result_after:
        schedule(instance.inspection.operator_id, AMENDMENT)


def on_disposal_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if created:
        schedule(instance.sample.operator_id, SAMPLE)
    elif instance.outcome == "overturned" and _updated(kwargs, "outcome"):
        schedule(instance.sample.operator_id, OVERTURNED)


def on_listing_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    if raw or not _updated(kwargs, "status"):
        return
    if instance.status == "listed":
        schedule(instance.operator_id, LISTED)
    elif instance.status == "removed":
        schedule(instance.operator_id, DELISTED)


def connect() -> None:
    """Connect the receivers (``RiskConfig.ready``)."""
    from django.db.models.signals import post_save

    from shian.credit.models import Listing
    from shian.inspection.models import Amendment, Inspection
    from shian.sampling.models import Disposal

    post_save.connect(on_inspection_saved, sender=Inspection, dispatch_uid="risk_rescore_inspection")
    post_save.connect(on_amendment_saved, sender=Amendment, dispatch_uid="risk_rescore_amendment")
    post_save.connect(on_disposal_saved, sender=Disposal, dispatch_uid="risk_rescore_disposal")
    post_save.connect(on_listing_saved, sender=Listing, dispatch_uid="risk_rescore_listing")
