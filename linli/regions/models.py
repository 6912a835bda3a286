from typing import Self, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.scoping import ScopedQuerySet
from linli.regions.choices import PATH_LENGTH, Level


def ancestor_paths(path: str) -> list[str]:
    """The paths of every region above the one with this path, root first."""
    return [path[:n] for n in sorted(PATH_LENGTH.values()) if n < len(path)]


class RegionQuerySet(ScopedQuerySet["Region"]):
    region_path = "path"
    view_action = "region.view"

    def active(self) -> Self:
        return self.filter(retired_at__isnull=True)


_M = TypeVar("_M", bound=models.Model)


class GridOwnedQuerySet(ScopedQuerySet[_M]):
    """Rows that belong to a grid: scoped by the grid's region path."""

    region_path = "grid__path"


class GridOwned(models.Model):
    """A record that belongs to one grid (a building, a patrol, a device…): whoever may
    act in the grid's subtree may act on it (`objects.visible_to(user, action)` with a
    `GridOwnedQuerySet`, its `view_action` set by the app)."""

    grid = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        related_name="+",
        verbose_name=_("grid"),
        limit_choices_to={"level": "grid"},
    )

    class Meta:
        abstract = True

    @property
    def region_path(self) -> str:
        """The grid's materialised path (load `grid` with the row)."""
        return self.grid.path


class Region(models.Model):
    """A node of the administrative tree: city → district → subdistrict → community → grid.

    `code` is the national statistical division code (12 digits; a grid's code is
    its community's code plus 3 digits). `path` is the code cut to its level's
    significant digits, so every node's path starts with its ancestors' paths and a
    subtree is one indexed prefix query.
    """

    code = models.CharField(_("code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(_("path"), max_length=15, unique=True)
    urban = models.BooleanField(
        _("urban"),
        null=True,
        blank=True,
        help_text=_("Urban or rural, for communities and grids (assessment thresholds differ)."),
    )
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RegionQuerySet.as_manager()

    # Set on the regions some selectors return: `region_breadcrumbs` (whether the user
    # may open it), `region_children` (active communities and grids below it).
    can_open: bool
    community_count: int
    grid_count: int

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name"], name="region_parent_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(level=Level.CITY),
                name="region_parent_required",
                violation_error_message=_("Only a city may have no parent region."),
            ),
            models.CheckConstraint(
                condition=Q(retired_at__isnull=True) | Q(level=Level.GRID),
                name="region_only_grids_retire",
                violation_error_message=_("Only grids can be retired."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_grid(self) -> bool:
        return self.level == Level.GRID

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def ancestor_paths(self) -> list[str]:
        """The paths of every ancestor, root first (derived from the code)."""
        return ancestor_paths(self.path)
