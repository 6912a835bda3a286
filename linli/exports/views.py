"""An export written in the background: its progress, then its file (the person who
asked for it only)."""

from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from linli.accounts.auth import signed_in_user
from linli.core.access import signed_in
from linli.core.htmx import render_page
from linli.core.xlsx import xlsx_download
from linli.exports import kinds, selectors, services
from linli.exports.choices import RUNNING_STATUSES
from linli.exports.models import Export
from linli.exports.services import Written


def export_answer(result: Written | Export) -> HttpResponseBase:
    """What a console export answers: the file, when it was written at once; else
    the page following the export written in the background."""
    if isinstance(result, Written):
        return xlsx_download(result.content, result.file_name)
    return redirect("exports:export-detail", pk=result.pk)


def _export(request: HttpRequest, pk: int) -> Export:
    try:
        return selectors.export_of(user=request.user, pk=pk)
    except Export.DoesNotExist:
        raise Http404 from None


@signed_in
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's progress (polled by htmx every 2 s while it runs), then its link."""
    export = _export(request, pk)
    return render_page(
        request,
        "exports/export_detail.html",
        {
            "export": export,
            "title": kinds.get(export.kind).title,
            "running": export.status in RUNNING_STATUSES,
        },
        partial="status",
    )


@signed_in
@require_GET
def export_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    export = _export(request, pk)
    try:
        content = services.export_content(export=export, by=signed_in_user(request))
    except PermissionDenied:
        raise Http404 from None
    return xlsx_download(BytesIO(content), export.file_name)
