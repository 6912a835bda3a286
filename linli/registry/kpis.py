"""更新频次 (how often grid data is updated): the registry changes made in a period
— records created, updated, verified, people moved in or out — per region level or
per person who made them (docs/kpis.md)."""

from datetime import datetime

from django.db.models import Count, F
from django.db.models.functions import Substr

from linli.regions.models import Region
from linli.registry.models import RecordChange
from linli.registry.permissions import REGISTRY_VIEW


def update_counts(
    *, user, start: datetime, end: datetime, path_length: int | None
) -> dict[str, int]:
    """Changes in [start, end) in the user's scope, per region path cut to
    `path_length`, or per person (their user id) when it is None."""
    changes = RecordChange.objects.filter(
        grid__in=Region.objects.visible_to(user, REGISTRY_VIEW).values("pk"),
        at__gte=start,
        at__lt=end,
    )
    if path_length is None:
        changes = changes.filter(actor__isnull=False).annotate(unit=F("actor"))
    else:
        changes = changes.annotate(unit=Substr("grid__path", 1, path_length))
    return {
        str(row["unit"]): row["n"]
        for row in changes.values("unit").annotate(n=Count("pk")).order_by()
    }
