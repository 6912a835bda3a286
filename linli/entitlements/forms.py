"""The entitlements' console forms; the services check what a form cannot (the
conditions, the bands, the scope) and name the field they refuse."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.assessment.choices import CareLevel
from linli.entitlements.choices import (
    AmountUnit,
    DisabilityType,
    EndReason,
    GrantCategory,
    VerificationResult,
    VeteranRecordKind,
)
from linli.entitlements.models import GrantKind
from linli.hall.models import Matter
from linli.regions.models import Region
from linli.registry.models import Label


def _region_name(region: Region) -> str:
    return f"{region.name}({region.get_level_display()})"


class KindForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    category = forms.ChoiceField(label=_("Category"), choices=GrantCategory.choices)
    legal_basis = forms.CharField(
        label=_("Policy basis"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    labels_all = forms.ModelMultipleChoiceField(
        label=_("Labels all required"),
        queryset=Label.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    labels_any = forms.ModelMultipleChoiceField(
        label=_("Labels of which one suffices"),
        queryset=Label.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=120, required=False)
    needs_certificate = forms.BooleanField(
        label=_("Needs a valid disability certificate"), required=False
    )
    max_grade = forms.TypedChoiceField(
        label=_("Disability grade at most"),
        choices=[("", _("any grade")), *((g, str(g)) for g in range(1, 5))],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Grade 1 is the most severe: 2 means grades 1 and 2."),
    )
    disability_types = forms.MultipleChoiceField(
        label=_("Disability types (none: any)"),
        choices=DisabilityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    care_levels = forms.MultipleChoiceField(
        label=_("Care levels (none: not a condition)"),
        choices=CareLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Of the latest confirmed ability assessment."),
    )
    matter = forms.ChoiceField(
        label=_("Service hall matter"),
        required=False,
        help_text=_("The service hall matter whose approval grants it."),
    )
    active = forms.BooleanField(label=_("Granted now"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["matter"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("none: granted by caseworkers only")),
            *Matter.objects.published().order_by("name").values_list("code", "name"),
        ]


class RuleForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    min_age = forms.IntegerField(label=_("From age"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("To age"), min_value=0, max_value=150, required=False)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=9, decimal_places=2)
    unit = forms.ChoiceField(label=_("Amount unit"), choices=AmountUnit.choices)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = regions
        field.label_from_instance = _region_name  # type: ignore[method-assign,assignment]


class GrantForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Grant kind"), queryset=GrantKind.objects.none())
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the grant is made without a service hall application."),
    )

    def __init__(self, *args: Any, kinds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = kinds


class EndForm(forms.Form):
    reason = forms.ChoiceField(label=_("End reason"), choices=EndReason.choices)
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class KeepForm(forms.Form):
    note = forms.CharField(
        label=_("Why the grant continues"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=22)
    type = forms.ChoiceField(label=_("Disability type"), choices=DisabilityType.choices)
    grade = forms.TypedChoiceField(
        label=_("Grade"), choices=[(g, str(g)) for g in range(1, 5)], coerce=int
    )
    issued_on = forms.DateField(
        label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )


class VeteranRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record"), choices=VeteranRecordKind.choices)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0, max_digits=9, decimal_places=2, required=False
    )
    note = forms.CharField(
        label=_("Note (the reason, for aid)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CampaignForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = regions
        field.label_from_instance = _region_name  # type: ignore[method-assign,assignment]


class VerificationForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (VerificationResult.CONFIRMED.value, VerificationResult.CONFIRMED.label),
            (VerificationResult.ENDED.value, VerificationResult.ENDED.label),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
