"""Page forms for sampling. Forms only parse input; access checks are in the selectors and writes go through services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shian.accounts.models import Organisation, User
from shian.core.models import Jurisdiction
from shian.sampling.models import FoodGroup, RapidTest, Sample
from shian.sampling.services import ItemIn
from shian.trace.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"


class SampleForm(forms.Form):
    """The sampling form (抽样单); pre-filled from a positive rapid test or an operator's dossier."""

    operator = forms.CharField(label=_("Operator (ID or unified social credit code)"), max_length=20)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Sample.Purpose.choices, initial=Sample.Purpose.ENFORCEMENT)
    number = forms.CharField(label=_("Sample number"), max_length=32, required=False, help_text=_("Left empty, a number is assigned."))
    place = forms.CharField(label=_("Place of sampling"), max_length=200)
    product_name = forms.CharField(label=_("Product"), max_length=128)
    food_group = forms.ModelChoiceField(label=_("Food group (for the limits)"), queryset=FoodGroup.objects.order_by("code"), to_field_name="code")
    trace_code = forms.CharField(label=_("Trace code of the lot"), max_length=20, required=False, help_text=_("When the lot is on the platform."))
    lot_code = forms.CharField(label=_("Lot code"), max_length=40, required=False)
    sampled_on = forms.DateField(label=_("Sampled on"), widget=DateInput())
    samplers = forms.ModelMultipleChoiceField(label=_("Samplers (at least two)"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)
    seal_number = forms.CharField(label=_("Seal number"), max_length=32)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=10, decimal_places=3, min_value=0)
    quantity_unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.KG)
    price_paid = forms.DecimalField(label=_("Price paid (yuan)"), max_digits=10, decimal_places=2, min_value=0)
    lab = forms.ModelChoiceField(label=_("Laboratory"), queryset=Organisation.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    rapid_test = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, samplers: Any, labs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["samplers"].queryset = samplers  # type: ignore[attr-defined]
        self.fields["lab"].queryset = labs  # type: ignore[attr-defined]


class ReceiveForm(forms.Form):
    received_on = forms.DateField(label=_("Date received by the laboratory"), widget=DateInput())


class ResultRowForm(forms.Form):
    """One test item; per-unit values of a sampling plan are separated by spaces or semicolons."""

    item = forms.CharField(label=_("Test item"), max_length=64, required=False)
    value = forms.CharField(label=_("Value"), max_length=40, required=False, help_text=_("A number, or “未检出”"))
    unit = forms.CharField(label=_("Unit"), max_length=16, required=False)
    unit_values = forms.CharField(label=_("Values per unit (n/c/m/M plans)"), max_length=200, required=False)
    method_standard = forms.CharField(label=_("Method standard"), max_length=64, required=False)

    def item_in(self) -> ItemIn | None:
        """The row as a test item, or None when it was left empty."""
        d = self.cleaned_data
        if not (d.get("item") or "").strip():
            return None
        values = tuple(v for v in re.split(r"[\s;；]+", d.get("unit_values") or "") if v)
        return ItemIn(item=d["item"], value=d.get("value") or "", unit=d.get("unit") or "", method_standard=d.get("method_standard") or "",
                      unit_values=values)


class ReportDateForm(forms.Form):
    reported_on = forms.DateField(label=_("Report date"), widget=DateInput())


class RetestForm(forms.Form):
    requested_on = forms.DateField(label=_("Applied on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput())


class RespondForm(forms.Form):
    withdrawal = forms.CharField(label=_("Withdrawal and recall"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    cause_analysis = forms.CharField(label=_("Cause analysis"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    verification = forms.CharField(label=_("Regulator's verification"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    penalty_case_ref = forms.CharField(label=_("Penalty case reference"), max_length=64, required=False)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput())


class PlanForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Jurisdiction.objects.none(), to_field_name="code")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    target_batches = forms.IntegerField(label=_("Target batches"), min_value=1, required=False,
                                        help_text=_("Left empty: 7 per 1000 residents (the minimum)."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = places  # type: ignore[attr-defined]


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("Period from"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Period until"), required=False, widget=DateInput())
    jurisdiction = forms.CharField(label=_("Jurisdiction code"), max_length=12, required=False)


class RapidForm(forms.Form):
    tested_on = forms.DateField(label=_("Tested on"), widget=DateInput())
    item = forms.CharField(label=_("Test item"), max_length=64, widget=forms.TextInput(attrs={"list": "rapid-items"}))
    product_name = forms.CharField(label=_("Product"), max_length=128)
    result = forms.ChoiceField(label=_("Result"), choices=RapidTest.Result.choices, widget=forms.RadioSelect)
    operator = forms.CharField(label=_("Operator (ID or unified social credit code)"), max_length=20, required=False)
    vendor_name = forms.CharField(label=_("or: vendor not in the registry"), max_length=128, required=False)
    trace_code = forms.CharField(label=_("Trace code of the lot"), max_length=20, required=False)
    lot_code = forms.CharField(label=_("Lot code"), max_length=40, required=False)
    method = forms.CharField(label=_("Method or kit"), max_length=64, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    station_id = forms.IntegerField(label=_("Station ID"), required=False, min_value=1)

    def __init__(self, *args: Any, ask_station: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_station:
            del self.fields["station_id"]


class RequestForm(forms.Form):
    street = forms.ModelChoiceField(label=_("Street or town"), queryset=Jurisdiction.objects.none(), to_field_name="code")
    product_name = forms.CharField(label=_("Product"), max_length=128)
    bought_at = forms.CharField(label=_("Bought at (market or shop)"), max_length=200)
    bought_on = forms.DateField(label=_("Bought on"), widget=DateInput())
    items = forms.CharField(label=_("What to test"), max_length=200)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)

    def __init__(self, *args: Any, streets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    item = forms.CharField(label=_("Test item"), max_length=64, widget=forms.TextInput(attrs={"list": "rapid-items"}))
    result = forms.ChoiceField(label=_("Result"), choices=RapidTest.Result.choices, widget=forms.RadioSelect)
    tested_on = forms.DateField(label=_("Tested on"), widget=DateInput())
    method = forms.CharField(label=_("Method or kit"), max_length=64, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    station_id = forms.IntegerField(label=_("Station ID"), required=False, min_value=1)

    def __init__(self, *args: Any, ask_station: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_station:
            del self.fields["station_id"]
