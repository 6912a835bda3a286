"""`linli devices simulate`: devices that publish realistic telemetry over MQTT, each
with its own connection and access token, as the demo's devices would.

Values follow each key's nature: temperatures and humidity drift, meters count up,
batteries drain slowly, an elevator changes floors, detectors say 0; every
`alarm_every` seconds (wall time) one device raises an alarm its profile's rules
catch (smoke = 1, gas over its threshold…), held long enough for a rule's duration.
Each profile reports at its interval divided by `speed`.
"""

import heapq
import json
import logging
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from linli.devices.choices import Operator, RuleKind, ValueType
from linli.devices.models import DeviceProfile
from linli.devices.mqtt import PROTOCOLS

log = logging.getLogger(__name__)

# Level and spread of drifting values, by key.
DRIFT = {
    "temperature": (22.0, 3.0),
    "humidity": (50.0, 10.0),
    "signal": (-75.0, 10.0),
    "voltage": (221.0, 3.0),
    "supply_temp": (55.0, 4.0),
    "return_temp": (42.0, 4.0),
    "pm25": (35.0, 20.0),
    "pm10": (60.0, 25.0),
    "noise": (48.0, 8.0),
    "gas": (1.0, 1.0),
    "co": (2.0, 2.0),
    "tilt": (1.0, 1.0),
    "flow": (0.3, 0.3),
    "power": (0.8, 0.6),
}
COUNTERS = {"energy", "volume"}
STATES = {"running": 0.5, "door_open": 0.2, "on": 0.5, "charging": 0.4, "valve_open": 0.98}


@dataclass
class SimulatedDevice:
    key: str
    token: str
    profile: str
    values: dict[str, float] = field(default_factory=dict)
    held: dict[str, float] = field(default_factory=dict)  # an alarm's values, until…
    held_until: float = 0.0
    client: mqtt.Client | None = None


def read_tokens(path: Path) -> list[SimulatedDevice]:
    """Lines `key<TAB>token<TAB>profile code` (blank lines and `#` comments skipped)."""
    devices = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"line {number}: expected key, token and profile, tab-separated")
        devices.append(SimulatedDevice(key=parts[0], token=parts[1], profile=parts[2]))
    return devices


@dataclass(frozen=True)
class Trigger:
    """A value that raises one of a profile's alarms, held for `hold` seconds."""

    key: str
    value: float
    hold: float


CONNECT_WAVE = 25  # connections opened together


class Simulator:
    def __init__(
        self,
        devices: list[SimulatedDevice],
        *,
        host: str,
        port: int,
        protocol: str = "5",
        speed: float = 60.0,
        alarm_every: float = 300.0,
        seed: int | None = None,
    ) -> None:
        self.devices, self.host, self.port = devices, host, port
        self.protocol = PROTOCOLS[protocol]
        self.speed, self.alarm_every = speed, alarm_every
        self.random = random.Random(seed)
        self.sent = 0
        self._stopping = threading.Event()
        codes = {d.profile for d in devices}
        profiles = DeviceProfile.objects.filter(code__in=codes).prefetch_related("keys", "rules")
        self.keys: dict[str, list[tuple[str, str, float | None, float | None]]] = {}
        self.intervals: dict[str, float] = {}
        self.triggers: dict[str, list[Trigger]] = {}
        for profile in profiles:
            self.intervals[profile.code] = profile.interval / speed
            self.keys[profile.code] = [
                (k.key, k.type, k.minimum, k.maximum) for k in profile.keys.all()
            ]
            self.triggers[profile.code] = list(self._triggers(profile))
        unknown = codes - set(self.intervals)
        if unknown:
            raise ValueError(f"unknown profiles: {', '.join(sorted(unknown))}")

    @staticmethod
    def _triggers(profile: DeviceProfile) -> Iterator[Trigger]:
        """What raises the profile's alarms: a yes/no key set, a value above its
        threshold (within the key's physical range, or it would be refused)."""
        highest = {k.key: k.maximum for k in profile.keys.all()}
        for rule in profile.rules.all():
            if not rule.enabled:
                continue
            if rule.kind == RuleKind.BOOLEAN:
                yield Trigger(rule.key, 1.0, 1.0)
            elif (
                rule.kind == RuleKind.THRESHOLD
                and rule.threshold is not None
                and rule.operator in (Operator.GT, Operator.GE)
            ):
                value = rule.threshold * 1.2 + 1
                top = highest.get(rule.key)
                if top is not None:
                    value = min(value, top)
                yield Trigger(rule.key, value, rule.duration + 2.0)

    def stop(self) -> None:
        self._stopping.set()

    def run(self, duration: float | None = None) -> int:
        """Connect every device and publish until `stop()` (or `duration` seconds)."""
        for n, device in enumerate(self.devices):
            device.client = self._connect(device)
            if n % CONNECT_WAVE == CONNECT_WAVE - 1:  # devices power up, not all at once:
                self._stopping.wait(0.1)  # a burst overflows a broker's accept queue
        start = time.monotonic()
        queue = [
            (start + self.random.uniform(0, self.intervals[d.profile]), n)
            for n, d in enumerate(self.devices)
        ]
        heapq.heapify(queue)
        next_alarm = start + self.alarm_every if self.alarm_every > 0 else float("inf")
        try:
            while not self._stopping.is_set():
                now = time.monotonic()
                if duration is not None and now - start >= duration:
                    break
                if now >= next_alarm:
                    self._alarm(now)
                    next_alarm = now + self.alarm_every * self.random.uniform(0.5, 1.5)
                due, n = queue[0]
                if due > now:
                    self._stopping.wait(min(due, next_alarm) - now)
                    continue
                device = self.devices[n]
                self._publish(device, now)
                interval = self.intervals[device.profile] * self.random.uniform(0.9, 1.1)
                heapq.heapreplace(queue, (due + interval, n))
        finally:
            # Every device told to disconnect first: their threads end together, where
            # stopping them one by one waits up to a second each (paho's select timeout).
            clients = [device.client for device in self.devices if device.client is not None]
            for client in clients:
                client.disconnect()
            for client in clients:
                client.loop_stop()
        return self.sent

    def _connect(self, device: SimulatedDevice) -> mqtt.Client:
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"sim-{device.key}", protocol=self.protocol
        )
        client.username_pw_set(device.token)
        client.reconnect_delay_set(1, 30)
        client.connect_async(self.host, self.port, keepalive=60)
        client.loop_start()
        return client

    def _alarm(self, now: float) -> None:
        candidates = [d for d in self.devices if self.triggers.get(d.profile)]
        if not candidates:
            return
        device = self.random.choice(candidates)
        trigger = self.random.choice(self.triggers[device.profile])
        device.held = {trigger.key: trigger.value}
        device.held_until = now + trigger.hold
        log.info("simulated alarm: %s %s = %s", device.key, trigger.key, trigger.value)
        self._publish(device, now)
        if trigger.hold > 1:  # again once the rule's duration has passed
            timer = threading.Timer(trigger.hold - 1, self._publish, (device, now))
            timer.daemon = True
            timer.start()

    def _publish(self, device: SimulatedDevice, now: float) -> None:
        values = self.readings(device, now)
        body = json.dumps({"ts": int(time.time() * 1000), "values": values})
        if device.client is not None:
            device.client.publish("v1/devices/me/telemetry", body, qos=1)
            self.sent += 1

    def readings(self, device: SimulatedDevice, now: float) -> dict[str, float]:
        values: dict[str, float] = {}
        for key, kind, low, high in self.keys[device.profile]:
            values[key] = self._next(device, key, kind, low, high)
        if now < device.held_until:
            values.update(device.held)
        return values

    def _next(
        self, device: SimulatedDevice, key: str, kind: str, low: float | None, high: float | None
    ) -> float:
        rnd, last = self.random, device.values.get(key)
        if kind == ValueType.BOOLEAN:
            value = float(rnd.random() < STATES[key]) if key in STATES else 0.0
            if key == "motion":
                value = float(rnd.random() < 0.3)
        elif key in COUNTERS:
            value = round(
                (last if last is not None else rnd.uniform(100, 5000)) + rnd.uniform(0, 0.5), 3
            )
        elif key == "battery":
            value = max(
                21.0, (last if last is not None else rnd.uniform(60, 100)) - rnd.uniform(0, 0.02)
            )
            value = round(value, 2)
        elif key == "floor":
            value = float(rnd.randint(1, 18))
        elif key == "fault":
            value = 0.0
        else:
            level, spread = DRIFT.get(key, ((low or 0) + ((high or 100) - (low or 0)) * 0.1, 1.0))
            start = last if last is not None else level
            value = start + rnd.uniform(-0.1, 0.1) * spread + (level - start) * 0.1
            value = round(min(max(value, level - spread), level + spread), 1)
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        device.values[key] = value
        return value
