"""One filter for the lists of grid work (patrols, visits), shared by the console
and the API."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Schema

from linli.regions.models import Region


class GridWorkFilter(Schema):
    region: str | None = Field(
        None, pattern=r"^\d{12}(\d{3})?$", description="Community or grid code: below it."
    )
    days: int = Field(30, ge=1, le=366, description="The last so many days.")

    def apply(self, found: QuerySet, *, when: str) -> QuerySet:
        """`found` (rows with a `grid`) narrowed to the region and to `when` (the
        datetime field) within the last `days` days."""
        found = found.filter(**{f"{when}__gte": timezone.now() - timedelta(days=self.days)})
        if self.region:
            path = Region.objects.filter(code=self.region).values_list("path", flat=True).first()
            if path is None:
                return found.none()
            found = found.filter(grid__path__startswith=path)
        return found
