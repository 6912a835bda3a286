"""Device access tokens: 20 random letters and digits, as ThingsBoard issues them,
kept only as their SHA-256 (a token is random, so a plain digest cannot be guessed
back; it is what the broker's credential file and the HTTP API compare)."""

import hashlib
import secrets
import string

from django.conf import settings
from django.http import HttpResponse

ALPHABET = string.ascii_letters + string.digits
LENGTH = 20


def new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep_in_cookie(response: HttpResponse, cookie: str, token: str) -> None:
    """A machine that signs in with its token (a display screen, a hall terminal) keeps
    it in `cookie` until the token is rotated: ten years, HttpOnly, SameSite=Lax, and
    Secure where the session cookie is."""
    response.set_cookie(
        cookie,
        token,
        max_age=10 * 365 * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
