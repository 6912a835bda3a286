"""Helpers of the devices app's tests: devices, messages, times."""

import json
from datetime import datetime

from django.utils import timezone

from linli.devices.ingestion import TELEMETRY, Message
from linli.devices.models import Device, DeviceProfile
from linli.devices.services import device_provision


def provision(world, profile: str, key: str, **fields) -> Device:
    fields.setdefault("grid", world.a1)
    fields.setdefault("name", key)
    return device_provision(
        profile=DeviceProfile.objects.get(code=profile), key=key, by=None, **fields
    )[0]


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def now_ms(seconds: float = 0) -> int:
    return int((timezone.now().timestamp() + seconds) * 1000)


def message(payload, device="WSD-0001", kind=TELEMETRY, at=None) -> Message:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Message(device, kind, body, at or timezone.now())
