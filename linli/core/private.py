"""Personal data stays out of caches and other users' reach: answers are not stored by
browsers or proxies, and the data directory, the SQLite database and uploaded files
are readable by the service's own user only."""

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import sync_and_async_middleware

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


Handler = Callable[[HttpRequest], HttpResponseBase]


@sync_and_async_middleware  # under ASGI no thread is held for it (ADR 0019)
def no_store(get_response: Any) -> Any:
    """Middleware: an answer that does not say how to cache it is not stored anywhere
    (`Cache-Control: no-store`, private): pages, API answers and reveals carry scoped
    or personal data. Static files are answered before (WhiteNoise); a view that
    sets Cache-Control itself (a case photo: private) keeps it."""

    def mark(response: HttpResponseBase) -> HttpResponseBase:
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response

    if iscoroutinefunction(get_response):

        async def amiddleware(request: HttpRequest) -> HttpResponseBase:
            return mark(await get_response(request))

        return amiddleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        return mark(get_response(request))

    return middleware


def private_dir(path: Path) -> Path:
    """Make `path` if missing, readable by this user only (parents it makes take the
    umask's mode); an existing one of ours that others may read is tightened."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    found = path.stat()
    if found.st_uid == os.getuid() and stat.S_IMODE(found.st_mode) & 0o077:
        path.chmod(PRIVATE_DIR)
    return path


def sqlite_files_private(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new SQLite connection (`connection_created`): the database file and its
    journal files are 0600 (SQLite makes them with the umask's mode, often 0644)."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    name = str(connection.settings_dict["NAME"])
    for path in (Path(name), Path(name + "-wal"), Path(name + "-shm")):
        try:
            if stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE:
                path.chmod(PRIVATE_FILE)
        except FileNotFoundError:
            continue


def write_private_lines(path: Path, rows: Iterable[tuple[str, ...]]) -> None:
    """`rows` as tab-separated lines in a file only its owner may read, rewritten whole
    (the demo's device, screen and terminal tokens)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)  # an older file keeps its mode otherwise
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.writelines("\t".join(row) + "\n" for row in rows)
