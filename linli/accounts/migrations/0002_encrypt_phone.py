"""Staff phone numbers are encrypted at rest with a blind index for sign-in by phone,
like residents' (issue 3); sign-in attempts keyed by a phone number keep its index
instead of the number. Existing plain values are converted in place."""

import django.core.validators
from django.db import migrations, models

import linli.core.fields
from linli.core.crypto import blind_index, decrypt, encrypt

CONTEXT = "accounts.user.phone"


def _is_phone(value: str) -> bool:
    return value.isdigit() and len(value) == 11


def encrypt_phones(apps, schema_editor):
    """Raw SQL: the historical model would try to decrypt the plain values."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, phone FROM accounts_user WHERE phone IS NOT NULL")
        rows = cursor.fetchall()
        for pk, phone in rows:
            if phone == "":
                cursor.execute("UPDATE accounts_user SET phone = NULL WHERE id = %s", [pk])
                continue
            cursor.execute(
                "UPDATE accounts_user SET phone = %s, phone_index = %s WHERE id = %s",
                [encrypt(phone, CONTEXT), blind_index(phone, CONTEXT), pk],
            )
        cursor.execute("SELECT DISTINCT identifier FROM accounts_loginattempt")
        for (identifier,) in cursor.fetchall():
            if _is_phone(identifier):
                cursor.execute(
                    "UPDATE accounts_loginattempt SET identifier = %s WHERE identifier = %s",
                    ["tel:" + blind_index(identifier, CONTEXT)[:48], identifier],
                )


def decrypt_phones(apps, schema_editor):
    """Back to plain values (to go back to the previous version); sign-in attempts
    keep their keys, which expire with the lockout window anyway."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, phone FROM accounts_user WHERE phone IS NOT NULL")
        for pk, token in cursor.fetchall():
            cursor.execute(
                "UPDATE accounts_user SET phone = %s WHERE id = %s", [decrypt(token, CONTEXT), pk]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone_index",
            field=linli.core.fields.BlindIndexField(context="accounts.user.phone", source="phone"),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=linli.core.fields.EncryptedTextField(
                blank=True,
                context="accounts.user.phone",
                null=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^1[3-9]\\d{9}$",
                        "Enter an 11-digit mainland mobile number, e.g. 13812345678.",
                    )
                ],
                verbose_name="mobile phone",
            ),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones, elidable=False),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=("phone_index",),
                name="user_phone_unique",
                violation_error_message="Another user has this mobile phone number.",
            ),
        ),
    ]
