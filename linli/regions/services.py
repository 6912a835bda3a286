"""Writes to the region tree: imports from fixtures and grid upkeep."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.geojson import parse_boundary
from linli.core.scoping import AnyUser
from linli.regions.choices import (
    CHILD_LEVEL,
    DIVISION_CODE_LENGTH,
    GRID_CODE_LENGTH,
    PATH_LENGTH,
    Level,
)
from linli.regions.models import Region
from linli.regions.permissions import GRID_MANAGE

MAX_NAME_LENGTH = 100


def division_path(code: str, level: str) -> str:
    """The materialised path of a division code, after checking that it fits its level."""
    expected = GRID_CODE_LENGTH if level == Level.GRID else DIVISION_CODE_LENGTH
    if len(code) != expected or not code.isdigit():
        raise ValidationError(
            _("Region code %(code)s is malformed: a %(level)s code has %(n)s digits."),
            code="malformed_code",
            params={"code": code, "level": Level(level).label, "n": expected},
        )
    width = PATH_LENGTH[Level(level)]
    if level != Level.GRID and set(code[width:]) - {"0"}:
        raise ValidationError(
            _("Region code %(code)s does not fit the level %(level)s."),
            code="level_mismatch",
            params={"code": code, "level": Level(level).label},
        )
    return code[:width]


@transaction.atomic
def regions_import(*, records: Iterable[object]) -> tuple[int, int]:
    """Create or update regions from fixture records, parents before children.

    Idempotent: a second run of the same fixture changes nothing. Either every
    record is valid and saved, or nothing is. Returns (created, updated).
    """
    by_code = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ValidationError(_("Record %(n)s is not a JSON object."), params={"n": number})
        try:
            code, name, level = str(record["code"]), record["name"], record["level"]
        except KeyError as exc:
            raise ValidationError(
                _("Record %(n)s lacks the field %(field)s."),
                params={"n": number, "field": exc.args[0]},
            ) from exc
        name = name.strip() if isinstance(name, str) else ""  # null is no name, not "None"
        if level not in Level.values or level == Level.GRID:
            raise ValidationError(
                _("Record %(n)s: unknown level %(level)s."), params={"n": number, "level": level}
            )
        path = division_path(code, level)
        parent = None
        if record.get("parent"):
            parent = by_code.get(str(record["parent"]))
            if parent is None:
                raise ValidationError(
                    _("Record %(n)s: unknown parent region %(code)s."),
                    params={"n": number, "code": record["parent"]},
                )
            if not path.startswith(parent.path) or CHILD_LEVEL.get(parent.level) != level:
                raise ValidationError(
                    _("Record %(n)s: %(code)s cannot lie under %(parent)s."),
                    params={"n": number, "code": code, "parent": parent.code},
                )
        elif level != Level.CITY:
            raise ValidationError(
                _("Record %(n)s: only a city may have no parent."), params={"n": number}
            )
        if not name or len(name) > MAX_NAME_LENGTH:
            raise ValidationError(
                _("Record %(n)s: the name is missing or too long."), params={"n": number}
            )
        values = {
            "name": name,
            "level": level,
            "parent_id": parent.pk if parent else None,
            "path": path,
            "urban": record.get("urban"),
        }
        region = by_code.get(code)
        if region is None:
            by_code[code] = Region.objects.create(code=code, **values)
            created += 1
        elif any(getattr(region, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(region, key, value)
            region.save(update_fields=[key.removesuffix("_id") for key in values] + ["updated_at"])
            updated += 1
    return created, updated


def _ensure_may_manage(by: AnyUser | None, region: Region) -> None:
    """`by` is the acting user, or None for the system itself (commands, demo seeding)."""
    if by is None:
        return
    if not Region.objects.visible_to(by, GRID_MANAGE).filter(pk=region.pk).exists():
        raise PermissionDenied


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("A grid needs a name.")})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            {"name": _("A name has at most %(n)s characters.") % {"n": MAX_NAME_LENGTH}}
        )
    return name


def _ensure_name_free(community: Region, name: str, exclude: Region | None = None) -> None:
    taken = community.children.active().filter(name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError(
            {"name": _("This community already has a grid named %(name)s.") % {"name": name}}
        )


_UNCHANGED = object()


def _clean_boundary(boundary: object) -> dict[str, Any] | None:
    if boundary in (None, ""):
        return None
    try:
        return parse_boundary(boundary)
    except ValidationError as exc:
        raise ValidationError({"boundary": exc.messages}) from exc


@transaction.atomic
def grid_create(
    *, community: Region, name: str, boundary: object = None, by: AnyUser | None
) -> Region:
    """Add a grid to a community; its code is the community's code + the next 3 digits."""
    if community.level != Level.COMMUNITY:
        raise ValidationError(_("Grids can only be added to a community or village."))
    _ensure_may_manage(by, community)
    name = _clean_name(name)
    community = Region.objects.select_for_update().get(pk=community.pk)
    _ensure_name_free(community, name)
    last = community.children.aggregate(last=Max("code"))["last"]
    number = int(last[-3:]) + 1 if last else 1
    if number > 999:
        raise ValidationError(_("A community can have at most 999 grids."))
    code = f"{community.code}{number:03d}"
    return Region.objects.create(
        code=code,
        path=code,
        name=name,
        level=Level.GRID,
        parent=community,
        urban=community.urban,
        boundary=_clean_boundary(boundary),
    )


@transaction.atomic
def grid_update(
    *, grid: Region, by: AnyUser | None, name: str | None = None, boundary: object = _UNCHANGED
) -> Region:
    """Rename a grid or redraw its boundary (`boundary=None` removes it)."""
    if grid.level != Level.GRID:
        raise ValidationError(_("Only grids can be changed here."))
    _ensure_may_manage(by, grid)
    grid = Region.objects.select_for_update().get(pk=grid.pk)
    if grid.is_retired:
        raise ValidationError(_("A retired grid cannot be changed."))
    fields = ["updated_at"]
    if name is not None:
        grid.name = _clean_name(name)
        assert grid.parent is not None  # a grid lies in a community (region_parent_required)
        _ensure_name_free(grid.parent, grid.name, exclude=grid)
        fields.append("name")
    if boundary is not _UNCHANGED:
        grid.boundary = _clean_boundary(boundary)
        fields.append("boundary")
    grid.save(update_fields=fields)
    return grid


@transaction.atomic
def grid_retire(*, grid: Region, by: AnyUser | None) -> Region:
    """Retire a grid: it keeps its code, name and history, and takes no new work."""
    if grid.level != Level.GRID:
        raise ValidationError(_("Only grids can be retired."))
    _ensure_may_manage(by, grid)
    grid = Region.objects.select_for_update().get(pk=grid.pk)
    if grid.is_retired:
        raise ValidationError(_("This grid is already retired."))
    grid.retired_at = timezone.now()
    grid.save(update_fields=["retired_at", "updated_at"])
    return grid
