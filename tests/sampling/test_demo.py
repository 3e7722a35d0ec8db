"""The demo's sampling year: plans, samples, results, re-tests, disposals, rapid tests and requests, with
outcomes driven by the operators' hidden quality, all through the services (the audit chain verifies)."""

from __future__ import annotations

from datetime import timedelta
from statistics import fmean

import pytest

from shian.core import audit
from shian.core.context import acting_as
from shian.demo.generator import REFERENCE_DATE
from shian.demo.generator import generate as generate_city
from shian.demo.models import SimulatedOperator
from shian.registry.models import Operator
from shian.sampling import demo
from shian.sampling.models import Disposal, Report, Sample, SamplingPlan, TestResult

pytestmark = pytest.mark.django_db


def test_demo_sampling_year() -> None:
    result = generate_city(scale=400, seed=7)  # the city generator runs the sampling demo (demo.generate)
    counts = {k.removeprefix("sampling_"): v for k, v in result.counts.items() if k.startswith("sampling_")}
    with acting_as(None, label="demo"):
        assert demo.generate(7, REFERENCE_DATE - timedelta(days=365), REFERENCE_DATE)["samples"] == 0  # a second run adds nothing
    assert counts["samples"] == Sample.objects.count() >= 120 and counts["plans"] == SamplingPlan.objects.count() >= 8
    assert counts["reports"] >= 0.9 * counts["samples"] and TestResult.objects.count() >= 2 * counts["reports"]
    assert counts["rapid_tests"] > 0 and counts["requests_published"] > 0
    assert Disposal.objects.count() == counts["disposals"] and Report.objects.filter(round="first").count() == counts["reports"]
    # Every active producer and central market was sampled in the last year.
    for code in ("producer", "market"):
        ops = Operator.objects.filter(types__code=code, status="active")
        assert ops.exists() and not ops.exclude(samples__sampled_on__year=REFERENCE_DATE.year).exists()
    # Worse operators fail more often.
    failed = Sample.objects.filter(conclusion="nonconforming", rapid_test__isnull=True).values_list("operator_id", flat=True)
    quality = dict(SimulatedOperator.objects.values_list("operator_id", "quality"))
    sampled = Sample.objects.values_list("operator_id", flat=True)
    if failed:
        assert fmean(quality[i] for i in failed) < fmean(quality[i] for i in sampled)
    checked, problems = audit.verify()
    assert checked > 0 and not problems
