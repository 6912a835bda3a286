"""Console pages of the resident ledgers (台账): template, import, status, export.

The work is done in `linli.registry.ledger` (mostly `imports` and `export`); these
views check access, take the upload, start the check in the request (small files)
or as a task, and hand files out.
"""

from io import BytesIO

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.access import requires
from linli.core.htmx import render_page
from linli.core.lists import page_of, query_without_page
from linli.core.xlsx import xlsx_download
from linli.exports.services import export_start
from linli.exports.views import export_answer
from linli.registry import selectors
from linli.registry.choices import LedgerImportMode, LedgerImportStatus
from linli.registry.exports import RESIDENTS
from linli.registry.filters import ResidentFilter
from linli.registry.forms import LedgerUploadForm
from linli.registry.ledger import format as ledger_format
from linli.registry.ledger import imports
from linli.registry.ledger.parse import LedgerError
from linli.registry.models import LedgerImport
from linli.registry.permissions import REGISTRY_EXPORT, REGISTRY_IMPORT
from linli.registry.tasks import ledger_import_run
from linli.registry.views import numbers_as_indexes

SHOWN_ERRORS = 500
RUNNING = {
    LedgerImportStatus.QUEUED,
    LedgerImportStatus.VALIDATING,
    LedgerImportStatus.SAVE_QUEUED,
    LedgerImportStatus.SAVING,
}


def _xlsx(data: bytes, filename: str) -> FileResponse:
    return xlsx_download(BytesIO(data), filename)


@requires(REGISTRY_IMPORT)
@require_GET
def ledger_template(request: HttpRequest):
    return _xlsx(ledger_format.ledger_template(), "居民台账模板.xlsx")


class _SizeLimit(FileUploadHandler):
    """Stops storing an upload once it passes the size limit: an oversize file is read
    and dropped, never written to a temporary file in full."""

    def __init__(self, request=None):
        super().__init__(request)
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > ledger_format.MAX_FILE_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _start(imp: LedgerImport, background: bool) -> None:
    """Check (and save) now, or hand the import to the worker once the upload is committed."""
    if background:
        transaction.on_commit(lambda: ledger_import_run.enqueue(imp.pk))
    else:
        imports.ledger_run(imp.pk)


@requires(REGISTRY_IMPORT)
@csrf_exempt  # the CSRF check runs below, after the size limit is installed
@require_http_methods(["GET", "POST"])
def ledger_import(request: HttpRequest):
    limit = _SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _ledger_import(request, limit)


@csrf_protect
def _ledger_import(request: HttpRequest, limit: _SizeLimit):
    imports.ledger_tidy()
    waiting = request.GET.get("waiting") == "1"
    form = LedgerUploadForm()
    status = 200
    if request.method == "POST":
        form = LedgerUploadForm(request.POST, request.FILES)
        if limit.exceeded:  # the file was dropped: say why, not "required"
            form.is_valid()
            form.errors["file"] = form.error_class(
                [
                    _("The file is larger than %(mb)s MB.")
                    % {"mb": ledger_format.MAX_FILE_BYTES // (1024 * 1024)}
                ]
            )
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imp, inspection = imports.ledger_upload(
                    user=request.user,
                    file_name=upload.name,
                    data=upload.read(),
                    mode=LedgerImportMode.VALID_ONLY
                    if form.cleaned_data["valid_only"]
                    else LedgerImportMode.ALL,
                    language=translation.get_language(),
                )
            except LedgerError as exc:
                form.add_error("file", str(exc))
            else:
                _start(imp, imports.runs_in_background(inspection))
                return redirect("registry:ledger-import-detail", pk=imp.pk)
        status = 422
    return render(
        request,
        "registry/ledger_import.html",
        {
            "form": form,
            "page": page_of(request, selectors.ledger_imports(user=request.user, waiting=waiting)),
            "query": "waiting=1" if waiting else "",
            "waiting": waiting,
            "max_mb": ledger_format.MAX_FILE_BYTES // (1024 * 1024),
            "max_rows": ledger_format.MAX_ROWS,
            "background_rows": ledger_format.BACKGROUND_ROWS,
        },
        status=status,
    )


def _import(request: HttpRequest, pk: int) -> LedgerImport:
    return get_object_or_404(LedgerImport.objects.of_user(request.user), pk=pk)


@requires(REGISTRY_IMPORT)
@require_GET
def ledger_import_detail(request: HttpRequest, pk: int):
    """An import's progress (polled by htmx every 2 s while it runs) and its report."""
    imp = _import(request, pk)
    return render_page(
        request,
        "registry/ledger_import_detail.html",
        {
            "imp": imp,
            "running": imp.status in RUNNING,
            "errors": imp.errors[:SHOWN_ERRORS],
            "more_errors": max(0, len(imp.errors) - SHOWN_ERRORS),
            "percent": _percent(imp),
        },
        partial="status",
    )


def _percent(imp: LedgerImport) -> int:
    """Checking is about 60 % of an import's time; the save is one transaction, whose
    progress cannot be seen from outside, so it shows as one step."""
    if imp.status in (LedgerImportStatus.DONE, LedgerImportStatus.HAS_ERRORS):
        return 100
    if imp.status == LedgerImportStatus.SAVING:
        return CHECKED_PERCENT
    if imp.total_rows:
        return min(CHECKED_PERCENT, CHECKED_PERCENT * imp.processed_rows // imp.total_rows)
    return 0


CHECKED_PERCENT = 60


@requires(REGISTRY_IMPORT)
@require_GET
def ledger_import_errors(request: HttpRequest, pk: int):
    imp = _import(request, pk)
    return _xlsx(imports.error_report(imp), f"错误报告-{imp.pk}.xlsx")


@requires(REGISTRY_IMPORT)
@require_POST
def ledger_import_valid_rows(request: HttpRequest, pk: int):
    """The explicit choice: import the rows without error, leave the others out."""
    imp = _import(request, pk)
    if imports.ledger_import_valid_rows(imp=imp, by=request.user):
        _start(imp, imp.total_rows > ledger_format.BACKGROUND_ROWS)
    else:
        messages.error(request, _("This import is not waiting for a decision."))
    return redirect("registry:ledger-import-detail", pk=imp.pk)


@requires(REGISTRY_IMPORT)
@require_POST
def ledger_import_discard(request: HttpRequest, pk: int):
    imp = _import(request, pk)
    if imports.ledger_discard(imp=imp, by=request.user):
        messages.success(request, _("Discarded: the uploaded file is deleted."))
    else:
        messages.error(request, _("This import is not waiting for a decision."))
    return redirect("registry:ledger-import")


@requires(REGISTRY_EXPORT)
@require_GET
def ledger_export(request: HttpRequest):
    """The residents list as a ledger: same filter as the page, numbers masked, audited."""
    clean = numbers_as_indexes(request, request.GET)
    if clean is not None:  # a hand-typed number: keep it out of history, as the list does
        return redirect(f"{request.path}?{clean}")
    filters, errors = ResidentFilter.from_query(request.GET)
    if errors:
        for error in errors:
            messages.error(request, error)
        return redirect(f"{reverse('registry:resident-list')}?{query_without_page(request)}")
    return export_answer(export_start(user=request.user, kind=RESIDENTS, filters=filters))
