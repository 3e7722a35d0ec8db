"""Retraining the targeting model on the platform's own history, and loading the model in use.

:func:`retrain` (the job ``risk.retrain_targeting``) reads every closed inspection up to a day
through :mod:`shian.risk.history`, runs :func:`shian.risk.targeting.train_with_backtest` (parameters
chosen on a validation split inside the training data, back-tested on the last half year — a quarter
of the span for shorter histories), saves the model file under ``VAR_DIR/models/`` and registers it
(:class:`~shian.risk.models.TargetingModelVersion`: who, when, data window, figures, SHA-256).
:func:`active_model` loads the model in use, checking the file's SHA-256, and keeps it in memory.
No network is used.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.core.errors import Invalid
from shian.risk import history, rules, services, targeting
from shian.risk.models import TargetingModelVersion

log = logging.getLogger(__name__)
_CACHE: dict[str, targeting.TargetingModel] = {}
_CACHE_LOCK = threading.Lock()


def models_dir() -> Path:
    return Path(settings.VAR_DIR) / "models"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def holdout_days(records: Sequence[targeting.InspectionRecord]) -> int:
    """The back-test window: half a year, or a quarter of a shorter history's span (at least 30 days)."""
    span = (max(r.date for r in records) - min(r.date for r in records)).days
    full = rules.TARGETING_HOLDOUT_DAYS
    return full if span >= 3 * full else max(30, span // 4)


def retrain(*, until: date | None = None, by: User | None = None, progress: Callable[[int, int], None] | None = None,
            candidates: Sequence[targeting.TrainParams] = targeting.DEFAULT_CANDIDATES) -> TargetingModelVersion:
    """Train on every closed inspection up to ``until`` (default today) and put the model in use.

    Refused (``too_few_examples``) when there are fewer than ``TARGETING_MIN_EXAMPLES`` inspections or
    too few with (or without) a failed key item to learn from.
    """
    step = progress or (lambda done, total: None)
    until = until or timezone.localdate()
    step(0, 4)
    records = history.load_history(until=until)
    positives = sum(1 for r in records if r.critical_found)
    if len(records) < rules.TARGETING_MIN_EXAMPLES or min(positives, len(records) - positives) < rules.TARGETING_MIN_POSITIVES:
        raise Invalid(_("Too few finished inspections to train on: %(n)s, %(p)s of them with failed key items (at least %(min)s and %(minp)s "
                        "of each outcome are needed).") % {"n": len(records), "p": positives, "min": rules.TARGETING_MIN_EXAMPLES,
                                                           "minp": rules.TARGETING_MIN_POSITIVES},
                      code="too_few_examples", field="history", details={"examples": len(records), "positives": positives})
    step(1, 4)
    days = holdout_days(records)
    model = targeting.train_with_backtest(records, holdout_days=days, validation_days=days, candidates=candidates)
    step(3, 4)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    path = model.save(models_dir() / f"targeting-{stamp}.json")
    version = services.targeting_model_record(model=model, path=path, sha256=sha256_of(path), by=by)
    step(4, 4)
    return version


def active_version() -> TargetingModelVersion | None:
    return TargetingModelVersion.objects.filter(active=True).select_related("trained_by").first()


def active_model() -> tuple[TargetingModelVersion | None, targeting.TargetingModel | None]:
    """The version in use and its model (``None`` when none is trained, or its file is missing or altered)."""
    version = active_version()
    if version is None:
        return None, None
    with _CACHE_LOCK:
        model = _CACHE.get(version.sha256)
    if model is not None:
        return version, model
    path = Path(version.file_path)
    if not path.exists() or sha256_of(path) != version.sha256:
        log.warning("targeting model %s: file %s is missing or does not match its SHA-256", version.pk, path)
        return version, None
    model = targeting.TargetingModel.load(path)
    with _CACHE_LOCK:
        _CACHE.clear()
        _CACHE[version.sha256] = model
    return version, model
