"""The ledger's file format: its limits, its vocabulary, its columns, the template.

The ledger's sheet name, column headers and values (户主, 中共党员, 户籍户 …) are
Chinese, as in the ledgers communities keep: they are the file format, like the
keys of a JSON document, and do not change with the console's language. The
explanations in the template, the messages of the error report and the report's
own headers are translated.
"""

import re
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from linli.registry.choices import (
    ETHNICITIES,
    HouseholdType,
    PoliticalStatus,
    Relation,
    ResidenceType,
    ResidentStatus,
)
from linli.registry.models import Label

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # a zip bomb is refused before openpyxl reads it
MAX_ROWS = 100_000
BACKGROUND_ROWS = 300
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
STATUSES: dict[str, str] = {
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
