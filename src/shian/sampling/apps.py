"""Sampling and testing (抽样检验): plans, samples, laboratory results, re-tests, disposal, rapid tests."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "shian.sampling"
    label = "sampling"
    verbose_name = _("Sampling and testing")

    def ready(self) -> None:
        from shian.core import audit
        from shian.sampling import dossier_sections, models

        # status, conclusion and reported_on are derived from the reports (see Sample's docstring).
        audit.register(models.Sample, operator=lambda o: o.operator_id, exclude=("status", "conclusion", "reported_on"))
        audit.register(models.Report, operator=lambda o: o.sample.operator_id)
        audit.register(models.TestResult)
        audit.register(models.Retest, operator=lambda o: o.sample.operator_id)
        audit.register(models.Notification, operator=lambda o: o.sample.operator_id)
        audit.register(models.Disposal, operator=lambda o: o.sample.operator_id)
        audit.register(models.SamplingPlan)
        audit.register(models.RapidTest, operator=lambda o: o.operator_id)
        audit.register(models.TestRequest)
        audit.register(models.Limit)
        audit.register(models.FoodGroup)
        audit.register(models.QualifiedLab)
        dossier_sections.register()
        audit.describe_actions({
            "sample.taken": _("Sample taken"),
            "sample.received": _("Sample received by the laboratory"),
            "sample.result_posted": _("Test results posted"),
            "sample.nonconforming": _("Sample non-conforming"),
            "sample.notified": _("Non-conforming result notified"),
            "retest.requested": _("Re-test applied for"),
            "retest.received": _("Re-test sample received"),
            "retest.reported": _("Re-test result (final)"),
            "disposal.opened": _("Disposal case opened"),
            "disposal.responded": _("Withdrawal and cause analysis submitted"),
            "disposal.verified": _("Disposal verified by the regulator"),
            "disposal.closed": _("Disposal case closed"),
            "sampling_plan.created": _("Sampling plan created"),
            "rapid_test.recorded": _("Rapid test recorded"),
            "test_request.submitted": _("Test request submitted"),
            "test_request.published": _("Test request result published"),
        })
