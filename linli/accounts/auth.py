"""API authentication: personal access tokens (`Authorization: Bearer …`)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from linli.accounts.models import AccessToken, User
from linli.accounts.services import token_digest

LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidToken(Exception):
    """The secret names no usable token; the message says why."""


def token_used(secret: str) -> AccessToken:
    """The usable token with this secret (its use noted), or InvalidToken. The API's
    bearer tokens and Open311's api_key are the same tokens."""
    found = AccessToken.objects.select_related("user").filter(digest=token_digest(secret)).first()
    if found is None or not found.user.is_active:
        raise InvalidToken(_("The access token is not valid."))
    if found.revoked_at is not None:
        raise InvalidToken(_("The access token has been revoked."))
    now = timezone.now()
    if found.expires_at <= now:
        raise InvalidToken(_("The access token has expired."))
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            found = token_used(token)
        except InvalidToken as exc:
            raise AuthenticationError(message=str(exc)) from exc
        request.user = found.user
        return found


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of a request that `requires(…)` or `signed_in` let through
    (typed as such; anyone else is refused)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
