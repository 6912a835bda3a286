"""The workbook of new devices' access tokens, answered once by the Excel import (the
console's and the API's): written by the exports writer, never stored."""

from io import BytesIO

from django.http import HttpResponseBase
from django.utils import timezone

from linli.core.xlsx import xlsx_download
from linli.devices.models import Device
from linli.exports.writer import Column, write_xlsx

TOKEN_COLUMNS = (
    Column("网格代码"),
    Column("设备编号"),
    Column("名称"),
    Column("设备类型"),
    Column("访问令牌"),
)


def tokens_workbook(made: list[tuple[Device, str]]) -> HttpResponseBase:
    out = BytesIO()
    write_xlsx(
        out,
        sheet="设备令牌",
        columns=TOKEN_COLUMNS,
        rows=([d.grid.code, d.key, d.name, d.profile.name, token] for d, token in made),
    )
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_download(out, f"设备令牌-{stamp}.xlsx")
