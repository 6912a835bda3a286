from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.regions.models import Region
from linli.regions.services import MAX_NAME_LENGTH


def region_choices(regions: Iterable[Region]) -> list[tuple[str, str]]:
    """(code, "parent · name") choices of regions fetched with their parent."""
    return [(r.code, f"{r.parent.name} · {r.name}" if r.parent else r.name) for r in regions]


class GridForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME_LENGTH)
    boundary = forms.CharField(
        label=_("Boundary (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text=_(
            "A GeoJSON Polygon or MultiPolygon in longitude/latitude (WGS 84). "
            "Leave empty for none."
        ),
    )
