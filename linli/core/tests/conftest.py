"""A test-only model for the personal-data fields.

`Secret` lives in its own app registry (`test_apps`), not in Django's: it stays
invisible to `makemigrations`, to the leak test and to every other test, and needs
no migration. Its table is created once per session with the schema editor,
outside any transaction (SQLite cannot change its schema inside one), and dropped
at the end; tests then use it inside the usual `db` transaction.
"""

import pytest
from django.apps import AppConfig
from django.apps.registry import Apps
from django.db import connection, models

import linli.core.tests
from linli.core.fields import BlindIndexField, EncryptedTextField

ID_CONTEXT = "tests.secret.id_number"
PHONE_CONTEXT = "tests.secret.phone"


class PiiTestsConfig(AppConfig):
    name = "linli.core.tests"
    label = "pii_tests"


test_apps = Apps([PiiTestsConfig("linli.core.tests", linli.core.tests)])


class Secret(models.Model):
    id_number = EncryptedTextField(context=ID_CONTEXT, blank=True)
    id_number_index = BlindIndexField(source="id_number", context=ID_CONTEXT)
    phone = EncryptedTextField(context=PHONE_CONTEXT, null=True, blank=True)
    note = models.CharField(max_length=40, blank=True)

    class Meta:
        apps = test_apps
        app_label = "pii_tests"
        db_table = "pii_tests_secret"

    def __str__(self) -> str:
        return self.note


class SecretProxy(Secret):
    class Meta:
        apps = test_apps
        app_label = "pii_tests"
        proxy = True


@pytest.fixture(scope="session")
def secret_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            if Secret._meta.db_table in connection.introspection.table_names():
                editor.delete_model(Secret)  # left over by an interrupted --reuse-db run
            editor.create_model(Secret)
        yield Secret
        with connection.schema_editor() as editor:
            editor.delete_model(Secret)


@pytest.fixture
def secrets_db(secret_table, db):
    """The `Secret` model, its table ready, inside the test's transaction."""
    return secret_table
