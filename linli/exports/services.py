"""Writes of exports. `export_start` writes a small export within the request and
hands the file back; a larger one (more than BACKGROUND_ROWS rows) becomes an `Export`
that a background task writes (`export_write`), reporting its progress, and keeps
encrypted until `export_tidy` deletes it. Either way one audit entry (action
"export") records who exported what, with which filter and how many rows, before
anyone has the file; the rows are those the user may see for the kind's action,
read again when the task runs."""

import base64
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.accounts.models import RoleGrant
from linli.accounts.selectors import home_region
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.lists import ListFilter
from linli.exports import kinds
from linli.exports.choices import RUNNING_STATUSES, ExportStatus
from linli.exports.kinds import ExportKind, Rows
from linli.exports.models import Export
from linli.exports.writer import write_xlsx
from linli.notifications.services import notify
from linli.regions.filters import InRegion
from linli.regions.models import Region

logger = logging.getLogger(__name__)

BACKGROUND_ROWS = 5000
BATCH = 1000  # rows read at a time
KEEP_FOR = timedelta(hours=24)  # a written file, then it is deleted
GIVE_UP_AFTER = timedelta(hours=2)  # an export not written by then never will be
FORGET_AFTER = timedelta(days=30)  # the export's row (no file left)


@dataclass
class Written:
    """A file written within the request: whoever hands it out closes it (a
    FileResponse does)."""

    content: IO[bytes]
    file_name: str


def _count(rows: Rows) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def _objects(rows: Rows) -> Iterator[Any]:
    """The rows in their order, read BATCH at a time: no read stays open from one batch
    to the next, so the progress can be written meanwhile (SQLite refuses a write from
    a connection whose open read another connection's write has overtaken)."""
    if not isinstance(rows, QuerySet):
        yield from rows
        return
    keys = list(rows.values_list("pk", flat=True))
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        found = {obj.pk: obj for obj in rows.filter(pk__in=batch)}
        yield from (found[key] for key in batch if key in found)


def _write(
    kind: ExportKind, filters: ListFilter, rows: Rows, out: IO[bytes], **progress: Any
) -> int:
    return write_xlsx(
        out,
        sheet=kind.sheet,
        columns=kind.columns(filters),
        rows=(kind.row(obj, filters) for obj in _objects(rows)),
        **progress,
    )


def _file_name(kind: ExportKind, filters: ListFilter) -> str:
    stem = kind.file_stem(filters) if callable(kind.file_stem) else kind.file_stem
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def _audit(user: Any, kind: ExportKind, filters: ListFilter, rows: int) -> None:
    """The export's audit entry, filed at the region exported (else the user's own)."""
    region = None
    if isinstance(filters, InRegion) and filters.region:
        region = Region.objects.visible_to(user, kind.action).filter(code=filters.region).first()
    audit_record(
        action=AuditAction.EXPORT,
        actor=user,
        object_type=kind.object_type,
        object_label=str(kind.title),
        region=region or home_region(user=user),
        details={**kind.audit_details(filters), "rows": rows, "format": "xlsx"},
    )


def export_start(*, user: Any, kind: ExportKind, filters: ListFilter) -> Written | Export:
    """The export of the rows `filters` (the kind's own filter) finds for `user`: written
    now if it is small (the file), else queued for the worker (the `Export` to follow;
    the same export still waiting or being written, if they asked for it already)."""
    if type(filters) is not kind.filter:  # another filter would not be read back as it was
        raise TypeError(f"{kind.code} exports with a {kind.filter.__name__}")
    rows = kind.rows(user, filters)
    total = _count(rows)
    if total <= BACKGROUND_ROWS:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
        try:
            written = _write(kind, filters, rows, out)
            _audit(user, kind, filters, written)
        except BaseException:
            out.close()
            raise
        out.seek(0)
        return Written(out, _file_name(kind, filters))
    from linli.exports.tasks import export_run

    query = filters.model_dump(mode="json", exclude_defaults=True)
    waiting = Export.objects.filter(
        user=user, kind=kind.code, query=query, status__in=RUNNING_STATUSES
    ).first()
    if waiting is not None:
        return waiting
    export = Export.objects.create(
        user=user,
        kind=kind.code,
        query=query,
        language=translation.get_language() or "zh-hans",
        total_rows=total,
        file_name=_file_name(kind, filters),
    )
    transaction.on_commit(lambda: export_run.enqueue(export.pk))
    return export


def _running(export_id: int) -> Any:
    """The export, while it is still this worker's to finish (tidying may give up on
    it meanwhile): a conditional update moves it on only from RUNNING."""
    return Export.objects.filter(pk=export_id, status=ExportStatus.RUNNING)


def export_write(export_id: int) -> None:
    """Write a queued export (the worker's task): once, whoever else runs it."""
    if not Export.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    ):
        return  # written already, or being written
    export = Export.objects.select_related("user").get(pk=export_id)
    user = export.user
    url = reverse("exports:export-detail", args=[export.pk])
    with translation.override(export.language):
        try:
            kind = kinds.get(export.kind)
            if not (user.is_active and user.has_action(kind.action)):
                raise PermissionDenied
            filters = kind.filter(**export.query)
            out = BytesIO()
            written = _write(
                kind,
                filters,
                kind.rows(user, filters),
                out,
                progress=lambda n: _running(export_id).update(written_rows=n),
            )
            with transaction.atomic():
                if not _running(export_id).update(
                    status=ExportStatus.DONE,
                    query={},  # it may hold blind indexes: kept only while needed
                    written_rows=written,
                    total_rows=written,
                    content=base64.b64encode(out.getvalue()).decode("ascii"),
                    finished_at=timezone.now(),
                ):
                    return  # given up by the tidying: its person was told
                _audit(user, kind, filters, written)
                notify(
                    users=[user],
                    kind="export-ready",
                    title=_("Your export is ready: %(name)s") % {"name": export.file_name},
                    url=url,
                )
        except Exception:
            logger.exception("export %s failed", export_id)
            if _running(export_id).update(
                status=ExportStatus.FAILED,
                query={},
                failure=_(
                    "The file could not be written. Ask for it again; if it fails "
                    "again, tell the administrator."
                ),
                finished_at=timezone.now(),
            ):
                _tell_failed(export)


def _tell_failed(export: Export) -> None:
    notify(
        users=[export.user],
        kind="export-failed",
        title=_("Your export failed: %(name)s") % {"name": export.file_name},
        url=reverse("exports:export-detail", args=[export.pk]),
    )


def export_content(*, export: Export, by: Any) -> bytes:
    """The file of a written export, for the person who asked for it while they may
    still export these rows: they still hold the kind's action, and none of their roles
    was taken away since they asked (the file holds the scope they had then).
    PermissionDenied otherwise."""
    kind = kinds.get(export.kind)
    if export.user_id != by.pk or not by.has_action(kind.action):
        raise PermissionDenied
    if RoleGrant.objects.filter(user_id=by.pk, revoked_at__gte=export.created_at).exists():
        raise PermissionDenied
    stored = Export.objects.filter(pk=export.pk, status=ExportStatus.DONE).values_list(
        "content", flat=True
    )
    content = next(iter(stored), "")
    if not content:
        raise PermissionDenied
    return base64.b64decode(content)


def export_tidy(now: datetime | None = None) -> int:
    """Delete the files written more than KEEP_FOR ago; give up (and say so) exports not
    written within GIVE_UP_AFTER — a worker that died, or none running; forget exports
    after FORGET_AFTER. Returns how many changed."""
    now = now or timezone.now()
    changed = Export.objects.filter(
        status=ExportStatus.DONE, finished_at__lt=now - KEEP_FOR
    ).update(status=ExportStatus.EXPIRED, content="")
    stuck = Export.objects.filter(
        status__in=RUNNING_STATUSES, created_at__lt=now - GIVE_UP_AFTER
    ).select_related("user")
    for export in stuck:
        with translation.override(export.language):
            if Export.objects.filter(pk=export.pk, status=export.status).update(
                status=ExportStatus.FAILED,
                query={},
                failure=_("The export was not finished in time. Ask for it again."),
                finished_at=now,
            ):
                _tell_failed(export)
                changed += 1
    forgotten, _deleted = Export.objects.filter(created_at__lt=now - FORGET_AFTER).delete()
    return changed + forgotten
