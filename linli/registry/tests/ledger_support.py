"""Helpers for the ledger tests: ledger files made in memory, read back, and people."""

from datetime import date
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from linli.registry.idnumber import make_id_number
from linli.registry.ledger.format import HEADERS, SHEET


def id_number(n: int, born: date = date(1980, 5, 17), sex: str = "male") -> str:
    return make_id_number("370306", born, n, sex)


def person(grid, n: int, **cells) -> dict:
    """One ledger row (header → value): a valid person in 1号楼 1-101 of `grid`."""
    row = {
        "网格代码": grid.code,
        "楼栋": "1号楼",
        "单元": 1,
        "房号": "101",
        "户号": "",
        "户类型": "户籍户",
        "与户主关系": "户主",
        "姓名": f"测试{n}",
        "公民身份号码": id_number(n),
        "联系电话": "",
        "民族": "汉族",
        "政治面貌": "群众",
        "居住类型": "人户一致",
        "迁入日期": "2020-05-01",
        "标签": "",
    }
    row.update(cells)
    return row


def ledger_bytes(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def read_workbook(content: bytes):
    return load_workbook(BytesIO(content))


def all_cells(wb) -> list:
    return [cell.value for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
