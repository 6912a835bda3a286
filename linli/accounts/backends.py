from django.contrib.auth.backends import ModelBackend

from linli.accounts.models import User


def identifier_lookup(identifier: str) -> str:
    """The User lookup a sign-in identifier names: 11 digits are a phone number,
    anything else a username (case-insensitive, as they are unique regardless of case)."""
    identifier = identifier.strip()
    return "phone" if identifier.isdigit() and len(identifier) == 11 else "username__iexact"


def attempt_key(identifier: str) -> str:
    """How an identifier is written in LoginAttempt: trimmed, lower case, ≤ 60 chars."""
    return identifier.strip().lower()[:60]


class UsernameOrPhoneBackend(ModelBackend):
    """Sign in with a username or a mobile phone number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        identifier = username.strip()
        try:
            user = User.objects.get(**{identifier_lookup(identifier): identifier})
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
