"""An indicator table as an Excel workbook (audited as an export)."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from linli.accounts.models import User
from linli.accounts.selectors import home_region
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.indicators import Indicator
from linli.indicators.filters import IndicatorQuery
from linli.indicators.tables import Row


def table_workbook(
    *,
    user: User,
    rows: list[Row],
    query: IndicatorQuery,
    indicators: list[Indicator],
    level_name: str,
) -> tuple[BytesIO, str]:
    """The table as a workbook (rates as fractions formatted as %) and its file name;
    the export is audited."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one
    sheet.title = level_name
    sheet.append([level_name, *(str(i.name) for i in indicators)])
    for row in rows:
        sheet.append([row.name, *(row.value(i.code) for i in indicators)])
    for index, indicator in enumerate(indicators, start=2):
        if indicator.kind == "rate":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    out = BytesIO()
    book.save(out)
    out.seek(0)
    audit_record(
        action=AuditAction.EXPORT,
        actor=user,
        object_type="indicators.table",
        object_label=_("Indicators"),
        region=home_region(user=user),
        details={
            "level": query.level,
            "start": query.first.isoformat(),
            "end": query.last.isoformat(),
            "rows": len(rows),
            "format": "xlsx",
        },
    )
    return out, f"考核指标-{query.first:%Y%m%d}-{query.last:%Y%m%d}.xlsx"
