"""EMQX 5's HTTP authentication and authorisation, answered by Linli (docs/deploy.md,
"An EMQX cluster instead"; ADR 0017): the same facts as the Mosquitto plugin
(linli/devices/mosquitto/linli_plugin.c), read from the database instead of the
credentials file.

- `POST /api/v1/devices/emqx/authenticate`, EMQX's `password_based` / `http`
  authenticator, body `{"username": "${username}", "password": "${password}",
  "clientid": "${clientid}"}`: a device in service by the SHA-256 of its token (the
  user name) answers `allow` with the device's key as the client attribute `device`,
  which EMQX then puts in the internal topic (`linli/<key>/…`); the ingestion workers'
  user name with their password answers `allow`; everyone else `deny`.
- `POST /api/v1/devices/emqx/authorize`, EMQX's `http` authoriser, body
  `{"username": "${username}", "topic": "${topic}", "action": "${action}", …}`: a
  device in service publishes only on the ThingsBoard device and gateway topics and
  subscribes only to its attribute and RPC topics; workers subscribe only to
  `linli/…` (shared or not) and publish nothing; everyone else is denied.

Called by the broker, not by people: the shared secret `LINLI_EMQX_SECRET` in the
`X-Linli-Emqx-Secret` header (compared in constant time), 404 when the setting is
empty. One indexed query (`token_hash` is unique) per call; tokens and passwords
are never logged or echoed; no rate limit (the broker's own connection limits apply).
"""

import hmac
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema

from linli.core.access import public
from linli.core.problems import Problem, problem
from linli.core.routers import Router
from linli.devices.models import Device
from linli.devices.tokens import token_digest
from linli.devices.topics import DEVICE_SUBSCRIBE, DEVICE_WRITE, INTERNAL_PREFIX, unshared

SECRET_HEADER = "X-Linli-Emqx-Secret"  # noqa: S105 (a header name, not a secret)
TOKEN_MAX = 64  # longer user names are no token of ours: denied without a query

router = Router(tags=["device ingestion"])


class AuthenticateIn(Schema):
    username: str = Field(
        "", description="`${username}`: a device's access token, or the workers' user name"
    )
    password: str = Field(
        "", description="`${password}`: the workers' password (devices send none)"
    )
    clientid: str = Field("", description="`${clientid}` (not used for the decision)")


class AuthenticateOut(Schema):
    result: Literal["allow", "deny"]
    is_superuser: bool = Field(description="always false: every client is authorised")
    client_attrs: dict[str, str] | None = Field(
        None,
        description='for a device, `{"device": "<its key>"}`: EMQX puts it in the topic',
    )


class AuthorizeIn(Schema):
    username: str = Field("", description="`${username}`")
    topic: str = Field("", description="`${topic}`: the topic or topic filter")
    action: str = Field("", description="`${action}`: `publish` or `subscribe`")
    clientid: str = Field("", description="`${clientid}` (not used for the decision)")


class AuthorizeOut(Schema):
    result: Literal["allow", "deny"]


def _guard(request: HttpRequest) -> HttpResponse | None:
    """None when the request carries the shared secret; else the answer to give."""
    secret = settings.LINLI_EMQX_SECRET
    if not secret:
        return problem(request, 404, _("Not found."))
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return problem(request, 401, _("Authentication required."))
    return None


def _device_key(token: str) -> str | None:
    """The key of the device in service holding `token`, or None (one indexed query)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    key: str | None = (
        Device.objects.filter(token_hash=token_digest(token), retired_at__isnull=True)
        .values_list("key", flat=True)
        .first()
    )
    return key


def _is_worker(username: str) -> bool:
    return bool(settings.LINLI_MQTT_PASSWORD) and username == settings.LINLI_MQTT_USERNAME


DENY_AUTHENTICATION: dict[str, Any] = {"result": "deny", "is_superuser": False}


@router.post(
    "/devices/emqx/authenticate",
    response={200: AuthenticateOut, 401: Problem, 404: Problem},
    auth=None,
    exclude_none=True,  # no "client_attrs": null for EMQX to trip over
    operation_id="device_emqx_authenticate",
    url_name="device-emqx-authenticate",
)
@public
def device_emqx_authenticate(
    request: HttpRequest, payload: AuthenticateIn
) -> HttpResponse | dict[str, Any]:
    """For the EMQX broker only (the shared secret in `X-Linli-Emqx-Secret`): may this
    MQTT client connect? Answers EMQX 5's HTTP authentication format."""
    refused = _guard(request)
    if refused is not None:
        return refused
    key = _device_key(payload.username)
    if key is not None:
        return {"result": "allow", "is_superuser": False, "client_attrs": {"device": key}}
    if _is_worker(payload.username) and hmac.compare_digest(
        payload.password.encode(), settings.LINLI_MQTT_PASSWORD.encode()
    ):
        return {"result": "allow", "is_superuser": False}
    return DENY_AUTHENTICATION


def _allowed(username: str, topic: str, action: str) -> bool:
    if action not in ("publish", "subscribe"):
        return False
    if _device_key(username) is not None:
        return topic in (DEVICE_WRITE if action == "publish" else DEVICE_SUBSCRIBE)
    # A worker connected with the workers' password (checked at authentication).
    if _is_worker(username):
        return action == "subscribe" and unshared(topic).startswith(INTERNAL_PREFIX)
    return False  # a device whose token was rotated or retired since it connected


@router.post(
    "/devices/emqx/authorize",
    response={200: AuthorizeOut, 401: Problem, 404: Problem},
    auth=None,
    operation_id="device_emqx_authorize",
    url_name="device-emqx-authorize",
)
@public
def device_emqx_authorize(
    request: HttpRequest, payload: AuthorizeIn
) -> HttpResponse | dict[str, Any]:
    """For the EMQX broker only (the shared secret in `X-Linli-Emqx-Secret`): may this
    client publish or subscribe to this topic? Answers EMQX 5's HTTP authorisation
    format."""
    refused = _guard(request)
    if refused is not None:
        return refused
    allowed = _allowed(payload.username, payload.topic, payload.action)
    return {"result": "allow" if allowed else "deny"}
