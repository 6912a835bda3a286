"""Photos of a resident's report sent back with errors (/report/): kept for the same
browser session, so the reporter need not choose them again. They are stored as
checked (metadata-free) under MEDIA_ROOT/report-drafts/ with random names that only
the session knows; the report takes them, or `report-drafts-tidy` deletes them a day
later."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.utils import timezone

from linli.cases.models import CasePhoto
from linli.cases.photos import CheckedPhoto

DIR = "report-drafts"
KEY = "report-photos"
KEPT_FOR = timedelta(days=1)


def kept(request: HttpRequest) -> list[dict]:
    """The session's kept photos: name (the file), width and height."""
    return list(request.session.get(KEY, []))


def keep(request: HttpRequest, photos: list[CheckedPhoto]) -> None:
    """Store `photos` for the session, after those it keeps already: only for a session
    that existed before this request (a visitor who asked for a code, or signed in —
    not every cookie-less POST), and never more than a case takes."""
    if request.session.session_key is None:
        return
    rows = kept(request)
    for photo in photos[: max(0, CasePhoto.MAX_PHOTOS - len(rows))]:
        name = default_storage.save(
            f"{DIR}/{secrets.token_urlsafe(18)}.{photo.extension}", ContentFile(photo.content)
        )
        rows.append(
            {
                "name": name,
                "format": photo.format,
                "width": photo.width,
                "height": photo.height,
                "longitude": None if photo.longitude is None else str(photo.longitude),
                "latitude": None if photo.latitude is None else str(photo.latitude),
            }
        )
    request.session[KEY] = rows


def only(request: HttpRequest, names: list[str]) -> list[CheckedPhoto]:
    """Keep the session's photos named in `names` (what the form still ticks), delete
    the others; the kept ones as checked photos."""
    wanted, photos = [], []
    for row in kept(request):
        if row["name"] not in names:
            default_storage.delete(row["name"])
            continue
        try:
            with default_storage.open(row["name"], "rb") as file:
                content = file.read()
        except FileNotFoundError:  # tidied away meanwhile
            continue
        wanted.append(row)
        photos.append(
            CheckedPhoto(
                content,
                row["format"],
                row["width"],
                row["height"],
                None if row["longitude"] is None else Decimal(row["longitude"]),
                None if row["latitude"] is None else Decimal(row["latitude"]),
            )
        )
    request.session[KEY] = wanted
    return photos


def forget(request: HttpRequest) -> None:
    """The report took the photos: delete their drafts."""
    for row in request.session.pop(KEY, []):
        default_storage.delete(row["name"])


def tidy(*, now: datetime | None = None) -> int:
    """Delete drafts older than KEPT_FOR (forms never sent again). How many."""
    if not default_storage.exists(DIR):
        return 0
    before = (now or timezone.now()) - KEPT_FOR
    deleted = 0
    for name in default_storage.listdir(DIR)[1]:
        path = f"{DIR}/{name}"
        if default_storage.get_modified_time(path) < before:
            default_storage.delete(path)
            deleted += 1
    return deleted
