"""The ingestion workers: devices' messages from the MQTT broker into the ingestion
path (`ingestion.ingest`). Run by `linli devices ingest`; several share the load.

Each worker connects with a fixed client id (`--name`) and a persistent session
(MQTT 5: clean start off and a session expiry; 3.1.1: clean session off), subscribes
to `$share/linli/linli/#` at QoS 1 and acknowledges a message only once the batch
holding it has committed. A worker killed mid-batch has acknowledged nothing of it:
the broker delivers those messages again, to it when it reconnects or to another
worker of the group (at-least-once; the ingestion stores a value once by device,
key and time). The broker's plugin put the device's key in the topic
(`linli/<key>/<kind>`) after checking its token (docs/adr/0017-device-broker.md).

A worker run as a process (`run`, `pipeline=True`) is a pipeline of two threads:
its own thread collects a batch and prepares it (parses and checks the payloads,
reads the devices: `ingestion.prepare`) while a writer thread, on a database
connection of its own, writes the batch before it (`ingestion.write`: telemetry,
latest values, health, rules, one transaction) and only then acknowledges that
batch's messages. One batch waits between them at most, and the writer takes them
in order. So the database writes while the worker parses, instead of each waiting
for the other; nothing is acknowledged before its commit.
"""

import logging
import queue
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import paho.mqtt._packet
import paho.mqtt.client as mqtt
from django.db import InterfaceError, OperationalError, connection
from paho.mqtt.client import PUBACK
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from linli.devices.ingestion import KINDS, Message, Prepared, prepare, write

log = logging.getLogger(__name__)

SHARED_TOPIC = "$share/linli/linli/#"
PROTOCOLS = {"5": mqtt.MQTTv5, "3.1.1": mqtt.MQTTv311}
_PUBACK = struct.Struct("!BBH")  # a PUBACK packet: type, remaining length 2, message id
SESSION_EXPIRY = 7 * 86400  # s: a worker may stay away a week without losing its queue


class _Properties(Properties):
    """paho's MQTT 5 properties, the same but for its tables of property names and
    types: built once, where paho builds them (two dicts of 27 entries, through its
    checking `__setattr__`) for every message it decodes, and searches them all to
    `clear` a new, empty object: a sixth of a worker's CPU. The tables are only read."""

    def __init__(self, packetType: int) -> None:
        object.__setattr__(self, "packetType", packetType)
        for table in _TABLES:
            object.__setattr__(self, table, getattr(_PROTOTYPE, table))

    def clear(self) -> None:
        for name in [name for name in vars(self) if name not in _OWN]:
            object.__delattr__(self, name)


_PROTOTYPE = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
_TABLES = ("types", "names", "properties")
_OWN = frozenset(("packetType", *_TABLES))
paho.mqtt._packet.Properties = _Properties  # type: ignore[misc]  # what PUBLISH packets decode into


class _BufferedSocket:
    """The broker's socket, read up to 64 KiB at a time. paho reads a packet in three
    `recv` calls or more (its first byte, its length byte by byte, the rest), each
    after a `select`: for every message. It asks a socket's `pending()` (as of an SSL
    socket's) before it waits in `select`, so the buffer is read first."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = b""
        self._at = 0

    def recv(self, size: int) -> bytes:
        if self._at >= len(self._buffer):
            self._buffer, self._at = self._sock.recv(65536), 0  # BlockingIOError: none yet
        start, self._at = self._at, min(self._at + size, len(self._buffer))
        return self._buffer[start : self._at]

    def pending(self) -> int:
        return len(self._buffer) - self._at

    def publish(self, v5: bool) -> tuple[bytes, int, int, bytes] | None:
        """The next packet, taken out of the buffer, if it is a PUBLISH of QoS 0 or 1
        wholly in the buffer and without MQTT 5 properties: (topic, message id, QoS,
        payload). Else None, the buffer untouched: paho reads the packet."""
        buffer, at = self._buffer, self._at
        end = len(buffer)
        if end - at < 2 or buffer[at] >> 4 != 3:  # PUBLISH
            return None
        qos = (buffer[at] >> 1) & 3
        length, shift, i = 0, 0, at + 1
        while True:  # the remaining length: 1 to 4 bytes of 7 bits
            if i >= end or shift > 21:
                return None
            byte = buffer[i]
            i += 1
            length |= (byte & 127) << shift
            if not byte & 128:
                break
            shift += 7
        stop = i + length
        if stop > end or qos > 1 or i + 2 > stop:
            return None
        size = (buffer[i] << 8) | buffer[i + 1]
        topic = buffer[i + 2 : i + 2 + size]
        i += 2 + size
        if i > stop:  # a topic longer than the packet: paho refuses it
            return None
        mid = 0
        if qos:
            if i + 2 > stop:
                return None
            mid = (buffer[i] << 8) | buffer[i + 1]
            i += 2
        if v5:
            if i >= stop or buffer[i] != 0:  # properties (or a topic alias): paho's
                return None
            i += 1
        if not topic or len(topic) != size:
            return None
        self._at = stop
        return topic, mid, qos, buffer[i:stop]

    def __getattr__(self, name: str) -> Any:  # send, fileno, setblocking, close…
        return getattr(self._sock, name)


class _Client(mqtt.Client):
    """paho's client, four costs per message less: a PUBLISH packet wholly in the
    buffer is read here (`_BufferedSocket.publish`: no `MQTTMessage`, no properties
    object, one call), anything else by paho; packets already read into the buffer
    are handled in one loop turn (paho reads one a turn, each after a `select`); a
    message paho reads goes straight to `on_message` (paho matches its topic against
    the per-topic callbacks, of which a worker has none); and a batch's
    acknowledgements go out as one write (paho queues one packet per message, each
    waking the network thread and sent alone)."""

    READ_AHEAD = 1000  # packets at most in one loop turn: writes and pings go on between

    def _create_socket(self) -> Any:
        sock = super()._create_socket()
        if type(sock) is socket.socket:  # not TLS (buffered itself), not a websocket
            return _BufferedSocket(sock)
        return sock

    def loop_read(self, max_packets: int = 1) -> mqtt.MQTTErrorCode:
        rc = super().loop_read()
        for _ in range(self.READ_AHEAD):
            sock = self._sock
            if rc or not isinstance(sock, _BufferedSocket) or not sock.pending():
                break
            rc = super().loop_read()
        return rc

    # Called with (topic, message id, QoS, payload) for the PUBLISH packets read from
    # the buffer here rather than by paho (`_BufferedSocket.publish`).
    on_received: Callable[[bytes, int, int, bytes], None] | None = None

    def _packet_read(self) -> mqtt.MQTTErrorCode:
        sock, received = self._sock, self.on_received
        # (Only between packets: paho may be amid one.)
        if received and isinstance(sock, _BufferedSocket) and self._in_packet["command"] == 0:
            taken = sock.publish(self._protocol == mqtt.MQTTv5)
            if taken is not None:
                with self._msgtime_mutex:
                    self._last_bytes_received = time.monotonic()  # paho's clock
                received(*taken)
                return mqtt.MQTTErrorCode.MQTT_ERR_SUCCESS
        return super()._packet_read()

    def _handle_on_message(self, message: mqtt.MQTTMessage) -> None:
        on_message = self.on_message
        if on_message is not None:
            with self._in_callback_mutex:
                on_message(self, self._userdata, message)

    def ack_all(self, mids: Sequence[int]) -> None:
        """Acknowledge QoS 1 messages: their PUBACK packets in one write."""
        if mids:
            packets = b"".join([_PUBACK.pack(0x40, 2, mid) for mid in mids])
            self._packet_queue(PUBACK, packets, 0, 0)


def message_of(topic: str, payload: bytes, received_at: datetime) -> Message | None:
    """The ingestion's message for an internal topic `linli/<key>/<kind>`, or None."""
    parts = topic.split("/", 2)
    if len(parts) != 3 or parts[0] != "linli" or not parts[1] or parts[2] not in KINDS:
        return None
    return Message(device=parts[1], kind=parts[2], payload=payload, received_at=received_at)


class Received(NamedTuple):  # (a tuple: made for every message, 3× cheaper than a dataclass)
    message: Message | None  # None: a topic the worker does not know (acknowledged, dropped)
    topic: str
    mid: int
    qos: int
    generation: int  # the connection it came on: acknowledgements go back on that one only


class Worker:
    """One ingestion worker; `run()` until `stop()` (from a signal handler or a test)."""

    def __init__(
        self,
        *,
        name: str,
        host: str,
        port: int,
        username: str,
        password: str,
        protocol: str = "5",
        batch: int = 500,
        wait: float = 0.05,
        topic: str = SHARED_TOPIC,
        leave: bool = False,
        pipeline: bool = False,
    ) -> None:
        self.name, self.host, self.port = name, host, port
        self.leave, self.pipeline = leave, pipeline
        self.batch, self.wait, self.topic = batch, wait, topic
        self.protocol = PROTOCOLS[protocol]
        self.retry = 1.0  # s: the first wait for a database that is away (doubling to 30)
        self.counts: Counter[str] = Counter()
        self.received = 0  # messages taken in (a test's figure: none twice, none lost)
        self.connected = threading.Event()
        self._inbox: queue.SimpleQueue[Received] = queue.SimpleQueue()  # (C: a put per message)
        self._stopping = threading.Event()
        self._generation = 0
        # The pipeline: a prepared batch for the writer thread (None: the writer ends).
        self._ready: queue.Queue[tuple[list[Received], Prepared | None] | None] = queue.Queue(1)
        self._writer: threading.Thread | None = None
        self._failed = threading.Event()  # the writer stopped before storing a batch
        self.client = _Client(
            CallbackAPIVersion.VERSION2,
            client_id=name,
            protocol=self.protocol,
            clean_session=None if self.protocol == mqtt.MQTTv5 else False,
            manual_ack=True,
        )
        self.client.username_pw_set(username, password or None)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_received = self._on_received

    # The network thread's callbacks.

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason.is_failure:
            log.error("broker %s:%s refused worker %s: %s", self.host, self.port, self.name, reason)
            return
        self._generation += 1
        client.subscribe(self.topic, qos=1)
        log.info("worker %s connected to %s:%s", self.name, self.host, self.port)
        self.connected.set()

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.DisconnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self.connected.clear()
        if not self._stopping.is_set():
            log.warning("worker %s lost the broker (%s): reconnecting", self.name, reason)

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        message = message_of(msg.topic, bytes(msg.payload), datetime.now(UTC))
        self._inbox.put(Received(message, msg.topic, msg.mid, msg.qos, self._generation))

    def _on_received(self, topic: bytes, mid: int, qos: int, payload: bytes) -> None:
        name = topic.decode("utf-8", "replace")
        message = message_of(name, payload, datetime.now(UTC))
        self._inbox.put(Received(message, name, mid, qos, self._generation))

    # The worker's own thread.

    def stop(self) -> None:
        """Finish the batch in hand, acknowledge it, disconnect."""
        self._stopping.set()

    def run(self) -> Counter[str]:
        """Connect, then ingest batch after batch until `stop()`; then, if it is to
        leave, leave the group for good (`depart`)."""
        self.start()
        if self.pipeline:
            self._writer = threading.Thread(target=self._write_all, name=f"{self.name}-writer")
            self._writer.start()
        try:
            while not self._stopping.is_set():
                self.step()
            if self.finish() and self.leave:
                self.depart()
        finally:
            self.finish()
            self.close()
            if not connection.in_atomic_block:  # this thread's, as the writer closes its own
                connection.close()
        return self.counts

    def depart(self, idle: float = 1.0) -> bool:
        """Leave the shared group for good (scaling down): unsubscribe, so that no new
        message is given to this worker; ingest what its session still holds until
        nothing has come for `idle` seconds; then end the session (MQTT 5: session
        expiry 0), so that the broker no longer keeps a share of the stream for it.
        A session is never ended with messages unacknowledged: False then."""
        if self.protocol != mqtt.MQTTv5:
            raise ValueError("leaving the group needs MQTT 5")
        if not self.connected.wait(30):
            log.error("worker %s: no broker to leave; session kept", self.name)
            return False
        self.client.unsubscribe(self.topic)
        quiet_until = time.monotonic() + idle
        while time.monotonic() < quiet_until:
            handled = self.step()
            if handled < 0:
                log.error("worker %s: could not store its last messages; session kept", self.name)
                return False
            if handled:
                quiet_until = time.monotonic() + idle
        properties = Properties(PacketTypes.DISCONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = 0
        self.client.disconnect(properties=properties)
        log.info("worker %s left the group", self.name)
        return True

    def start(self) -> None:
        """Connect (in the background: retried with backoff until the broker answers)."""
        properties = None
        if self.protocol == mqtt.MQTTv5:
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            properties.SessionExpiryInterval = SESSION_EXPIRY
            properties.ReceiveMaximum = min(max(2 * self.batch, 100), 65535)
        self.client.connect_async(
            self.host,
            self.port,
            keepalive=30,
            clean_start=False if self.protocol == mqtt.MQTTv5 else mqtt.MQTT_CLEAN_START_FIRST_ONLY,
            properties=properties,
        )
        self.client.loop_start()

    def step(self) -> int:
        """One batch (waiting up to 0.2 s for its first message): stored, then
        acknowledged; with the writer thread, prepared and handed to it. Returns the
        number of messages handled (-1: not stored, asked to stop while the database
        was away)."""
        if self._failed.is_set():
            return -1
        batch = self._collect()
        if not batch:
            return 0
        prepared = self._prepare(batch)
        if self._writer is None:
            return len(batch) if self._handle(batch, prepared) else -1
        while True:  # the writer holds the batch before: wait for it to take this one
            try:
                self._ready.put((batch, prepared), timeout=0.2)
                return len(batch)
            except queue.Full:
                if not self._writer.is_alive():  # not stored, not acknowledged: sent again
                    return -1

    def finish(self) -> bool:
        """End the writer thread once it has written (and acknowledged) the batches
        handed to it; then batches are stored in this thread. False if it could not
        store one (asked to stop while the database was away)."""
        writer, self._writer = self._writer, None
        if writer is not None:
            while writer.is_alive():
                try:
                    self._ready.put(None, timeout=0.2)
                    break
                except queue.Full:
                    continue
            writer.join()
        return not self._failed.is_set()

    def _write_all(self) -> None:
        """The writer thread: the prepared batches in order, each stored, then
        acknowledged; on its own database connection, closed at the end."""
        try:
            while (item := self._ready.get()) is not None:
                if not self._handle(*item):
                    self._failed.set()  # asked to stop while the database was away
                    return
        except BaseException:  # its batch not acknowledged: given again after the restart
            log.exception("worker %s: the writer failed; stopping", self.name)
            self._failed.set()
            self._stopping.set()
        finally:
            connection.close()

    def close(self) -> None:
        self._stopping.set()
        self.client.disconnect()
        self.client.loop_stop()

    def _collect(self) -> list[Received]:
        try:
            first = self._inbox.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.wait
        while len(batch) < self.batch:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                batch.append(self._inbox.get(timeout=left))
            except queue.Empty:
                break
        # Messages of a connection since lost come again on the new one.
        return [r for r in batch if r.generation == self._generation]

    def _prepare(self, batch: list[Received]) -> Prepared | None:
        """The batch parsed and checked; None if that failed (the database away, a
        message the ingestion cannot handle): then `_store` runs the whole path,
        with its retries and message by message."""
        messages = [r.message for r in batch if r.message is not None]
        if not messages:
            return None
        try:
            return prepare(messages)
        except (OperationalError, InterfaceError):
            if not connection.in_atomic_block:  # (in tests, the test's transaction)
                connection.close()
            return None
        except Exception:
            return None

    def _handle(self, batch: list[Received], prepared: Prepared | None = None) -> bool:
        for received in batch:
            if received.message is None:
                log.warning("worker %s: dropped a message on %s", self.name, received.topic)
                self.counts["unknown_topic"] += 1
        messages = [r.message for r in batch if r.message is not None]
        if messages and not self._store(messages, prepared):
            return False  # stopping before the database came back: nothing acknowledged
        self.received += len(batch)
        current = [r for r in batch if r.generation == self._generation]
        self.client.ack_all([r.mid for r in current if r.qos == 1])
        for received in current:
            if received.qos > 1:
                self.client.ack(received.mid, received.qos)
        return True

    def _store(self, messages: Sequence[Message], prepared: Prepared | None = None) -> bool:
        """Ingest the batch (`prepared`: already parsed and checked), waiting out a
        database that is away; False if asked to stop meanwhile. A message the
        ingestion fails on is dropped alone."""
        delay = self.retry
        while True:
            try:
                self.counts.update(write(prepared if prepared is not None else prepare(messages)))
                return True
            except (OperationalError, InterfaceError) as exc:  # the database is away
                prepared = None  # prepared again: its devices may have changed meanwhile
                log.error(
                    "worker %s: database unavailable (%s), retry in %.0fs", self.name, exc, delay
                )
                if not connection.in_atomic_block:  # (in tests, the test's transaction)
                    connection.close()
                if self._stopping.wait(delay):
                    return False
                delay = min(delay * 2, 30.0)
            except Exception as exc:  # a message the ingestion cannot handle: find it
                if len(messages) == 1:
                    log.error(
                        "worker %s: dropped a message of %s (%s): %s",
                        self.name,
                        messages[0].device,
                        messages[0].kind,
                        exc,
                    )
                    self.counts["failed"] += 1
                    return True
                return all(self._store([message]) for message in messages)
