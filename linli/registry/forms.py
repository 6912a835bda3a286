from django import forms
from django.utils.translation import gettext_lazy as _

from linli.registry.choices import (
    ETHNICITIES,
    HAN,
    BuildingType,
    HouseholdType,
    HouseUse,
    OrganisationType,
    PoliticalStatus,
    Relation,
    ResidenceType,
)
from linli.registry.models import Label

DATE = forms.DateInput(attrs={"type": "date"})


class ResidentForm(forms.Form):
    """Move a person in, or (without the ID number) change their details."""

    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18, min_length=18)
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, required=False)
    relation = forms.ChoiceField(label=_("Relation to head"), choices=Relation.choices)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ETHNICITIES, initial=HAN)
    political_status = forms.ChoiceField(
        label=_("Political status"), choices=PoliticalStatus.choices
    )
    residence_type = forms.ChoiceField(label=_("Residence type"), choices=ResidenceType.choices)
    moved_in_on = forms.DateField(label=_("Moved in on"), required=False, widget=DATE)

    def __init__(self, *args, editing: bool = False, masked_phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:  # the ID number is fixed once recorded: it names the person
            del self.fields["id_number"], self.fields["moved_in_on"]
            # The current phone is never put into the page in full: an empty field
            # keeps it, and removing it is a choice of its own.
            self.fields["phone"].widget.attrs["placeholder"] = masked_phone
            self.fields["phone"].help_text = _("Leave empty to keep the current number.")
            self.fields["remove_phone"] = forms.BooleanField(
                label=_("Remove the phone number"), required=False
            )

    def cleaned_fields(self) -> dict:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if v not in (None, "") or (k == "phone" and not self.editing)
        }
        if data.pop("remove_phone", False):
            data["phone"] = None
        return data


class LeaveForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Show"), choices=[("id_number", _("ID number")), ("phone", _("Mobile phone"))]
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Recorded in the audit trail with your name."),
    )


class LabelsForm(forms.Form):
    codes = forms.MultipleChoiceField(
        label=_("Labels"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = list(
            Label.objects.filter(derived=False).values_list("code", "name")
        )


class BuildingForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    address = forms.CharField(label=_("Address"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=BuildingType.choices)
    floors = forms.IntegerField(label=_("Floors"), min_value=1, max_value=200)
    units = forms.IntegerField(label=_("Units"), min_value=1, max_value=50, initial=1)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Type"), choices=OrganisationType.choices)
    credit_code = forms.RegexField(
        label=_("Unified social credit code"),
        regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
        required=False,
        error_messages={"invalid": _("18 digits and capital letters (no I, O, S, V, Z).")},
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)


class HouseForm(forms.Form):
    unit = forms.IntegerField(label=_("Unit"), min_value=1, max_value=50, initial=1)
    floor = forms.IntegerField(label=_("Floor"), min_value=-5, max_value=200)
    number = forms.CharField(label=_("Number"), max_length=10)
    area = forms.DecimalField(
        label=_("Area (m²)"), max_digits=7, decimal_places=2, min_value=1, required=False
    )
    use = forms.ChoiceField(label=_("Use"), choices=HouseUse.choices)


class HouseholdForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=HouseholdType.choices)
    number = forms.CharField(label=_("Household number"), max_length=30, required=False)


class SplitForm(forms.Form):
    """分户: some living members leave to form a new household."""

    members = forms.TypedMultipleChoiceField(
        label=_("Who leaves"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    head = forms.TypedChoiceField(label=_("Head of the new household"), coerce=int)
    house = forms.TypedChoiceField(
        label=_("House of the new household"),
        coerce=int,
        help_text=_("A house of the same building; the same house for a split in place."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=HouseholdType.choices)

    def __init__(self, *args, members, houses, **kwargs):
        super().__init__(*args, **kwargs)
        people = [(m.pk, m.name) for m in members]
        self.fields["members"].choices = people
        self.fields["head"].choices = people
        self.fields["house"].choices = [(h.pk, f"{h.unit}-{h.number}") for h in houses]


class MergeForm(forms.Form):
    """合户: everyone living here joins another household; this one is dissolved."""

    target = forms.TypedChoiceField(label=_("Join the household of"), coerce=int)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (h.pk, f"{h.house.unit}-{h.house.number} {h.head.name if h.head else ''}".strip())
            for h in households
        ]


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    valid_only = forms.BooleanField(
        label=_("If some rows have errors, import the valid rows anyway"),
        required=False,
        help_text=_(
            "Without this, a file with any error saves nothing: you see the errors first "
            "and then decide."
        ),
    )


class AffiliationForm(forms.Form):
    """Whom a person acts for in one of their roles (empty: nobody)."""

    grant = forms.IntegerField(widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(
        label=_("Acts for (department or company)"),
        queryset=None,
        required=False,
        empty_label=_("Nobody"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
