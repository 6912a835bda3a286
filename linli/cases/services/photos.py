"""Adding photos to a case: who may (`_photo_allowed`), and their records and files
(`_photos_store`, also used by `intake.case_report`; `_photos_remove` when the
records are not committed). The images themselves are checked and re-encoded
without metadata before any of this by `linli.cases.photos` (`photo_check`), which
also serves them.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases import selectors
from linli.cases.models import Case, CasePhoto
from linli.cases.photos import CheckedPhoto, photo_check
from linli.core.problems import Conflict


def case_photo_add(*, case: Case, upload, by) -> CasePhoto:
    """A photo for a case that is not finished: by its reporter, its assignee, or staff
    who may report, handle or verify cases there. Checked and re-encoded (cases/photos.py)
    and written before the short transaction that records it, so that no lock is held
    while an image is decoded; the file is removed again if the record is not made."""
    _photo_allowed(case, by)
    checked = photo_check(upload)
    stored: list[CasePhoto] = []
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().select_related("region").get(pk=case.pk)
            _photo_allowed(locked, by)  # again, now that the case cannot change
            _photos_store(locked, [checked], by, stored)
    except BaseException:
        _photos_remove(stored)
        raise
    return stored[0]


def _photos_store(case: Case, photos: list[CheckedPhoto], by, stored: list[CasePhoto]) -> None:
    """Write checked photos' files and records, in the caller's transaction; each is
    appended to `stored` as soon as its file exists (for `_photos_remove`)."""
    for checked in photos:
        photo = CasePhoto(
            case=case,
            stage=case.stage,
            content_type=checked.content_type,
            width=checked.width,
            height=checked.height,
            size=len(checked.content),
            longitude=checked.longitude,
            latitude=checked.latitude,
            by=by if getattr(by, "is_authenticated", False) else None,
            added_at=timezone.now(),
        )
        photo.file.save(f"photo.{checked.extension}", ContentFile(checked.content), save=False)
        stored.append(photo)
        photo.save()


def _photos_remove(stored: list[CasePhoto]) -> None:
    """The files of photos whose records were not committed."""
    for photo in stored:
        photo.file.delete(save=False)


def _photo_allowed(case: Case, by) -> None:
    if not getattr(by, "is_authenticated", False) or not selectors.adds_photos(user=by, case=case):
        raise PermissionDenied
    if case.stage in selectors.PHOTO_CLOSED:
        raise Conflict(
            _("This case is %(stage)s: photos can no longer be added.")
            % {"stage": case.get_stage_display()},
            code="wrong_stage",
        )
    if case.photos.count() >= CasePhoto.MAX_PHOTOS:
        raise ValidationError(
            {"photo": _("A case has at most %(n)s photos.") % {"n": CasePhoto.MAX_PHOTOS}}
        )
