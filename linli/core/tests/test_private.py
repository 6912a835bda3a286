"""Personal data stays out of caches and other users' reach (issue 12): answers say
`no-store`; the data directory, the SQLite file and uploads are the service's own."""

import sqlite3
import stat
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from linli.core.private import private_dir, sqlite_files_private
from linli.testing.http import call_api


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_pages_and_api_answers_are_not_stored(client, world):
    client.force_login(world.worker_a)

    for path in ("/", "/registry/", "/cases/", "/api/v1/registry/residents"):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path
    answer = call_api(client, world.worker_a, "get", "/registry/residents")
    assert "no-store" in answer["Cache-Control"]


def test_the_sign_in_page_and_public_pages_are_not_stored_either(client, db):
    for path in ("/accounts/login/", "/report/"):
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_the_data_directory_is_made_and_kept_private(tmp_path):
    made = private_dir(tmp_path / "var" / "data")
    assert mode(made) == 0o700

    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    assert mode(private_dir(loose)) == 0o700


def test_the_sqlite_files_are_the_services_own(tmp_path):
    name = tmp_path / "linli.sqlite3"
    with sqlite3.connect(name) as db:
        db.execute("pragma journal_mode=wal")
        db.execute("create table t (x)")
        name.chmod(0o644)

        class Connection:
            vendor = "sqlite"
            settings_dict = {"NAME": str(name)}

            def is_in_memory_db(self) -> bool:
                return False

        sqlite_files_private(None, Connection())
        assert mode(name) == 0o600
        assert mode(Path(f"{name}-wal")) == 0o600


def test_uploaded_files_are_the_services_own(tmp_path, settings):
    storage = FileSystemStorage(location=tmp_path / "media")

    saved = storage.save("cases/photo.jpg", ContentFile(b"\xff\xd8"))

    assert mode(Path(storage.path(saved))) == 0o600
    assert mode(Path(storage.path(saved)).parent) == 0o700
