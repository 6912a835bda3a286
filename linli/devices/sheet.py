"""Bulk provisioning from an Excel sheet (设备台账): the template, reading a file, and
checking its rows against the database without writing anything; the registry's
ledger import at a smaller scale (linli/registry/ledger/).

All or nothing: a file with any row in error provisions nothing and answers a report
row by row; a good file provisions every device in one transaction and answers a
workbook of the new tokens, once (only their digests are kept).

Headers and the profiles' names are Chinese: they are the file format and do not change
with the console's language. The help sheet and the messages are translated.
"""

import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from linli.devices.models import Device, DeviceProfile
from linli.devices.permissions import DEVICE_MANAGE
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.registry.models import Building, House, Organisation

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ROWS = 1000
SHEET = "设备台账"
HELP_SHEET = "填写说明"


class SheetError(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool
    help: str | Promise
    example: str = ""


COLUMNS = (
    Column("网格代码", "grid", True, gettext_lazy("The grid's 15-digit code."), "370306001001001"),
    Column(
        "设备编号",
        "key",
        True,
        gettext_lazy("The number on the device (its serial): letters, digits, . _ -"),
        "YG-0001",
    ),
    Column("名称", "name", True, gettext_lazy("At most 100 characters."), "1单元楼道烟感"),
    Column("设备类型", "profile", True, gettext_lazy("A device profile's name."), "烟感探测器"),
    Column("楼栋", "building", False, gettext_lazy("A building of the grid, by name."), "3号楼"),
    Column("单元", "unit", False, gettext_lazy("With 房号: the house's unit; 1 if empty."), "1"),
    Column("房号", "house", False, gettext_lazy("A house of the building, e.g. 301."), "301"),
    Column("经度", "longitude", False, gettext_lazy("Without a building: where it is."), ""),
    Column("纬度", "latitude", False, gettext_lazy("Without a building: where it is."), ""),
    Column("产权单位", "owner", False, gettext_lazy("An organisation's name."), ""),
    Column("维护单位", "maintainer", False, gettext_lazy("An organisation's name."), ""),
)
HEADERS = [c.header for c in COLUMNS]
HEADER_OF = {c.key: c.header for c in COLUMNS}


def template() -> bytes:
    """The empty sheet (required headers in red) and a sheet explaining each column."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(HEADERS)
    ws.freeze_panes = "A2"
    fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = fill
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = 20 if column.key in {"grid", "name"} else 12
        ws.column_dimensions[letter].number_format = "@"
    help_sheet = wb.create_sheet(HELP_SHEET)
    help_sheet.append([_("Column"), _("Required"), _("Explanation"), _("Example")])
    for column in COLUMNS:
        help_sheet.append(
            [
                column.header,
                _("yes") if column.required else _("no"),
                str(column.help),
                column.example,
            ]
        )
    profiles = "、".join(DeviceProfile.objects.values_list("name", flat=True))
    help_sheet.append([])
    help_sheet.append([_("Device profiles: %(names)s") % {"names": profiles}])
    help_sheet.append(
        [
            _(
                "At most %(rows)s rows a file. Every row is checked first: if any row has an "
                "error, no device is added. Otherwise every device is added and a workbook of "
                "their access tokens is downloaded, once: keep it safe."
            )
            % {"rows": MAX_ROWS}
        ]
    )
    for letter, width in zip("ABCD", (12, 8, 50, 20), strict=True):
        help_sheet.column_dimensions[letter].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def read(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a file as (Excel row number, {column key: text}); SheetError for a
    file that is not a readable workbook of the template's columns, or too large."""
    if not data:
        raise SheetError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise SheetError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                raise zipfile.BadZipFile
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetError(
            _("This is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetError(_("The file unpacks to too much data: it cannot be a device sheet."))
    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
        wb.close()
    except Exception:  # openpyxl raises many kinds on damaged files
        raise SheetError(_("The file cannot be read: it is damaged.")) from None
    headers = [_text(v).rstrip("*").strip() for v in (rows[0] if rows else ())]
    missing = [h for h in HEADERS if h not in headers]
    if missing:
        raise SheetError(
            _("Columns missing: %(names)s. Download the template and keep its first row.")
            % {"names": "、".join(missing)}
        )
    index = {c.key: headers.index(c.header) for c in COLUMNS}
    found = [
        (number, {k: _text(values[i]) if i < len(values) else "" for k, i in index.items()})
        for number, values in enumerate(rows[1:], start=2)
        if any(_text(v) for v in values)
    ]
    if not found:
        raise SheetError(_("The file holds no rows."))
    if len(found) > MAX_ROWS:
        raise SheetError(
            _("The file holds more than %(n)s rows: split it into several files.") % {"n": MAX_ROWS}
        )
    return iter(found)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # a header, or "" for the row as a whole
    message: str


@dataclass
class Row:
    """A checked row: what `device_provision` takes."""

    row: int
    grid: Region
    key: str
    name: str
    profile: DeviceProfile
    building: Building | None = None
    house: House | None = None
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    owner: Organisation | None = None
    maintainer: Organisation | None = None


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _coordinate(text: str, low: int, high: int) -> Decimal:
    try:
        value = Decimal(text).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ValueError from None
    if not low <= value <= high:
        raise ValueError
    return value


def check(data: bytes, *, user: Any) -> Checked:
    """Every row against the rules and the database, writing nothing: grids where `user`
    may add devices, known profiles, buildings and houses of the grid, organisations the
    user sees, device numbers new in the file and the platform. SheetError for a file
    that cannot be read at all."""
    raw = list(read(data))
    grids = {
        g.code: g
        for g in Region.objects.visible_to(user, DEVICE_MANAGE).filter(
            level=Level.GRID, retired_at__isnull=True, code__in={r["grid"] for _n, r in raw}
        )
    }
    profiles = {p.name: p for p in DeviceProfile.objects.all()}
    profiles.update({p.code: p for p in profiles.values()})
    keys = [r["key"] for _n, r in raw]
    taken = set(Device.objects.filter(key__in=keys).values_list("key", flat=True))
    buildings: dict[tuple[int, str], Building] = {
        (b.grid_id, b.name): b
        for b in Building.objects.filter(
            grid__in=grids.values(), name__in={r["building"] for _n, r in raw}
        )
    }
    houses: dict[tuple[int, int, str], House] = {
        (h.building_id, h.unit, h.number): h
        for h in House.objects.filter(building__in=buildings.values())
    }
    names = {r[k] for _n, r in raw for k in ("owner", "maintainer") if r[k]}
    organisations: dict[str, Organisation] = {}
    for org in Organisation.objects.visible_to(user).filter(name__in=names):
        organisations.setdefault(org.name, org)
    result = Checked()
    seen: set[str] = set()
    for number, r in raw:
        problems: list[Problem] = []

        def fail(
            key: str, message: str, number: int = number, problems: list[Problem] = problems
        ) -> None:
            problems.append(Problem(number, HEADER_OF.get(key, ""), message))

        for column in COLUMNS:
            if column.required and not r[column.key]:
                fail(column.key, _("Required."))
        grid = grids.get(r["grid"])
        if r["grid"] and grid is None:
            fail("grid", _("Not a grid where you may add devices."))
        key = r["key"]
        if key:
            if len(key) > 40 or not _valid_key(key):
                fail("key", _("Letters, digits, dots, dashes and underscores; at most 40."))
            elif key in taken:
                fail("key", _("A device with this number exists already."))
            elif key in seen:
                fail("key", _("This number appears twice in the file."))
            seen.add(key)
        if len(r["name"]) > 100:
            fail("name", _("At most 100 characters."))
        profile = profiles.get(r["profile"])
        if r["profile"] and profile is None:
            fail("profile", _("Unknown device profile."))
        building = house = None
        if r["building"] and grid is not None:
            building = buildings.get((grid.pk, r["building"]))
            if building is None:
                fail("building", _("No building of this name in the grid."))
        if r["house"]:
            if not r["building"]:
                fail("house", _("Give the building of the house."))
            elif building is not None:
                try:
                    unit = int(r["unit"] or 1)
                except ValueError:
                    fail("unit", _("Enter a whole number."))
                else:
                    house = houses.get((building.pk, unit, r["house"]))
                    if house is None:
                        fail("house", _("No such house in the building."))
        longitude = latitude = None
        if r["longitude"] or r["latitude"]:
            try:
                longitude = _coordinate(r["longitude"], -180, 180)
                latitude = _coordinate(r["latitude"], -90, 90)
            except ValueError:
                fail("longitude", _("Give both, as decimal degrees."))
        owner = organisations.get(r["owner"]) if r["owner"] else None
        if r["owner"] and owner is None:
            fail("owner", _("Unknown organisation."))
        maintainer = organisations.get(r["maintainer"]) if r["maintainer"] else None
        if r["maintainer"] and maintainer is None:
            fail("maintainer", _("Unknown organisation."))
        if problems:
            result.problems.extend(problems)
            continue
        assert grid is not None and profile is not None
        result.rows.append(
            Row(
                row=number,
                grid=grid,
                key=key,
                name=r["name"],
                profile=profile,
                building=building,
                house=house,
                longitude=longitude,
                latitude=latitude,
                owner=owner,
                maintainer=maintainer,
            )
        )
    return result


DEVICE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")  # as Device.key's validator


def _valid_key(key: str) -> bool:
    return DEVICE_KEY.match(key) is not None
