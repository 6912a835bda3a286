"""`{% region_field value %}`: the region input of a list's filter (InRegion), with the
regions of the user's part of the tree offered as they type (subdistricts, communities
and grids). A region outside what the list shows them simply finds nothing."""

from typing import Any

from django import template
from django.db.models.functions import Length

from linli.regions.choices import Level
from linli.regions.selectors import regions_visible

register = template.Library()

OFFERED = 500  # subdistricts and communities first: a district's grids may be left out


@register.inclusion_tag("regions/_region_field.html", takes_context=True)
def region_field(context: template.Context, value: str | None) -> dict[str, Any]:
    offered = (
        regions_visible(user=context["request"].user)
        .filter(level__in=[Level.SUBDISTRICT, Level.COMMUNITY, Level.GRID], retired_at__isnull=True)
        .select_related("parent")
        .order_by(Length("path"), "path")[:OFFERED]
    )
    return {"value": value or "", "offered": offered}
