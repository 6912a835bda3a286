"""The screens console's forms. The services check everything again; the forms read
and offer (communities, buildings and playlists in the user's scope, topics)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from linli.regions.forms import region_choices
from linli.regions.models import Region
from linli.registry.models import Building
from linli.screens.choices import (
    MAX_DURATION_S,
    MIN_DURATION_S,
    ItemKind,
    ScreenKind,
    Weekday,
)
from linli.screens.models import Playlist
from linli.screens.topics import topic_choices

MAX_BUILDINGS = 500


def _decimal(label: Any, digits: int, bound: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=digits,
        decimal_places=6,
        min_value=-bound,
        max_value=bound,
    )


class ScreenForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ScreenKind.choices)
    name = forms.CharField(label=_("Name"), max_length=50, help_text=_("e.g. 东门广场大屏"))
    region_code = forms.ChoiceField(label=_("Community"))
    building: "forms.ModelChoiceField[Building]" = forms.ModelChoiceField(
        label=_("Building"), queryset=None, required=False
    )
    longitude = _decimal(_("Longitude"), 9, 180)
    latitude = _decimal(_("Latitude"), 8, 90)
    playlist: "forms.ModelChoiceField[Playlist]" = forms.ModelChoiceField(
        label=_("Playlist"), queryset=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        communities: Iterable[Region],
        buildings: Any,
        playlists: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = region_choices(communities)  # type: ignore[attr-defined]
        self.fields["building"].queryset = buildings[:MAX_BUILDINGS]  # type: ignore[attr-defined]
        self.fields["building"].label_from_instance = (  # type: ignore[attr-defined]
            lambda b: f"{b.grid.parent.name} · {b.name}"
        )
        self.fields["playlist"].queryset = playlists  # type: ignore[attr-defined]
        self.fields["playlist"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.region.name} · {p.name}"
        )


class ScreenEditForm(ScreenForm):
    """A screen's name, building, place and playlist (not its kind or community)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        del self.fields["region_code"]


class PlaylistForm(forms.Form):
    region_code = forms.ChoiceField(label=_("Community"))
    name = forms.CharField(label=_("Name"), max_length=50)

    def __init__(self, *args: Any, communities: Iterable[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = region_choices(communities)  # type: ignore[attr-defined]


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Shows"), choices=ItemKind.choices)
    duration = forms.IntegerField(
        label=_("Duration (s)"), min_value=MIN_DURATION_S, max_value=MAX_DURATION_S, initial=15
    )
    title = forms.CharField(label=_("Caption"), max_length=60, required=False)
    topics = forms.MultipleChoiceField(
        label=_("Topics (notices only; none: all)"),
        choices=topic_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    image = forms.FileField(label=_("Image (image items only)"), required=False)


class ItemEditForm(forms.Form):
    duration = forms.IntegerField(
        label=_("Duration (s)"), min_value=MIN_DURATION_S, max_value=MAX_DURATION_S
    )
    title = forms.CharField(label=_("Caption"), max_length=60, required=False)


class ChannelForm(forms.Form):
    number = forms.IntegerField(label=_("Channel number"), min_value=1, max_value=999)
    name = forms.CharField(label=_("Name"), max_length=20)
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=topic_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    enabled = forms.BooleanField(label=_("On air"), required=False, initial=True)


class ChannelEditForm(ChannelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["number"]


class ProgrammeForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    title = forms.CharField(label=_("Title"), max_length=40)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class ForecastForm(forms.Form):
    region_code = forms.ChoiceField(label=_("Region"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("Weather"), max_length=20, help_text=_("e.g. 多云转小雨"))
    low = forms.IntegerField(label=_("Low (°C)"), min_value=-60, max_value=60)
    high = forms.IntegerField(label=_("High (°C)"), min_value=-60, max_value=60)
    wind = forms.CharField(label=_("Wind"), max_length=20, required=False)

    def __init__(self, *args: Any, regions: Iterable[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = region_choices(regions)  # type: ignore[attr-defined]


class ForecastImportForm(forms.Form):
    """Days pasted from the weather bureau's forecast, one a line:
    日期,天气,最低,最高,风力 (2026-12-08,多云,-2,7,北风3级)."""

    region_code = forms.ChoiceField(label=_("Region"))
    lines = forms.CharField(
        label=_("Days, one a line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Date, weather, low, high, wind: e.g. 2026-12-08,多云,-2,7,北风3级"),
    )

    def __init__(self, *args: Any, regions: Iterable[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = region_choices(regions)  # type: ignore[attr-defined]


def parse_forecast_lines(text: str) -> tuple[list[tuple[date, str, int, int, str]], list[str]]:
    """The lines as (day, weather, low, high, wind), and what is wrong with each line
    that cannot be read (line numbers from 1)."""
    rows: list[tuple[date, str, int, int, str]] = []
    errors: list[str] = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip().replace("，", ",")
        if not line:
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) not in (4, 5):
            errors.append(gettext("Line %(n)s: give date, weather, low, high and wind.") % {"n": n})
            continue
        try:
            day = date.fromisoformat(parts[0])
            low, high = int(parts[2]), int(parts[3])
        except ValueError:
            errors.append(
                gettext("Line %(n)s: the date is YYYY-MM-DD, the low and high whole degrees.")
                % {"n": n}
            )
            continue
        rows.append((day, parts[1], low, high, parts[4] if len(parts) == 5 else ""))
    return rows, errors
