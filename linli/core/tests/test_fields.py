"""`EncryptedTextField` and `BlindIndexField`, on the test-only `Secret` model
(see conftest.py)."""

import pytest
from django import forms
from django.apps.registry import Apps
from django.core.exceptions import FieldError
from django.db import connection, models

from linli.core.crypto import DecryptionError, blind_index, key_id_of
from linli.core.fields import BlindIndexField, EncryptedTextField
from linli.core.tests.conftest import ID_CONTEXT, PHONE_CONTEXT

ID_NUMBER = "370306199001011234"
PHONE = "13812345678"


def raw_row(pk: int) -> tuple:
    """The columns as stored, read past the fields."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_index, phone FROM pii_tests_secret WHERE id = %s", [pk]
        )
        return cursor.fetchone()


@pytest.fixture
def secret(secrets_db):
    return secrets_db.objects.create(id_number=ID_NUMBER, phone=PHONE, note="first")


def test_it_reads_back_the_plaintext(secrets_db, secret):
    fresh = secrets_db.objects.get(pk=secret.pk)

    assert (fresh.id_number, fresh.phone) == (ID_NUMBER, PHONE)
    assert list(secrets_db.objects.values_list("id_number", flat=True)) == [ID_NUMBER]


def test_the_database_never_holds_the_plaintext(secret):
    id_token, index, phone_token = raw_row(secret.pk)

    assert ID_NUMBER not in id_token and PHONE not in phone_token
    assert key_id_of(id_token) == key_id_of(phone_token) == "test1"
    assert index == blind_index(ID_NUMBER, ID_CONTEXT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pii_tests_secret WHERE id_number LIKE %s", ["%1234%"])
        assert cursor.fetchone() == (0,)


def test_each_save_encrypts_again(secret):
    before = raw_row(secret.pk)

    secret.save()

    after = raw_row(secret.pk)
    assert after[0] != before[0]
    assert after[1] == before[1]  # the blind index is stable


def test_empty_values_are_stored_as_they_are(secrets_db):
    secret = secrets_db.objects.create(id_number="", phone=None)

    assert raw_row(secret.pk) == ("", None, None)
    fresh = secrets_db.objects.get(pk=secret.pk)
    assert (fresh.id_number, fresh.phone) == ("", None)


def test_the_blind_index_follows_its_source_on_save(secret):
    secret.id_number = "37030619900101123x"
    secret.save()

    assert raw_row(secret.pk)[1] == blind_index("37030619900101123X", ID_CONTEXT)

    secret.id_number = "  "
    secret.save()

    assert raw_row(secret.pk)[1] is None


def test_exact_lookups_go_through_the_blind_index(secrets_db, secret):
    secrets_db.objects.create(id_number="370306199001011242", phone=None)

    found = secrets_db.objects.filter(
        id_number_index=blind_index(" 3703 0619 9001 0112 34", ID_CONTEXT)
    )

    assert list(found) == [secret]


@pytest.mark.parametrize(
    "lookup",
    [
        {"id_number": ID_NUMBER},
        {"id_number__exact": ID_NUMBER},
        {"id_number__iexact": ID_NUMBER},
        {"id_number__contains": "1234"},
        {"id_number__startswith": "3703"},
        {"id_number__in": [ID_NUMBER]},
        {"phone__gt": "1"},
        {"phone__lower": PHONE},
        {"phone__lower__exact": PHONE},
    ],
)
def test_other_lookups_on_an_encrypted_field_are_refused(secrets_db, lookup):
    with pytest.raises(FieldError, match=r"Secret\.\w+ is encrypted.*blind_index"):
        secrets_db.objects.filter(**lookup)


def test_null_and_empty_lookups_still_work(secrets_db, secret):
    empty = secrets_db.objects.create(id_number="", phone=None)

    assert list(secrets_db.objects.filter(phone__isnull=True)) == [empty]
    assert list(secrets_db.objects.filter(phone=None)) == [empty]
    assert list(secrets_db.objects.exclude(phone=None)) == [secret]
    assert list(secrets_db.objects.filter(id_number="")) == [empty]


def test_bulk_create_encrypts_and_computes_the_blind_index(secrets_db):
    made = secrets_db.objects.bulk_create(
        [secrets_db(id_number=ID_NUMBER, phone=PHONE), secrets_db(id_number="", phone=None)]
    )

    rows = sorted(
        (raw_row(pk) for pk in secrets_db.objects.values_list("pk", flat=True)),
        key=lambda row: row[0],
    )
    assert rows[0] == ("", None, None)
    assert key_id_of(rows[1][0]) == "test1"
    assert rows[1][1] == blind_index(ID_NUMBER, ID_CONTEXT)
    assert made[0].id_number_index == rows[1][1]
    assert {s.id_number for s in secrets_db.objects.all()} == {ID_NUMBER, ""}


def test_queryset_update_encrypts_plaintext(secrets_db, secret):
    secrets_db.objects.filter(pk=secret.pk).update(phone="13900001111")

    assert "13900001111" not in raw_row(secret.pk)[2]
    assert secrets_db.objects.get(pk=secret.pk).phone == "13900001111"


def test_bulk_update_encrypts_plaintext(secrets_db, secret):
    secret.phone = "13900001111"

    secrets_db.objects.bulk_update([secret], ["phone"])

    assert "13900001111" not in raw_row(secret.pk)[2]
    assert secrets_db.objects.get(pk=secret.pk).phone == "13900001111"


def test_a_token_copied_into_another_column_does_not_decrypt(secrets_db, secret):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pii_tests_secret SET phone = id_number WHERE id = %s", [secret.pk])

    with pytest.raises(DecryptionError):
        secrets_db.objects.get(pk=secret.pk)


def test_deconstruct_keeps_context_and_source():
    field = EncryptedTextField("ID", context=ID_CONTEXT, null=True)
    _name, path, args, kwargs = field.deconstruct()
    assert path == "linli.core.fields.EncryptedTextField"
    assert kwargs == {"verbose_name": "ID", "context": ID_CONTEXT, "null": True}

    index = BlindIndexField(source="phone", context=PHONE_CONTEXT)
    _name, path, args, kwargs = index.deconstruct()
    assert path == "linli.core.fields.BlindIndexField"
    assert kwargs == {"source": "phone", "context": PHONE_CONTEXT}
    rebuilt = BlindIndexField(*args, **kwargs)
    assert (rebuilt.max_length, rebuilt.db_index, rebuilt.null, rebuilt.editable) == (
        64,
        True,
        True,
        False,
    )

    strict = BlindIndexField(source="phone", context=PHONE_CONTEXT, null=False, unique=True)
    assert strict.deconstruct()[3] == {
        "source": "phone",
        "context": PHONE_CONTEXT,
        "null": False,
        "unique": True,
    }


def test_a_field_needs_a_valid_context():
    with pytest.raises(TypeError):
        EncryptedTextField()
    with pytest.raises(ValueError, match="context"):
        EncryptedTextField(context="no spaces please")


def test_a_blind_index_with_an_unknown_source_fails_the_system_check():
    class Broken(models.Model):  # noqa: DJ008
        index = BlindIndexField(source="missing", context=ID_CONTEXT)

        class Meta:
            apps = Apps()
            app_label = "pii_tests"

    [error] = Broken._meta.get_field("index").check()

    assert error.id == "linli.E002"
    assert "'missing'" in error.msg


def test_the_form_field_is_a_single_line_input(secrets_db):
    form_field = secrets_db._meta.get_field("id_number").formfield()

    assert isinstance(form_field.widget, forms.TextInput)
