"""`linli.core.crypto`: encryption, key settings, blind indexes, masking."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from linli.core import crypto
from linli.core.crypto import (
    DecryptionError,
    blind_index,
    current_key_id,
    decrypt,
    encrypt,
    key_id_of,
    mask_id_number,
    mask_name,
    mask_phone,
)

CONTEXT = "tests.resident.id_number"
ID_NUMBER = "370306199001011234"
OLD_KEY = base64.b64encode(b"o" * 32).decode()
NEW_KEY = base64.b64encode(b"n" * 32).decode()


def flip_last_byte(token: str) -> str:
    head, body = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[-1] ^= 1
    return f"{head}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


# encrypt / decrypt


@pytest.mark.parametrize("plaintext", [ID_NUMBER, "张三丰 13812345678", ""])
def test_it_decrypts_what_it_encrypted(plaintext):
    assert decrypt(encrypt(plaintext, CONTEXT), CONTEXT) == plaintext


def test_a_token_is_compact_ascii_naming_version_and_key():
    token = encrypt(ID_NUMBER, CONTEXT)

    version, key_id, body = token.split(".")
    assert (version, key_id) == ("v1", "test1")
    assert token.isascii()
    assert ID_NUMBER not in token
    assert len(base64.urlsafe_b64decode(body + "==")) == 12 + len(ID_NUMBER) + 16


def test_each_encryption_uses_a_fresh_nonce():
    tokens = {encrypt(ID_NUMBER, CONTEXT) for _ in range(20)}

    assert len(tokens) == 20
    assert {decrypt(t, CONTEXT) for t in tokens} == {ID_NUMBER}


def test_a_tampered_token_does_not_decrypt():
    with pytest.raises(DecryptionError):
        decrypt(flip_last_byte(encrypt(ID_NUMBER, CONTEXT)), CONTEXT)


def test_a_token_from_another_context_does_not_decrypt():
    token = encrypt(ID_NUMBER, "tests.resident.phone")

    with pytest.raises(DecryptionError) as caught:
        decrypt(token, CONTEXT)

    assert ID_NUMBER not in str(caught.value)


def test_a_token_relabelled_with_another_key_id_does_not_decrypt(settings):
    settings.LINLI_PII_KEYS = f"new:{NEW_KEY},old:{OLD_KEY}"
    token = encrypt(ID_NUMBER, CONTEXT)

    with pytest.raises(DecryptionError):
        decrypt(token.replace("v1.new.", "v1.old."), CONTEXT)


@pytest.mark.parametrize(
    "token", ["", ID_NUMBER, "v2.test1.AAAA", "v1..AAAA", "v1.test1", "v1.test1.AAAA", "v1.test1.*"]
)
def test_a_malformed_token_is_a_decryption_error(token):
    with pytest.raises(DecryptionError):
        decrypt(token, CONTEXT)


def test_an_unknown_key_id_is_a_decryption_error_naming_it(settings):
    token = encrypt(ID_NUMBER, CONTEXT)
    settings.LINLI_PII_KEYS = f"new:{NEW_KEY}"

    with pytest.raises(DecryptionError) as caught:
        decrypt(token, CONTEXT)

    assert "'test1'" in str(caught.value)


def test_an_old_key_still_decrypts_after_a_new_current_key_is_added(settings):
    settings.LINLI_PII_KEYS = f"old:{OLD_KEY}"
    old_token = encrypt(ID_NUMBER, CONTEXT)

    settings.LINLI_PII_KEYS = f"new:{NEW_KEY},old:{OLD_KEY}"

    assert current_key_id() == "new"
    assert key_id_of(old_token) == "old"
    assert key_id_of(encrypt(ID_NUMBER, CONTEXT)) == "new"
    assert decrypt(old_token, CONTEXT) == ID_NUMBER


def test_a_context_must_be_a_plain_name():
    with pytest.raises(ValueError, match="context"):
        encrypt(ID_NUMBER, "")
    with pytest.raises(ValueError, match="context"):
        blind_index(ID_NUMBER, "a|b")


def test_only_text_is_encrypted():
    with pytest.raises(TypeError):
        encrypt(370306199001011234, CONTEXT)


# key settings


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "holds no key"),
        ("   ", "holds no key"),
        (NEW_KEY, "entry 1 is not"),
        (f"new:{NEW_KEY},{OLD_KEY}", "entry 2 is not"),
        (f"new:{NEW_KEY},", "entry 2 is not"),
        (f"bad.id:{NEW_KEY}", "entry 1 is not"),
        (f"new:{NEW_KEY[:-4]}!!!!", "is not valid base64"),
        (f"new:{base64.b64encode(b'n' * 16).decode()}", "32 bytes, not 16"),
        (f"new:{NEW_KEY},new:{OLD_KEY}", "'new' appears twice"),
    ],
)
def test_malformed_keys_are_refused_naming_the_setting_not_the_key(settings, raw, problem):
    settings.LINLI_PII_KEYS = raw

    with pytest.raises(ImproperlyConfigured) as caught:
        encrypt(ID_NUMBER, CONTEXT)

    message = str(caught.value)
    assert message.startswith("LINLI_PII_KEYS")
    assert problem in message
    assert NEW_KEY[:12] not in message
    assert OLD_KEY[:12] not in message


@pytest.mark.parametrize(
    "raw", ["", "not base64!", base64.b64encode(b"i" * 31).decode(), f"k1:{NEW_KEY}"]
)
def test_a_malformed_index_key_is_refused_naming_the_setting(settings, raw):
    settings.LINLI_PII_INDEX_KEY = raw

    with pytest.raises(ImproperlyConfigured) as caught:
        blind_index(ID_NUMBER, CONTEXT)

    assert str(caught.value).startswith("LINLI_PII_INDEX_KEY")
    assert NEW_KEY[:12] not in str(caught.value)


def test_the_system_check_reports_malformed_keys(settings):
    assert crypto.check_keys() == []

    settings.LINLI_PII_KEYS = "k1:short"

    [error] = crypto.check_keys()
    assert error.id == "linli.E001"
    assert "LINLI_PII_KEYS" in error.msg


# blind indexes


def test_normalised_equal_values_have_the_same_blind_index():
    expected = blind_index("37030619900101123X", CONTEXT)

    assert blind_index(" 370306 1990 0101 123x\t", CONTEXT) == expected
    assert blind_index("３７０３０６１９９００１０１１２３Ｘ", CONTEXT) == expected  # full width
    assert len(expected) == 64
    assert int(expected, 16) >= 0


def test_different_values_have_different_blind_indexes():
    assert blind_index(ID_NUMBER, CONTEXT) != blind_index("370306199001011242", CONTEXT)


def test_the_same_value_has_different_blind_indexes_in_different_contexts():
    assert blind_index(ID_NUMBER, CONTEXT) != blind_index(ID_NUMBER, "tests.other")


def test_the_blind_index_depends_on_the_index_key(settings):
    before = blind_index(ID_NUMBER, CONTEXT)

    settings.LINLI_PII_INDEX_KEY = NEW_KEY

    assert blind_index(ID_NUMBER, CONTEXT) != before


# masking


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("370306199001011234", "370306********1234"),
        ("37030619900101123X", "370306********123X"),
        ("370306900101123", "370306*****1123"),  # old 15-digit number
        ("E1234567", "******67"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_id_numbers(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), (" 13812345678 ", "138****5678"), ("12345", "****5")],
)
def test_it_masks_phone_numbers(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("张三丰", "张**"), ("张三", "张*"), ("欧阳娜娜", "欧***"), ("张", "*"), ("", ""), (None, "")],
)
def test_it_masks_names(value, masked):
    assert mask_name(value) == masked


def test_masks_keep_the_length_of_an_18_character_id_number():
    assert len(mask_id_number(ID_NUMBER)) == 18
    assert len(mask_phone(None)) == 0
