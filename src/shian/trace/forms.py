"""Page forms for traceability. Forms only parse input; access checks are in the selectors and
writes go through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shian.registry.models import FoodCategory
from shian.trace.models import Document, Lot, Product, Transformation, Unit
from shian.trace.resolve import LineSpec


class DateInput(forms.DateInput):
    input_type = "date"


class OperatorChoiceMixin(forms.Form):
    """Asks which operator the record is for, only when the user may record for more than one."""

    operator_id = forms.IntegerField(label=_("Operator ID"), required=False, min_value=1)

    def __init__(self, *args: Any, ask_operator: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_operator:
            del self.fields["operator_id"]


class ProductForm(OperatorChoiceMixin):
    name = forms.CharField(label=_("Product name"), max_length=128)
    category = forms.ModelChoiceField(queryset=FoodCategory.objects.all(), to_field_name="code", label=_("Food category"))
    specification = forms.CharField(label=_("Specification"), max_length=64, required=False)
    gtin = forms.CharField(label=_("GTIN (barcode)"), max_length=20, required=False)
    shelf_life_days = forms.IntegerField(label=_("Shelf life (days)"), min_value=1, max_value=36500, required=False)
    imported = forms.BooleanField(label=_("Imported food"), required=False)


class LotForm(forms.ModelForm):
    class Meta:
        model = Lot
        fields = ["lot_code", "production_date", "expiry_date", "quantity", "unit"]
        widgets = {"production_date": DateInput(), "expiry_date": DateInput()}


class ReceiptForm(OperatorChoiceMixin):
    supplier_uscc = forms.CharField(label=_("Supplier's unified social credit code"), max_length=40,
                                    help_text=_("A supplier in the registry is found by its code; otherwise fill in the outside supplier below."))
    supplier_name = forms.CharField(label=_("Outside supplier's name"), max_length=128, required=False)
    supplier_licence_number = forms.CharField(label=_("Outside supplier's licence number"), max_length=20, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    imported = forms.BooleanField(label=_("Imported food"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReceiptLineForm(forms.Form):
    """A line: the trace code printed on the goods, or a new lot of one of the buyer's own products."""

    trace_code = forms.CharField(label=_("Trace code"), max_length=20, required=False)
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("or: own product"), required=False)
    lot_code = forms.CharField(label=_("Lot code"), max_length=20, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False, widget=DateInput())
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.KG, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=0, required=False)

    def __init__(self, *args: Any, products: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products  # type: ignore[attr-defined]

    def spec(self) -> LineSpec | None:
        """The line, or None when the row was left empty."""
        d = self.cleaned_data
        if not d.get("quantity"):
            return None
        product = d.get("product")
        return LineSpec(quantity=d["quantity"], trace_code=d.get("trace_code") or "", new_product_id=product.pk if product else None,
                        new_lot_code=d.get("lot_code") or "", production_date=d.get("production_date"), unit=d.get("unit") or Unit.KG)


class ShipmentForm(OperatorChoiceMixin):
    buyer_uscc = forms.CharField(label=_("Buyer's unified social credit code"), max_length=40)
    shipped_on = forms.DateField(label=_("Shipped on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ShipmentLineForm(forms.Form):
    lot = forms.ModelChoiceField(queryset=Lot.objects.none(), label=_("Lot"), required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=0, required=False)

    def __init__(self, *args: Any, lots: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lots is not None:
            self.fields["lot"].queryset = lots  # type: ignore[attr-defined]

    def spec(self) -> LineSpec | None:
        d = self.cleaned_data
        if not d.get("quantity") or d.get("lot") is None:
            return None
        return LineSpec(quantity=d["quantity"], lot_id=d["lot"].pk)


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class UploadForm(forms.Form):
    """Attach a document: upload the file, or quote the SHA-256 of one already uploaded."""

    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())
    sha256 = forms.CharField(label=_("or: SHA-256 of a document already uploaded"), max_length=64, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("file"):
            if not data.get("kind"):
                self.add_error("kind", _("Choose the kind of document."))
            if not data.get("issued_on"):
                self.add_error("issued_on", _("Give the issue date."))
        elif not data.get("sha256"):
            raise forms.ValidationError(_("Upload a file or give the SHA-256 of one already uploaded."))
        return data


class TransformationForm(OperatorChoiceMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=Transformation.Kind.choices)
    transformed_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TransformationOutputForm(forms.Form):
    """An output: a new lot of one of the operator's own products (or an existing own lot)."""

    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("Own product"), required=False)
    lot_code = forms.CharField(label=_("New lot code"), max_length=20, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False, widget=DateInput())
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DateInput())
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.KG, required=False)
    lot = forms.ModelChoiceField(queryset=Lot.objects.none(), label=_("or: existing own lot"), required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=0, required=False)

    def __init__(self, *args: Any, products: Any = None, lots: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products  # type: ignore[attr-defined]
        if lots is not None:
            self.fields["lot"].queryset = lots  # type: ignore[attr-defined]

    def spec(self) -> LineSpec | None:
        d = self.cleaned_data
        if not d.get("quantity"):
            return None
        if d.get("lot") is not None:
            return LineSpec(quantity=d["quantity"], lot_id=d["lot"].pk)
        product = d.get("product")
        return LineSpec(quantity=d["quantity"], new_product_id=product.pk if product else None, new_lot_code=d.get("lot_code") or "",
                        production_date=d.get("production_date"), expiry_date=d.get("expiry_date"), unit=d.get("unit") or Unit.KG)


class RecallForm(forms.Form):
    """The lots a recall starts from (trace codes, one per line or separated by spaces) and an optional period."""

    codes = forms.CharField(label=_("Trace codes of the lots"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("One or more trace codes, separated by spaces or new lines."))
    since = forms.DateField(label=_("From (optional)"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until (optional)"), required=False, widget=DateInput())

    def clean_codes(self) -> list[str]:
        codes = [c.strip().upper() for c in self.cleaned_data["codes"].replace(",", " ").split() if c.strip()]
        if not codes:
            raise forms.ValidationError(_("Give at least one trace code."))
        return list(dict.fromkeys(codes))
