"""Staff phone numbers are personal data too: encrypted at rest, found for sign-in
through their blind index, never written in clear in sign-in attempts; the migration
that brought this converts existing plain values."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from pytest_django.asserts import assertContains

from linli.accounts.models import LoginAttempt, User
from linli.accounts.tests.test_login import LOCKED, fail, sign_in
from linli.core.crypto import blind_index

# The data steps use only their schema editor's connection (SQLite cannot open a
# schema editor inside the test's transaction).
EDITOR = SimpleNamespace(connection=connection)


def raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def test_a_phone_is_stored_encrypted_and_signs_in(client, world):
    (stored,) = raw("SELECT phone FROM accounts_user WHERE id = %s", [world.worker_a.pk])[0]

    assert stored.startswith("v1.") and "13805330004" not in stored
    assert User.objects.get(pk=world.worker_a.pk).phone == "13805330004"
    assert sign_in(client, "13805330004").status_code == 302


def test_failed_sign_ins_by_phone_keep_no_number_but_still_lock(client, world):
    fail(client, "13805330004", times=5)

    identifiers = set(LoginAttempt.objects.values_list("identifier", flat=True))
    assert identifiers == {"tel:" + blind_index("13805330004", User.PHONE_CONTEXT)[:48]}
    assertContains(sign_in(client, "worker.a"), LOCKED)


def test_the_migration_encrypts_existing_plain_phones_and_back(world):
    """The data step of migration 0002 on values as its predecessor stored them (the
    schema steps are Django's own; running the whole migration back and forward
    unapplies every app that depends on accounts, about a minute a run)."""
    migration = importlib.import_module("linli.accounts.migrations.0002_encrypt_phone")
    raw("UPDATE accounts_user SET phone = %s WHERE id = %s", ["13805339876", world.worker_a.pk])
    raw("UPDATE accounts_user SET phone = '' WHERE id = %s", [world.worker_b.pk])
    raw(
        "INSERT INTO accounts_loginattempt (identifier, at, succeeded, ip_address) "
        "VALUES (%s, CURRENT_TIMESTAMP, %s, NULL)",
        ["13805339876", False],
    )

    migration.encrypt_phones(apps, EDITOR)

    assert User.objects.get(pk=world.worker_a.pk).phone == "13805339876"
    assert User.objects.get(phone_index=blind_index("13805339876", User.PHONE_CONTEXT)).pk == (
        world.worker_a.pk
    )
    assert User.objects.get(pk=world.worker_b.pk).phone is None
    assert "13805339876" not in str(raw("SELECT phone, phone_index FROM accounts_user"))
    assert not LoginAttempt.objects.filter(identifier="13805339876").exists()

    migration.decrypt_phones(apps, EDITOR)

    assert raw("SELECT phone FROM accounts_user WHERE id = %s", [world.worker_a.pk]) == [
        ("13805339876",)
    ]
