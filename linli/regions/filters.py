"""The one region field of every list's filter, and the regions list's own filter."""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field
from pydantic import field_validator

from linli.core.lists import ListFilter
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import matching, regions_within

REGION_CODE = r"^\d{12}(\d{3})?$"


class InRegion(ListFilter):
    """A list filter with the region field: a division code at any level (12 digits:
    a city, district, subdistrict or community) or a grid's (15 digits) stands for that
    region and everything below it. An unknown code is refused, not an empty list.

    `region_field` names how a row reaches its region: a relation to `Region`
    (`grid`, `region`, `case__region`), or a field holding its path (`region_path`)."""

    region: str | None = Field(
        None,
        pattern=REGION_CODE,
        description="A region's code (12 digits; 15 for a grid): that region and everything "
        "below it.",
    )
    region_field: ClassVar[str] = "region"
    labels = {"region": gettext_lazy("Region")}

    @field_validator("region")
    @classmethod
    def _known(cls, code: str | None) -> str | None:
        if code and not Region.objects.filter(code=code).exists():
            raise ValueError(_("Unknown region code %(code)s.") % {"code": code})
        return code

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        """A list filtered by region alone; lists with more fields override it."""
        return self.in_region(found)

    def in_region(self, found: QuerySet[Any]) -> QuerySet[Any]:
        """`found` below the region asked for (all of it without one)."""
        if not self.region:
            return found
        path = Region.objects.filter(code=self.region).values_list("path", flat=True).get()
        if self.region_field.endswith("_path"):
            return found.filter(**{f"{self.region_field}__startswith": path})
        within = regions_within([path]).values("pk")
        return found.filter(**{f"{self.region_field}__in": within})


class InGrid(InRegion):
    """The region field of a list of grid-owned rows (linli.regions.models.GridOwned)."""

    region_field: ClassVar[str] = "grid"


class RegionListFilter(InRegion):
    """The regions list: by name or code, level, parent, and the region field (a
    subtree); retired grids only when asked."""

    region_field: ClassVar[str] = "pk"
    labels = {
        "q": gettext_lazy("Search by name or code"),
        "level": gettext_lazy("Level"),
        "parent": gettext_lazy("Parent"),
        "include_retired": gettext_lazy("Include retired grids"),
    }
    q: str | None = Field(None, max_length=100, description="Part of a name, or a code prefix.")
    level: Level | None = None
    parent: str | None = Field(None, pattern=r"^\d{12}$", description="Parent's code.")
    include_retired: bool = False

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        if not self.include_retired:
            found = found.filter(retired_at__isnull=True)
        if self.q and self.q.strip():
            found = found.filter(matching(self.q))
        if self.level:
            found = found.filter(level=self.level)
        if self.parent:
            found = found.filter(parent__code=self.parent)
        return self.in_region(found)
