"""The devices console's forms. The services check everything again; the forms read
and offer (grids, buildings and organisations in the user's scope, a profile's keys)."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.accounts.models import User
from linli.core.permissions import STAFF_ROLES, Role
from linli.devices.choices import Channel, Operator, RuleKind, Severity, ValueType
from linli.devices.models import AlarmType, DeviceProfile
from linli.regions.forms import region_choices
from linli.regions.models import Region
from linli.registry.models import Building, Organisation


class DeviceForm(forms.Form):
    grid_code = forms.ChoiceField(label=_("Grid"))
    profile = forms.ModelChoiceField(
        label=_("Device profile"), queryset=DeviceProfile.objects.all()
    )
    key = forms.RegexField(
        label=_("Device number"),
        max_length=40,
        regex=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        error_messages={"invalid": _("Letters, digits, dots, dashes and underscores.")},
        help_text=_("The number on the device (its serial): how gateways name it."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    building: "forms.ModelChoiceField[Building]" = forms.ModelChoiceField(
        label=_("Building"), queryset=None, required=False
    )
    unit = forms.IntegerField(label=_("Unit"), min_value=1, max_value=50, required=False)
    house = forms.CharField(
        label=_("House number"), max_length=10, required=False, help_text=_("e.g. 301")
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=8,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    owner: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Owned by"), queryset=None, required=False
    )
    maintainer: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Maintained by"), queryset=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        grids: Iterable[Region],
        buildings: Any,
        organisations: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid_code"].choices = region_choices(grids)  # type: ignore[attr-defined]
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]
        self.fields["building"].label_from_instance = (  # type: ignore[attr-defined]
            lambda b: f"{b.grid.name} · {b.name}"
        )
        for name in ("owner", "maintainer"):
            self.fields[name].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("house") and not data.get("building"):
            self.add_error("building", _("Give the building of the house."))
        if (data.get("longitude") is None) != (data.get("latitude") is None):
            self.add_error("latitude", _("Give both the longitude and the latitude."))
        return data


class DeviceEditForm(forms.Form):
    """What changes of a device in service: its name, point, organisations (its grid,
    profile and number stay; another place is another device)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=8,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    owner: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Owned by"), queryset=None, required=False
    )
    maintainer: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Maintained by"), queryset=None, required=False
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "maintainer"):
            self.fields[name].queryset = organisations  # type: ignore[attr-defined]


class DeviceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Device sheet (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CommentForm(forms.Form):
    note = forms.CharField(label=_("Remark"), max_length=500)


class AssignForm(forms.Form):
    to: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = people  # type: ignore[attr-defined]
        self.fields["to"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.get_full_name() or u.username
        )


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class RuleForm(forms.Form):
    alarm_type = forms.ModelChoiceField(label=_("Alarm type"), queryset=AlarmType.objects.all())
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    kind = forms.ChoiceField(label=_("Rule"), choices=RuleKind.choices)
    key = forms.ChoiceField(label=_("Key"), required=False)
    operator = forms.ChoiceField(
        label=_("Comparison"), choices=[("", "—"), *Operator.choices], required=False
    )
    threshold = forms.FloatField(
        label=_("Threshold"), required=False, min_value=-1e12, max_value=1e12
    )
    duration = forms.IntegerField(
        label=_("Held for (s)"),
        min_value=0,
        max_value=7 * 86400,
        initial=0,
        help_text=_("The condition must hold this long before the alarm is raised."),
    )
    minutes = forms.IntegerField(
        label=_("No data for (min)"), min_value=1, max_value=30 * 24 * 60, required=False
    )
    active_from = forms.TimeField(label=_("Only from"), required=False, widget=TIME)
    active_until = forms.TimeField(label=_("Until"), required=False, widget=TIME)
    clears = forms.BooleanField(
        label=_("Clears itself"),
        required=False,
        initial=True,
        help_text=_("Clear the alarm when the condition no longer holds."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args: Any, keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [("", _("None (any)")), *keys]  # type: ignore[attr-defined]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    interval = forms.IntegerField(
        label=_("Expected reporting interval (s)"),
        min_value=1,
        max_value=7 * 86400,
        help_text=_("A device silent for twice this long is offline."),
    )


class ProfileKeyForm(forms.Form):
    key = forms.RegexField(
        label=_("Key"),
        max_length=32,
        regex=r"^[A-Za-z][A-Za-z0-9_]*$",
        error_messages={"invalid": _("A letter, then letters, digits or underscores.")},
    )
    type = forms.ChoiceField(label=_("Type"), choices=ValueType.choices)
    label = forms.CharField(label=_("Label"), max_length=40)
    unit = forms.CharField(label=pgettext_lazy("of measure", "Unit"), max_length=12, required=False)
    minimum = forms.FloatField(
        label=_("Physical minimum"), required=False, min_value=-1e12, max_value=1e12
    )
    maximum = forms.FloatField(
        label=_("Physical maximum"), required=False, min_value=-1e12, max_value=1e12
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args: Any, existing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if existing:  # a key's name and type stay: stored values and rules depend on them
            del self.fields["key"]
            del self.fields["type"]


CODE = {
    "max_length": 40,
    "regex": r"^[a-z0-9][a-z0-9-]*$",
    "error_messages": {"invalid": _("Lower-case letters, digits and dashes.")},
}


class ProfileCreateForm(ProfileForm):
    code = forms.RegexField(
        label=_("Code"),
        help_text=_("How the API and device sheets name it; it cannot change."),
        **CODE,  # type: ignore[arg-type]
    )
    field_order = ["name", "code", "description", "interval"]

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if DeviceProfile.objects.filter(code=code).exists():  # said with the other errors
            raise forms.ValidationError(_("A device profile with this code exists already."))
        return code


class NewKeyForm(ProfileKeyForm):
    """A key of a new profile: a row left empty is no key (its type too, so that an
    untouched row is unchanged)."""

    type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *ValueType.choices])

    def clean(self) -> dict[str, Any]:
        """The range's checks (the service makes them again), said with the rest."""
        data = super().clean() or {}
        low, high = data.get("minimum"), data.get("maximum")
        if data.get("type") == ValueType.TEXT and (low is not None or high is not None):
            self.add_error("minimum", _("A text key has no range."))
        elif low is not None and high is not None and low > high:
            self.add_error("maximum", _("The minimum must not exceed the maximum."))
        return data


NewKeyFormSet = forms.formset_factory(NewKeyForm, extra=4, max_num=30, validate_max=True)


class AlarmTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    case_category: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Opens a case in"),
        queryset=None,
        required=False,
        empty_label=_("No case: the alarm only"),
        help_text=_("Its alarms open a case in this category, located at the device."),
    )
    escalate_after = forms.IntegerField(
        label=_("Escalate if not acknowledged within (min)"),
        min_value=1,
        max_value=7 * 24 * 60,
        required=False,
        help_text=_("Empty: never escalated."),
    )
    remind_every = forms.IntegerField(
        label=_("Remind until cleared, every (min)"),
        min_value=5,
        max_value=7 * 24 * 60,
        required=False,
        help_text=_("Empty: no reminders."),
    )

    def __init__(self, *args: Any, categories: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case_category"]
        field.queryset = categories  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.parent.name} · {c.name}" if c.parent else c.name
        )
        if new:
            self.fields["code"] = forms.RegexField(
                label=_("Code"),
                help_text=_("How rules, the API and events name it; it cannot change."),
                **CODE,  # type: ignore[arg-type]
            )
            self.order_fields(["name", "code"])


ROLE_CHOICES = [(r.value, r.label) for r in Role if r in STAFF_ROLES]


class NotificationRuleForm(forms.Form):
    region_code = forms.ChoiceField(label=_("Region"))
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    severities = forms.MultipleChoiceField(
        label=_("Severities"), choices=Severity.choices, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args: Any, regions: Iterable[Region] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is None:  # editing: the region stays
            del self.fields["region_code"]
        else:
            self.fields["region_code"].choices = region_choices(regions)  # type: ignore[attr-defined]


def organisations_for(user: Any) -> Any:
    return Organisation.objects.visible_to(user).order_by("name")


def buildings_for(user: Any, action: str) -> Any:
    return (
        Building.objects.visible_to(user, action)
        .select_related("grid")
        .order_by("grid__path", "name")
    )
