"""Excel downloads (ledgers, KPI tables)."""

from typing import IO, Any

from django.http import FileResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(content: IO[bytes], filename: str) -> FileResponse:
    return FileResponse(
        content, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def xlsx_openapi(description: str, **more: Any) -> dict[str, Any]:
    """`openapi_extra` of an API route answering with a workbook (`more`: other
    responses, by status)."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            },
            **more,
        }
    }
