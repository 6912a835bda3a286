"""Reading a ledger file: refused as a whole (`LedgerError`) when it is too large, not
an .xlsx, damaged, a zip bomb, without the template's columns, empty or too long;
else its rows, as raw cells by column key. `inspect` checks a file at upload.
"""

import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from linli.registry.ledger.format import (
    COLUMNS,
    HEADERS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    SHEET,
)


class LedgerError(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""


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
