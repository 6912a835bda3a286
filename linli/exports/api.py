"""/api/v1/exports: the exports written in the background, and their files."""

from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Status

from linli.accounts.auth import signed_in_user
from linli.core.access import signed_in
from linli.core.routers import Router
from linli.core.xlsx import xlsx_download, xlsx_openapi
from linli.exports import selectors, services
from linli.exports.choices import ExportStatus
from linli.exports.models import Export
from linli.exports.schemas import ExportOut
from linli.exports.services import Written

router = Router(tags=["exports"])


def export_out(export: Export) -> ExportOut:
    """The export as the API shows it (also the 202 body of a route that queues one)."""
    done = export.status == ExportStatus.DONE
    return ExportOut(
        id=export.pk,
        kind=export.kind,
        status=ExportStatus(export.status),
        total_rows=export.total_rows,
        written_rows=export.written_rows,
        file_name=export.file_name,
        created_at=export.created_at,
        finished_at=export.finished_at,
        file_url=reverse("api:export-file", args=[export.pk]) if done else None,
    )


def export_answer(result: Written | Export) -> FileResponse | Status[ExportOut]:
    """What an API export route answers: the file, when it was written at once; 202
    and the export to poll, when it is written in the background."""
    if isinstance(result, Written):
        return xlsx_download(result.content, result.file_name)
    return Status(202, export_out(result))


def _export(request: HttpRequest, export_id: int) -> Export:
    try:
        return selectors.export_of(user=request.user, pk=export_id)
    except Export.DoesNotExist:
        raise Http404 from None


@router.get(
    "/exports/{export_id}", response=ExportOut, operation_id="export_get", url_name="export-get"
)
@signed_in
def export_get(request: HttpRequest, export_id: int) -> ExportOut:
    """One of the caller's exports: its progress."""
    return export_out(_export(request, export_id))


@router.get(
    "/exports/{export_id}/file",
    response={200: None},
    operation_id="export_file",
    url_name="export-file",
    openapi_extra=xlsx_openapi("The workbook."),
)
@signed_in
def export_file(request: HttpRequest, export_id: int) -> FileResponse:
    """The file of one of the caller's exports, once written (404 before, and after
    it was deleted)."""
    export = _export(request, export_id)
    try:
        content = services.export_content(export=export, by=signed_in_user(request))
    except PermissionDenied:
        raise Http404 from None
    return xlsx_download(BytesIO(content), export.file_name)
