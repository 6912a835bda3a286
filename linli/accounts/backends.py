from django.contrib.auth.backends import ModelBackend

from linli.accounts.models import User
from linli.core.crypto import blind_index


def is_phone(identifier: str) -> bool:
    identifier = identifier.strip()
    return identifier.isdigit() and len(identifier) == 11


def identifier_lookup(identifier: str) -> dict:
    """The User lookup a sign-in identifier names: 11 digits are a phone number (found
    through its blind index: phones are encrypted), anything else a username
    (case-insensitive, as they are unique regardless of case)."""
    identifier = identifier.strip()
    if is_phone(identifier):
        return {"phone_index": blind_index(identifier, User.PHONE_CONTEXT)}
    return {"username__iexact": identifier}


def attempt_key(identifier: str) -> str:
    """How an identifier is written in LoginAttempt: a username trimmed and in lower
    case (≤ 60 chars); a phone number never in clear, as `tel:` and the start of its
    blind index."""
    identifier = identifier.strip()
    if is_phone(identifier):
        return "tel:" + blind_index(identifier, User.PHONE_CONTEXT)[:48]
    return identifier.lower()[:60]


class UsernameOrPhoneBackend(ModelBackend):
    """Sign in with a username or a mobile phone number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        identifier = username.strip()
        try:
            user = User.objects.get(**identifier_lookup(identifier))
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
