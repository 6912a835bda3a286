from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict / town")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")


# Significant digits of the division code at each level: the materialised path.
# 3703 → 370306 → 370306001 → 370306001001 → 370306001001001 (grid: 3 more digits).
PATH_LENGTH: dict[str, int] = {
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.SUBDISTRICT: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
}
CHILD_LEVEL: dict[str, Level] = {
    Level.CITY: Level.DISTRICT,
    Level.DISTRICT: Level.SUBDISTRICT,
    Level.SUBDISTRICT: Level.COMMUNITY,
    Level.COMMUNITY: Level.GRID,
}
DIVISION_CODE_LENGTH = 12
GRID_CODE_LENGTH = 15
