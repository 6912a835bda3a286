"""The one Excel writer: a header row and the rows, streamed into openpyxl's
write-only workbook (memory stays flat however many rows), every text cell kept text
(a value starting with "=" never becomes a formula that runs when the file is opened;
characters xlsx forbids are dropped), dates as dates, a column's number format."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

PROGRESS_EVERY = 1000  # rows between two progress reports


@dataclass(frozen=True)
class Column:
    header: str | Promise
    number_format: str | None = None  # "0.0%" for a rate given as a fraction


def safe_text(value: Any) -> Any:
    """Text without the characters xlsx forbids (other values as they are)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None = None) -> Any:
    """A value for a write-only sheet: text stays text, dates show as dates."""
    if isinstance(value, date) and not isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # stubs omit dates
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # xlsx has no time zones
    value = safe_text(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    if number_format and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell
    return value


def write_xlsx(
    out: IO[bytes],
    *,
    sheet: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook to `out`; `progress(rows written)` every PROGRESS_EVERY rows.
    Returns how many rows were written (the header not counted)."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append([str(c.header) for c in columns])
    formats = [c.number_format for c in columns]
    count = 0
    try:
        for row in rows:
            ws.append([xlsx_cell(ws, v, f) for v, f in zip(row, formats, strict=True)])
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
    except BaseException:
        ws.close()  # its temporary file now, not when it is collected
        raise
    book.save(out)
    return count
