"""The ingestion path: messages of devices, as the MQTT workers and the HTTP API
receive them, into telemetry, latest values, device health and alarms
(docs/devices.md, "Ingestion").

A `Message` names its device by key (the broker put the key in the topic after
authenticating the device's token; the HTTP API looked the token up). `ingest`
takes a batch and stores it in one transaction, idempotently: a message delivered
twice (at-least-once delivery) is stored once, by device, key and time.

Payloads are ThingsBoard's device API:
- telemetry: `{"temperature": 21.5}`, `{"ts": 1700000000000, "values": {…}}`, or an
  array of either;
- attributes: `{"firmware": "1.2"}` (client attributes, into `Device.attributes`);
- gateway telemetry: `{"Device A": [{"ts": …, "values": {…}}, …], …}`, gateway
  attributes `{"Device A": {…}}`, gateway connect and disconnect
  `{"device": "Device A"}`. A gateway names its children by key; a device that is
  not its child is refused as unknown.

Bad input is refused message by message, value by value, with a reason counted per
device (`DeviceRejection`): the good values of the same batch are stored. A batch
logs one warning line at most, never a stack trace.
"""

import json
import logging
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from linli.devices import rules, storage
from linli.devices.choices import Rejection, ValueType
from linli.devices.models import DeviceProfile, ProfileKey
from linli.devices.rules import Target

logger = logging.getLogger(__name__)

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
GATEWAY_KINDS = frozenset(KINDS[2:])

AHEAD = timedelta(minutes=5)  # a device's clock may run this far ahead
TEXT_MAX = 200  # Telemetry.text
ATTRIBUTE_KEY_MAX = 64
RETRIES = 3  # a batch meeting a deadlock with another worker is written again
HEALTH_KEYS = ("battery", "signal")
LAST_SEEN_RESOLUTION = 60  # seconds (at most half the profile's interval)


class Message(NamedTuple):  # (a tuple: made for every message, cheaper than a dataclass)
    device: str  # the device's key (`Device.key`); for gateway kinds, the gateway's
    kind: str  # one of KINDS
    payload: bytes
    received_at: datetime
    limit: bool = True  # whether the device's rate limit applies (not to staff batches)


class KeySpec(NamedTuple):
    """What a profile says of one key: its type and physical range."""

    type: str
    minimum: float | None
    maximum: float | None


class Refused(Exception):
    """A message or value refused: why (a `Rejection`) and a short detail."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = storable(detail)[:200]


def storable(text: str) -> str:
    """Text a database column takes: no NUL, no lone surrogate (JSON allows both)."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _text_ok(text: str) -> bool:
    return "\x00" not in text and storable(text) == text


# Caches of the process -----------------------------------------------------------


class _ProfileKeys:
    """The profiles' keys, reloaded after LINLI_DEVICE_CONFIG_TTL seconds (a key or
    range edited in the console applies to every worker within that time) or at once
    after `forget_configuration()` in this process."""

    def __init__(self) -> None:
        self.loaded_at = -math.inf
        self.by_profile: dict[int, dict[str, KeySpec]] = {}
        self.intervals: dict[int, int] = {}
        self.lock = threading.Lock()

    def get(self) -> dict[int, dict[str, KeySpec]]:
        with self.lock:
            if time.monotonic() - self.loaded_at >= settings.LINLI_DEVICE_CONFIG_TTL:
                by_profile: dict[int, dict[str, KeySpec]] = {}
                for profile_id, key, kind, low, high in ProfileKey.objects.values_list(
                    "profile_id", "key", "type", "minimum", "maximum"
                ):
                    by_profile.setdefault(profile_id, {})[key] = KeySpec(kind, low, high)
                self.by_profile = by_profile
                self.intervals = dict(DeviceProfile.objects.values_list("pk", "interval"))
                self.loaded_at = time.monotonic()
            return self.by_profile

    def forget(self) -> None:
        with self.lock:
            self.loaded_at = -math.inf


_keys = _ProfileKeys()


class RateLimiter:
    """A token bucket per device in this process: LINLI_DEVICE_BURST messages at
    once, refilled at LINLI_DEVICE_MESSAGES_PER_MINUTE. Several workers each keep
    their own buckets (a shared subscription spreads a device's messages over them),
    so the limit a device meets is at most that many times higher."""

    def __init__(self) -> None:
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def allow(self, device: str, now: float) -> bool:
        rate = settings.LINLI_DEVICE_MESSAGES_PER_MINUTE / 60
        burst = float(settings.LINLI_DEVICE_BURST)
        with self.lock:
            tokens, at = self.buckets.get(device, (burst, now))
            tokens = min(burst, tokens + (now - at) * rate)
            allowed = tokens >= 1
            self.buckets[device] = (tokens - 1 if allowed else tokens, now)
        return allowed

    def reset(self) -> None:
        with self.lock:
            self.buckets.clear()


limiter = RateLimiter()


def forget_configuration() -> None:
    """Reload profiles' keys and rules at the next batch (after an edit in this
    process; other processes reload within LINLI_DEVICE_CONFIG_TTL, rules at once)."""
    _keys.forget()
    rules.book.forget()


# Parsing and checking ------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# One decoder for every payload: `json.loads` with an argument builds a new one a call.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _loads(payload: bytes) -> Any:
    """A payload's JSON, as `json.loads` reads bytes (UTF-8, 16 or 32), without
    NaN and Infinity."""
    return _DECODER.decode(payload.decode(json.detect_encoding(payload), "surrogatepass"))


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def check_value(spec: KeySpec, key: str, raw: Any) -> tuple[float | None, str | None]:
    """A value as stored (number, text) if it fits its key, else `Refused`. Numbers
    given as strings are cast, as ThingsBoard does by default; a yes/no key takes
    true/false/0/1."""
    if spec.type == ValueType.TEXT:
        if isinstance(raw, bool):
            text = "true" if raw else "false"
        elif isinstance(raw, str | int | float):
            text = str(raw)
        else:
            raise Refused(Rejection.WRONG_TYPE, f"{key}={_short(raw)}")
        if len(text) > TEXT_MAX:
            raise Refused(Rejection.WRONG_TYPE, f"{key}: text over {TEXT_MAX} characters")
        if not _text_ok(text):
            raise Refused(Rejection.WRONG_TYPE, f"{key}: characters text cannot hold")
        return None, text
    number: float
    if isinstance(raw, bool):
        if spec.type != ValueType.BOOLEAN:
            raise Refused(Rejection.WRONG_TYPE, f"{key}={_short(raw)}")
        number = 1.0 if raw else 0.0
    elif isinstance(raw, int | float | str) and not isinstance(raw, bool):
        try:
            number = float(raw.strip() if isinstance(raw, str) else raw)
        except (ValueError, OverflowError):
            raise Refused(Rejection.WRONG_TYPE, f"{key}={_short(raw)}") from None
        if not math.isfinite(number):
            raise Refused(Rejection.WRONG_TYPE, f"{key}={_short(raw)}")
        if spec.type == ValueType.BOOLEAN and number not in (0.0, 1.0):
            raise Refused(Rejection.WRONG_TYPE, f"{key}={_short(raw)}")
    else:
        raise Refused(Rejection.WRONG_TYPE, f"{key}={_short(raw)}")
    if (spec.minimum is not None and number < spec.minimum) or (
        spec.maximum is not None and number > spec.maximum
    ):
        raise Refused(Rejection.OUT_OF_RANGE, f"{key}={_short(raw)}")
    return number, None


class _Window(NamedTuple):
    oldest_ms: float
    newest_ms: float


def _time(ms: Any, window: _Window) -> datetime:
    if isinstance(ms, bool) or not isinstance(ms, int | float):
        raise Refused(Rejection.MALFORMED, f"ts={_short(ms)}")
    if ms > window.newest_ms:
        raise Refused(Rejection.FUTURE, f"ts={ms}")
    if ms < window.oldest_ms:
        raise Refused(Rejection.PAST, f"ts={ms}")
    return datetime.fromtimestamp(ms / 1000, UTC)


def _points(
    data: Any, received_at: datetime, window: _Window, refuse: "_Refusals", device: int
) -> Iterator[tuple[datetime, Mapping[str, Any]]]:
    """(time, values) of a telemetry payload in any of its three shapes; a broken item
    is refused, the others go on."""
    items = data if isinstance(data, list) else [data]
    if not items:
        return
    for item in items:
        try:
            if not isinstance(item, dict):
                raise Refused(Rejection.MALFORMED, "not an object")
            if "ts" in item and "values" in item:
                values = item["values"]
                if not isinstance(values, dict):
                    raise Refused(Rejection.MALFORMED, "values: not an object")
                yield _time(item["ts"], window), values
            else:
                yield _time(received_at.timestamp() * 1000, window), item
        except Refused as refused:
            refuse(device, refused)


class _Refusals:
    """Refusals of a batch: the counts returned, and the rows of `DeviceRejection`."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts
        self.rows: dict[tuple[int | None, str], tuple[int, str]] = {}

    def __call__(self, device: int | None, refused: Refused, times: int = 1) -> None:
        self.counts[refused.reason] += times
        count, _detail = self.rows.get((device, refused.reason), (0, ""))
        self.rows[(device, refused.reason)] = (count + times, refused.detail)


class _Batch:
    """What a batch will write, gathered in memory first."""

    def __init__(self) -> None:
        self.rows: list[storage.Row] = []
        self.seen: dict[int, datetime] = {}
        self.health: dict[str, dict[int, tuple[datetime, int]]] = {k: {} for k in HEALTH_KEYS}
        self.attributes: dict[int, dict[str, Any]] = {}
        self.disconnected: set[int] = set()

    def see(self, device: int, at: datetime) -> None:
        if device not in self.seen or self.seen[device] < at:
            self.seen[device] = at

    def value(
        self, device: int, key: str, ts: datetime, number: float | None, text: str | None
    ) -> None:
        self.rows.append((device, key, ts, number, text))
        if key in self.health and number is not None:
            health = self.health[key]
            if device not in health or health[device][0] < ts:
                health[device] = (ts, round(number))


def _telemetry(
    target: Target,
    data: Any,
    received_at: datetime,
    batch: _Batch,
    keys: Mapping[int, Mapping[str, KeySpec]],
    window: _Window,
    refuse: _Refusals,
) -> None:
    specs = keys.get(target.profile_id, {})
    for ts, values in _points(data, received_at, window, refuse, target.id):
        for key, raw in values.items():
            spec = specs.get(key)
            try:
                if spec is None:
                    raise Refused(Rejection.UNKNOWN_KEY, _short(key))
                number, text = check_value(spec, key, raw)
            except Refused as refused:
                refuse(target.id, refused)
                continue
            batch.value(target.id, key, ts, number, text)


def _attributes(target: Target, data: Any, batch: _Batch, refuse: _Refusals) -> None:
    if not isinstance(data, dict):
        refuse(target.id, Refused(Rejection.MALFORMED, "attributes: not an object"))
        return
    merged = batch.attributes.setdefault(target.id, {})
    for key, value in data.items():
        if not key or len(key) > ATTRIBUTE_KEY_MAX or not _text_ok(key):
            refuse(target.id, Refused(Rejection.WRONG_TYPE, f"attribute {_short(key)}"))
            continue
        dumped = json.dumps(value, ensure_ascii=False)  # nor may JSON columns hold them
        if "\\u0000" in dumped or not _text_ok(dumped):
            refuse(target.id, Refused(Rejection.WRONG_TYPE, f"attribute {_short(key)}"))
            continue
        merged[key] = value


DEVICE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")  # Device.key's validator


def _named(message: Message, data: Any) -> list[str]:
    """The devices a gateway's message names."""
    if message.kind in (GATEWAY_CONNECT, GATEWAY_DISCONNECT):
        name = data.get("device") if isinstance(data, dict) else None
        return [name] if isinstance(name, str) else []
    return list(data) if isinstance(data, dict) else []


def _children(message: Message, data: Any) -> list[str]:
    """The names that could be devices, to look up (the others are unknown)."""
    return [name for name in _named(message, data) if DEVICE_KEY.fullmatch(name)]


def _gateway(
    gateway: Target,
    message: Message,
    data: Any,
    devices: Mapping[str, Target],
    batch: _Batch,
    keys: Mapping[int, Mapping[str, KeySpec]],
    window: _Window,
    refuse: _Refusals,
) -> int:
    """A gateway's message for its children; returns the number of children named."""
    if not isinstance(data, dict):
        refuse(gateway.id, Refused(Rejection.MALFORMED, "not an object"))
        return 0
    if message.kind in (GATEWAY_CONNECT, GATEWAY_DISCONNECT) and not isinstance(
        data.get("device"), str
    ):
        refuse(gateway.id, Refused(Rejection.MALFORMED, "device: missing"))
        return 0
    named = 0
    for name in _named(message, data):
        child = devices.get(name)
        if child is None or child.retired or child.gateway_id != gateway.id:
            refuse(gateway.id, Refused(Rejection.UNKNOWN_DEVICE, _short(name)))
            continue
        named += 1
        if message.kind == GATEWAY_TELEMETRY:
            _telemetry(child, data[name], message.received_at, batch, keys, window, refuse)
        elif message.kind == GATEWAY_ATTRIBUTES:
            _attributes(child, data[name], batch, refuse)
        elif message.kind == GATEWAY_DISCONNECT:
            batch.disconnected.add(child.id)
            continue
        batch.see(child.id, message.received_at)
    return named


def _targets(names: set[str]) -> dict[str, Target]:
    if not names:
        return {}
    keys = sorted(names)
    params: list[Any]
    if storage.postgres():
        # An array's text (psycopg would dump a list element by element): a name that
        # is no device key is no device, and a key needs no escaping in the quotes.
        keys = [key for key in keys if DEVICE_KEY.fullmatch(key)]
        if not keys:
            return {}
        condition, params = "key = ANY(%s::varchar[])", ['{"' + '","'.join(keys) + '"}']
    else:
        condition, params = f"key IN ({', '.join(['%s'] * len(keys))})", list(keys)
    rows = storage.select(
        "SELECT id, key, profile_id, building_id, gateway_id, retired_at, last_seen_at,"  # noqa: S608
        f" online, battery, signal FROM devices_device WHERE {condition}",
        params,
    )
    return {
        key: Target(
            pk,
            key,
            profile,
            building,
            gateway,
            retired is not None,
            None if seen is None else rules.aware(seen),
            bool(online),
            battery,
            signal,
        )
        for pk, key, profile, building, gateway, retired, seen, online, battery, signal in rows
    }


def _health(
    batch: _Batch, devices: Mapping[int, Target], intervals: Mapping[int, int]
) -> tuple[dict[int, datetime], dict[int, int], dict[int, int]]:
    """The devices whose health changes: gone offline, a new battery or signal figure,
    or last seen more than its resolution ago (a minute, or half the profile's
    interval if shorter: the offline sweep waits for twice the interval). So a device
    reporting often is not written at every batch."""
    seen: dict[int, datetime] = {}
    battery = {d: v for d, (_, v) in batch.health["battery"].items()}
    signal = {d: v for d, (_, v) in batch.health["signal"].items()}
    for device_id, at in batch.seen.items():
        device = devices[device_id]
        resolution = min(LAST_SEEN_RESOLUTION, intervals.get(device.profile_id, 0) / 2)
        if (
            not device.online
            or device.seen_at is None
            or (at - device.seen_at).total_seconds() >= resolution
            or battery.get(device_id, device.battery) != device.battery
            or signal.get(device_id, device.signal) != device.signal
        ):
            seen[device_id] = at
    return (
        seen,
        {d: v for d, v in battery.items() if d in seen},
        {d: v for d, v in signal.items() if d in seen},
    )


# The batch -----------------------------------------------------------------------


class Prepared(NamedTuple):
    """A batch parsed and checked (`prepare`), ready to be written (`write`)."""

    counts: Counter[str]  # messages and values accepted, refusals by reason so far
    refuse: _Refusals
    batch: _Batch
    devices: dict[int, Target]
    now: datetime


def ingest(messages: Sequence[Message]) -> Counter[str]:
    """Store a batch in one transaction. Returns counts: `messages` accepted,
    `values` accepted, `stored` (new rows; the rest of the values were `duplicate`),
    `alarms_raised`, `alarms_cleared`, and refusals by reason (a `Rejection`)."""
    if not messages:
        return Counter()
    return write(prepare(messages))


def prepare(messages: Sequence[Message]) -> Prepared:
    """Parse and check a batch, and read its devices: everything but the writes, so
    that a worker can prepare a batch while the one before it is being written."""
    counts: Counter[str] = Counter()
    refuse = _Refusals(counts)
    now = timezone.now()
    window = _Window(
        storage.accepted_since(now).timestamp() * 1000, (now + AHEAD).timestamp() * 1000
    )
    limit = settings.LINLI_TELEMETRY_MAX_PAYLOAD
    parsed: list[tuple[Message, Any]] = []
    names: set[str] = set()
    pending: list[tuple[str, Refused]] = []  # refused before the devices are known
    clock = time.monotonic()
    for message in messages:
        try:
            if message.kind not in KINDS:
                raise Refused(Rejection.MALFORMED, f"kind {_short(message.kind)}")
            if len(message.payload) > limit:
                raise Refused(Rejection.OVERSIZE, f"{len(message.payload)} bytes")
            if message.limit and not limiter.allow(message.device, clock):
                raise Refused(Rejection.RATE_LIMITED)
            try:
                data = _loads(message.payload)
            except ValueError as error:  # UnicodeDecodeError and JSONDecodeError too
                raise Refused(Rejection.MALFORMED, str(error)) from None
            except RecursionError:
                raise Refused(Rejection.MALFORMED, "nested too deep") from None
        except Refused as early:
            names.add(message.device)
            pending.append((message.device, early))
            continue
        names.add(message.device)
        if message.kind in GATEWAY_KINDS:
            names.update(_children(message, data))
        parsed.append((message, data))
    devices = _targets(names)
    for name, why in pending:
        target = devices.get(name)
        refuse(None if target is None or target.retired else target.id, why)
    keys = _keys.get()
    batch = _Batch()
    for message, data in parsed:
        target = devices.get(message.device)
        if target is None or target.retired:
            refuse(None, Refused(Rejection.UNKNOWN_TOKEN, _short(message.device)))
            continue
        counts["messages"] += 1
        batch.see(target.id, message.received_at)
        if message.kind == TELEMETRY:
            _telemetry(target, data, message.received_at, batch, keys, window, refuse)
        elif message.kind == ATTRIBUTES:
            _attributes(target, data, batch, refuse)
        else:
            _gateway(target, message, data, devices, batch, keys, window, refuse)
    counts["values"] = len(batch.rows)
    by_id = {t.id: t for t in devices.values()}
    return Prepared(counts, refuse, batch, by_id, now)


def write(prepared: Prepared) -> Counter[str]:
    """Write a prepared batch in one transaction (a deadlock with another worker:
    written again); returns the counts of `ingest`."""
    counts = Counter(prepared.counts)  # (a batch written again counts from its preparation)
    batch = prepared.batch
    rows = batch.rows
    span = (min(r[2] for r in rows), max(r[2] for r in rows)) if rows else None
    if span:
        storage.partitions_cover(*span)
    for attempt in range(RETRIES):
        try:
            written = _write(
                batch, prepared.refuse, prepared.devices, _keys.intervals, prepared.now
            )
            break
        except (OperationalError, IntegrityError) as error:
            if attempt == RETRIES - 1 or not _retryable(error):
                raise
            logger.warning("ingest: %s, writing the batch again", error.__class__.__name__)
            if span and _sqlstate(error) == NO_PARTITION:  # dropped, or its creation undone
                storage.partitions_forget()
                storage.partitions_cover(*span)
    counts.update(written)
    reasons = {reason: counts[reason] for reason in Rejection.values if counts[reason]}
    if reasons:
        logger.warning(
            "ingest: %d messages, %d values stored; refused %s",
            counts["messages"],
            counts["stored"],
            ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items())),
        )
    return counts


def refusal_record(*, reason: str, detail: str = "", times: int = 1) -> None:
    """Count refusals of no known device (an unknown or revoked token, a device the
    sender may not report for): they never reach `ingest`."""
    with transaction.atomic():
        storage.rejections_record({(None, reason): (times, detail[:200])}, timezone.now())


NO_PARTITION = "23514"  # PostgreSQL: no partition of the table for a row (check violation)


def _sqlstate(error: Exception) -> str | None:
    state = getattr(error.__cause__, "sqlstate", None)
    return state if isinstance(state, str) else None


def _retryable(error: Exception) -> bool:
    """A deadlock or serialization failure with another worker, or a month's partition
    this process believed made (PostgreSQL)."""
    return _sqlstate(error) in ("40P01", "40001", NO_PARTITION)


def _write(
    batch: _Batch,
    refuse: _Refusals,
    devices: Mapping[int, Target],
    intervals: Mapping[int, int],
    now: datetime,
) -> Counter[str]:
    counts: Counter[str] = Counter()
    rows: dict[tuple[int | None, str], tuple[int, str]] = dict(refuse.rows)
    with transaction.atomic():
        stored, previous = storage.telemetry_store(batch.rows)
        per_device = Counter(row[0] for row in batch.rows)
        for device_id, given in per_device.items():
            duplicates = given - stored[device_id]
            if duplicates:
                counts[Rejection.DUPLICATE] += duplicates
                count, _ = rows.get((device_id, Rejection.DUPLICATE), (0, ""))
                rows[(device_id, Rejection.DUPLICATE)] = (
                    count + duplicates,
                    f"{duplicates} values already stored",
                )
        counts["stored"] = sum(stored.values())
        seen, battery, signal = _health(batch, devices, intervals)
        storage.health_update(
            seen=seen, battery=battery, signal=signal, disconnected=batch.disconnected
        )
        storage.attributes_merge(batch.attributes)
        counts.update(
            rules.evaluate(
                devices={d: devices[d] for d in batch.seen},
                rows=batch.rows,
                previous=previous,
            )
        )
        storage.rejections_record(rows, now)
    return counts
