"""Hidden state of the demo city, kept out of the product's own models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.registry.models import Operator


class SimulatedOperator(models.Model):
    """The demo generator's hidden truth about a generated operator.

    ``quality`` in [0, 1] (higher = a better-run business) is never shown in the product; the
    demo modules that simulate outcomes (inspection findings, sample test failures, complaints,
    incidents) draw them with probabilities that depend on it, so that risk grading and
    targeting have a signal to find. It lives only in the demo app so the registry stays clean.
    """

    operator = models.OneToOneField(Operator, primary_key=True, on_delete=models.CASCADE, related_name="simulation", verbose_name=_("operator"))
    quality = models.FloatField(_("hidden quality"))

    class Meta:
        verbose_name = _("simulated operator")
        verbose_name_plural = _("simulated operators")
        constraints = [
            models.CheckConstraint(condition=models.Q(quality__gte=0.0, quality__lte=1.0), name="demo_simulatedoperator_quality_range"),
        ]

    def __str__(self) -> str:
        return f"{self.operator_id}: {self.quality:.3f}"
