"""Page forms for the cold chain. Forms only parse input; access checks are in the selectors and
writes go through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shian.coldchain import countries, rules
from shian.coldchain.models import StorageClass, TemperatureReading
from shian.registry.models import FoodCategory
from shian.trace.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else super().format_value(value)


class EntryForm(forms.Form):
    """Register imported food at the first stop: importer, product and lot, origin, declaration, storage class."""

    warehouse_id = forms.IntegerField(label=_("Cold store (operator ID)"), required=False, min_value=1)
    importer_uscc = forms.CharField(label=_("Importer's unified social credit code"), max_length=40,
                                    help_text=_("An importer in the registry is found by its code; otherwise give its name below."))
    importer_name = forms.CharField(label=_("Outside importer's name"), max_length=128, required=False)
    product_name = forms.CharField(label=_("Product name"), max_length=128)
    category = forms.ModelChoiceField(queryset=FoodCategory.objects.all(), to_field_name="code", label=_("Food category"))
    specification = forms.CharField(label=_("Specification"), max_length=64, required=False)
    gtin = forms.CharField(label=_("GTIN (barcode)"), max_length=20, required=False)
    lot_code = forms.CharField(label=_("Lot code"), max_length=20)
    production_date = forms.DateField(label=_("Production date"), widget=DateInput())
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DateInput())
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=0)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.KG)
    origin_country = forms.ChoiceField(label=_("Country or region of origin"), choices=())
    customs_declaration_number = forms.CharField(label=_("Customs declaration number"), max_length=18,
                                                 help_text=_("18 characters, as printed on the import declaration."))
    entry_date = forms.DateField(label=_("Entry date"), widget=DateInput())
    storage_class = forms.ChoiceField(label=_("Storage class"), choices=StorageClass.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, ask_warehouse: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_warehouse:
            del self.fields["warehouse_id"]
        self.fields["origin_country"].choices = [("", "---------"), *countries.choices()]  # type: ignore[attr-defined]


class CertificateForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=[(r.kind, r.label) for r in rules.CERTIFICATE_RULES])
    number = forms.CharField(label=_("Certificate number"), max_length=64, required=False)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ReadingsForm(forms.Form):
    step = forms.ChoiceField(label=_("Stage"), choices=TemperatureReading.Step.choices, initial=TemperatureReading.Step.STORING)


class ReadingRowForm(forms.Form):
    """One reading; an empty row is skipped."""

    time = forms.DateTimeField(label=_("Measured at"), required=False, widget=DateTimeInput())
    value = forms.DecimalField(label=_("Temperature (°C)"), max_digits=6, decimal_places=2, required=False)
    location = forms.CharField(label=_("Location"), max_length=100, required=False)
    device = forms.CharField(label=_("Device"), max_length=100, required=False)

    def reading(self) -> dict[str, Any] | None:
        """The row as the service takes it, or None when the row was left empty."""
        d = self.cleaned_data
        if d.get("time") is None and d.get("value") is None:
            return None
        return {"time": d.get("time"), "value": d.get("value"), "location": d.get("location") or "", "device": d.get("device") or ""}
