"""Resident ledgers (台账) in Excel: the template, the import and the export.

The ledger's sheet name, column headers and values (户主, 中共党员, 户籍户 …) are
Chinese, as in the ledgers communities keep: they are the file format, like the
keys of a JSON document, and do not change with the console's language. The
explanations in the template, the messages of the error report and the report's
own headers are translated.

**Import.** An upload is checked as a file first (size, a real .xlsx, the template's
columns, at most MAX_ROWS rows) and refused at once if it fails. Then every row is
checked — nothing is written meanwhile — and:

- no error: every row is saved in **one transaction** (all or nothing);
- errors, in the default mode "all rows or nothing": **nothing is saved**; the
  report (row, column, message) is shown and can be downloaded; the user may then
  choose explicitly to import only the valid rows, or discard the upload;
- errors, in the mode "only the valid rows" (chosen at upload or after the
  report): the rows without error are saved, in one transaction.

Saving is set-based (`linli.core.bulk`), not row by row through the services:
the registry tables are write-locked for the transaction and the rows are
**checked again under the lock** (duplicates, households, heads, grids), so
nothing saved by others since the first check can slip in; a row failing now
sends an all-or-nothing import back to the report with nothing saved, and is
left out (and reported) in the mode "only the valid rows". Buildings, houses and
households a row names that do not exist yet are **created**, inside grids the
user may import into and edit (see docs/registry.md for how rows are matched to
existing ones). Every record created gets its change history (note "Ledger
import #id", the uploading user as the actor; ID and phone numbers encrypted),
and one audit entry (action "import") records the import with its counts and
file name, in place of the per-record entries a console edit writes.

Files with more than BACKGROUND_ROWS rows are checked and saved by a background
task (`linli.registry.tasks.ledger_import_run`); smaller ones within the request.
The uploaded file is stored encrypted in its `LedgerImport` row only until the
import is finished, failed or discarded.

**Export.** The residents a user may export, filtered with the residents list's
filter, ID and phone numbers masked, written with openpyxl's write-only mode
while iterating the rows in chunks; one audit entry (action "export") per export.
"""

import base64
import logging
import os
import re
import tempfile
import traceback
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from linli.accounts.selectors import home_region
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.bulk import BulkInsert
from linli.core.crypto import blind_index, mask_id_number, mask_phone
from linli.core.xlsx import xlsx_download
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region
from linli.registry import services
from linli.registry.choices import (
    ETHNICITIES,
    HAN,
    ChangeKind,
    HouseholdType,
    LedgerImportMode,
    LedgerImportStatus,
    PoliticalStatus,
    Relation,
    ResidenceType,
    ResidentStatus,
    Sex,
)
from linli.registry.idnumber import parse_id_number
from linli.registry.models import (
    Building,
    House,
    Household,
    Label,
    LedgerImport,
    RecordChange,
    Resident,
    ResidentLabel,
)
from linli.registry.permissions import REGISTRY_EDIT, REGISTRY_EXPORT, REGISTRY_IMPORT
from linli.registry.selectors import labels_of, resident_list

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # a zip bomb is refused before openpyxl reads it
MAX_ROWS = 100_000
BACKGROUND_ROWS = 300
PROGRESS_EVERY = 1_000
MAX_STORED_ERRORS = 10_000
STALE_AFTER = timedelta(hours=24)
SHEET = "居民台账"
HELP_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
MAX_FLOOR = 200
MAX_UNIT = 50

# --- the ledger's vocabulary (Chinese: the file format) ---------------------------------

HOUSEHOLD_KINDS = {
    "户籍户": HouseholdType.REGISTERED,
    "常住户": HouseholdType.RESIDENT,
    "流动户": HouseholdType.FLOATING,
}
RELATIONS = {
    "户主": Relation.HEAD,
    "配偶": Relation.SPOUSE,
    "子女": Relation.CHILD,
    "父母": Relation.PARENT,
    "孙子女": Relation.GRANDCHILD,
    "兄弟姐妹": Relation.SIBLING,
    "其他亲属": Relation.OTHER,
    "非亲属": Relation.TENANT,
}
POLITICAL_STATUSES = {
    "群众": PoliticalStatus.MASSES,
    "中共党员": PoliticalStatus.CPC_MEMBER,
    "中共预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "共青团员": PoliticalStatus.CYL_MEMBER,
    "民主党派": PoliticalStatus.OTHER_PARTY,
}
RESIDENCE_TYPES = {
    "人户一致": ResidenceType.REGISTERED_HERE,
    "人在户不在": ResidenceType.LIVING_HERE_REGISTERED_ELSEWHERE,
    "户在人不在": ResidenceType.REGISTERED_HERE_LIVING_ELSEWHERE,
    "流动人口": ResidenceType.FLOATING,
}
ETHNICITY_NAMES = {name: code for code, name in ETHNICITIES}
SEXES = {"male": "男", "female": "女"}
STATUSES = {
    ResidentStatus.LIVING: "在住",
    ResidentStatus.MOVED_OUT: "已迁出",
    ResidentStatus.DECEASED: "已死亡",
}
# Other spellings found in real ledgers, accepted on import.
ALIASES = {
    "household_kind": {"户籍": "户籍户", "常住": "常住户", "流动": "流动户"},
    "relation": {
        **dict.fromkeys(["本人"], "户主"),
        **dict.fromkeys(["妻", "妻子", "夫", "丈夫"], "配偶"),
        **dict.fromkeys(["子", "女", "儿子", "女儿", "长子", "次子", "长女", "次女"], "子女"),
        **dict.fromkeys(["父", "母", "父亲", "母亲"], "父母"),
        **dict.fromkeys(["孙子", "孙女", "外孙子", "外孙女"], "孙子女"),
        **dict.fromkeys(["兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"], "兄弟姐妹"),
        **dict.fromkeys(["其他"], "其他亲属"),
        **dict.fromkeys(["租户", "租客", "其他人员"], "非亲属"),
    },
    "political_status": {"党员": "中共党员", "预备党员": "中共预备党员", "团员": "共青团员"},
    "residence_type": {"户在人在": "人户一致", "流动": "流动人口"},
    "ethnicity": {
        **{name.removesuffix("族"): name for name in ETHNICITY_NAMES},
        **{code: name for name, code in ETHNICITY_NAMES.items()},
    },
}
VOCABULARIES = {
    "household_kind": HOUSEHOLD_KINDS,
    "relation": RELATIONS,
    "political_status": POLITICAL_STATUSES,
    "residence_type": RESIDENCE_TYPES,
    "ethnicity": ETHNICITY_NAMES,
}
LABEL_SEPARATORS = re.compile(r"[、,，;；/\s]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool
    help: str  # lazy translation
    example: str = ""


COLUMNS = (
    Column(
        "网格代码",
        "grid",
        True,
        gettext_lazy(
            "The grid's 15-digit code (the community's code and 3 digits), as the console "
            "shows it. Only grids you may import into."
        ),
        "370306001001001",
    ),
    Column(
        "楼栋",
        "building",
        True,
        gettext_lazy(
            "The building's name, e.g. 3号楼. A building not yet recorded in the grid is "
            "created (address: the community's name and the building's name)."
        ),
        "3号楼",
    ),
    Column("单元", "unit", False, gettext_lazy("Unit number from 1 to 50; 1 if empty."), "2"),
    Column(
        "房号",
        "house",
        True,
        gettext_lazy(
            "House number, e.g. 301; the floor is read from it (301 → floor 3, a number of "
            "fewer than 3 digits → floor 1). A house not yet recorded is created."
        ),
        "301",
    ),
    Column(
        "户号",
        "household",
        False,
        gettext_lazy(
            "Household number in the household register. Rows with the same house and "
            "household number form one household. If empty: the house's only household, "
            "or a new one if the house has none."
        ),
        "370306123456",
    ),
    Column(
        "户类型",
        "household_kind",
        False,
        gettext_lazy("Used when the household is created; 户籍户 if empty."),
        "户籍户",
    ),
    Column(
        "与户主关系",
        "relation",
        True,
        gettext_lazy(
            "At most one 户主 per household; the first 户主 of a new household becomes its head."
        ),
        "户主",
    ),
    Column("姓名", "name", True, gettext_lazy("Full name, at most 50 characters."), "张三"),
    Column(
        "公民身份号码",
        "id_number",
        True,
        gettext_lazy(
            "18 characters, checked (check character, birth date); sex and birth date are "
            "taken from it. Enter it as text, not as a number. Nobody living in the "
            "district may have it already."
        ),
        "370306199001011238",
    ),
    Column(
        "联系电话",
        "phone",
        False,
        gettext_lazy("11-digit mainland mobile number."),
        "13812345678",
    ),
    Column("民族", "ethnicity", False, gettext_lazy("汉族 if empty."), "汉族"),
    Column("政治面貌", "political_status", False, gettext_lazy("群众 if empty."), "群众"),
    Column(
        "居住类型",
        "residence_type",
        False,
        gettext_lazy(
            "人户一致: registered and living here; 人在户不在: living here, registered "
            "elsewhere; 户在人不在: registered here, living elsewhere. 人户一致 if empty."
        ),
        "人户一致",
    ),
    Column(
        "迁入日期",
        "moved_in_on",
        False,
        gettext_lazy(
            "A date such as 2020-05-01 (also 2020/5/1, 2020.5.1, 20200501, 2020年5月1日), "
            "not in the future nor before the birth date; today if empty."
        ),
        "2020-05-01",
    ),
    Column(
        "标签",
        "labels",
        False,
        gettext_lazy(
            "Typed labels separated by 、 e.g. 残疾人、低保. Labels that follow from the "
            "data (aged 60 or over, living alone, party member) are not typed."
        ),
        "残疾人、低保",
    ),
)
HEADERS = [c.header for c in COLUMNS]
HEADER_OF = {c.key: c.header for c in COLUMNS}
EXPORT_EXTRA_HEADERS = ["性别", "出生日期", "状态", "迁出或死亡日期", "地址", "网格"]


class LedgerError(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""


@dataclass(slots=True)
class Problem:
    row: int  # the Excel row number (the header is row 1)
    column: str  # a ledger header, or "" for the row as a whole
    message: str

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class LedgerRow:
    row: int
    grid_code: str = ""
    building: str = ""
    unit: int = 1
    house: str = ""
    floor: int = 1
    household: str = ""
    household_kind: str | None = None  # None: not stated
    relation: str = ""
    name: str = ""
    id_number: str = ""
    id_index: str = ""
    birth_date: date | None = None
    phone: str | None = None
    ethnicity: str = HAN
    political_status: str = PoliticalStatus.MASSES
    residence_type: str = ResidenceType.REGISTERED_HERE
    moved_in_on: date | None = None
    labels: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def fail(self, column_key: str, message: str) -> None:
        self.problems.append(Problem(self.row, HEADER_OF.get(column_key, ""), str(message)))

    @property
    def location(self) -> tuple:
        return (self.grid_code, self.building, self.unit, self.house)

    @property
    def household_key(self) -> tuple:
        return (*self.location, self.household)


@dataclass
class Plan:
    """What the rows refer to: grids, and the buildings, houses and households that
    exist already (everything else named by a valid row is created)."""

    grids: dict[str, Region] = field(default_factory=dict)
    buildings: dict[tuple, Building] = field(default_factory=dict)  # (grid code, name)
    houses: dict[tuple, House] = field(default_factory=dict)  # location
    households: dict[tuple, Household] = field(default_factory=dict)  # household key
    floors: dict[tuple, int] = field(default_factory=dict)  # new buildings: (grid, name)
    units: dict[tuple, int] = field(default_factory=dict)


@dataclass
class Validation:
    total: int
    rows: list[LedgerRow]  # the valid rows, in file order
    problems: list[Problem]
    invalid_rows: int
    plan: Plan

    @property
    def new_counts(self) -> dict[str, int]:
        buildings = {(r.grid_code, r.building) for r in self.rows} - self.plan.buildings.keys()
        houses = {r.location for r in self.rows} - self.plan.houses.keys()
        households = {r.household_key for r in self.rows} - self.plan.households.keys()
        return {
            "buildings": len(buildings),
            "houses": len(houses),
            "households": len(households),
        }


# --- the template -------------------------------------------------------------------------


def _typed_labels() -> list[Label]:
    return list(Label.objects.filter(derived=False).order_by("order", "name"))


def allowed_values(key: str) -> list[str]:
    if key == "labels":
        return [label.name for label in _typed_labels()]
    return list(VOCABULARIES.get(key, ()))


def ledger_template() -> bytes:
    """The empty ledger: the data sheet with its headers (required ones in red), a sheet
    explaining every column with its allowed values, and drop-down lists."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    ws.freeze_panes = "A2"
    required_font = Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="FFF2CC")
    options = wb.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index)
        cell.font = required_font if column.required else Font(bold=True)
        cell.fill = fill
        width = 22 if column.key in {"id_number", "grid"} else max(10, len(column.header) * 2 + 4)
        ws.column_dimensions[letter].width = width
        if column.key in {"grid", "house", "household", "id_number", "phone"}:
            ws.column_dimensions[letter].number_format = "@"  # text: no lost digits
        values = allowed_values(column.key) if column.key in VOCABULARIES else []
        if values:
            options.cell(row=1, column=index, value=column.header)
            for offset, value in enumerate(values, start=2):
                options.cell(row=offset, column=index, value=value)
            rule = DataValidation(
                type="list",
                formula1=f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
                allow_blank=True,
            )
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            ws.add_data_validation(rule)

    help_sheet = wb.create_sheet(HELP_SHEET, 1)
    help_sheet.append(
        [_("Column"), _("Required"), _("Explanation"), _("Allowed values"), _("Example")]
    )
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
    wrap = Alignment(wrap_text=True, vertical="top")
    for column in COLUMNS:
        values = allowed_values(column.key)
        help_sheet.append(
            [
                column.header,
                _("yes") if column.required else _("no"),
                str(column.help),
                "、".join(values),
                column.example,
            ]
        )
    for row in help_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    notes = [
        _(
            "One row per person. The sheet %(sheet)s (else the first sheet) is read; its "
            "first row holds the headers."
        )
        % {"sheet": SHEET},
        _(
            "At most %(rows)s rows and %(mb)s MB per file. Files with more than %(background)s "
            "rows are checked and imported in the background."
        )
        % {
            "rows": f"{MAX_ROWS:,}",
            "mb": MAX_FILE_BYTES // (1024 * 1024),
            "background": f"{BACKGROUND_ROWS:,}",
        },
        _(
            "Every row is checked before anything is saved. If any row has an error, nothing "
            "is saved unless you choose to import only the valid rows."
        ),
        _(
            "Sex and birth date are taken from the ID number. Full ID and phone numbers are "
            "stored encrypted."
        ),
    ]
    help_sheet.append([])
    for note in notes:
        help_sheet.append([note])
    for letter, width in zip("ABCDE", (14, 8, 60, 40, 20), strict=True):
        help_sheet.column_dimensions[letter].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading a file -----------------------------------------------------------------------


def _nfkc(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header(value) -> str:
    return _nfkc(value).rstrip("*").strip()


def check_file(data: bytes) -> None:
    """Refuse what is not a plausible .xlsx before openpyxl parses it."""
    if len(data) > MAX_FILE_BYTES:
        raise LedgerError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not data:
        raise LedgerError(_("The file is empty."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise LedgerError(
            _(
                "This is an old Excel file (.xls): save it as an Excel workbook (.xlsx) and "
                "upload it again."
            )
        )
    if not data.startswith(b"PK"):
        raise LedgerError(
            _("This is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _damaged() from None
    if "xl/workbook.xml" not in names:
        raise LedgerError(
            _("This is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
        )
    if unpacked > MAX_UNPACKED_BYTES:
        raise LedgerError(
            _("The file unpacks to more than %(mb)s MB: it cannot be a resident ledger.")
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _open(data: bytes):
    """The workbook (read-only) and the sheet to read: 居民台账, else the first one."""
    check_file(data)
    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, Exception):  # openpyxl raises many kinds on bad XML
        raise _damaged() from None
    if not wb.worksheets:
        raise LedgerError(_("The file holds no sheet."))
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    return wb, ws


def _columns(header_row) -> dict[str, int]:
    """Each column key and its index in the sheet, from the header row."""
    headers = [_header(v) for v in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise LedgerError(
            _("The first row must hold the template's headers: %(headers)s.")
            % {"headers": "、".join(HEADERS)}
        )
    seen: dict[str, int] = {}
    problems = []
    for index, header in enumerate(headers):
        if not header:
            continue
        if header in seen:
            problems.append(_("The column %(name)s appears twice.") % {"name": header})
        seen[header] = index
    unknown = [h for h in seen if h not in HEADERS]
    missing = [h for h in HEADERS if h not in seen]
    if missing:
        problems.append(_("Columns missing: %(names)s.") % {"names": "、".join(missing)})
    if unknown:
        problems.append(
            _("Columns not in the template: %(names)s.") % {"names": "、".join(unknown)}
        )
    if problems:
        raise LedgerError(
            " ".join(problems) + " " + _("Download the template and keep its first row as it is.")
        )
    return {c.key: seen[c.header] for c in COLUMNS}


def _damaged() -> LedgerError:
    return LedgerError(_("The file cannot be read: it is damaged."))


def _header_row(ws) -> tuple:
    try:
        return next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None) or ()
    except Exception:  # openpyxl raises many kinds on malformed XML
        raise _damaged() from None


def _sheet_rows(ws):
    """The sheet's rows after the header; a malformed sheet is a LedgerError."""
    rows = ws.iter_rows(min_row=2, values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:
            raise _damaged() from None
        yield values


def _cell_rows(ws, columns: dict[str, int]):
    """(row number, {key: raw value}) for every row that is not empty."""
    count = 0
    for number, values in enumerate(_sheet_rows(ws), start=2):
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise LedgerError(
                _("The file holds more than %(n)s rows: split it into several files.")
                % {"n": f"{MAX_ROWS:,}"}
            )
        yield (
            number,
            {key: values[index] if index < len(values) else None for key, index in columns.items()},
        )


@dataclass(frozen=True)
class Inspection:
    rows_estimate: int  # from the sheet's dimension, or counted


def inspect(data: bytes) -> Inspection:
    """Check the file, its headers and its size in rows (LedgerError if wrong).

    The rows are taken from the sheet's dimension (written by Excel, WPS, LibreOffice);
    they are counted only when it is missing or claims more than MAX_ROWS.
    """
    wb, ws = _open(data)
    try:
        columns = _columns(_header_row(ws))
        try:
            estimate = ws.max_row - 1 if ws.max_row and ws.max_row > 1 else None
        except Exception:
            raise _damaged() from None
        if estimate is None or estimate > MAX_ROWS:
            estimate = sum(1 for _row in _cell_rows(ws, columns))  # stops past MAX_ROWS
        if not estimate:
            raise LedgerError(_("The file holds no rows to import."))
        return Inspection(rows_estimate=estimate)
    finally:
        wb.close()


# --- checking rows ------------------------------------------------------------------------


def _echo(text: str) -> str:
    """A cell's text to quote in a message: never something that may be a number of a
    person (ID, phone) typed into the wrong column."""
    return "…" if sum(c.isdigit() for c in text) >= 7 else text[:20]


def _choice(row: LedgerRow, key: str, raw) -> str | None:
    text = _nfkc(raw).replace(" ", "")
    if not text:
        return None
    vocabulary = VOCABULARIES[key]
    name = text if text in vocabulary else ALIASES.get(key, {}).get(text)
    if name is None:
        allowed = "、".join(vocabulary) if len(vocabulary) <= 12 else _("see the template")
        row.fail(
            key,
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": _echo(text), "allowed": allowed},
        )
        return None
    return vocabulary[name]


def _text(row: LedgerRow, key: str, raw, max_length: int, *, required: bool, nfkc=True) -> str:
    text = _nfkc(raw) if nfkc else ("" if raw is None else str(raw).strip())
    if not text:
        if required:
            row.fail(key, _("This column is required."))
        return ""
    if len(text) > max_length:
        row.fail(key, _("At most %(n)s characters.") % {"n": max_length})
        return ""
    return text


def _date(raw) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise ValueError
    text = _nfkc(raw).split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _unit(row: LedgerRow, raw) -> int:
    text = _nfkc(raw).removesuffix("单元")
    if not text:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= MAX_UNIT:
        row.fail("unit", _("Enter a unit number from 1 to %(n)s.") % {"n": MAX_UNIT})
        return 1
    return int(text)


def _floor(number: str) -> int:
    """The floor a house number names: 301 → 3, 1502 → 15; 1 for short or odd numbers."""
    digits = number.removesuffix("室")
    if digits.isdigit() and len(digits) >= 3:
        return max(1, int(digits[:-2]))
    return 1


def _parse_row(number: int, cells: dict, labels_by_name: dict[str, Label]) -> LedgerRow:
    row = LedgerRow(row=number)
    grid = _nfkc(cells["grid"])
    if not grid:
        row.fail("grid", _("This column is required."))
    elif not (grid.isdigit() and len(grid) == 15):
        row.fail("grid", _("Enter the grid's 15-digit code."))
    else:
        row.grid_code = grid
    row.building = _text(row, "building", cells["building"], 50, required=True)
    row.unit = _unit(row, cells["unit"])
    row.house = _text(row, "house", cells["house"], 10, required=True)
    if row.house:
        row.floor = _floor(row.house)
        if row.floor > MAX_FLOOR:
            row.fail(
                "house",
                _("The floor read from this house number (%(floor)s) is above %(max)s.")
                % {"floor": row.floor, "max": MAX_FLOOR},
            )
    row.household = _text(row, "household", cells["household"], 30, required=False)
    row.household_kind = _choice(row, "household_kind", cells["household_kind"])
    relation = _choice(row, "relation", cells["relation"])
    if relation is None and not _nfkc(cells["relation"]):
        row.fail("relation", _("This column is required."))
    row.relation = relation or ""
    row.name = _text(row, "name", cells["name"], 50, required=True, nfkc=False)

    raw_id = cells["id_number"]
    if isinstance(raw_id, float):
        row.fail(
            "id_number",
            _(
                "The ID number was stored as a number and lost its last digits: format the "
                "column as text and enter it again."
            ),
        )
    elif raw_id is None or not _nfkc(raw_id):
        row.fail("id_number", _("This column is required."))
    else:
        try:
            parsed = parse_id_number("".join(_nfkc(raw_id).split()))
        except ValidationError as exc:
            row.fail("id_number", exc.messages[0])
        else:
            row.id_number, row.birth_date = parsed.value, parsed.birth_date
            row.id_index = blind_index(parsed.value, Resident.ID_NUMBER_CONTEXT)

    phone = "".join(_nfkc(cells["phone"]).replace("-", "").split())
    if phone:
        if services.PHONE.match(phone):
            row.phone = phone
        else:
            row.fail("phone", _("Enter an 11-digit mainland mobile number, e.g. 13812345678."))
    row.ethnicity = _choice(row, "ethnicity", cells["ethnicity"]) or HAN
    row.political_status = (
        _choice(row, "political_status", cells["political_status"]) or PoliticalStatus.MASSES
    )
    row.residence_type = (
        _choice(row, "residence_type", cells["residence_type"]) or ResidenceType.REGISTERED_HERE
    )
    try:
        row.moved_in_on = _date(cells["moved_in_on"])
    except ValueError:
        row.fail("moved_in_on", _("Enter a date such as 2020-05-01."))
    else:
        if row.moved_in_on and row.moved_in_on > timezone.localdate():
            row.fail("moved_in_on", _("The date cannot be in the future."))
        elif row.moved_in_on and row.birth_date and row.moved_in_on < row.birth_date:
            row.fail("moved_in_on", _("The moved-in date is before the birth date."))

    names = [n for n in LABEL_SEPARATORS.split(_nfkc(cells["labels"])) if n]
    unknown, derived = [], []
    for name in dict.fromkeys(names):
        label = labels_by_name.get(name)
        if label is None:
            unknown.append(_echo(name))
        elif label.derived:
            derived.append(name)
        else:
            row.labels.append(label.code)
    if unknown:
        row.fail("labels", _("Unknown labels: %(names)s.") % {"names": "、".join(unknown)})
    if derived:
        row.fail(
            "labels",
            _("These labels follow from the data and are not typed: %(names)s.")
            % {"names": "、".join(derived)},
        )
    return row


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def importable_grids(user):
    """Active grids where the user may both import and edit (the services check edit)."""
    return (
        Region.objects.visible_to(user, REGISTRY_IMPORT)
        .filter(level=Level.GRID, retired_at__isnull=True)
        .filter(pk__in=Region.objects.visible_to(user, REGISTRY_EDIT).values("pk"))
    )


def _plan(rows: list[LedgerRow], user) -> Plan:
    """Look up, in a few queries, every grid, building, house and household the rows name."""
    plan = Plan()
    codes = sorted({r.grid_code for r in rows if r.grid_code})
    for chunk in _chunks(codes):
        for grid in importable_grids(user).filter(code__in=chunk).select_related("parent"):
            plan.grids[grid.code] = grid
    by_grid_id = {g.pk: g for g in plan.grids.values()}
    names = defaultdict(set)
    for r in rows:
        if r.grid_code in plan.grids and r.building:
            names[r.grid_code].add(r.building)
    for code, building_names in names.items():
        for chunk in _chunks(sorted(building_names)):
            for building in Building.objects.filter(grid=plan.grids[code], name__in=chunk):
                building.grid = plan.grids[code]
                plan.buildings[(code, building.name)] = building
    building_by_id = {b.pk: b for b in plan.buildings.values()}
    for chunk in _chunks(sorted(building_by_id)):
        for house in House.objects.filter(building_id__in=chunk):
            building = building_by_id[house.building_id]
            house.building, house.grid = building, building.grid
            plan.houses[(building.grid.code, building.name, house.unit, house.number)] = house
    house_keys = {h.pk: key for key, h in plan.houses.items()}
    by_house = defaultdict(list)
    for chunk in _chunks(sorted(house_keys)):
        for household in Household.objects.filter(house_id__in=chunk, dissolved_at__isnull=True):
            household.house = plan.houses[house_keys[household.house_id]]
            household.grid = by_grid_id[household.grid_id]
            by_house[household.house_id].append(household)
    for house_id, households in by_house.items():
        location = house_keys[house_id]
        for household in sorted(households, key=lambda h: h.pk):
            plan.households.setdefault((*location, household.number), household)
        if len(households) == 1:
            plan.households.setdefault((*location, ""), households[0])
        else:  # several households and no number: which one is meant is unknown
            plan.households.setdefault((*location, ""), None)
    return plan


def _check_against_plan(rows: list[LedgerRow], plan: Plan) -> None:
    """Grids, households and heads: problems that need the database or other rows."""
    heads: dict[tuple, int] = {}
    kinds: dict[tuple, tuple[str, int]] = {}
    for r in rows:
        if r.grid_code and r.grid_code not in plan.grids:
            r.fail(
                "grid",
                _("Unknown grid %(code)s: no active grid with this code where you may import.")
                % {"code": r.grid_code},
            )
            continue
        if not (r.grid_code and r.building and r.house):
            continue
        key = r.household_key
        existing = plan.households.get(key, False)
        if existing is None:
            r.fail(
                "household",
                _("This house has several households: enter the household number (户号)."),
            )
            continue
        if r.household_kind and not existing:  # an existing household keeps its type
            if key in kinds and kinds[key][0] != r.household_kind:
                r.fail(
                    "household_kind",
                    _("The household type differs from row %(row)s of the same household.")
                    % {"row": kinds[key][1]},
                )
            else:
                kinds.setdefault(key, (r.household_kind, r.row))
        if r.relation == Relation.HEAD:
            if existing and existing.head_id:
                r.fail("relation", _("This household already has a head (户主)."))
            elif key in heads:
                r.fail(
                    "relation",
                    _("Row %(row)s is the head (户主) of the same household.")
                    % {"row": heads[key]},
                )
            else:
                heads[key] = r.row


def _check_duplicates(rows: list[LedgerRow]) -> None:
    seen: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r.id_index:
            seen[r.id_index].append(r.row)
    for r in rows:
        others = [n for n in seen.get(r.id_index, ()) if n != r.row] if r.id_index else []
        if others:
            shown = "、".join(str(n) for n in others[:5]) + ("…" if len(others) > 5 else "")
            r.fail("id_number", _("The same ID number is in row %(rows)s.") % {"rows": shown})
    indexes = sorted(seen)
    living = set()
    for chunk in _chunks(indexes):
        living.update(
            Resident.objects.living()
            .filter(id_number_index__in=chunk)
            .values_list("id_number_index", flat=True)
        )
    for r in rows:
        if r.id_index in living:
            r.fail("id_number", _("A resident with this ID number already lives in the district."))


def validate(data: bytes, *, user, progress: Callable[[int], None] | None = None) -> Validation:
    """Check every row of a ledger; write nothing. LedgerError if the file itself is wrong."""
    wb, ws = _open(data)
    labels_by_name = {}
    for label in Label.objects.all():
        labels_by_name[label.name] = label
        labels_by_name.setdefault(label.code, label)
    rows: list[LedgerRow] = []
    try:
        for number, cells in _cell_rows(ws, _columns(_header_row(ws))):
            rows.append(_parse_row(number, cells, labels_by_name))
            if progress and len(rows) % PROGRESS_EVERY == 0:
                progress(len(rows))
    finally:
        wb.close()
    if not rows:
        raise LedgerError(_("The file holds no rows to import."))
    _check_duplicates(rows)
    plan = _plan(rows, user)
    _check_against_plan(rows, plan)
    problems = [p for r in rows for p in r.problems]
    valid = [r for r in rows if not r.problems]
    for r in valid:  # the size of the buildings to create
        key = (r.grid_code, r.building)
        if key not in plan.buildings:
            plan.floors[key] = max(plan.floors.get(key, 1), r.floor)
            plan.units[key] = max(plan.units.get(key, 1), r.unit)
    if progress:
        progress(len(rows))
    return Validation(
        total=len(rows),
        rows=valid,
        problems=problems,
        invalid_rows=len(rows) - len(valid),
        plan=plan,
    )


# --- saving -------------------------------------------------------------------------------


class LateProblems(Exception):
    """Rows that passed the check fail it again under the lock (someone changed the
    registry meanwhile): an all-or-nothing import saves nothing."""

    def __init__(self, problems: list[Problem]):
        super().__init__("rows failed when checked again")
        self.problems = problems


def _community_name(grid: Region) -> str:
    name = grid.parent.name if grid.parent_id else grid.name
    for suffix in ("居民委员会", "村民委员会", "居委会", "村委会"):
        name = name.removesuffix(suffix)
    return name


RESIDENT_COLUMNS = [
    "grid",
    "household",
    "name",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "ethnicity",
    "political_status",
    "residence_type",
    "relation",
    "moved_in_on",
]


@dataclass
class Writer:
    """Writes valid rows set-based (`linli.core.bulk`): what the plan lacks is created,
    each record with its change history; the import's one audit entry stands for the
    per-record entries a console edit writes."""

    bulk: BulkInsert
    user: object
    note: str
    created: dict[str, int] = field(
        default_factory=lambda: {"buildings": 0, "houses": 0, "households": 0, "residents": 0}
    )

    def __post_init__(self) -> None:
        table = self.bulk.table
        self.buildings = table(Building, ["grid", "name", "address", "floors", "units"])
        self.houses = table(House, ["grid", "building", "unit", "floor", "number"])
        self.households = table(Household, ["grid", "house", "kind", "number", "head"])
        self.residents = table(Resident, RESIDENT_COLUMNS)
        self.labels = table(ResidentLabel, ["resident", "label", "since"])
        self.history = table(
            RecordChange, ["grid", "object_type", "object_id", "kind", "changes", "note", "actor"]
        )
        self.today = timezone.localdate()
        self.label_ids = dict(Label.objects.values_list("code", "pk"))

    def _log(self, model, pk: int, grid: Region, kind: str, values: dict) -> None:
        if kind in (ChangeKind.CREATE, ChangeKind.MOVE_IN):
            changes = services.creation_changes(model, values)
        else:  # updates and labels come as {field: {"old": …, "new": …}} already
            changes = values
        self.history.add(
            grid.pk, model._meta.model_name, pk, kind, changes, self.note, self.user.pk
        )

    def _new(self, model, writer, grid: Region, values: dict) -> int:
        pk = writer.add(*values.values())
        self._log(model, pk, grid, ChangeKind.CREATE, values)
        self.created[f"{model._meta.model_name}s"] += 1
        return pk

    def write(self, rows: list[LedgerRow], plan: Plan) -> None:
        buildings = {key: b.pk for key, b in plan.buildings.items()}
        houses = {key: h.pk for key, h in plan.houses.items()}
        households = {key: h.pk for key, h in plan.households.items() if h}
        # One resident per row, written in row order: the pk each row's resident gets
        # is known before any is written, so a household names its head at once.
        first = self.residents.next_id
        heads: dict[tuple, int] = {}
        for index, r in enumerate(rows):
            if r.relation == Relation.HEAD:
                heads.setdefault(r.household_key, first + index)
        for index, r in enumerate(rows):
            grid = plan.grids[r.grid_code]
            building_key = (r.grid_code, r.building)
            if building_key not in buildings:
                values = {
                    "grid_id": grid.pk,
                    "name": r.building,
                    "address": f"{_community_name(grid)}{r.building}"[:200],
                    "floors": plan.floors.get(building_key, r.floor),
                    "units": plan.units.get(building_key, r.unit),
                }
                buildings[building_key] = self._new(Building, self.buildings, grid, values)
            if r.location not in houses:
                values = {
                    "grid_id": grid.pk,
                    "building_id": buildings[building_key],
                    "unit": r.unit,
                    "floor": r.floor,
                    "number": r.house,
                }
                houses[r.location] = self._new(House, self.houses, grid, values)
            key = r.household_key
            if key not in households:
                values = {
                    "grid_id": grid.pk,
                    "house_id": houses[r.location],
                    "kind": r.household_kind or HouseholdType.REGISTERED,
                    "number": r.household,
                    "head_id": heads.get(key),
                }
                households[key] = self._new(Household, self.households, grid, values)
            elif heads.get(key) == first + index:  # an existing household without a head
                self._set_head(households[key], grid, first + index)
            self._resident(r, grid, households[key])

    def _resident(self, r: LedgerRow, grid: Region, household: int) -> None:
        values = {
            "grid_id": grid.pk,
            "household_id": household,
            "name": r.name,
            "sex": Sex.MALE if int(r.id_number[16]) % 2 else Sex.FEMALE,
            "birth_date": r.birth_date,
            "id_number": r.id_number,
            "phone": r.phone or None,
            "ethnicity": r.ethnicity,
            "political_status": r.political_status,
            "residence_type": r.residence_type,
            "relation": r.relation,
            "moved_in_on": r.moved_in_on or self.today,
        }
        pk = self.residents.add(*values.values())
        self._log(Resident, pk, grid, ChangeKind.MOVE_IN, values)
        if r.labels:
            for code in r.labels:
                self.labels.add(pk, self.label_ids[code], self.today)
            changes = {"labels": {"old": [], "new": sorted(r.labels)}}
            self._log(Resident, pk, grid, ChangeKind.LABEL, changes)
        self.created["residents"] += 1

    def _set_head(self, household: int, grid: Region, head: int) -> None:
        """An existing household without a head gets the row's 户主 (a row per
        household: few, so one UPDATE each)."""
        Household.objects.filter(pk=household, head__isnull=True).update(
            head_id=head, updated_at=timezone.now()
        )
        self._log(
            Household,
            household,
            grid,
            ChangeKind.UPDATE,
            {"head_id": {"old": None, "new": head}},
        )


def _save(validation: Validation, *, user, imp: LedgerImport) -> list[Problem]:
    """Write the valid rows in one transaction; the rows are checked again under the
    tables' write lock first, so what others saved since the first check cannot slip
    in between. All or nothing: LateProblems if a row fails now; only the valid
    rows: those failing now are left out and returned."""
    with BulkInsert() as bulk:
        writer = Writer(bulk, user, _("Ledger import #%(id)s") % {"id": imp.pk})  # locks
        rows = validation.rows
        _check_duplicates(rows)
        plan = _plan(rows, user)
        _check_against_plan(rows, plan)
        late = [p for r in rows for p in r.problems]
        if late and imp.mode == LedgerImportMode.ALL:
            raise LateProblems(late)
        rows = [r for r in rows if not r.problems]
        plan.floors, plan.units = validation.plan.floors, validation.plan.units
        writer.write(rows, plan)
        touched = {plan.grids[r.grid_code].path for r in rows}
        _audit_import(imp, user, writer.created, touched)
        imp.summary = {"created": writer.created}
    return late


def common_region(paths: Iterable[str]) -> Region | None:
    """The deepest region holding all these paths: an audit entry filed under it is
    read by those who oversee all of them."""
    paths = sorted(set(paths))
    if not paths:
        return None
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-1]
    for length in sorted(PATH_LENGTH.values(), reverse=True):
        if length <= len(prefix):
            region = Region.objects.filter(path=prefix[:length]).first()
            if region is not None:
                return region
    return None


def _audit_import(imp: LedgerImport, user, created: dict, touched: set[str]) -> None:
    audit_record(
        action=AuditAction.IMPORT,
        actor=user,
        object_type=LedgerImport._meta.label_lower,
        object_id=str(imp.pk),
        object_label=f"#{imp.pk}",
        region=common_region(touched) if touched else home_region(user=user),
        details={
            "file_name": imp.file_name[:100],
            "mode": imp.mode,
            "rows": imp.total_rows,
            "saved": created["residents"],
            "rows_with_errors": imp.invalid_rows,
            "created": created,
        },
    )


# --- the import's life ---------------------------------------------------------------------


def _stored(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def ledger_upload(
    *, user, file_name: str, data: bytes, mode: str = LedgerImportMode.ALL, language: str
) -> tuple[LedgerImport, Inspection]:
    """Check the file (LedgerError if it cannot be imported) and keep it for checking."""
    inspection = inspect(data)
    imp = LedgerImport.objects.create(
        user=user,
        file_name=os.path.basename(file_name or "ledger.xlsx")[:200],
        file_size=len(data),
        upload=_stored(data),
        language=language,
        mode=LedgerImportMode(mode),
        total_rows=inspection.rows_estimate,
    )
    return imp, inspection


def runs_in_background(inspection: Inspection) -> bool:
    return inspection.rows_estimate > BACKGROUND_ROWS


def _update(imp: LedgerImport, **fields) -> None:
    for name, value in fields.items():
        setattr(imp, name, value)
    LedgerImport.objects.filter(pk=imp.pk).update(**fields)


def _finish(imp: LedgerImport, status: str, **fields) -> None:
    """A final state: the uploaded file is deleted."""
    _update(imp, status=status, upload="", finished_at=timezone.now(), **fields)


def _report(problems: list[Problem]) -> list[dict]:
    order = {h: i for i, h in enumerate(HEADERS)}
    problems = sorted(problems, key=lambda p: (p.row, order.get(p.column, -1)))
    return [p.as_json() for p in problems[:MAX_STORED_ERRORS]]


def ledger_run(import_id: int) -> None:
    """Check an upload and, as its mode and the result allow, save it.

    Idempotent: only an import waiting to be checked (or to import its valid rows) is
    taken, by a conditional update, so two workers never run the same one.
    """
    imp = LedgerImport.objects.filter(pk=import_id).defer("upload").first()
    if imp is None or imp.status not in (
        LedgerImportStatus.QUEUED,
        LedgerImportStatus.SAVE_QUEUED,
    ):
        return
    taken = LedgerImport.objects.filter(pk=imp.pk, status=imp.status).update(
        status=LedgerImportStatus.VALIDATING, started_at=timezone.now(), processed_rows=0
    )
    if not taken:
        return
    imp.status = LedgerImportStatus.VALIDATING
    with translation.override(imp.language):
        try:
            _run(imp)
        except Exception as exc:
            # No message: it could quote a cell. The frames are enough to find the bug.
            logger.error(
                "Ledger import %s failed with %s:\n%s",
                imp.pk,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            _finish(
                imp,
                LedgerImportStatus.FAILED,
                failure=_("The import stopped on an unexpected error; nothing was saved.")
                if imp.mode == LedgerImportMode.ALL
                else _("The import stopped on an unexpected error after saving %(n)s rows.")
                % {"n": imp.saved_rows},
            )


def _run(imp: LedgerImport) -> None:
    user = get_user_model().objects.get(pk=imp.user_id)  # fresh grants
    stored = LedgerImport.objects.filter(pk=imp.pk).values_list("upload", flat=True).first()
    if not stored:
        _finish(imp, LedgerImportStatus.FAILED, failure=_("The uploaded file is gone."))
        return
    data = base64.b64decode(stored)
    del stored
    try:
        validation = validate(data, user=user, progress=lambda n: _update(imp, processed_rows=n))
    except LedgerError as exc:
        _finish(imp, LedgerImportStatus.FAILED, failure=str(exc)[:300])
        return
    del data
    counts = validation.new_counts
    _update(
        imp,
        total_rows=validation.total,
        processed_rows=validation.total,
        valid_rows=len(validation.rows),
        invalid_rows=validation.invalid_rows,
        errors=_report(validation.problems),
        summary={"to_create": counts},
    )
    if validation.problems and imp.mode == LedgerImportMode.ALL:
        _update(imp, status=LedgerImportStatus.HAS_ERRORS)
        return
    if not validation.rows:
        _finish(imp, LedgerImportStatus.FAILED, failure=_("No row is valid: nothing was saved."))
        return
    _update(imp, status=LedgerImportStatus.SAVING)
    try:
        late = _save(validation, user=user, imp=imp)
    except LateProblems as failed:
        # Something changed since the check (e.g. the same person registered
        # meanwhile): nothing is saved; the rows join the report.
        failed_rows = len({p.row for p in failed.problems})
        _update(
            imp,
            status=LedgerImportStatus.HAS_ERRORS,
            valid_rows=len(validation.rows) - failed_rows,
            invalid_rows=validation.invalid_rows + failed_rows,
            errors=_report(validation.problems + failed.problems),
        )
        return
    failed_rows = len({p.row for p in late})
    _finish(
        imp,
        LedgerImportStatus.DONE,
        valid_rows=len(validation.rows) - failed_rows,
        invalid_rows=validation.invalid_rows + failed_rows,
        errors=_report(validation.problems + late),
        saved_rows=imp.summary["created"]["residents"],
        summary=imp.summary,
    )


def ledger_import_valid_rows(*, imp: LedgerImport) -> bool:
    """The user chose to import only the valid rows of a file with errors."""
    return bool(
        LedgerImport.objects.filter(pk=imp.pk, status=LedgerImportStatus.HAS_ERRORS).update(
            status=LedgerImportStatus.SAVE_QUEUED, mode=LedgerImportMode.VALID_ONLY
        )
    )


def ledger_discard(*, imp: LedgerImport) -> bool:
    """The user gives up an upload with errors: its file is deleted."""
    return bool(
        LedgerImport.objects.filter(pk=imp.pk, status=LedgerImportStatus.HAS_ERRORS).update(
            status=LedgerImportStatus.DISCARDED, upload="", finished_at=timezone.now()
        )
    )


def ledger_tidy(now: datetime | None = None) -> int:
    """Delete the files of uploads left waiting (a decision never taken, a worker that
    died) for more than STALE_AFTER. Returns how many imports were closed."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = LedgerImport.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[
            LedgerImportStatus.DONE,
            LedgerImportStatus.FAILED,
            LedgerImportStatus.DISCARDED,
        ]
    )
    if not stale.exists():  # a read: no write lock is asked for (SQLite) on every visit
        return 0
    closed = stale.filter(status=LedgerImportStatus.HAS_ERRORS).update(
        status=LedgerImportStatus.DISCARDED, upload="", finished_at=timezone.now()
    )
    closed += stale.filter(
        status__in=[
            LedgerImportStatus.QUEUED,
            LedgerImportStatus.SAVE_QUEUED,
            LedgerImportStatus.VALIDATING,
            LedgerImportStatus.SAVING,
        ]
    ).update(
        status=LedgerImportStatus.FAILED,
        upload="",
        finished_at=timezone.now(),
        failure=_("The import was interrupted."),
    )
    return closed


def error_report(imp: LedgerImport) -> bytes:
    """The error report as a workbook: row, column, message."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Errors"))
    ws.append([_("Row"), _("Column"), _("Problem")])
    for problem in imp.errors:
        ws.append([problem["row"], problem["column"], _cell(ws, problem["message"])])
    if imp.invalid_rows and len(imp.errors) >= MAX_STORED_ERRORS:
        ws.append(
            ["", "", _("Only the first %(n)s problems are listed.") % {"n": MAX_STORED_ERRORS}]
        )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- export -------------------------------------------------------------------------------


def _safe(value):
    """A cell value that is text, never a formula, and without characters xlsx forbids."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _cell(ws, value):
    """A cell for the write-only sheet. Text stays text: a value starting with "=" would
    otherwise become a formula that runs when the file is opened. Dates show as dates."""
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if not isinstance(value, str):
        return value
    value = _safe(value)
    if value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _name_of(vocabulary: dict, value: str) -> str:
    return next((name for name, v in vocabulary.items() if v == value), value)


def export_headers() -> list[str]:
    return HEADERS + EXPORT_EXTRA_HEADERS


def ledger_export(residents, out) -> int:
    """Write the residents (a queryset from selectors.resident_list) to `out` as a
    ledger with masked ID and phone numbers; returns how many rows were written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(export_headers())
    ethnicity = dict(ETHNICITIES)
    count = 0
    for r in residents.iterator(chunk_size=2000):
        house = r.household.house
        building = house.building
        values = [
            r.grid.code,
            building.name,
            house.unit,
            house.number,
            r.household.number,
            _name_of(HOUSEHOLD_KINDS, r.household.kind),
            _name_of(RELATIONS, r.relation),
            r.name,
            mask_id_number(r.id_number),
            mask_phone(r.phone),
            ethnicity.get(r.ethnicity, r.ethnicity),
            _name_of(POLITICAL_STATUSES, r.political_status),
            _name_of(RESIDENCE_TYPES, r.residence_type),
            r.moved_in_on,
            "、".join(labels_of(r)),
            SEXES.get(r.sex, r.sex),
            r.birth_date,
            STATUSES.get(r.status, r.status),
            r.moved_out_on or r.died_on,
            building.address,
            r.grid.name,
        ]
        ws.append([_cell(ws, v) for v in values])
        count += 1
    wb.save(out)
    return count


def export_file(*, user, residents, filters: dict, grid_code: str | None) -> tuple:
    """Write the export to a temporary file and audit it; (file, row count).

    The audit entry is written before the file is handed out: no export without one.
    """
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        count = ledger_export(residents, out)
        region = None
        if grid_code:
            region = Region.objects.visible_to(user, REGISTRY_EXPORT).filter(code=grid_code).first()
        audit_record(
            action=AuditAction.EXPORT,
            actor=user,
            object_type=Resident._meta.label_lower,
            object_label=_("Residents ledger"),
            region=region or home_region(user=user),
            details={"filter": filters, "rows": count, "format": "xlsx"},
        )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, count


def export_filter_details(filters) -> dict:
    """The filter as audit details: which personal-data searches were used, not their
    values."""
    data = filters.dict(exclude_none=True)
    for name in ("id_number", "phone", "id_index", "phone_index"):
        if data.get(name):
            data[name] = "given"
    if not data.get("label"):
        data.pop("label", None)
    return data


def export_download(*, user, filters) -> FileResponse:
    """The export as a download, for the console and the API: the residents `user` may
    export, filtered like the residents list (`filters`: a ResidentFilter)."""
    residents = resident_list(user=user, filters=filters, action=REGISTRY_EXPORT)
    out, _count = export_file(
        user=user,
        residents=residents,
        filters=export_filter_details(filters),
        grid_code=filters.grid,
    )
    return xlsx_download(out, f"居民台账-{timezone.localtime():%Y%m%d-%H%M}.xlsx")
