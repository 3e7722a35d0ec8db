"""Admin for risk grading: the rules table (factors, bands, parameters) is edited here or on /risk/rules/.

Edits go through the services (validation, change log and a ``risk.rules_changed`` event). Grade
bands are checked as a set: a change that leaves a gap or overlap between bands is refused naming
the bands, on the change form and on the list (edit several bands at once there to move a boundary).
Grades, warnings and model versions are read only here (grades are added through the service).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseModelFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shian.core import audit
from shian.risk import services
from shian.risk.models import GradeBand, RiskFactor, RiskGrade, RiskParameter, RiskWarning, TargetingModelVersion


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RiskGrade)
class RiskGradeAdmin(admin.ModelAdmin):
    list_display = ("operator", "grade", "score", "computed_grade", "since", "source", "overridden", "is_current", "created_by")
    list_filter = ("grade", "source", "is_current", "overridden")
    search_fields = ("operator__name", "operator__uscc")
    raw_id_fields = ("operator",)
    fields = ("operator", "grade", "since", "source", "note")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RiskGrade, form: Any, change: bool) -> None:
        saved = services.grade_set(operator=obj.operator, grade=obj.grade, since=obj.since, source=obj.source, note=obj.note,
                                   by=request.user)  # type: ignore[arg-type]
        obj.pk = saved.pk


def _problems(proposed: dict[str, tuple[str, Any, Any]]) -> list[str]:
    return [p.message for p in services.band_check(list(proposed.values()))]


class GradeBandForm(forms.ModelForm):
    """One band, checked against the others as they are stored."""

    class Meta:
        model = GradeBand
        fields = ("lower", "upper", "source", "confidence")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("lower") is None:
            return data
        proposed: dict[str, tuple[str, Any, Any]] = {b.grade: (b.grade, b.lower, b.upper) for b in GradeBand.objects.exclude(pk=self.instance.pk)}
        proposed[self.instance.grade] = (self.instance.grade, data.get("lower"), data.get("upper"))
        problems = _problems(proposed)
        if problems:
            raise forms.ValidationError(problems)
        return data


class GradeBandListFormSet(BaseModelFormSet):
    """The bands edited on the list, checked together."""

    def clean(self) -> None:
        super().clean()
        proposed: dict[str, tuple[str, Any, Any]] = {b.grade: (b.grade, b.lower, b.upper) for b in GradeBand.objects.all()}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and form.instance.grade and data.get("lower") is not None:
                proposed[form.instance.grade] = (form.instance.grade, data.get("lower"), data.get("upper"))
        problems = _problems(proposed)
        if problems:
            raise forms.ValidationError(problems)


@admin.register(GradeBand)
class GradeBandAdmin(admin.ModelAdmin):
    form = GradeBandForm
    list_display = ("grade", "lower", "upper", "confidence")
    list_editable = ("lower", "upper")
    readonly_fields = ("grade",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changelist_formset(self, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["formset"] = GradeBandListFormSet
        return super().get_changelist_formset(request, **kwargs)

    def save_model(self, request: HttpRequest, obj: GradeBand, form: Any, change: bool) -> None:
        # Validated as a set above (form or list formset); the change log records the row, the event the new bounds.
        obj.save()
        audit.record_event("risk.rules_changed", obj=obj, data={"band": obj.grade, "lower": str(obj.lower),
                                                                "upper": str(obj.upper) if obj.upper is not None else None})


class RiskFactorForm(forms.ModelForm):
    class Meta:
        model = RiskFactor
        fields = ("weight", "cap", "points")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weight, points = data.get("weight"), data.get("points")
        if self.instance.kind == RiskFactor.Kind.ADJUSTMENT and weight is not None and (weight != int(weight) or not 0 <= weight <= 3):
            self.add_error("weight", _("An adjustment raises the grade by 0 to 3 whole levels."))
        if points is not None and (not isinstance(points, dict)
                                   or any(not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0 for v in points.values())):
            self.add_error("points", _("Give the points as a table of input values and numbers."))
        return data


@admin.register(RiskFactor)
class RiskFactorAdmin(admin.ModelAdmin):
    form = RiskFactorForm
    list_display = ("code", "name", "kind", "weight", "cap", "confidence", "order")
    list_filter = ("kind", "confidence")
    readonly_fields = ("code", "name", "kind", "source", "confidence", "note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a factor needs code that evaluates it: the table lists the ones the platform computes

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RiskFactor, form: Any, change: bool) -> None:
        d = form.cleaned_data
        services.factor_update(factor=obj, weight=d.get("weight"), cap=d.get("cap"), points=d.get("points"), by=request.user)  # type: ignore[arg-type]


class RiskParameterForm(forms.ModelForm):
    class Meta:
        model = RiskParameter
        fields = ("value",)


@admin.register(RiskParameter)
class RiskParameterAdmin(admin.ModelAdmin):
    form = RiskParameterForm
    list_display = ("code", "name", "value", "confidence")
    readonly_fields = ("code", "name", "source", "confidence")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RiskParameter, form: Any, change: bool) -> None:
        services.parameter_set(parameter=obj, value=form.cleaned_data["value"], by=request.user)  # type: ignore[arg-type]


@admin.register(RiskWarning)
class RiskWarningAdmin(_ReadOnly):
    list_display = ("operator", "raised_on", "grade_before", "grade_after", "score_before", "score_after", "jumped", "crossed", "status")
    list_filter = ("status", "jumped", "crossed")
    search_fields = ("operator__name", "operator__uscc")


@admin.register(TargetingModelVersion)
class TargetingModelVersionAdmin(_ReadOnly):
    list_display = ("trained_at", "trained_by", "data_from", "data_until", "examples", "positives", "active")
