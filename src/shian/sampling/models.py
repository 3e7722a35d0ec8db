"""Sampling and testing (抽样检验): plans, samples, laboratory reports and results, notifications of
non-conforming results, re-tests (复检), disposal cases (核查处置), rapid tests (快检) and residents'
test requests (你送我检).

A sample is taken from a registry operator by at least two samplers, bought, sealed and sent to
a laboratory. The laboratory receives it, tests it and posts one report per round (the first
test, and a re-test at a drawn laboratory); each report holds one result per test item, judged
against the limits table. Deadlines are stored on the rows when they start, so that lists show
them without computing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shian.accounts.models import Organisation
from shian.core.models import Jurisdiction
from shian.registry.models import Operator
from shian.trace.models import Lot, Unit


class Confidence(models.TextChoices):
    VERIFIED = "V", _("Verified in the primary text")
    SECONDARY = "S", _("From a secondary source")
    UNVERIFIED = "U", _("Not verified")


class FoodGroup(models.Model):
    """A food as the limit standards name it (叶菜类蔬菜, 芹菜, 熟肉制品...); a limit set for a group
    applies to its sub-groups unless they have their own (芹菜 → 叶菜类蔬菜 → 新鲜蔬菜)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent group"))
    category_codes = models.CharField(_("food categories"), max_length=64, blank=True, help_text=_("Food category codes, comma separated"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("food group")
        verbose_name_plural = _("food groups")

    def __str__(self) -> str:
        return self.name


class Limit(models.Model):
    """One limit of a national food-safety standard: a maximum (mg/kg...) or a sampling plan (n/c/m/M).

    Administrators edit the table; every result keeps a copy of the limit it was judged against.
    """

    class Kind(models.TextChoices):
        PESTICIDE = "pesticide", _("Pesticide residue")
        CONTAMINANT = "contaminant", _("Contaminant")
        PATHOGEN = "pathogen", _("Pathogen")
        OTHER = "other", _("Other")

    standard = models.CharField(_("standard"), max_length=32)
    clause = models.CharField(_("clause"), max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    item_code = models.CharField(_("item code"), max_length=48, db_index=True)
    item = models.CharField(_("test item"), max_length=64)
    food_group = models.ForeignKey(FoodGroup, on_delete=models.PROTECT, related_name="limits", verbose_name=_("food group"))
    value = models.DecimalField(_("maximum"), max_digits=14, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16)
    n = models.PositiveSmallIntegerField("n", null=True, blank=True)
    c = models.PositiveSmallIntegerField("c", null=True, blank=True)
    m = models.DecimalField("m", max_digits=14, decimal_places=4, null=True, blank=True)
    big_m = models.DecimalField("M", max_digits=14, decimal_places=4, null=True, blank=True)
    density = models.DecimalField(_("density (kg/L)"), max_digits=6, decimal_places=3, null=True, blank=True,
                                  help_text=_("Only for converting mg/L to mg/kg"))
    basis = models.CharField(_("expressed as"), max_length=64, blank=True)
    confidence = models.CharField(_("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.UNVERIFIED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["food_group__code", "item_code"]
        verbose_name = _("limit")
        verbose_name_plural = _("limits")
        constraints = [
            models.UniqueConstraint(fields=["food_group", "item_code"], condition=Q(active=True), name="sampling_limit_one_active_per_food",
                                    violation_error_message=_("This food group already has a limit in use for this item.")),
            models.CheckConstraint(condition=Q(value__isnull=False, n__isnull=True) | Q(value__isnull=True, n__isnull=False, c__isnull=False,
                                                                                        m__isnull=False),
                                   name="sampling_limit_maximum_or_plan",
                                   violation_error_message=_("Give either a maximum or a sampling plan (n, c, m and optionally M).")),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.food_group_id} · {self.standard}"

    @property
    def is_plan(self) -> bool:
        return self.n is not None

    @property
    def display(self) -> str:
        """The limit as people write it: "≤ 0.05 mg/kg" or "n=5, c=1, m=100, M=1000 CFU/g"."""
        if self.is_plan:
            big = f", M={self.big_m.normalize():f}" if self.big_m is not None else ""
            m = self.m.normalize() if self.m is not None else ""
            return f"n={self.n}, c={self.c}, m={m:f}{big} {self.unit}"
        return f"≤ {self.value.normalize():f} {self.unit}" if self.value is not None else ""

    def clean(self) -> None:
        from shian.sampling import units

        try:
            units.unit_of(self.unit)
        except units.UnitError as exc:
            raise ValidationError({"unit": exc.message}) from None
        if (self.value is None) == (self.n is None):
            raise ValidationError(_("Give either a maximum or a sampling plan (n, c, m and optionally M)."))


class QualifiedLab(models.Model):
    """A laboratory on the published list of qualified laboratories (复检机构名录); re-test labs are drawn from it."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="qualification", verbose_name=_("laboratory"),
                                        limit_choices_to={"kind": Organisation.Kind.LAB})
    retest = models.BooleanField(_("may do re-tests"), default=True)
    listed_since = models.DateField(_("listed since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["organisation__code"]
        verbose_name = _("qualified laboratory")
        verbose_name_plural = _("qualified laboratories")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        if self.organisation_id and self.organisation.kind != Organisation.Kind.LAB:
            raise ValidationError({"organisation": _("Only a laboratory can be qualified.")})


class SamplingPlan(models.Model):
    """A jurisdiction's yearly sampling plan: a number of batches (≥ 7 per 1000 residents by default)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="sampling_plans", verbose_name=_("jurisdiction"))
    year = models.PositiveSmallIntegerField(_("year"))
    target_batches = models.PositiveIntegerField(_("target batches"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "jurisdiction__path"]
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="sampling_plan_one_per_year",
                                    violation_error_message=_("This jurisdiction already has a sampling plan for this year.")),
            models.CheckConstraint(condition=Q(target_batches__gt=0), name="sampling_plan_target_positive",
                                   violation_error_message=_("The target must be at least one batch.")),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.year}"


class Sample(models.Model):
    """A batch sampled from an operator (抽样单), bought and sealed, sent to a laboratory.

    ``status``, ``conclusion`` and ``reported_on`` are derived from the reports and the re-test
    (kept here for lists and indicators) and left out of the change log: the reports and the typed
    events are the record.
    """

    class Purpose(models.TextChoices):
        ENFORCEMENT = "enforcement", _("Enforcement sampling")
        MONITORING = "monitoring", _("Risk monitoring")

    class Status(models.TextChoices):
        SAMPLED = "sampled", _("Awaiting the laboratory")
        RECEIVED = "received", _("Being tested")
        REPORTED = "reported", _("Reported")
        RETESTING = "retesting", _("Re-test in progress")
        RETESTED = "retested", _("Re-tested (final)")

    class Conclusion(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFORMING = "conforming", _("Conforming")
        NONCONFORMING = "nonconforming", _("Non-conforming")
        NOT_JUDGED = "not_judged", _("Not judged (monitoring)")

    number = models.CharField(_("sample number"), max_length=32)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.ENFORCEMENT)
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="samples", verbose_name=_("sampled operator"))
    place = models.CharField(_("place of sampling"), max_length=200)
    product_name = models.CharField(_("product"), max_length=128)
    food_group = models.ForeignKey(FoodGroup, on_delete=models.PROTECT, related_name="samples", verbose_name=_("food group"))
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="samples", verbose_name=_("lot"))
    lot_code = models.CharField(_("lot code"), max_length=40, blank=True)
    sampled_on = models.DateField(_("sampled on"))
    samplers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="samples_taken", verbose_name=_("samplers"))
    seal_number = models.CharField(_("seal number"), max_length=32)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    quantity_unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.KG)
    price_paid = models.DecimalField(_("price paid (yuan)"), max_digits=10, decimal_places=2)
    lab = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="samples_to_test", verbose_name=_("laboratory"),
                            limit_choices_to={"kind": Organisation.Kind.LAB})
    receive_due = models.DateField(_("laboratory receipt due"))
    received_on = models.DateField(_("received by the laboratory"), null=True, blank=True)
    report_due = models.DateField(_("report due"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SAMPLED)
    conclusion = models.CharField(_("conclusion"), max_length=14, choices=Conclusion.choices, default=Conclusion.PENDING)
    rapid_test = models.ForeignKey("RapidTest", null=True, blank=True, on_delete=models.SET_NULL, related_name="samples",
                                   verbose_name=_("prompted by rapid test"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-sampled_on", "-id"]
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="sampling_sample_number_unique",
                                    violation_error_message=_("A sample with this number already exists.")),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sampling_sample_quantity_positive",
                                   violation_error_message=_("The quantity must be positive.")),
            models.CheckConstraint(condition=Q(price_paid__gt=0), name="sampling_sample_bought",
                                   violation_error_message=_("Samples are bought: give the price paid.")),
        ]
        indexes = [
            models.Index(fields=["operator", "sampled_on"], name="sampling_sample_op_date"),
            models.Index(fields=["sampled_on"], name="sampling_sample_date"),
            models.Index(fields=["lab", "status"], name="sampling_sample_lab_status"),
            models.Index(fields=["status", "receive_due"], name="sampling_sample_status_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def received_late(self) -> bool:
        return self.received_on is not None and self.received_on > self.receive_due

    @property
    def reported_late(self) -> bool:
        return self.reported_on is not None and self.report_due is not None and self.reported_on > self.report_due


class Report(models.Model):
    """A laboratory's report on a sample: the first test, or the re-test (whose conclusion is final)."""

    class Round(models.TextChoices):
        FIRST = "first", _("First test")
        RETEST = "retest", _("Re-test")

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="reports", verbose_name=_("sample"))
    round = models.CharField(_("round"), max_length=6, choices=Round.choices)
    lab = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sampling_reports", verbose_name=_("laboratory"))
    reported_on = models.DateField(_("reported on"))
    conclusion = models.CharField(_("conclusion"), max_length=14, choices=Sample.Conclusion.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("posted by"))
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["sample_id", "round"]
        verbose_name = _("test report")
        verbose_name_plural = _("test reports")
        constraints = [
            models.UniqueConstraint(fields=["sample", "round"], name="sampling_report_one_per_round",
                                    violation_error_message=_("This round already has a report.")),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.round}"


class TestResult(models.Model):
    """One test item of a report: the value as posted, the limit applied (copied) and the computed judgement."""

    __test__ = False  # not a pytest test class

    class Judgement(models.TextChoices):
        CONFORMING = "conforming", _("Conforming")
        NONCONFORMING = "nonconforming", _("Non-conforming")
        NOT_JUDGED = "not_judged", _("Not judged")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="results", verbose_name=_("test report"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    item_code = models.CharField(_("item code"), max_length=48)
    item = models.CharField(_("test item"), max_length=64)
    limit = models.ForeignKey(Limit, null=True, blank=True, on_delete=models.PROTECT, related_name="results", verbose_name=_("limit"))
    standard = models.CharField(_("standard"), max_length=32, blank=True)
    clause = models.CharField(_("clause"), max_length=64, blank=True)
    limit_text = models.CharField(_("limit"), max_length=80, blank=True)
    value_text = models.CharField(_("value as reported"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    unit_values = models.JSONField(_("values per unit"), default=list, blank=True)
    detected = models.BooleanField(_("detected"), default=True)
    value_in_limit_unit = models.DecimalField(_("value in the limit's unit"), max_digits=24, decimal_places=9, null=True, blank=True)
    method_standard = models.CharField(_("method standard"), max_length=64)
    judgement = models.CharField(_("judgement"), max_length=14, choices=Judgement.choices)

    class Meta:
        ordering = ["report_id", "position"]
        verbose_name = _("test result")
        verbose_name_plural = _("test results")

    def __str__(self) -> str:
        return f"{self.item}: {self.value_text} {self.unit}"


class Retest(models.Model):
    """The operator's re-test (复检) of a non-conforming result at a laboratory drawn at random
    from the qualified ones other than the first; the draw is recorded so that anyone can re-run it."""

    sample = models.OneToOneField(Sample, on_delete=models.PROTECT, related_name="retest", verbose_name=_("sample"))
    requested_on = models.DateField(_("applied on"))
    last_allowed_on = models.DateField(_("last day to apply"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("applied by"))
    lab = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="retests", verbose_name=_("re-test laboratory"))
    seed = models.CharField(_("draw seed"), max_length=64)
    pool_hash = models.CharField(_("pool fingerprint (SHA-256)"), max_length=64)
    pool_keys = models.JSONField(_("pool"), default=list)
    drawn_key = models.CharField(_("drawn laboratory code"), max_length=32)
    drawn_at = models.DateTimeField(_("drawn at"))
    received_on = models.DateField(_("received by the laboratory"), null=True, blank=True)
    report_due = models.DateField(_("report due"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("re-test")
        verbose_name_plural = _("re-tests")

    def __str__(self) -> str:
        return f"{self.sample_id} → {self.drawn_key}"


class Notification(models.Model):
    """A non-conforming result sent to the operator or to its regulator, with its deadline.

    An operator with a platform account is notified on the platform at once; one without gets it on
    paper, and a regulator records the day it was delivered. The re-test period runs from that day.
    """

    class Recipient(models.TextChoices):
        OPERATOR = "operator", _("Operator")
        REGULATOR = "regulator", _("Regulator")

    class Channel(models.TextChoices):
        PLATFORM = "platform", _("On the platform")
        PAPER = "paper", _("On paper")

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("sample"))
    recipient = models.CharField(_("recipient"), max_length=10, choices=Recipient.choices)
    operator = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.PROTECT, related_name="sampling_notifications",
                                 verbose_name=_("operator"))
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="sampling_notifications",
                                     verbose_name=_("organisation"))
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("jurisdiction"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    due_on = models.DateField(_("due"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    message = models.TextField(_("message"), max_length=2000)

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["delivered_on", "due_on"], name="sampling_notif_open")]

    def __str__(self) -> str:
        return f"{self.sample_id} → {self.recipient}"

    @property
    def late(self) -> bool:
        return self.delivered_on is not None and self.delivered_on > self.due_on


class Disposal(models.Model):
    """The disposal case (核查处置) of a non-conforming enforcement sample: affected lots downstream,
    the operator's withdrawal and cause analysis, the regulator's verification, the penalty case
    reference, and closing within the deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the operator")
        RESPONDED = "responded", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        DISPOSED = "disposed", _("Disposed")
        OVERTURNED = "overturned", _("Overturned by the re-test")

    sample = models.OneToOneField(Sample, on_delete=models.PROTECT, related_name="disposal", verbose_name=_("sample"))
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    scope = models.JSONField(_("affected lots and holders"), default=dict, blank=True)
    scope_taken_at = models.DateTimeField(_("scope taken at"), null=True, blank=True)
    withdrawal = models.TextField(_("withdrawal and recall"), max_length=2000, blank=True)
    cause_analysis = models.TextField(_("cause analysis"), max_length=2000, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    verification = models.TextField(_("regulator's verification"), max_length=2000, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    penalty_case_ref = models.CharField(_("penalty case reference"), max_length=64, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("disposal case")
        verbose_name_plural = _("disposal cases")
        indexes = [models.Index(fields=["status", "due_on"], name="sampling_disposal_open")]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.status}"

    @property
    def closed_late(self) -> bool:
        return self.closed_on is not None and self.closed_on > self.due_on


class RapidTest(models.Model):
    """A rapid test (快检) by a street station: item, positive/negative, operator, lot."""

    class Result(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")

    station = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rapid_tests", verbose_name=_("station"))
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="rapid_tests", verbose_name=_("jurisdiction"))
    tested_on = models.DateField(_("tested on"))
    item = models.CharField(_("test item"), max_length=64)
    product_name = models.CharField(_("product"), max_length=128)
    operator = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.PROTECT, related_name="rapid_tests",
                                 verbose_name=_("operator"))
    vendor_name = models.CharField(_("vendor (not in the registry)"), max_length=128, blank=True)
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="rapid_tests", verbose_name=_("lot"))
    lot_code = models.CharField(_("lot code"), max_length=40, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    method = models.CharField(_("method or kit"), max_length=64, blank=True)
    tested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("tested by"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-tested_on", "-id"]
        verbose_name = _("rapid test")
        verbose_name_plural = _("rapid tests")
        indexes = [models.Index(fields=["jurisdiction", "tested_on"], name="sampling_rapid_place_date")]
        constraints = [
            models.CheckConstraint(condition=Q(operator__isnull=False) | ~Q(vendor_name=""), name="sampling_rapid_has_vendor",
                                   violation_error_message=_("Name the operator, or the vendor when it is not in the registry.")),
        ]

    def __str__(self) -> str:
        return f"{self.tested_on} {self.item} {self.result}"

    @property
    def vendor(self) -> str:
        return self.operator.name if self.operator_id is not None and self.operator else self.vendor_name


class TestRequest(models.Model):
    """A resident's "you send, we test" request (你送我检): food bought somewhere, tested by the street's station, result published."""

    __test__ = False  # not a pytest test class

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Tested and published")

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="test_requests",
                                     verbose_name=_("submitted by"))
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="test_requests", verbose_name=_("street"))
    product_name = models.CharField(_("product"), max_length=128)
    bought_at = models.CharField(_("bought at"), max_length=200)
    bought_on = models.DateField(_("bought on"))
    items = models.CharField(_("what to test"), max_length=200)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    rapid_test = models.OneToOneField(RapidTest, null=True, blank=True, on_delete=models.PROTECT, related_name="request",
                                      verbose_name=_("rapid test"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("test request")
        verbose_name_plural = _("test requests")
        indexes = [models.Index(fields=["status", "published_at"], name="sampling_request_published")]

    def __str__(self) -> str:
        return f"{self.pk} {self.product_name}"
