"""The life of a ledger import, an explicit state machine: upload, check and save
(`ledger_run`), the user's decision after errors, the tidying of uploads left
waiting; the error report.

An upload is checked as a file first (size, a real .xlsx, the template's columns, at
most MAX_ROWS rows) and refused at once if it fails. Then every row is checked —
nothing is written meanwhile — and:

- no error: every row is saved in **one transaction** (all or nothing);
- errors, in the default mode "all rows or nothing": **nothing is saved**; the
  report (row, column, message) is shown and can be downloaded; the user may then
  choose explicitly to import only the valid rows, or discard the upload;
- errors, in the mode "only the valid rows" (chosen at upload or after the
  report): the rows without error are saved, in one transaction.

Files with more than BACKGROUND_ROWS rows are checked and saved by a background
task (`linli.registry.tasks.ledger_import_run`); smaller ones within the request.
The uploaded file is stored encrypted in its `LedgerImport` row only until the
import is finished, failed or discarded.

The statuses an import may move between are `LEDGER_IMPORT_TRANSITIONS`
(`registry/choices.py`). Every change of status goes through `_move`: a conditional
UPDATE from the status expected, so that two workers, or a worker and the user,
never both move an import, and in the same transaction a `LedgerImportTransition`
row (from, to, who — None for the run and the tidying —, when, a note). Progress
(the rows checked) is not a change of status and is not logged.
"""

import base64
import logging
import os
import traceback
from datetime import datetime, timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.core import events
from linli.exports.writer import Column, write_xlsx
from linli.registry.choices import LEDGER_IMPORT_TRANSITIONS, LedgerImportMode, LedgerImportStatus
from linli.registry.events import LedgerImportMoved
from linli.registry.ledger.check import Problem, validate
from linli.registry.ledger.format import BACKGROUND_ROWS, HEADERS
from linli.registry.ledger.parse import Inspection, LedgerError, inspect
from linli.registry.ledger.write import LateProblems, _save
from linli.registry.models import LedgerImport, LedgerImportTransition

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 10_000
STALE_AFTER = timedelta(hours=24)


def _stored(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def ledger_upload(
    *, user, file_name: str, data: bytes, mode: str = LedgerImportMode.ALL, language: str
) -> tuple[LedgerImport, Inspection]:
    """Check the file (LedgerError if it cannot be imported) and keep it for checking."""
    inspection = inspect(data)
    with transaction.atomic():
        imp = LedgerImport.objects.create(
            user=user,
            file_name=os.path.basename(file_name or "ledger.xlsx")[:200],
            file_size=len(data),
            upload=_stored(data),
            language=language,
            mode=LedgerImportMode(mode),
            status=LedgerImportStatus.QUEUED,
            total_rows=inspection.rows_estimate,
        )
        _log(imp, "", LedgerImportStatus.QUEUED, by=user)
    return imp, inspection


def runs_in_background(inspection: Inspection) -> bool:
    return inspection.rows_estimate > BACKGROUND_ROWS


def _update(imp: LedgerImport, **fields) -> None:
    """Fields other than the status (progress, counts, the report): the status
    changes through `_move` only."""
    for name, value in fields.items():
        setattr(imp, name, value)
    LedgerImport.objects.filter(pk=imp.pk).update(**fields)


def _log(imp: LedgerImport, source: str, to: str, *, by=None, note: str = "") -> None:
    """The move's log row, and its event (subscribers run after commit)."""
    LedgerImportTransition.objects.create(
        ledger_import=imp, from_status=source, to_status=to, actor=by, note=note[:300]
    )
    events.publish(
        LedgerImportMoved(
            import_id=imp.pk,
            from_status=source,
            to_status=to,
            actor_id=getattr(by, "pk", None),
        )
    )


def _move(
    imp: LedgerImport, to: str, *, source: str | None = None, by=None, note: str = "", **fields
) -> bool:
    """Move `imp` from `source` (default: its status as read) to `to`, setting
    `fields`, and log the move, in one transaction. The UPDATE is conditional on
    `source`: False, and nothing written, if the import is no longer in it (someone
    else moved it). A move LEDGER_IMPORT_TRANSITIONS does not allow is a bug
    (ValueError)."""
    source = imp.status if source is None else source
    if to not in LEDGER_IMPORT_TRANSITIONS[source]:
        raise ValueError(f"a ledger import does not move from {source or '-'} to {to}")
    with transaction.atomic():
        moved = LedgerImport.objects.filter(pk=imp.pk, status=source).update(status=to, **fields)
        if moved:
            _log(imp, source, to, by=by, note=note)
    if not moved:
        return False
    imp.status = to
    for name, value in fields.items():
        setattr(imp, name, value)
    return True


def _finish(
    imp: LedgerImport,
    status: str,
    *,
    source: str | None = None,
    by=None,
    note: str = "",
    **fields,
) -> bool:
    """A final state: the uploaded file is deleted. A failure is the move's note."""
    return _move(
        imp,
        status,
        source=source,
        by=by,
        note=note or fields.get("failure", ""),
        upload="",
        finished_at=timezone.now(),
        **fields,
    )


def _report(problems: list[Problem]) -> list[dict]:
    order = {h: i for i, h in enumerate(HEADERS)}
    problems = sorted(problems, key=lambda p: (p.row, order.get(p.column, -1)))
    return [p.as_json() for p in problems[:MAX_STORED_ERRORS]]


def ledger_run(import_id: int) -> None:
    """Check an upload and, as its mode and the result allow, save it.

    Idempotent: only an import waiting to be checked (or to import its valid rows) is
    taken, by a conditional update, so two workers never run the same one.
    """
    imp = LedgerImport.objects.filter(pk=import_id).defer("upload").first()
    if imp is None or imp.status not in (
        LedgerImportStatus.QUEUED,
        LedgerImportStatus.SAVE_QUEUED,
    ):
        return
    first_check = imp.status == LedgerImportStatus.QUEUED
    taken = _move(imp, LedgerImportStatus.VALIDATING, started_at=timezone.now(), processed_rows=0)
    if not taken:
        return
    with translation.override(imp.language):
        try:
            _run(imp, tell=first_check)
        except Exception as exc:
            # No message: it could quote a cell. The frames are enough to find the bug.
            logger.error(
                "Ledger import %s failed with %s:\n%s",
                imp.pk,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            _finish(
                imp,
                LedgerImportStatus.FAILED,
                failure=_("The import stopped on an unexpected error; nothing was saved.")
                if imp.mode == LedgerImportMode.ALL
                else _("The import stopped on an unexpected error after saving %(n)s rows.")
                % {"n": imp.saved_rows},
            )


def _run(imp: LedgerImport, *, tell: bool) -> None:
    """`tell`: the first check of the upload tells other communities of their people's
    ID numbers in it (saving the valid rows checks again, and tells no one twice)."""
    user = get_user_model().objects.get(pk=imp.user_id)  # fresh grants
    stored = LedgerImport.objects.filter(pk=imp.pk).values_list("upload", flat=True).first()
    if not stored:
        _finish(imp, LedgerImportStatus.FAILED, failure=_("The uploaded file is gone."))
        return
    data = base64.b64decode(stored)
    del stored
    try:
        validation = validate(
            data, user=user, progress=lambda n: _update(imp, processed_rows=n), tell=tell
        )
    except LedgerError as exc:
        _finish(imp, LedgerImportStatus.FAILED, failure=str(exc)[:300])
        return
    del data
    counts = validation.new_counts
    _update(
        imp,
        total_rows=validation.total,
        processed_rows=validation.total,
        valid_rows=len(validation.rows),
        invalid_rows=validation.invalid_rows,
        errors=_report(validation.problems),
        summary={"to_create": counts},
    )
    if validation.problems and imp.mode == LedgerImportMode.ALL:
        _move(imp, LedgerImportStatus.HAS_ERRORS)
        return
    if not validation.rows:
        _finish(imp, LedgerImportStatus.FAILED, failure=_("No row is valid: nothing was saved."))
        return
    if not _move(imp, LedgerImportStatus.SAVING):
        return  # closed meanwhile (ledger_tidy): nothing is saved
    try:
        late = _save(validation, user=user, imp=imp)
    except LateProblems as failed:
        # Something changed since the check (e.g. the same person registered
        # meanwhile): nothing is saved; the rows join the report.
        failed_rows = len({p.row for p in failed.problems})
        _move(
            imp,
            LedgerImportStatus.HAS_ERRORS,
            valid_rows=len(validation.rows) - failed_rows,
            invalid_rows=validation.invalid_rows + failed_rows,
            errors=_report(validation.problems + failed.problems),
        )
        return
    failed_rows = len({p.row for p in late})
    _finish(
        imp,
        LedgerImportStatus.DONE,
        valid_rows=len(validation.rows) - failed_rows,
        invalid_rows=validation.invalid_rows + failed_rows,
        errors=_report(validation.problems + late),
        saved_rows=imp.summary["created"]["residents"],
        summary=imp.summary,
    )


def ledger_import_valid_rows(*, imp: LedgerImport, by) -> bool:
    """The user (`by`) chose to import only the valid rows of a file with errors.
    False if the import is not waiting for that decision."""
    return _move(
        imp,
        LedgerImportStatus.SAVE_QUEUED,
        source=LedgerImportStatus.HAS_ERRORS,
        by=by,
        mode=LedgerImportMode.VALID_ONLY,
    )


def ledger_discard(*, imp: LedgerImport, by) -> bool:
    """The user (`by`) gives up an upload with errors: its file is deleted. False if
    the import is not waiting for that decision."""
    return _finish(imp, LedgerImportStatus.DISCARDED, source=LedgerImportStatus.HAS_ERRORS, by=by)


def ledger_tidy(now: datetime | None = None) -> int:
    """Delete the files of uploads left waiting (a decision never taken, a worker that
    died) for more than STALE_AFTER. Returns how many imports were closed."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = LedgerImport.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[
            LedgerImportStatus.DONE,
            LedgerImportStatus.FAILED,
            LedgerImportStatus.DISCARDED,
        ]
    )
    if not stale.exists():  # a read: no write lock is asked for (SQLite) on every visit
        return 0
    closed = 0
    for imp in stale.only("pk", "status"):  # a few: one move (and log row) each
        if imp.status == LedgerImportStatus.HAS_ERRORS:
            closed += _finish(
                imp,
                LedgerImportStatus.DISCARDED,
                note=_("Closed: left waiting for a decision for more than %(hours)s hours.")
                % {"hours": int(STALE_AFTER.total_seconds() // 3600)},
            )
        else:  # queued, save_queued, validating, saving
            closed += _finish(
                imp, LedgerImportStatus.FAILED, failure=_("The import was interrupted.")
            )
    return closed


def error_report(imp: LedgerImport) -> bytes:
    """The error report as a workbook: row, column, message."""
    rows = [[p["row"], p["column"], p["message"]] for p in imp.errors]
    if imp.invalid_rows and len(imp.errors) >= MAX_STORED_ERRORS:
        rows.append(
            ["", "", _("Only the first %(n)s problems are listed.") % {"n": MAX_STORED_ERRORS}]
        )
    out = BytesIO()
    write_xlsx(
        out,
        sheet=_("Errors"),
        columns=[Column(_("Row")), Column(_("Column")), Column(_("Problem"))],
        rows=rows,
    )
    return out.getvalue()
