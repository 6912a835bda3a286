"""Excel downloads (ledgers, KPI tables)."""

from typing import IO

from django.http import FileResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(content: IO[bytes], filename: str) -> FileResponse:
    return FileResponse(
        content, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
