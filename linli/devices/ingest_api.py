"""Telemetry over HTTP (docs/devices.md, "Ingestion"):

- ThingsBoard's device API, `POST /api/v1/{token}/telemetry` and
  `POST /api/v1/{token}/attributes`: the device's access token in the path, the body
  as a device sends it over MQTT. An unknown or retired token answers 401, as
  ThingsBoard does, and is counted.
- Our batch endpoint for integrations, `POST /api/v1/devices/telemetry`: a staff
  access token holding `device.manage`, at most `MAX_MESSAGES` messages, for devices
  in the caller's regions only (others are refused as unknown, nothing said of them).
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema

from linli.core.access import public, requires
from linli.core.problems import Problem, problem
from linli.core.routers import Router
from linli.devices.choices import Rejection
from linli.devices.ingestion import ATTRIBUTES, TELEMETRY, Message, ingest, refusal_record
from linli.devices.models import Device
from linli.devices.permissions import DEVICE_MANAGE
from linli.devices.tokens import token_digest

MAX_MESSAGES = 1000  # messages in one batch request
TOKEN_MAX = 64

router = Router(tags=["device ingestion"])


class IngestOut(Schema):
    """What became of the values sent."""

    stored: int = Field(description="values stored")
    duplicate: int = Field(description="values already stored (sent again)")
    refused: dict[str, int] = Field(description="values or messages refused, by reason")


class TelemetryIn(Schema):
    device: str = Field(
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
        description="the device number (its key)",
    )
    ts: int | None = Field(None, description="milliseconds since 1970 (UTC); now if left out")
    values: dict[str, bool | float | str] = Field(max_length=100)


class BatchIn(Schema):
    messages: list[TelemetryIn] = Field(min_length=1, max_length=MAX_MESSAGES)


def _summary(counts: dict[str, int]) -> dict[str, Any]:
    return {
        "stored": counts.get("stored", 0),
        "duplicate": counts.get(Rejection.DUPLICATE, 0),
        "refused": {
            reason: counts[reason]
            for reason in Rejection.values
            if reason != Rejection.DUPLICATE and counts.get(reason)
        },
    }


@router.post(
    "/devices/telemetry",
    response=IngestOut,
    operation_id="device_telemetry_batch",
    url_name="device-telemetry-batch",
)
@requires(DEVICE_MANAGE)
def device_telemetry_batch(request: HttpRequest, payload: BatchIn) -> dict[str, Any]:
    """Telemetry of many devices at once, from an integration (at most 1,000 messages;
    each device's values as in the ThingsBoard API, `ts` in milliseconds). Devices
    outside the caller's regions are refused as unknown (`unknown_device`)."""
    wanted = {message.device for message in payload.messages}
    mine = set(
        Device.objects.visible_to(request.user, DEVICE_MANAGE)
        .filter(key__in=wanted, retired_at__isnull=True)
        .values_list("key", flat=True)
    )
    now = timezone.now()
    messages, outside = [], 0
    for given in payload.messages:
        if given.device not in mine:
            outside += 1
            continue
        body: Any = given.values if given.ts is None else {"ts": given.ts, "values": given.values}
        messages.append(Message(given.device, TELEMETRY, json.dumps(body).encode(), now, False))
    counts = dict(ingest(messages))
    if outside:
        refusal_record(reason=Rejection.UNKNOWN_DEVICE, detail="batch API", times=outside)
        counts[Rejection.UNKNOWN_DEVICE] = counts.get(Rejection.UNKNOWN_DEVICE, 0) + outside
    return _summary(counts)


DEVICE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "object", "additionalProperties": True},
                        {"type": "array", "items": {"type": "object"}},
                    ]
                }
            }
        },
    }
}


def _from_device(request: HttpRequest, token: str, kind: str) -> HttpResponse | dict[str, Any]:
    key = None
    if len(token) <= TOKEN_MAX:
        key = (
            Device.objects.filter(token_hash=token_digest(token), retired_at__isnull=True)
            .values_list("key", flat=True)
            .first()
        )
    if key is None:
        refusal_record(reason=Rejection.UNKNOWN_TOKEN, detail="HTTP")
        response = problem(request, 401, _("Unknown or revoked device token."))
        response["WWW-Authenticate"] = "Bearer"
        return response
    counts = ingest([Message(key, kind, request.body, timezone.now())])
    if counts[Rejection.OVERSIZE]:
        return problem(request, 413, _("The payload is too large."))
    if counts[Rejection.RATE_LIMITED]:
        return problem(request, 429, _("Too many messages from this device; slow down."))
    if not counts["messages"]:
        return problem(request, 400, _("The payload is not valid JSON."))
    return _summary(counts)


@router.post(
    "/{token}/telemetry",
    response={200: IngestOut, 429: Problem},
    auth=None,
    operation_id="device_telemetry_post",
    url_name="device-telemetry",
    openapi_extra=DEVICE_BODY,
)
@public
def device_telemetry_post(request: HttpRequest, token: str) -> HttpResponse | dict[str, Any]:
    """ThingsBoard's HTTP telemetry upload: `{"key": value}`, `{"ts": …, "values": {…}}`
    or an array of them. The device's access token is the credential (401 if unknown
    or revoked)."""
    return _from_device(request, token, TELEMETRY)


@router.post(
    "/{token}/attributes",
    response={200: IngestOut, 429: Problem},
    auth=None,
    operation_id="device_attributes_post",
    url_name="device-attributes",
    openapi_extra=DEVICE_BODY,
)
@public
def device_attributes_post(request: HttpRequest, token: str) -> HttpResponse | dict[str, Any]:
    """ThingsBoard's HTTP client-attributes upload: a JSON object of attributes."""
    return _from_device(request, token, ATTRIBUTES)
