"""The one Excel writer: what a cell becomes, and progress."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from linli.exports import writer
from linli.exports.writer import Column, write_xlsx

TWO = (Column("甲"), Column("乙"))


def written(rows, columns=TWO, **kwargs):
    out = BytesIO()
    count = write_xlsx(out, sheet="表", columns=columns, rows=rows, **kwargs)
    sheet = load_workbook(out)["表"]
    return count, sheet


def test_text_stays_text_and_dates_stay_dates():
    count, sheet = written([['=HYPERLINK("http://x")', date(2026, 3, 1)], ["坏\x07字", None]])
    assert count == 2
    assert [c.value for c in sheet[1]] == ["甲", "乙"]
    formula = sheet["A2"]
    assert formula.value == '=HYPERLINK("http://x")' and formula.data_type == "s"
    assert sheet["B2"].value.date() == date(2026, 3, 1)
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["A3"].value == "坏字"


def test_a_column_keeps_its_number_format():
    _count, sheet = written([["车站社区", 0.5]], columns=[Column("社区"), Column("比率", "0.0%")])
    assert sheet["B2"].value == 0.5 and sheet["B2"].number_format == "0.0%"


def test_progress_is_reported_as_rows_are_written(monkeypatch):
    monkeypatch.setattr(writer, "PROGRESS_EVERY", 2)
    seen = []
    count, _sheet = written(([i, i] for i in range(5)), progress=seen.append)
    assert (count, seen) == (5, [2, 4])


def test_a_row_with_a_cell_too_many_is_refused():
    with pytest.raises(ValueError):
        written([["a", "b", "c"]])
