"""Live updates (ADR 0019): a service says "this changed here", every open page, screen
or inbox that shows it and may see it learns so within a second and fetches again
what it shows. No personal data travels on the stream: a message is a channel, the
region path it concerns and a few ids.

An app registers a channel once (in `AppConfig.ready()`), saying who may follow it,
and publishes in the transaction of its change:

    live.register("devices.alarms", action=DEVICE_VIEW)     # staff in whose scope
    live.publish("devices.alarms", path=alarm.region_path, data={"alarm": alarm.pk})

A page subscribes with `data-live="devices.alarms"` on an element: the script
`linli/live.js` opens one stream (`/live/stream?channel=…`: server-sent events, or a
long-poll with the same answers where a browser has no EventSource) and fires
`linli:live` on the element for each message of its channel (htmx re-fetches on it).

Across processes a message travels by Redis pub/sub when `LINLI_REDIS_URL` is set,
else by the `LiveMessage` table: written in the publishing transaction (so it exists
if and only if the change does), read by one poller thread in each web process (one
query every `LINLI_LIVE_POLL_MS`, however many clients), deleted after `KEEP`. In each
web process a `Hub` fans every message out to the streams whose channel and scope
match. Message ids grow (the table's key, or Redis' counter): a client that reconnects
with `Last-Event-ID` is sent what it missed from the hub's recent messages, or told to
`reset` (fetch everything again) when the hub cannot know.
"""

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.models import LiveMessage

logger = logging.getLogger(__name__)

KEEP = timedelta(minutes=10)  # LiveMessage rows; and how far back a reconnect replays
RECENT = 2000  # messages a hub keeps for reconnecting clients
QUEUE = 200  # messages waiting for one client before it is told to reset
MAX_DATA = 512  # bytes of a message's JSON data
MAX_CHANNELS = 8  # channels one stream follows
REDIS_CHANNEL = "linli:live"
REDIS_SEQUENCE = "linli:live:seq"

# Who may follow a channel: the region paths (prefixes) whose messages they are sent,
# [""] for everywhere, None when they may not follow it at all.
Scope = Callable[[HttpRequest], list[str] | None]


@dataclass(frozen=True)
class Channel:
    name: str
    scope: Scope
    upward: bool = False


_channels: dict[str, Channel] = {}


def register(
    name: str, *, action: str | None = None, scope: Scope | None = None, upward: bool = False
) -> None:
    """A channel that staff follow where they may do `action`, or whose followers
    `scope(request)` decides (a screen's token, say). Its followers are sent the
    messages about their paths and below them; with `upward`, about their paths and
    above them instead (a district's notice concerns the readers of its communities)."""
    if (action is None) == (scope is None):
        raise ValueError("Give an action or a scope.")
    if name in _channels:
        raise ValueError(f"Live channel {name} is already registered.")
    _channels[name] = Channel(name, scope or staff_scope(action or ""), upward)


def channels() -> dict[str, Channel]:
    return dict(_channels)


def staff_scope(action: str) -> Scope:
    """The scope of staff: the paths where the signed-in user may do `action`."""

    def scope(request: HttpRequest) -> list[str] | None:
        user: Any = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        if user.is_superuser:
            return [""]
        return list(user.scope_paths(action)) or None

    return scope


@dataclass(frozen=True)
class Message:
    id: int
    channel: str
    path: str
    data: dict[str, Any]

    def public(self) -> dict[str, Any]:
        """What a client is sent: the channel and the data, not the region path."""
        return {"id": self.id, "channel": self.channel, "data": self.data}

    def frame(self) -> str:
        payload = json.dumps({"channel": self.channel, "data": self.data}, ensure_ascii=False)
        return f"id: {self.id}\nevent: message\ndata: {payload}\n\n"


def publish(channel: str, *, path: str, data: dict[str, Any] | None = None) -> None:
    """Tell the followers of `channel` in scope of `path` that something changed: sent
    once the caller's transaction commits, and never if it rolls back."""
    if channel not in _channels:
        raise ValueError(f"Unknown live channel {channel}.")
    data = data or {}
    if len(json.dumps(data)) > MAX_DATA:
        raise ValueError(f"Live data is at most {MAX_DATA} bytes: send ids, not content.")
    transport().publish(channel, path, data)


# --- transports ------------------------------------------------------------------------


class Transport(Protocol):
    def publish(self, channel: str, path: str, data: dict[str, Any]) -> None: ...
    def latest(self) -> int: ...
    def listen(self, hub: "Hub", stop: threading.Event) -> None:
        """Bring messages to `hub.dispatch` until `stop`; call `hub.begin(latest)` once
        listening (ids above `latest` will all come)."""


class TableTransport:
    """The `LiveMessage` table: one poller per web process, gaps waited for a while (a
    transaction that took a lower id may commit after a higher one)."""

    GAP_WAIT = 5.0  # seconds a missing id is looked for again

    def publish(self, channel: str, path: str, data: dict[str, Any]) -> None:
        LiveMessage.objects.create(channel=channel, path=path, data=data)

    def latest(self) -> int:
        last = LiveMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
        return last or 0

    def listen(self, hub: "Hub", stop: threading.Event) -> None:
        cursor = self.latest()
        hub.begin(cursor)
        gaps: dict[int, float] = {}  # missing id → when first missed
        pruned = 0.0
        interval = settings.LINLI_LIVE_POLL_MS / 1000
        while not stop.wait(interval):
            try:
                cursor = self._poll(hub, cursor, gaps)
                if time.monotonic() - pruned > 60:
                    pruned = time.monotonic()
                    LiveMessage.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
            except Exception:
                logger.exception("Live updates: polling the table failed")
                connection.close()
                stop.wait(1)
        connection.close()

    def _poll(self, hub: "Hub", cursor: int, gaps: dict[int, float]) -> int:
        found = LiveMessage.objects.filter(pk__gt=cursor)
        if gaps:
            found = found | LiveMessage.objects.filter(pk__in=list(gaps))
        rows = list(found.order_by("pk").values_list("pk", "channel", "path", "data")[:500])
        now = time.monotonic()
        for pk, channel, path, data in rows:
            gaps.pop(pk, None)
            if pk > cursor:
                gaps.update(dict.fromkeys(range(cursor + 1, pk), now))
                cursor = pk
            hub.dispatch(Message(pk, channel, path, data))
        for pk, since in list(gaps.items()):
            if now - since > self.GAP_WAIT:
                del gaps[pk]
        return cursor


class RedisTransport:
    """Redis pub/sub: a counter gives the id, a PUBLISH after commit carries the message;
    one subscriber connection per web process."""

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def publish(self, channel: str, path: str, data: dict[str, Any]) -> None:
        transaction.on_commit(lambda: self._send(channel, path, data), robust=True)

    def _send(self, channel: str, path: str, data: dict[str, Any]) -> None:
        pk = int(self.client.incr(REDIS_SEQUENCE))
        body = json.dumps({"id": pk, "channel": channel, "path": path, "data": data})
        self.client.publish(REDIS_CHANNEL, body)

    def latest(self) -> int:
        value = self.client.get(REDIS_SEQUENCE)
        return int(value) if value is not None else 0

    def listen(self, hub: "Hub", stop: threading.Event) -> None:
        import redis

        while not stop.is_set():
            client = redis.Redis.from_url(self.url, socket_connect_timeout=5)
            pubsub = client.pubsub()
            try:
                pubsub.subscribe(REDIS_CHANNEL)
                while (confirmed := pubsub.get_message(timeout=5.0)) is None:
                    if stop.is_set():
                        return
                if confirmed["type"] != "subscribe":
                    raise RuntimeError(f"Redis answered {confirmed['type']} to SUBSCRIBE")
                hub.begin(self.latest())  # what follows will all come
                while not stop.is_set():
                    raw = pubsub.get_message(timeout=0.25)
                    if raw is None or raw["type"] != "message":
                        continue
                    body = json.loads(raw["data"])
                    hub.dispatch(Message(body["id"], body["channel"], body["path"], body["data"]))
            except Exception:
                logger.exception("Live updates: the Redis subscription failed")
                hub.lost()  # messages may have been missed: every client fetches again
                stop.wait(1)
            finally:
                pubsub.close()
                client.close()


_transport: Transport | None = None


def transport() -> Transport:
    global _transport
    if _transport is None:
        url = settings.LINLI_REDIS_URL
        _transport = RedisTransport(url) if url else TableTransport()
    return _transport


# --- the hub: one per web process ------------------------------------------------------


@dataclass(eq=False)
class Subscription:
    """One client's stream: the channels it follows (each with the region paths it may
    see) and the messages waiting for it."""

    scopes: dict[str, list[str]]
    pending: deque[Message] = field(default_factory=deque)
    reset: bool = False
    _ready: threading.Event = field(default_factory=threading.Event)
    _loop: asyncio.AbstractEventLoop | None = None
    _aready: asyncio.Event | None = None

    def wants(self, message: Message) -> bool:
        paths = self.scopes.get(message.channel)
        if paths is None:
            return False
        channel = _channels.get(message.channel)
        if channel is not None and channel.upward:
            return any(p.startswith(message.path) for p in paths)
        return any(message.path.startswith(p) for p in paths)

    def put(self, message: Message | None) -> None:
        """A message for this client (None: it missed some and must fetch again)."""
        if message is None or len(self.pending) >= QUEUE:
            self.pending.clear()
            self.reset = True
        else:
            self.pending.append(message)
        self._ready.set()
        if self._loop is not None and self._aready is not None:
            with contextlib.suppress(RuntimeError):  # its loop has closed: the client is gone
                self._loop.call_soon_threadsafe(self._aready.set)

    def take(self) -> tuple[bool, list[Message]]:
        """(reset, messages) waiting, emptied."""
        self._ready.clear()
        if self._aready is not None:
            self._aready.clear()
        reset, self.reset = self.reset, False
        taken = list(self.pending)
        self.pending.clear()
        return reset, taken

    def wait(self, timeout: float) -> None:
        self._ready.wait(timeout)

    async def await_(self, timeout: float) -> None:
        if self._aready is None:
            self._loop = asyncio.get_running_loop()
            self._aready = asyncio.Event()
            if self.pending or self.reset:
                self._aready.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._aready.wait(), timeout)


class TooManyClients(Exception):
    pass


class Hub:
    """Fans the messages the transport brings out to this process' subscriptions; keeps
    the recent ones for clients that reconnect. Its listener thread starts with the
    first subscription (a process that only publishes never starts one)."""

    def __init__(self, source: Callable[[], Transport] = transport) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()
        self._recent: deque[Message] = deque(maxlen=RECENT)
        self._since = 0  # ids above this one have all passed through here
        self._last = 0
        self._stop = threading.Event()
        self._begun = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def last(self) -> int:
        return self._last

    def __len__(self) -> int:
        return len(self._subscriptions)

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._begun.clear()
            self._recent.clear()  # a transport of its own ids: what was before is gone
            self._thread = threading.Thread(
                target=self._run, args=(self._source(),), name="linli-live", daemon=True
            )
            self._thread.start()
        if not self._begun.wait(10):
            logger.error("Live updates: the transport did not start listening in 10 s")

    def _run(self, source: Transport) -> None:
        try:
            source.listen(self, self._stop)
        finally:
            close_old_connections()

    def begin(self, latest: int) -> None:
        """The transport listens: messages above `latest` will all pass through here (a
        client that saw less than that is told to reset)."""
        with self._lock:
            if self._begun.is_set():  # listening again after a break
                self._since = self._last
            else:
                self._since = self._last = latest
        self._begun.set()

    def stop(self) -> None:
        """Stop listening and forget every subscription (tests; the process' end)."""
        self._stop.set()
        with self._lock:
            self._subscriptions.clear()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def subscribe(self, scopes: dict[str, list[str]], last: int | None = None) -> Subscription:
        """A subscription to `scopes`; with `last` (the id a reconnecting client saw
        last), what it missed is waiting in it, or a reset."""
        self.start()
        subscription = Subscription(scopes)
        with self._lock:
            if len(self._subscriptions) >= settings.LINLI_LIVE_MAX_CLIENTS:
                raise TooManyClients
            self._subscriptions.add(subscription)
            if last is not None and last < self._last:
                if last < self._since:
                    subscription.put(None)
                else:
                    for message in self._recent:
                        if message.id > last and subscription.wants(message):
                            subscription.put(message)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    def dispatch(self, message: Message) -> None:
        with self._lock:
            self._recent.append(message)
            if message.id > self._last:
                self._last = message.id
            if len(self._recent) == RECENT:
                self._since = max(self._since, self._recent[0].id)
            targets = [s for s in self._subscriptions if s.wants(message)]
        for subscription in targets:
            subscription.put(message)

    def lost(self) -> None:
        """The transport may have missed messages: every client fetches again."""
        with self._lock:
            self._since = self._last
            targets = list(self._subscriptions)
        for subscription in targets:
            subscription.put(None)


hub = Hub()


# --- the stream's protocol: shared by the Django view (WSGI) and linli/asgi.py ---------

PATH = "/live/stream"


class BadRequest(Exception):
    pass


def parse(query: Any, last_event_id: str | None) -> tuple[list[str], int | None, bool]:
    """(channels, last id seen, long-poll?) from the query and `Last-Event-ID`."""
    names = query.getlist("channel")
    raw_last = last_event_id or query.get("last") or ""
    poll = query.get("poll", "")
    if not names or len(names) > MAX_CHANNELS or len(set(names)) != len(names):
        raise BadRequest(_("Name one to %(n)s different channels.") % {"n": MAX_CHANNELS})
    if poll not in ("", "1") or (raw_last and not raw_last.isdigit()) or len(raw_last) > 18:
        raise BadRequest(_("poll is 1; last is a message number."))
    return names, int(raw_last) if raw_last else None, poll == "1"


def subscribe(request: HttpRequest, names: list[str], last: int | None) -> tuple[Subscription, int]:
    """The asker's subscription and the newest id; LookupError when a channel is not
    theirs (404). Reads the session and grants: run in a thread, then connections are
    closed (the stream itself holds none)."""
    try:
        scopes = resolve(request, names)
        if scopes is None:
            raise LookupError
        return hub.subscribe(scopes, last), hub.last
    finally:
        close_old_connections()


def hello(first: int) -> str:
    return f"retry: 3000\nid: {first}\nevent: hello\ndata: {{}}\n\n"


def frames(subscription: Subscription) -> str:
    """What waits for a stream, as SSE frames; a comment when nothing does."""
    reset, messages = subscription.take()
    text = "event: reset\ndata: {}\n\n" if reset else ""
    return text + "".join(m.frame() for m in messages) or ": ping\n\n"


def poll_answer(subscription: Subscription, first: int | None) -> dict[str, Any]:
    """A long-poll's answer (the subscription is done with)."""
    hub.unsubscribe(subscription)
    reset, messages = subscription.take()
    last = max([m.id for m in messages], default=first if first is not None else hub.last)
    return {"last": last, "reset": reset, "messages": [m.public() for m in messages]}


def resolve(request: HttpRequest, names: Iterable[str]) -> dict[str, list[str]] | None:
    """The scopes of the channels `names` for whoever asks, or None when one is unknown
    or not theirs to follow."""
    scopes: dict[str, list[str]] = {}
    for name in names:
        channel = _channels.get(name)
        if channel is None:
            return None
        paths = channel.scope(request)
        if paths is None:
            return None
        scopes[name] = paths
    return scopes
