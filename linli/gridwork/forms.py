from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.gridwork.choices import VisitPurpose
from linli.regions.forms import region_choices


class PatrolStartForm(forms.Form):
    grid_code = forms.ChoiceField(label=_("Grid"))
    route = forms.TypedChoiceField(label=_("Route"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, grids, routes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_code"].choices = region_choices(grids)
        self.fields["route"].choices = [("", _("No route: a free patrol"))] + [
            (r.pk, f"{r.name} ({r.grid.name})") for r in routes
        ]


class CheckInForm(forms.Form):
    """A check-in from the patrol page: the position the page's script read, or the
    token of a scanned QR code."""

    token = forms.CharField(max_length=32, required=False)
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )
    latitude = forms.DecimalField(
        max_digits=8, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    accuracy = forms.IntegerField(min_value=0, max_value=100_000, required=False)


class CheckpointForm(forms.Form):
    grid_code = forms.ChoiceField(label=_("Grid"))
    name = forms.CharField(label=_("Name"), max_length=100)
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=8, decimal_places=6, min_value=-90, max_value=90
    )
    radius = forms.IntegerField(label=_("Radius (m)"), min_value=10, max_value=500, initial=50)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_code"].choices = region_choices(grids)


class RouteForm(forms.Form):
    grid_code = forms.ChoiceField(label=_("Grid"))
    name = forms.CharField(label=_("Name"), max_length=100)
    worker = forms.ModelChoiceField(label=_("Grid worker"), queryset=None)
    checkpoints = forms.ModelMultipleChoiceField(label=_("Checkpoints"), queryset=None)
    patrols_per_week = forms.IntegerField(
        label=_("Patrols a week"), min_value=1, max_value=14, initial=5
    )

    def __init__(self, *args, grids, workers, checkpoints, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_code"].choices = region_choices(grids)
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = lambda u: u.get_short_name()
        self.fields["checkpoints"].queryset = checkpoints
        self.fields["checkpoints"].label_from_instance = lambda c: f"{c.grid.name} · {c.name}"


class VisitForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=VisitPurpose.choices)
    visited_at = forms.DateTimeField(
        label=_("Visited"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you found and what was asked for. No ID or phone numbers."),
    )
    confirmed = forms.BooleanField(
        label=_("The household's data on record is still right"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
