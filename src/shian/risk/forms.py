"""Page forms for risk grading (parsing only: the services check the rules; the admin form reuses the band check)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shian.risk import rules
from shian.risk.models import GradeBand

GRADE_CHOICES = [(g, g) for g in rules.GRADES]


class OverrideForm(forms.Form):
    grade = forms.ChoiceField(label=_("Risk grade"), choices=GRADE_CHOICES)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500, required=False,
                             help_text=_("Required: why the grade differs from the computed one"))


class HandleForm(forms.Form):
    note = forms.CharField(label=_("How it was handled"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500, required=False)


class BandsForm(forms.Form):
    """All four bands at once: moving a boundary changes two bands."""

    def __init__(self, *args: Any, bands: list[GradeBand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {b.grade: b for b in bands or []}
        for g in rules.GRADES:
            b = current.get(g)
            self.fields[f"{g}_lower"] = forms.DecimalField(label=_("%(grade)s from (exclusive)") % {"grade": g}, max_digits=6, decimal_places=2,
                                                           initial=b.lower if b else None)
            self.fields[f"{g}_upper"] = forms.DecimalField(label=_("%(grade)s to (inclusive)") % {"grade": g}, max_digits=6, decimal_places=2,
                                                           required=False, initial=b.upper if b else None)

    def bands(self) -> list[tuple[str, Any, Any]]:
        d = self.cleaned_data
        return [(g, d.get(f"{g}_lower"), d.get(f"{g}_upper")) for g in rules.GRADES]


class FactorForm(forms.Form):
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=2, min_value=0)
    cap = forms.DecimalField(label=_("Maximum points"), max_digits=6, decimal_places=2, min_value=0)
    points = forms.CharField(label=_("Points per input value (JSON)"), widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def clean_points(self) -> Any:
        raw = (self.cleaned_data.get("points") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("Enter the points as JSON, e.g. {\"non_compliant\": 10}.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Enter the points as JSON, e.g. {\"non_compliant\": 10}."))
        return value


class ParameterForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=8, decimal_places=2, min_value=0)
