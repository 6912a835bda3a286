"""`linli pii rotate-keys` and `linli pii generate-key`."""

import base64
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.core.crypto import blind_index, key_id_of
from linli.core.management.commands import pii
from linli.core.tests.conftest import ID_CONTEXT, Secret, test_apps

OLD = f"old:{base64.b64encode(b'o' * 32).decode()}"
NEW = f"new:{base64.b64encode(b'n' * 32).decode()}"
PEOPLE = [
    ("370306199001011234", "13812345678"),
    ("37030619900101123X", None),
    ("", "13900001111"),
    ("370306199001011242", "13700002222"),
    ("370306199001011250", ""),
]


@pytest.fixture
def only_secrets(monkeypatch):
    """The command sees the test registry, where `Secret` is the one encrypted model."""
    monkeypatch.setattr(pii, "apps", test_apps)


@pytest.fixture
def old_rows(secrets_db, only_secrets, settings):
    settings.LINLI_PII_KEYS = OLD
    rows = [
        secrets_db.objects.create(id_number=id_number, phone=phone, note=str(n))
        for n, (id_number, phone) in enumerate(PEOPLE)
    ]
    settings.LINLI_PII_KEYS = f"{NEW},{OLD}"
    return rows


def stored() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, id_number, id_number_index, phone, note FROM pii_tests_secret")
        return sorted(cursor.fetchall())


def key_ids(rows: list[tuple]) -> set[str]:
    return {key_id_of(token) for row in rows for token in (row[1], row[3]) if token}


def empties(row: tuple) -> tuple:
    """The row's encrypted columns with every token replaced by "token"."""
    return tuple(value if not value else "token" for value in (row[1], row[3]))


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("pii", "rotate-keys", *args, stdout=out)
    return out.getvalue()


def test_it_finds_the_concrete_models_with_encrypted_fields(only_secrets):
    found = [(model, [f.name for f in fields]) for model, fields in pii.encrypted_models()]

    assert found == [(Secret, ["id_number", "phone"])]  # not its proxy


def test_it_reencrypts_every_old_value_with_the_current_key(old_rows):
    before = stored()
    assert key_ids(before) == {"old"}

    with CaptureQueriesContext(connection) as queries:
        output = rotate("--batch", "2")

    assert sum(q["sql"].startswith("UPDATE") for q in queries) == 3  # 2 + 2 + 1 rows
    after = stored()
    assert key_ids(after) == {"new"}
    assert "pii_tests.secret: re-encrypted 7 value(s) in 5 row(s) to key new (from old: 7)" in (
        output
    )
    # Indexes, empty values and other columns are untouched; plaintexts intact.
    assert [(r[0], r[2], r[4]) for r in after] == [(r[0], r[2], r[4]) for r in before]
    assert [empties(r) for r in after] == [empties(r) for r in before]
    assert [(s.id_number, s.phone) for s in Secret.objects.order_by("pk")] == PEOPLE
    assert after[0][2] == blind_index(PEOPLE[0][0], ID_CONTEXT)


def test_the_old_key_can_go_after_rotation(old_rows, settings):
    rotate()

    settings.LINLI_PII_KEYS = NEW

    assert [(s.id_number, s.phone) for s in Secret.objects.order_by("pk")] == PEOPLE


def test_a_second_run_has_nothing_to_do(old_rows):
    rotate()
    before = stored()

    output = rotate()

    assert stored() == before
    assert "pii_tests.secret: every value is under key new" in output
    assert "re-encrypted 0 value(s) in all" in output


def test_only_values_under_old_keys_are_counted(old_rows):
    Secret.objects.filter(pk=old_rows[0].pk).update(phone="13812345678")  # now under new

    output = rotate()

    assert "re-encrypted 6 value(s) in 5 row(s) to key new (from old: 6)" in output
    assert key_ids(stored()) == {"new"}


def test_a_dry_run_counts_and_writes_nothing(old_rows):
    before = stored()

    output = rotate("--dry-run", "--batch", "3")

    assert stored() == before
    assert "would re-encrypt 7 value(s) in 5 row(s) to key new (from old: 7)" in output


def test_a_value_under_an_unknown_key_stops_the_run_naming_the_row(old_rows, settings):
    settings.LINLI_PII_KEYS = NEW

    with pytest.raises(CommandError, match=rf"pii_tests.Secret pk={old_rows[0].pk} id_number: "):
        rotate()


def test_the_batch_must_be_positive(only_secrets):
    with pytest.raises(CommandError, match="--batch"):
        rotate("--batch", "0")


# generate-key


def generate(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("pii", "generate-key", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_it_generates_a_dated_key_entry():
    entry, hint = generate()

    key_id, key = entry.split(":")
    assert re.fullmatch(r"k20\d{6}", key_id)
    assert len(base64.b64decode(key, validate=True)) == 32
    assert "rotate-keys" in hint
    assert generate()[0] != entry


def test_it_takes_a_key_id_but_not_one_in_use():
    assert generate("--id", "k2027a")[0].startswith("k2027a:")
    with pytest.raises(CommandError, match="already in LINLI_PII_KEYS"):
        generate("--id", "test1")
    with pytest.raises(CommandError, match="key id"):
        generate("--id", "bad:id")


def test_it_generates_an_index_key():
    key, hint = generate("--index")

    assert len(base64.b64decode(key, validate=True)) == 32
    assert "LINLI_PII_INDEX_KEY" in hint
