"""The demo's MQTT broker: amqtt (pure Python, MIT, MQTT 3.1.1) with the same three
rules as the Mosquitto plugin (linli/devices/mosquitto/linli_plugin.c), so that
`make demo` needs nothing installed. Production runs Mosquitto (docs/deploy.md).

- `TokenAuth`: a device connects when the SHA-256 of its user name (its access
  token) is in the credentials file (`credentials.py`), a worker when the SHA-256 of
  its password is there under its user name; no one else.
- `TopicRules`: a device publishes only on the ThingsBoard device and gateway topics,
  and only while its token is in the file; only workers read `linli/#`.
- `LinliBroker`: amqtt's `Broker`, hooked at two private methods (amqtt 0.12): a
  device's publish is passed on under `linli/<device key>/<kind>`; a shared
  subscription `$share/<group>/<filter>` is taken as `<filter>`. This broker does not
  spread a group's messages over its members: each gets them all, so the demo runs
  one worker (ingestion is idempotent should two run).
"""

import asyncio
import contextlib
import hashlib
import logging
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amqtt.broker import Broker
from amqtt.contexts import Action
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.session import Session

from linli.devices.topics import DEVICE_SUBSCRIBE, DEVICE_WRITE, INTERNAL_PREFIX, unshared

log = logging.getLogger(__name__)


class Credentials:
    """The credentials file, read again when it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stamp: tuple[int, int, int] | None = None
        self.devices: dict[str, str] = {}  # token digest → device key
        self.workers: dict[str, str] = {}  # password digest → worker user name

    def _fresh(self) -> None:
        try:
            stat = self.path.stat()
        except OSError as exc:
            log.error("cannot read %s: %s", self.path, exc)
            return
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if stamp == self.stamp:
            return
        devices, workers = {}, {}
        for line in self.path.read_text(encoding="ascii", errors="replace").splitlines():
            digest, _, name = line.partition(" ")
            if len(digest) != 64 or not name or line.startswith("#"):
                continue
            if name.startswith("@"):
                workers[digest] = name[1:]
            else:
                devices[digest] = name
        self.devices, self.workers, self.stamp = devices, workers, stamp
        log.info("%d device credentials loaded from %s", len(devices), self.path)

    def device(self, token: str | None) -> str | None:
        self._fresh()
        if not token:
            return None
        return self.devices.get(hashlib.sha256(token.encode()).hexdigest())

    def worker(self, username: str | None, password: str | None) -> bool:
        self._fresh()
        if not username or not password:
            return False
        return self.workers.get(hashlib.sha256(password.encode()).hexdigest()) == username

    def is_worker(self, username: str | None) -> bool:
        return username is not None and username in self.workers.values()


_CREDENTIALS: dict[str, Credentials] = {}


def credentials_at(path: str) -> Credentials:
    if path not in _CREDENTIALS:
        _CREDENTIALS[path] = Credentials(Path(path))
    return _CREDENTIALS[path]


class TokenAuth(BaseAuthPlugin):  # type: ignore[misc]
    @dataclass
    class Config:
        credentials: str = ""

    async def authenticate(self, *, session: Session) -> bool:
        credentials = credentials_at(self.config.credentials)
        if credentials.device(session.username) is not None:
            return True
        return credentials.worker(session.username, session.password)


class TopicRules(BaseTopicPlugin):  # type: ignore[misc]
    @dataclass
    class Config:
        credentials: str = ""

    async def topic_filtering(
        self, *, session: Session | None = None, topic: str | None = None, action: Any = None
    ) -> bool:
        if session is None or topic is None:
            return False
        credentials = credentials_at(self.config.credentials)
        if credentials.device(session.username) is not None:
            if action == Action.PUBLISH:
                return topic in DEVICE_WRITE
            if action == Action.SUBSCRIBE:
                return topic in DEVICE_SUBSCRIBE
            return topic.startswith(("v1/devices/me/attributes", "v1/devices/me/rpc/request/"))
        if credentials.is_worker(session.username):
            return action != Action.PUBLISH and unshared(topic).startswith(INTERNAL_PREFIX)
        return False  # a device whose token left the file (rotated, retired)


class LinliBroker(Broker):  # type: ignore[misc]
    def __init__(self, config: dict[str, Any], credentials: str) -> None:
        super().__init__(config)
        self.credentials = credentials_at(credentials)

    async def _broadcast_message(
        self,
        session: Session | None,
        topic: str | None,
        data: bytes | bytearray | None,
        force_qos: int | None = None,
    ) -> None:
        if session is not None:  # a client's message (or its will): a device's, rewritten
            key = self.credentials.device(session.username)
            if key is None or topic not in DEVICE_WRITE:
                log.warning("dropped a message of %s on %s", session.client_id, topic)
                return
            if topic.startswith("v1/devices/me/"):
                topic = f"linli/{key}/{topic.removeprefix('v1/devices/me/')}"
            else:
                topic = f"linli/{key}/gateway/{topic.removeprefix('v1/gateway/')}"
        await super()._broadcast_message(session, topic, data, force_qos)

    async def add_subscription(self, subscription: tuple[str, int], session: Session) -> int:
        topic, qos = subscription
        result: int = await super().add_subscription((unshared(topic), qos), session)
        return result

    def _del_subscription(self, a_filter: str, session: Session) -> int:
        result: int = super()._del_subscription(unshared(a_filter), session)
        return result


def broker_config(host: str, port: int, credentials: Path) -> dict[str, Any]:
    path = str(credentials.resolve())
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {
            "linli.devices.broker.TokenAuth": {"credentials": path},
            "linli.devices.broker.TopicRules": {"credentials": path},
        },
    }


async def run(host: str, port: int, credentials: Path, ready: asyncio.Event | None = None) -> None:
    """Serve until cancelled (or SIGTERM/SIGINT when run by `serve`)."""
    broker = LinliBroker(broker_config(host, port, credentials), str(credentials.resolve()))
    await broker.start()
    if ready is not None:
        ready.set()
    try:
        await asyncio.Event().wait()
    finally:
        await broker.shutdown()


def serve(*, host: str, port: int, credentials: Path) -> None:
    """`linli devices broker`: run until SIGTERM or SIGINT."""
    for noisy in ("amqtt", "transitions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not credentials.exists():
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.touch(mode=0o600)

    async def main() -> None:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, lambda: task.cancel() if task else None)
        log.info("demo MQTT broker on %s:%s", host, port)
        with contextlib.suppress(asyncio.CancelledError):
            await run(host, port, credentials)

    asyncio.run(main())
