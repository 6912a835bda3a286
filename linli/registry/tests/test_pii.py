"""Personal data at rest and in logs (issue 3, §2): "a dump of the demo database (the
SQLite file's bytes, and pg_dump output in the PostgreSQL run) contains none of the
demo residents' plaintext ID numbers or phone numbers" — nor staff phone numbers.

The demo is seeded into the test database and committed (a transactional test), a
little activity is added so that the change history and the audit trail hold rows
too, and then the database is dumped the way an attacker with a copy of it would see
it: the SQLite file's bytes (the in-memory test database is first copied to a file
with SQLite's backup API), or `pg_dump`'s output. Controls make sure the dump is the
real thing: the residents' names and the ciphertexts are in it.
"""

import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from linli.accounts.models import LoginAttempt, User
from linli.regions import demo as regions_demo
from linli.registry import demo as registry_demo
from linli.registry import services
from linli.registry.models import Resident
from linli.testing import registry as support
from linli.testing.http import EN

# Committed, so that pg_dump (another connection) sees the rows.
committed = pytest.mark.django_db(transaction=True)

DEMO_RESIDENTS = 300
CHANGED_PHONE = "13905339999"


@pytest.fixture
def demo(world):
    """The demo registry, committed, with some history, and every resident's
    plaintext ID number and phone as the application reads them."""
    out = io.StringIO()
    regions_demo.seed(out)
    registry_demo.seed(out, residents=DEMO_RESIDENTS)
    residents = list(Resident.objects.order_by("pk"))
    assert len(residents) == DEMO_RESIDENTS, out.getvalue()
    someone = residents[0]
    old_phone = someone.phone
    services.resident_update(resident=someone, phone=CHANGED_PHONE, by=None)
    services.resident_reveal(resident=someone, field="id_number", reason="核实身份", by=None)
    services.resident_move_out(resident=residents[1], on=timezone.localdate(), by=None)
    plaintext = {r.id_number for r in residents} | {r.phone for r in residents if r.phone}
    plaintext |= {CHANGED_PHONE} | ({old_phone} if old_phone else set())
    assert len(plaintext) > 1.5 * DEMO_RESIDENTS, "most demo residents have a phone"
    # Staff phones too, and a failed sign-in by phone (attempts are kept for lockouts).
    staff = [u.phone for u in User.objects.filter(phone__isnull=False)]
    assert len(staff) >= 2
    Client().post("/accounts/login/", {"username": staff[0], "password": "wrong-password"})
    assert LoginAttempt.objects.filter(succeeded=False).exists()
    return residents, sorted(plaintext | set(staff))


def found_in(dump: bytes, values) -> list[str]:
    return [v for v in values if v.encode() in dump]


def assert_dump_is_clean(dump: bytes, residents, plaintext) -> None:
    # Controls: the dump does hold the registry: names in clear, numbers as ciphertext.
    names = [r.name for r in residents[:50]]
    assert len(found_in(dump, names)) >= 45, "the residents' names are not in the dump"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_resident WHERE phone IS NOT NULL")
        tokens = [value for row in cursor.fetchall()[:50] for value in row]
    assert all(t.startswith("v1.") for t in tokens), tokens[:2]
    assert len(found_in(dump, tokens)) == len(tokens), "the ciphertexts are not in the dump"
    # The point: no plaintext ID number or phone, whatever the table.
    assert found_in(dump, plaintext) == []
    # Nor with the X of an ID number typed in lower case.
    assert found_in(dump, [v.lower() for v in plaintext if v.endswith("X")]) == []


@committed
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason=f"the SQLite variant; this run uses {connection.vendor}"
)
def test_the_sqlite_database_file_holds_no_plaintext_id_or_phone_numbers(demo, tmp_path):
    residents, plaintext = demo
    copy = tmp_path / "demo.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)  # every page, WAL included
    finally:
        target.close()

    dump = copy.read_bytes()

    assert len(dump) > 100_000
    assert_dump_is_clean(dump, residents, plaintext)


@committed
@pytest.mark.postgresql(
    reason=f"the PostgreSQL variant (pg_dump); this run uses {connection.vendor}"
)
def test_pg_dump_of_the_database_holds_no_plaintext_id_or_phone_numbers(demo):
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    residents, plaintext = demo
    db = connection.settings_dict
    command = [pg_dump, "--dbname", db["NAME"], "--no-owner", "--no-privileges"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [option, str(db[key])]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}

    # The command is built from the test settings, not from input.
    done = subprocess.run(command, env=env, capture_output=True, check=True, timeout=120)  # noqa: S603
    dump = done.stdout

    assert b"COPY public.registry_resident" in dump
    assert_dump_is_clean(dump, residents, plaintext)


# --- logs ---------------------------------------------------------------------------------


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def log_lines():
    """Everything logged, at every level, by every logger (like caplog, which the
    project's test command turns off with -p no:logging)."""
    handler = Collect()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def people(world):
    home = support.place(world.a1)
    residents = [
        support.move_in(home.household, name=f"居民{n}", relation="other", phone=support.phone(n))
        for n in range(6)
    ]
    return residents, [r.id_number for r in residents] + [r.phone for r in residents]


@pytest.mark.django_db
def test_reveals_and_api_calls_log_no_plaintext(world, people, client, log_lines):
    residents, plaintext = people
    target = residents[-1]
    client.force_login(world.platform_admin)
    api = "/api/v1/registry"

    calls = [
        client.post(
            f"{api}/residents/{target.pk}/reveal",
            json.dumps({"field": "id_number", "reason": "核实身份"}),
            content_type="application/json",
            **EN,
        ),
        client.post(
            f"{api}/residents/{target.pk}/reveal",
            json.dumps({"field": "phone", "reason": "x"}),
            content_type="application/json",
            **EN,
        ),
        client.post(
            f"/registry/residents/{target.pk}/reveal/",
            {"field": "phone", "reason": "电话回访"},
            **EN,
        ),
        client.get(f"{api}/residents", {"page_size": 100}, **EN),
        client.get(f"{api}/residents", {"id_number": target.id_number}, **EN),
        client.post(
            f"{api}/residents/search",
            json.dumps({"id_number": target.id_number, "phone": target.phone}),
            content_type="application/json",
            **EN,
        ),
        client.post(
            f"{api}/households/{target.household_id}/residents",
            json.dumps(
                {
                    "name": "冒名",
                    "id_number": target.id_number,
                    "phone": target.phone,
                    "relation": "other",
                }
            ),
            content_type="application/json",
            **EN,
        ),
        client.patch(
            f"{api}/residents/{target.pk}",
            json.dumps({"phone": "1390533" + "x" * 4}),
            content_type="application/json",
            **EN,
        ),
        client.post(
            f"{api}/residents/{target.pk}/move-out",
            json.dumps({"on": date(2999, 1, 1).isoformat()}),
            content_type="application/json",
            **EN,
        ),
        client.get(f"{api}/residents/{residents[-1].pk + 1000}", **EN),
    ]

    assert [c.status_code for c in calls] == [200, 422, 200, 200, 422, 200, 422, 422, 422, 404]
    assert target.id_number in calls[0].content.decode(), "the reveal did answer"
    assert log_lines, "nothing was logged: the capture does not work"
    logged = "\n".join(log_lines)
    assert found_in(logged.encode(), plaintext) == []
