"""Page forms for produce certificates. Forms only parse input; access checks are in the selectors and
writes go through the services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.certificates import rules
from shian.certificates.models import ProduceCertificate
from shian.registry.models import FoodCategory, Operator
from shian.trace.models import Lot, Unit


class DateInput(forms.DateInput):
    input_type = "date"


def _scope_categories() -> QuerySet[FoodCategory]:
    return FoodCategory.objects.filter(code__in=sorted(rules.SCOPE_CATEGORIES)).order_by("code")


class ActingOperatorMixin(forms.Form):
    """Asks which operator acts, only when the user may act for more than one: a list when there are
    a few (an organisation's own operators), the operator's ID otherwise (an administrator)."""

    MAX_LISTED = 20

    operator = forms.ModelChoiceField(queryset=Operator.objects.none(), label=_("Operator"), required=False)
    operator_id = forms.IntegerField(label=_("Operator ID"), required=False, min_value=1)

    def __init__(self, *args: Any, operators: QuerySet[Operator] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        listed = list(operators.order_by("name")[: self.MAX_LISTED + 1]) if operators is not None else []
        if len(listed) <= 1 or len(listed) > self.MAX_LISTED:
            del self.fields["operator"]
        else:
            self.fields["operator"].queryset = operators  # type: ignore[attr-defined,union-attr]
            self.fields["operator"].required = True
        if len(listed) <= self.MAX_LISTED:
            del self.fields["operator_id"]
        else:
            self.fields["operator_id"].required = True

    def acting_id(self) -> int | None:
        """The operator chosen (by list or ID), or None when the user acts for one only."""
        op = self.cleaned_data.get("operator")
        return op.pk if op is not None else self.cleaned_data.get("operator_id")


class _CertificateFields(ActingOperatorMixin):
    product_name = forms.CharField(label=_("Product name"), max_length=128, required=False)
    category = forms.ModelChoiceField(queryset=FoodCategory.objects.none(), to_field_name="code", label=_("Food category"), required=False)
    quantity = forms.DecimalField(label=_("Quantity or weight"), max_digits=14, decimal_places=3, min_value=Decimal("0.001"))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.KG)
    origin = forms.CharField(label=_("Place of origin"), max_length=200, required=False, help_text=_("Left blank: the operator's registered address."))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False,
                                    help_text=_("Left blank: the operator's registered phone."))
    issued_on = forms.DateField(label=_("Date of issue"), widget=DateInput(), required=False, help_text=_("Left blank: today."))
    basis = forms.ChoiceField(label=_("Basis of the commitment"), choices=ProduceCertificate.Basis.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _scope_categories()  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("issued_on", timezone.localdate())


class IssueForm(_CertificateFields):
    """An original certificate, issued by a farm."""

    lot = forms.ModelChoiceField(queryset=Lot.objects.none(), label=_("Lot on the platform"), required=False,
                                 help_text=_("Optional: product name and category are taken from the lot."))
    test_report = forms.FileField(label=_("Test report (PDF, PNG or JPEG)"), required=False, help_text=_("Only with a third-party test."))

    field_order = ["operator", "operator_id", "lot", "product_name", "category", "quantity", "unit", "origin", "contact_phone", "issued_on", "basis",
                   "test_report"]

    def __init__(self, *args: Any, lots: QuerySet[Lot] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots if lots is not None else Lot.objects.none()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("lot"):
            if not data.get("product_name"):
                self.add_error("product_name", _("Give the product name."))
            if not data.get("category"):
                self.add_error("category", _("Choose the food category."))
        return data


def parse_parent_lines(text: str) -> list[tuple[str, Decimal | None]]:
    """One certificate per line: its code (or the scanned URL), optionally followed by the quantity taken."""
    out: list[tuple[str, Decimal | None]] = []
    for line in (text or "").splitlines():
        parts = line.split()
        if not parts:
            continue
        quantity = None
        if len(parts) > 1:
            try:
                quantity = Decimal(parts[-1])
                parts = parts[:-1]
            except InvalidOperation:
                quantity = None
        out.append(("".join(parts), quantity))
    return out


class ReissueForm(_CertificateFields):
    """A new certificate after mixing or repacking, naming the certificates received."""

    kind = forms.ChoiceField(label=_("Re-issued after"), choices=ProduceCertificate.ReissueKind.choices, widget=forms.RadioSelect)
    parents = forms.CharField(label=_("Certificates received"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("One per line: the certificate code (or scan its QR code), optionally followed by the quantity "
                                          "taken from it. Without a quantity, all that is left is taken."))
    unit = forms.ChoiceField(label=_("Unit"), choices=[("", _("as on the certificates received")), *Unit.choices], required=False)

    field_order = ["operator", "operator_id", "kind", "parents", "product_name", "category", "quantity", "unit", "origin", "contact_phone", "issued_on",
                   "basis"]

    def clean_parents(self) -> list[tuple[str, Decimal | None]]:
        lines = parse_parent_lines(self.cleaned_data.get("parents", ""))
        if not lines:
            raise forms.ValidationError(_("Name the certificates the goods came with."))
        if any(q is not None and q <= 0 for _c, q in lines):
            raise forms.ValidationError(_("The quantity must be positive."))
        return lines


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class CheckForm(ActingOperatorMixin):
    code = forms.CharField(label=_("Certificate code"), max_length=200,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters"}),
                           help_text=_("Scan the QR code (a scanner types the web address) or type the 16-character code."))
    quantity = forms.DecimalField(label=_("Quantity presented"), max_digits=14, decimal_places=3, min_value=Decimal("0.001"), required=False,
                                  help_text=_("Optional, in the certificate's unit: checked against what the certificate still covers."))
