"""The ingestion path: messages of devices, as the MQTT workers and the HTTP API
receive them, into telemetry rows.

A `Message` names its device by key (the broker put the key in the topic after
authenticating the device's token; the HTTP API looked the token up). `ingest`
takes a batch and stores it in one transaction, idempotently: a message delivered
twice (at-least-once delivery) is stored once, by device, key and time.

Payloads are ThingsBoard's device API:
- telemetry: `{"temperature": 21.5}`, `{"ts": 1700000000000, "values": {…}}`, or an
  array of either;
- gateway telemetry: `{"Device A": [{"ts": …, "values": {…}}, …], …}`.
"""

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from linli.devices.models import Device, Telemetry

TELEMETRY = "telemetry"
ATTRIBUTES = "attributes"
GATEWAY_TELEMETRY = "gateway/telemetry"
GATEWAY_ATTRIBUTES = "gateway/attributes"
GATEWAY_CONNECT = "gateway/connect"
GATEWAY_DISCONNECT = "gateway/disconnect"
KINDS = (
    TELEMETRY,
    ATTRIBUTES,
    GATEWAY_TELEMETRY,
    GATEWAY_ATTRIBUTES,
    GATEWAY_CONNECT,
    GATEWAY_DISCONNECT,
)


@dataclass(frozen=True)
class Message:
    device: str  # the device's key (`Device.key`); for gateway kinds, the gateway's
    kind: str  # one of KINDS
    payload: bytes
    received_at: datetime


def _points(data: Any, received_at: datetime) -> Iterator[tuple[datetime, dict[str, Any]]]:
    """(time, values) of a telemetry payload in any of its three shapes."""
    items = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict):
            continue
        if "ts" in item and isinstance(item.get("values"), dict):
            yield datetime.fromtimestamp(item["ts"] / 1000, UTC), item["values"]
        else:
            yield received_at, item


def ingest(messages: Sequence[Message]) -> Counter[str]:
    """Store a batch; returns counts (`stored` values, refusals by reason)."""
    counts: Counter[str] = Counter()
    devices = {d.key: d for d in Device.objects.filter(key__in={m.device for m in messages})}
    rows: list[Telemetry] = []
    seen: dict[int, datetime] = {}
    for message in messages:
        device = devices.get(message.device)
        if device is None or device.retired_at is not None:
            counts["unknown_token"] += 1
            continue
        try:
            data = json.loads(message.payload)
        except ValueError:
            counts["malformed"] += 1
            continue
        if message.kind != TELEMETRY:
            continue
        for ts, values in _points(data, message.received_at):
            for key, value in values.items():
                number = float(value) if isinstance(value, bool | int | float) else None
                text = value if isinstance(value, str) else None
                rows.append(Telemetry(device=device, key=key, ts=ts, value=number, text=text))
        seen[device.pk] = max(seen.get(device.pk, message.received_at), message.received_at)
    with transaction.atomic():
        Telemetry.objects.bulk_create(rows, ignore_conflicts=True)
        for pk, at in seen.items():
            Device.objects.filter(pk=pk).update(last_seen_at=at, online=True)
    counts["stored"] += len(rows)
    return counts
