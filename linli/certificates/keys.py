"""The keys that sign certificates: Ed25519, from LINLI_CERT_SIGNING_KEYS.

The setting is comma-separated `<key id>:<base64 of a 32-byte Ed25519 private key>`
(or LINLI_CERT_SIGNING_KEYS_FILE); the first signs new certificates, the others are
older keys kept for reference. Every key that signs is recorded as a `SigningKey`
(its public half), so certificates keep verifying after its private half is removed
from the setting. Errors name the setting, never the key."""

import base64
import binascii
import functools
import re
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone

SETTING = "LINLI_CERT_SIGNING_KEYS"
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


@dataclass(frozen=True)
class SigningPair:
    key_id: str
    private: Ed25519PrivateKey

    @property
    def public_b64(self) -> str:
        return b64url(self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse(value: str) -> list[SigningPair]:
    pairs: list[SigningPair] = []
    for entry in (item.strip() for item in value.split(",")):
        if not entry:
            continue
        key_id, colon, encoded = entry.partition(":")
        if not colon or not KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"{SETTING}: each entry is <key id>:<base64 of 32 bytes>, the id 1-32 "
                "letters, digits, '_' or '-'."
            )
        if any(pair.key_id == key_id for pair in pairs):
            raise ImproperlyConfigured(f"{SETTING}: the key id {key_id} appears twice.")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"{SETTING}: the key {key_id} is not base64.") from exc
        if len(raw) != 32:
            raise ImproperlyConfigured(f"{SETTING}: the key {key_id} is not 32 bytes.")
        pairs.append(SigningPair(key_id, Ed25519PrivateKey.from_private_bytes(raw)))
    return pairs


@functools.cache
def signing_keys() -> list[SigningPair]:
    return parse(getattr(settings, SETTING, ""))


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTING:
        signing_keys.cache_clear()


def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check: the setting parses (empty is allowed: nothing can be issued)."""
    try:
        signing_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="linli.E010")]
    return []


def current() -> SigningPair:
    keys = signing_keys()
    if not keys:
        raise ImproperlyConfigured(f"{SETTING} must be set to issue certificates.")
    return keys[0]


def sign(data: bytes) -> tuple[str, str]:
    """(key id, base64url signature) of `data` with the current key, its public half
    recorded for verification."""
    from linli.certificates.models import SigningKey

    pair = current()
    SigningKey.objects.get_or_create(key_id=pair.key_id, defaults={"public_key": pair.public_b64})
    return pair.key_id, b64url(pair.private.sign(data))


def public_keys() -> dict[str, str]:
    """Every key id that verifies, with its base64url public key: those recorded and
    those in the setting."""
    from linli.certificates.models import SigningKey

    found = {pair.key_id: pair.public_b64 for pair in signing_keys()}
    found.update(SigningKey.objects.values_list("key_id", "public_key"))
    return found


def verify(*, key_id: str, data: bytes, signature: str) -> bool:
    public = public_keys().get(key_id)
    if public is None:
        return False
    try:
        raw = unb64url(signature)
        Ed25519PublicKey.from_public_bytes(unb64url(public)).verify(raw, data)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def generate_entry() -> str:
    """A new entry for the setting: `c<YYYYMMDD>:<base64 of 32 random bytes>`."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"c{stamp}{secrets.token_hex(2)}:{base64.b64encode(secrets.token_bytes(32)).decode()}"
