from datetime import datetime

from ninja import Field, Schema

from linli.exports.choices import ExportStatus


class ExportOut(Schema):
    """An export written in the background: poll it until `status` is "done", then
    fetch `file_url`."""

    id: int
    kind: str
    status: ExportStatus
    total_rows: int
    written_rows: int
    file_name: str
    created_at: datetime
    finished_at: datetime | None
    file_url: str | None = Field(None, description="Where the file is, once done.")
