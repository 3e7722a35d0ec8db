"""Page forms for inspections. Forms only parse input; access checks are in the selectors and
writes go through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shian.inspection import rules
from shian.inspection.models import Scope
from shian.registry.models import OperatorType


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


GRADE_CHOICES = [(g, g) for g in ("A", "B", "C", "D")]


class PlanForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    freq_A = forms.IntegerField(label=_("Inspections per year, grade A"), min_value=0, max_value=12)
    freq_B = forms.IntegerField(label=_("Inspections per year, grade B"), min_value=0, max_value=12)
    freq_C = forms.IntegerField(label=_("Inspections per year, grade C"), min_value=0, max_value=12)
    freq_D = forms.IntegerField(label=_("Inspections per year, grade D"), min_value=0, max_value=12)

    def __init__(self, *args: Any, jurisdictions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = jurisdictions  # type: ignore[attr-defined]
        for grade, n in rules.frequencies().items():
            self.fields[f"freq_{grade}"].initial = n

    def frequencies(self) -> dict[str, int]:
        return {g: int(self.cleaned_data[f"freq_{g}"]) for g in ("A", "B", "C", "D")}


class DrawForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=128)
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction of the target pool"))
    types = forms.ModelMultipleChoiceField(queryset=OperatorType.objects.all(), to_field_name="code", required=False,
                                           label=_("Operator types (none: all)"), widget=forms.CheckboxSelectMultiple)
    grades = forms.MultipleChoiceField(choices=GRADE_CHOICES, required=False, label=_("Risk grades (none: all)"), widget=forms.CheckboxSelectMultiple)
    credit = forms.ChoiceField(label=_("Credit"), required=False,
                               choices=[("", _("Any")), ("flagged", _("Only operators with credit flags")), ("unflagged", _("Only operators without"))],
                               help_text=_("Credit flags come from the credit module once it exists; until then no operator is flagged."))
    plan = forms.ChoiceField(label=_("Draw from a plan's open items (optional)"), required=False)
    quarter = forms.TypedChoiceField(label=_("Quarter"), required=False, coerce=int, empty_value=None,
                                     choices=[("", "—"), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    count = forms.IntegerField(label=_("Number of targets"), min_value=1, required=False)
    proportion = forms.DecimalField(label=_("Or proportion (%)"), min_value=0, max_value=100, decimal_places=2, required=False)
    per_inspection = forms.IntegerField(label=_("Inspectors per inspection"), min_value=rules.MIN_INSPECTORS, max_value=6, initial=rules.MIN_INSPECTORS)
    organisations = forms.MultipleChoiceField(label=_("Inspectors from (none: every office in the jurisdiction)"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.ROUTINE,
                              help_text=_("Inspections drawn from a plan take the scope of their plan item."))

    def __init__(self, *args: Any, jurisdictions: list[tuple[str, str]], plans: list[tuple[str, str]], organisations: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = jurisdictions  # type: ignore[attr-defined]
        self.fields["plan"].choices = [("", "—"), *plans]  # type: ignore[attr-defined]
        self.fields["organisations"].choices = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("count") is None and data.get("proportion") is None:
            raise forms.ValidationError(_("Give either the number of targets or the proportion to draw."))
        if data.get("count") is not None and data.get("proportion") is not None:
            raise forms.ValidationError(_("Give either the number of targets or the proportion to draw."))
        return data


class VisitForm(forms.Form):
    """Time, place and notes of the visit (the checklist answers are posted beside it)."""

    inspected_at = forms.DateTimeField(label=_("Inspection time"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("Latitude (optional)"), max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(label=_("Longitude (optional)"), max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False)
    summary = forms.CharField(label=_("Findings and notes"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False)


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo (JPEG, PNG or PDF)"))
    item = forms.ChoiceField(label=_("Checklist item (optional)"), required=False)

    def __init__(self, *args: Any, items: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—"), *(items or [])]  # type: ignore[attr-defined]


class AcknowledgeForm(forms.Form):
    representative_name = forms.CharField(label=_("Name of the operator's representative"), max_length=64)
    signature = forms.CharField(label=_("Signature (the representative types the name or a statement)"), max_length=200)
    confirmed = forms.BooleanField(label=_("The representative has read the findings and acknowledges them"))


class CloseForm(forms.Form):
    order_rectification = forms.BooleanField(label=_("Order rectification of the items that do not conform"), required=False, initial=True)
    working_days = forms.IntegerField(label=_("Working days allowed"), min_value=1, max_value=120, required=False)


class AmendForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
