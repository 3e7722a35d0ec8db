"""Page forms for the credit module (parsing only; the services validate the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shian.credit import rules
from shian.credit.models import CreditRecord

DATE = forms.DateInput(attrs={"type": "date"})
KIND_CHOICES = [(k, v) for k, v in CreditRecord.Kind.choices if k in rules.MANUAL_KINDS]
SEVERITY_CHOICES = [("", _("— (commitment or award)")), *[(k, v) for k, v in CreditRecord.Severity.choices if k]]


class RecordForm(forms.Form):
    operator = forms.CharField(label=_("Operator (ID or unified social credit code)"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITY_CHOICES, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    occurred_on = forms.DateField(label=_("Date (decision, verification, commitment or award)"), widget=DATE)
    decision_number = forms.CharField(label=_("Penalty decision number"), max_length=64, required=False,
                                      help_text=_("Required for a penalty, e.g. 江蓬市监罚〔2026〕12号"))
    legal_ground = forms.CharField(label=_("Legal ground"), max_length=300, required=False, help_text=_("Required for a penalty"))
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False)
    withhold = forms.BooleanField(label=_("Do not publish this record"), required=False)

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, v) for k, v in KIND_CHOICES if k in kinds]  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=300)


class RepairForm(forms.Form):
    obligations_fulfilled = forms.BooleanField(label=_("The legal obligations are fulfilled (fine paid, orders carried out)"), required=False)
    harm_removed = forms.BooleanField(label=_("The harmful consequences are removed (needed to leave the list early)"), required=False)
    evidence = forms.CharField(label=_("Evidence and commitment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason (required for a refusal)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500, required=False)
    earliest_date = forms.DateField(label=_("May apply again from (refusal)"), widget=DATE, required=False)


class ListingForm(forms.Form):
    ground = forms.ChoiceField(label=_("Legal ground"), choices=list(rules.LISTING_GROUNDS.items()))
    facts = forms.CharField(label=_("Facts of the serious violation"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class ListingDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your decision"), choices=[("approve", _("List and publish")), ("reject", _("Do not list"))],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason (required for a rejection)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500,
                             required=False)


class PointsForm(forms.Form):
    points = forms.TypedChoiceField(label=_("Points"), choices=[(n, str(n)) for n in rules.POINT_VALUES], coerce=int)
    violation = forms.CharField(label=_("Violation"), max_length=200)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
