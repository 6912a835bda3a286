"""Personal data at rest: encryption, blind indexes and masking.

**Encryption.** AES-256-GCM (`cryptography`) with a random 96-bit nonce. A token
is ASCII: `v1.<key id>.<base64url(nonce + ciphertext + tag), unpadded>`. The
associated data is `v1|<key id>|<context>`, where the context names the purpose
(`"registry.resident.id_number"`): a token copied into another column, or given
another key id, fails to decrypt.

**Keys.** `LINLI_PII_KEYS` is a comma-separated list of `<key id>:<base64 of 32
bytes>`; the first entry is the current key (new encryptions), the others are old
keys still accepted for decryption. `LINLI_PII_INDEX_KEY` is the base64 of the
32-byte HMAC key of the blind indexes. Both are parsed strictly at first use (and
by the system check `linli.E001`); errors name the setting, never the key material.

**Blind indexes.** `blind_index(value, context)` is HMAC-SHA256 over the context
and the normalised value (`normalise`: Unicode NFKC, so full-width ＩＤ digits become
ASCII; every whitespace character removed; upper case), as 64 hex digits. Equal
normalised values in the same context give equal indexes: exact lookups only.

**Masking.** `mask_id_number`, `mask_phone`, `mask_name`: what every output shows
by default. Empty or None gives "".
"""

import base64
import binascii
import functools
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

FORMAT_VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
CONTEXT_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
KEYS_SETTING = "LINLI_PII_KEYS"
INDEX_KEY_SETTING = "LINLI_PII_INDEX_KEY"


class DecryptionError(Exception):
    """A token is malformed, was tampered with, belongs to another context, or
    names a key that is not configured. The message never holds key material or
    plaintext."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    ciphers: dict[str, AESGCM]


def _decode_key(encoded: str, setting: str, where: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{setting}: {where} is not valid base64.") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{setting}: {where} must decode to {KEY_BYTES} bytes, not {len(key)}."
        )
    return key


def parse_keys(raw: str) -> Keyring:
    """Parse `LINLI_PII_KEYS` ("id:base64, …", current key first)."""
    if not raw.strip():
        raise ImproperlyConfigured(f"{KEYS_SETTING} holds no key.")
    ciphers: dict[str, AESGCM] = {}
    for position, entry in enumerate(raw.split(","), start=1):
        key_id, colon, encoded = entry.strip().partition(":")
        if not colon or not KEY_ID_PATTERN.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"{KEYS_SETTING}: entry {position} is not '<key id>:<base64 key>' "
                "(key id: 1-32 letters, digits, '_' or '-')."
            )
        if key_id in ciphers:
            raise ImproperlyConfigured(f"{KEYS_SETTING}: key id {key_id!r} appears twice.")
        ciphers[key_id] = AESGCM(_decode_key(encoded, KEYS_SETTING, f"key {key_id!r}"))
    return Keyring(current_id=next(iter(ciphers)), ciphers=ciphers)


@functools.cache
def keyring() -> Keyring:
    return parse_keys(getattr(settings, KEYS_SETTING))


@functools.cache
def _index_key() -> bytes:
    return _decode_key(getattr(settings, INDEX_KEY_SETTING), INDEX_KEY_SETTING, "the key")


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in (KEYS_SETTING, INDEX_KEY_SETTING):
        keyring.cache_clear()
        _index_key.cache_clear()


def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check: both key settings parse (registered by CoreConfig.ready)."""
    try:
        keyring()
        _index_key()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="linli.E001")]
    return []


def check_context(context: str) -> str:
    """Return `context` if it is a valid purpose name, else raise ValueError."""
    if not isinstance(context, str) or not CONTEXT_PATTERN.fullmatch(context):
        raise ValueError(
            "A personal-data context is 1-100 letters, digits, '_', '.', ':' or '-', "
            f"not {context!r}."
        )
    return context


@functools.lru_cache(maxsize=256)
def _aad(key_id: str, context: str) -> bytes:
    return f"{FORMAT_VERSION}|{key_id}|{check_context(context)}".encode()


def current_key_id() -> str:
    """The id of the key new encryptions use (the first of LINLI_PII_KEYS)."""
    return keyring().current_id


def encrypt(plaintext: str, context: str) -> str:
    """Encrypt `plaintext` for `context` with the current key; a fresh nonce each call."""
    if not isinstance(plaintext, str):
        raise TypeError(f"encrypt() takes a str, not {type(plaintext).__name__}.")
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.current_id].encrypt(
        nonce, plaintext.encode(), _aad(ring.current_id, context)
    )
    body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
    return f"{FORMAT_VERSION}.{ring.current_id}.{body}"


def _split(token: str) -> tuple[str, str]:
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != FORMAT_VERSION or not KEY_ID_PATTERN.fullmatch(parts[1]):
        raise DecryptionError(f"Not a {FORMAT_VERSION} personal-data token.")
    return parts[1], parts[2]


def key_id_of(token: str) -> str:
    """The id of the key that encrypted `token` (DecryptionError if malformed)."""
    return _split(token)[0]


def decrypt(token: str, context: str) -> str:
    """Decrypt a token made by `encrypt(…, context)` with any configured key."""
    key_id, body = _split(token)
    cipher = keyring().ciphers.get(key_id)
    if cipher is None:
        raise DecryptionError(f"Unknown key id {key_id!r}: it is not in {KEYS_SETTING}.")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("The token's body is not base64url.") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("The token is too short.")
    try:
        plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(key_id, context))
    except InvalidTag:
        raise DecryptionError(
            f"The token does not authenticate for context {context!r} "
            "(tampered with, or copied from another field)."
        ) from None
    return plain.decode()


def normalise(value: str) -> str:
    """What a blind index compares: NFKC, without any whitespace, upper case."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def blind_index(value: str, context: str) -> str:
    """HMAC-SHA256 (LINLI_PII_INDEX_KEY) of context and normalised value, 64 hex digits."""
    message = _index_prefix(context) + normalise(value).encode()
    return hmac.digest(_index_key(), message, "sha256").hex()


@functools.lru_cache(maxsize=256)
def _index_prefix(context: str) -> bytes:
    return f"{check_context(context)}\x00".encode()


def _mask(value: str | None, keep_start: int, keep_end: int) -> str:
    text = (value or "").strip()
    if len(text) <= keep_start + keep_end:
        # Too short to show both ends: show at most its last quarter.
        keep_start, keep_end = 0, min(keep_end, len(text) // 4)
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + "*" * hidden + text[len(text) - keep_end :]


def mask_id_number(value: str | None) -> str:
    """370306199001011234 → 370306********1234: first 6 and last 4 kept, same length."""
    return _mask(value, 6, 4)


def mask_phone(value: str | None) -> str:
    """13812345678 → 138****5678: first 3 and last 4 kept, same length."""
    return _mask(value, 3, 4)


def mask_name(value: str | None) -> str:
    """张三丰 → 张**: the first character kept (a one-character value is all hidden)."""
    return _mask(value, 1, 0)
