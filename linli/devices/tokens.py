"""Device access tokens: 20 random letters and digits, as ThingsBoard issues them,
kept only as their SHA-256 (a token is random, so a plain digest cannot be guessed
back; it is what the broker's credential file and the HTTP API compare)."""

import hashlib
import secrets
import string

ALPHABET = string.ascii_letters + string.digits
LENGTH = 20


def new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
