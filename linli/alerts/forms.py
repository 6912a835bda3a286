"""The alerts console's forms. The services check everything again; the forms read and
offer (the regions and places in the user's scope)."""

import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.alerts.choices import (
    AlertSeverity,
    AlertUrgency,
    Category,
    Certainty,
    PlaceKind,
    Scope,
    Status,
)
from linli.alerts.models import Alert, Place
from linli.alerts.services import FACTS
from linli.regions.forms import region_choices
from linli.regions.models import Region

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AlertForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Area"), help_text=_("The region the alert covers, with everything in it.")
    )
    area_desc = forms.CharField(
        label=_("Area in words"),
        max_length=200,
        required=False,
        help_text=_("Left empty: the region's name."),
    )
    polygon = forms.CharField(label=_("Only part of it"), required=False, widget=forms.HiddenInput)
    circles = forms.CharField(label=_("Circles"), required=False, widget=forms.HiddenInput)
    event = forms.CharField(label=_("Event"), max_length=100, help_text=_("e.g. 暴雨黄色预警"))
    headline = forms.CharField(label=_("Headline"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    instruction = forms.CharField(
        label=_("What to do"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, initial=Category.MET
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=AlertUrgency.choices, initial=AlertUrgency.EXPECTED
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=AlertSeverity.choices, initial=AlertSeverity.MODERATE
    )
    certainty = forms.ChoiceField(
        label=_("Certainty"), choices=Certainty.choices, initial=Certainty.LIKELY
    )
    effective = forms.DateTimeField(label=_("In effect from"), required=False, widget=LOCAL)
    onset = forms.DateTimeField(label=_("Expected to begin"), required=False, widget=LOCAL)
    expires = forms.DateTimeField(label=_("Expires"), widget=LOCAL)
    status = forms.ChoiceField(
        label=_("Kind of message"), choices=Status.choices, initial=Status.ACTUAL
    )
    scope = forms.ChoiceField(label=_("Audience"), choices=Scope.choices, initial=Scope.PUBLIC)
    web = forms.URLField(label=_("Web page"), max_length=200, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    places = forms.ModelMultipleChoiceField(
        label=_("Shelters and civil-defence sites"),
        queryset=Place.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    event_en = forms.CharField(label=_("Event (English)"), max_length=100, required=False)
    headline_en = forms.CharField(label=_("Headline (English)"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    instruction_en = forms.CharField(
        label=_("What to do (English)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, regions: Iterable[Region], places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(regions)  # type: ignore[attr-defined]
        self.fields["places"].queryset = places  # type: ignore[attr-defined]
        self.fields["places"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.get_kind_display()} · {p.name}（{p.address}）"
        )

    def clean_polygon(self) -> Any:
        text = self.cleaned_data.get("polygon", "").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("The polygon drawn could not be read; draw it again.")
            ) from exc

    def clean_circles(self) -> Any:
        text = self.cleaned_data.get("circles", "").strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("The circles drawn could not be read; draw them again.")
            ) from exc

    def texts(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            "zh-CN": {k: data[k] for k in ("event", "headline", "description", "instruction")},
            "en-US": {
                k: data[f"{k}_en"] for k in ("event", "headline", "description", "instruction")
            },
        }

    def facts(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FACTS}


def initial_of(alert: Alert) -> dict[str, Any]:
    """A form's initial values from an alert (to edit it, or to write its update)."""
    initial: dict[str, Any] = {name: getattr(alert, name) for name in FACTS}
    initial.update(
        region=alert.region.code,
        area_desc=alert.area_desc,
        polygon=json.dumps(alert.polygon) if alert.polygon else "",
        circles=json.dumps(alert.circles) if alert.circles else "",
        places=list(alert.places.all()),
    )
    for language, suffix in (("zh-CN", ""), ("en-US", "_en")):
        info = alert.info(language)
        if info is not None:
            for k in ("event", "headline", "description", "instruction"):
                initial[f"{k}{suffix}"] = getattr(info, k)
    return initial


class UpdateNoteForm(forms.Form):
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is cancelled"),
        max_length=200,
        help_text=_("Told to the residents of the area."),
    )


class ImportForm(forms.Form):
    document = forms.FileField(
        label=_("CAP 1.2 message or Atom feed (.xml)"),
        help_text=_(
            "Such as a weather bureau's. Nothing is saved unless the whole document is valid."
        ),
    )


class PlaceForm(forms.Form):
    """A shelter or civil-defence site: its region (of those the user keeps places in),
    its facts and its point (a tap on the map, or typed)."""

    region = forms.ChoiceField(label=_("Region"))
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlaceKind.choices)
    address = forms.CharField(label=_("Address"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=0, max_value=1_000_000)
    longitude = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput({"step": "any"}),
    )
    latitude = forms.FloatField(
        label=_("Latitude"), min_value=-90, max_value=90, widget=forms.NumberInput({"step": "any"})
    )

    def __init__(self, *args: Any, regions: Iterable[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(regions)  # type: ignore[attr-defined]

    def facts(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FIELDS_OF_PLACE}


FIELDS_OF_PLACE = ("name", "kind", "address", "capacity", "longitude", "latitude")


def initial_of_place(place: Place) -> dict[str, Any]:
    return {"region": place.region.code} | {name: getattr(place, name) for name in FIELDS_OF_PLACE}
