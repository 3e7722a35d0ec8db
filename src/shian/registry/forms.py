"""Page forms for maintaining a dossier. Forms only parse input; writes go through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shian.core.models import Jurisdiction
from shian.registry.models import InsurancePolicy, Operator, Premises, SelfInspection, StaffMember


class DateInput(forms.DateInput):
    input_type = "date"


class PremisesForm(forms.ModelForm):
    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.filter(level=Jurisdiction.Level.STREET), label=_("Jurisdiction"))

    class Meta:
        model = Premises
        fields = ["name", "kind", "address", "jurisdiction", "area_m2"]


class StaffForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["name", "position", "is_safety_manager", "certificate_number", "certified_until", "health_certificate_until", "phone"]
        widgets = {"certified_until": DateInput(), "health_certificate_until": DateInput()}


class InsuranceForm(forms.ModelForm):
    class Meta:
        model = InsurancePolicy
        fields = ["insurer", "policy_number", "coverage_yuan", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class SelfInspectionForm(forms.ModelForm):
    class Meta:
        model = SelfInspection
        fields = ["inspected_on", "result", "issues_found", "summary"]
        widgets = {"inspected_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Operator.Status.choices, label=_("Status"))
    reason = forms.CharField(max_length=500, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


def model_form_data(form: forms.ModelForm) -> dict[str, Any]:
    """The cleaned values of the form's fields, for a service call."""
    return {name: form.cleaned_data[name] for name in form._meta.fields or ()}
