"""Devices through a real Mosquitto with Linli's plugin, into the ingestion workers.

The workers run in the test's thread (`Worker.step`: the SQLite test database is
not shared between threads); the kill test runs one as a process, on PostgreSQL.
"""

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time

import paho.mqtt.client as mqtt
import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from paho.mqtt.enums import CallbackAPIVersion

from linli.devices import mqtt as worker_module
from linli.devices.credentials import credentials_write
from linli.devices.management.commands import devices as devices_command
from linli.devices.models import DeviceProfile, Telemetry
from linli.devices.mqtt import Worker
from linli.devices.services import device_provision, device_retire, profiles_ensure_defaults
from linli.devices.simulator import Simulator, read_tokens
from linli.devices.tests.brokers import (
    WORKER_PASSWORD,
    Mosquitto,
    device_client,
    mosquitto_or_skip,
    plugin_or_skip,
    wait_for,
)

NOT_AUTHORIZED = 135


@pytest.fixture(scope="session")
def plugin(tmp_path_factory):
    mosquitto_or_skip()
    return plugin_or_skip(tmp_path_factory.mktemp("plugin"))


@pytest.fixture
def broker(plugin, tmp_path, settings):
    binary = mosquitto_or_skip()
    # Streams of hundreds of messages a device: above a device's rate limit.
    settings.LINLI_DEVICE_MESSAGES_PER_MINUTE = settings.LINLI_DEVICE_BURST = 1_000_000
    settings.LINLI_MQTT_CREDENTIALS_FILE = str(tmp_path / "credentials")
    settings.LINLI_MQTT_PASSWORD = WORKER_PASSWORD
    credentials_write(tmp_path / "credentials")
    server = Mosquitto(binary, plugin, tmp_path, tmp_path / "credentials")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def devices(world, broker, django_capture_on_commit_callbacks):
    """Ten smoke detectors and a gateway, with their tokens (the credentials file
    rewritten by the services after their commits)."""
    profiles_ensure_defaults()
    smoke = DeviceProfile.objects.get(code="smoke")
    made = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            made.append(
                device_provision(
                    grid=world.a1, profile=smoke, key=f"YG-{n:04}", name="烟感", by=world.worker_a
                )
            )
        made.append(
            device_provision(
                grid=world.a1,
                profile=smoke,
                key="GW-1",
                name="网关",
                is_gateway=True,
                by=world.worker_a,
            )
        )
    return made


@pytest.fixture
def workers(broker, settings):
    started: list[Worker] = []

    def start(name: str = "w1", protocol: str = "5", batch: int = 200) -> Worker:
        worker = Worker(
            name=name,
            host="127.0.0.1",
            port=broker.port,
            username=settings.LINLI_MQTT_USERNAME,
            password=WORKER_PASSWORD,
            protocol=protocol,
            batch=batch,
            wait=0.02,
        )
        worker.start()
        wait_for(worker.connected.is_set, 10, f"worker {name} to connect")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.close()


def pump(workers, until, timeout=15.0):
    """Step the workers until `until()` holds."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "timed out: messages lost?"
        for worker in workers:
            worker.step()


def stored() -> int:
    return Telemetry.objects.filter(key="temperature").count()


def reading(n: int) -> bytes:
    now = int(time.time() * 1000)
    return json.dumps({"ts": now - 60_000 + n, "values": {"temperature": 20 + n % 7}}).encode()


def publish_all(clients, count, first=0):
    """`count` readings round the clients, QoS 1; the paho infos to wait on."""
    infos = []
    for n in range(first, first + count):
        client = clients[n % len(clients)]
        infos.append(client.publish("v1/devices/me/telemetry", reading(n), qos=1))
    return infos


def acks(client):
    """PUBACK reason codes by message id (MQTT 5)."""
    reasons: dict[int, int] = {}
    client.on_publish = lambda c, u, mid, reason, p: reasons.__setitem__(mid, reason.value)
    return reasons


@pytest.mark.django_db
def test_devices_publish_with_their_token_and_only_their_own_topics(
    devices, broker, workers, monkeypatch, django_capture_on_commit_callbacks
):
    seen: list = []
    real_prepare = worker_module.prepare
    monkeypatch.setattr(
        worker_module, "prepare", lambda messages: seen.extend(messages) or real_prepare(messages)
    )
    worker = workers()
    (first, first_token), (second, second_token) = devices[0], devices[1]
    gateway_token = devices[-1][1]

    # Unknown tokens, the worker's name without its password: refused at CONNECT.
    for token in ("no-such-token-000000", "linli-ingest"):
        client, reason = device_client(broker.port, token)
        assert reason.is_failure
        client.loop_stop()

    client, reason = device_client(broker.port, first_token)
    assert not reason.is_failure
    reasons = acks(client)
    # Its own attribute topic, as ThingsBoard firmware subscribes at start-up; never
    # the internal topics the workers read.
    granted = {}
    client.on_subscribe = lambda c, u, mid, codes, p: granted.__setitem__(mid, codes[0])
    _, ok_mid = client.subscribe("v1/devices/me/attributes", qos=1)
    _, internal_mid = client.subscribe("linli/#", qos=1)
    _, shared_mid = client.subscribe("$share/x/linli/#", qos=1)
    wait_for(lambda: len(granted) == 3, 5, "SUBACKs")
    assert not granted[ok_mid].is_failure
    assert granted[internal_mid].is_failure and granted[shared_mid].is_failure

    # Telemetry and attributes arrive under the device's key; another device's topic
    # or any other topic is refused.
    client.publish("v1/devices/me/telemetry", reading(1), qos=1).wait_for_publish(5)
    client.publish("v1/devices/me/attributes", b'{"firmware": "1.2"}', qos=1).wait_for_publish(5)
    spoof = client.publish(f"linli/{second.key}/telemetry", reading(2), qos=1)
    other = client.publish("v1/devices/YG-0001/telemetry", reading(3), qos=1)
    spoof.wait_for_publish(5)
    other.wait_for_publish(5)
    assert reasons[spoof.mid] == reasons[other.mid] == NOT_AUTHORIZED

    gateway, _ = device_client(broker.port, gateway_token, v5=False)
    payload = {first.key: [{"ts": int(time.time() * 1000), "values": {"temperature": 21}}]}
    gateway.publish("v1/gateway/telemetry", json.dumps(payload), qos=1).wait_for_publish(5)

    pump([worker], lambda: len(seen) >= 3)
    assert sorted((m.device, m.kind) for m in seen) == sorted(
        [(first.key, "attributes"), (first.key, "telemetry"), ("GW-1", "gateway/telemetry")]
    )
    assert Telemetry.objects.filter(device=first, key="temperature").exists()

    # Retired: the broker re-reads the file; the device may publish no more, nor
    # connect again.
    other_client, _ = device_client(broker.port, second_token)
    other_reasons = acks(other_client)
    with django_capture_on_commit_callbacks(execute=True):
        device_retire(device=second, by=None)

    def refused() -> bool:
        info = other_client.publish("v1/devices/me/telemetry", reading(4), qos=1)
        info.wait_for_publish(5)
        return other_reasons[info.mid] == NOT_AUTHORIZED

    wait_for(refused, 5, "the retired device's publish to be refused")
    again, reason = device_client(broker.port, second_token)
    assert reason.is_failure
    for c in (client, gateway, other_client, again):
        c.disconnect()
        c.loop_stop()


@pytest.mark.django_db
def test_a_worker_waits_out_the_database_and_drops_a_poisonous_message_alone(
    devices, broker, workers, monkeypatch, caplog
):
    real_prepare, real_write = worker_module.prepare, worker_module.write
    calls = []

    def poisoned(messages):
        if any(b"poison" in m.payload for m in messages):
            raise ValueError("cannot handle this one")
        return real_prepare(messages)

    def flaky(prepared):
        calls.append(prepared)
        if len(calls) <= 2:
            raise OperationalError("connection refused")
        return real_write(prepared)

    monkeypatch.setattr(worker_module, "prepare", poisoned)
    monkeypatch.setattr(worker_module, "write", flaky)
    worker = workers()
    worker.retry = 0.01
    client, _ = device_client(broker.port, devices[0][1])
    client.publish("v1/devices/me/telemetry", reading(1), qos=1).wait_for_publish(5)
    client.publish("v1/devices/me/telemetry", b'{"poison": 1}', qos=1).wait_for_publish(5)
    client.publish("v1/devices/me/telemetry", reading(2), qos=1).wait_for_publish(5)
    pump([worker], lambda: worker.received >= 3)
    assert stored() == 2 and worker.counts["failed"] == 1
    problems = [r for r in caplog.records if r.name == "linli.devices.mqtt" and r.levelno >= 40]
    assert [r.getMessage().split(":")[1].split("(")[0].strip() for r in problems] == [
        "database unavailable",
        "database unavailable",
        "dropped a message of YG-0000",
    ]
    assert all(r.exc_info is None for r in problems), "one line each, no stack trace"
    client.disconnect()
    client.loop_stop()


@pytest.mark.django_db
def test_two_workers_share_the_stream_none_lost_none_twice(devices, broker, workers):
    one, two = workers("w1"), workers("w2", protocol="3.1.1")
    clients = [device_client(broker.port, token, v5=False)[0] for _, token in devices[:10]]
    for info in publish_all(clients, 200):
        info.wait_for_publish(5)
    pump([one, two], lambda: one.received + two.received >= 200)
    assert one.received > 0 and two.received > 0
    assert one.received + two.received == 200 == stored()
    for client in clients:
        client.disconnect()
        client.loop_stop()


@pytest.mark.django_db
def test_a_worker_that_leaves_drains_its_share_and_is_given_no_more(devices, broker, workers):
    one, two = workers("w1"), workers("w2")
    clients = [device_client(broker.port, token, v5=False)[0] for _, token in devices[:10]]
    for info in publish_all(clients, 100):
        info.wait_for_publish(5)
    pump([one], lambda: one.received > 0)
    assert two.depart(idle=0.3)  # what the broker gave it, stored, then its session ended
    for info in publish_all(clients, 100, first=100):
        info.wait_for_publish(5)
    pump([one], lambda: stored() >= 200)
    assert two.received > 0 and one.received + two.received == 200 == stored()
    for client in clients:
        client.disconnect()
        client.loop_stop()


@pytest.mark.django_db
def test_no_message_lost_when_the_broker_restarts(devices, broker, workers):
    worker = workers("w1", batch=50)
    clients = [
        device_client(broker.port, token, client_id=device.key, v5=False, clean=False)[0]
        for device, token in devices[:10]
    ]
    for client in clients:
        client.reconnect_delay_set(1, 2)
    for info in publish_all(clients, 150):
        info.wait_for_publish(5)
    worker.step()  # some stored, some in flight or queued
    assert stored() < 150
    broker.restart()
    publish_all(clients, 150, first=150)  # kept by the devices until they reconnect
    pump([worker], lambda: stored() >= 300)
    assert stored() == 300
    for client in clients:
        client.disconnect()
        client.loop_stop()


@pytest.mark.postgresql(
    reason="Needs PostgreSQL: the writer thread has a connection of its own, and the "
    "SQLite test database lives in this thread's (run `make test-pg`)."
)
@pytest.mark.django_db(transaction=True)
def test_a_pipelined_worker_acknowledges_only_what_its_writer_committed(
    devices, broker, workers, settings, monkeypatch
):
    """The pipeline: batches prepared in the worker's thread, written and then
    acknowledged by its writer thread. The writer dies in its third batch: the
    worker stops, having acknowledged only the batches committed; the same worker
    name gets the rest again. None lost, none stored twice."""
    real_write, writes = worker_module.write, []
    writer_threads = set()

    def dying(prepared):
        writes.append(len(prepared.batch.rows))
        writer_threads.add(threading.current_thread().name)
        if len(writes) == 3:
            raise SystemExit("the writer dies mid-batch")
        return real_write(prepared)

    monkeypatch.setattr(worker_module, "write", dying)
    pipelined = Worker(
        name="w1",
        host="127.0.0.1",
        port=broker.port,
        username=settings.LINLI_MQTT_USERNAME,
        password=WORKER_PASSWORD,
        batch=50,
        wait=0.02,
        pipeline=True,
    )
    runner = threading.Thread(target=pipelined.run)
    runner.start()
    wait_for(pipelined.connected.is_set, 10, "the worker to connect")
    clients = []
    for _, token in devices[:10]:  # (once the broker has read the devices' tokens)
        client, reason = device_client(broker.port, token, v5=False)
        while reason.is_failure:
            client.loop_stop()
            time.sleep(0.1)
            client, reason = device_client(broker.port, token, v5=False)
        clients.append(client)
    for info in publish_all(clients, 300):
        info.wait_for_publish(5)
    runner.join(20)
    assert not runner.is_alive(), "a worker whose writer died stops"
    assert writer_threads == {"w1-writer"} and len(writes) == 3
    assert pipelined.received == stored() == sum(writes[:2]) > 0, "acknowledged = committed"

    monkeypatch.setattr(worker_module, "write", real_write)
    again = workers("w1")  # its session: what was not acknowledged comes again
    pump([again], lambda: stored() >= 300)
    assert stored() == 300 and pipelined.received + again.received == 300
    for client in clients:
        client.disconnect()
        client.loop_stop()


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.postgresql(
    reason="Needs PostgreSQL: the killed worker is another process, and the SQLite "
    "test database lives in this one's memory (run `make test-pg`)."
)
@pytest.mark.django_db(transaction=True)
def test_no_message_lost_when_a_worker_is_stopped_or_killed(devices, broker, workers):
    """`linli devices ingest` as a process: stopped by SIGTERM (it finishes its batch,
    acknowledges it and says so), then again killed by SIGKILL mid-stream; the same
    worker name picks up what was not acknowledged."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "LINLI_MQTT_PASSWORD": WORKER_PASSWORD,
        "LINLI_MQTT_CREDENTIALS_FILE": "",
        "LINLI_DEVICE_MESSAGES_PER_MINUTE": "1000000",
        "LINLI_DEVICE_BURST": "1000000",
    }
    command = [sys.executable, "-m", "linli", "devices", "ingest", "--name", "w1"]
    command += ["--port", str(broker.port), "--batch", "20", "--wait", "0.01"]
    clients = [device_client(broker.port, token, v5=False)[0] for _, token in devices[:10]]

    def start(subscriptions: int) -> subprocess.Popen:
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
        subscribed = "w1 1 $share/linli/linli/#"
        wait_for(lambda: broker.log().count(subscribed) >= subscriptions, 20, "the worker")
        return process

    first = start(1)
    try:
        for info in publish_all(clients, 200):
            info.wait_for_publish(5)
        wait_for(lambda: stored() > 0, 20, "the worker process to store some")
        first.send_signal(signal.SIGTERM)
        out, _ = first.communicate(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0 and "Worker w1 stopped:" in out
    after_first = stored()

    second = start(2)
    try:
        for info in publish_all(clients, 400, first=200):
            info.wait_for_publish(5)
        wait_for(lambda: stored() > after_first, 20, "the second worker process to store some")
        second.send_signal(signal.SIGKILL)
        second.wait(5)
    finally:
        if second.poll() is None:
            second.kill()
    assert stored() < 600, "killed mid-stream"
    worker = workers("w1")  # the same client id: its session, with what was not acknowledged
    pump([worker], lambda: stored() >= 600)
    assert stored() == 600
    for client in clients:
        client.disconnect()
        client.loop_stop()


@pytest.mark.django_db
def test_the_simulator_publishes_realistic_values_and_an_alarm_now_and_then(
    world, broker, workers, tmp_path, django_capture_on_commit_callbacks
):
    profiles_ensure_defaults()
    lines = []
    with django_capture_on_commit_callbacks(execute=True):
        for key, code in (("YG-1", "smoke"), ("DB-1", "electricity-meter"), ("DT-1", "elevator")):
            profile = DeviceProfile.objects.get(code=code)
            _, token = device_provision(
                grid=world.a1, profile=profile, key=key, name=key, by=world.worker_a
            )
            lines.append(f"{key}\t{token}\t{code}\n")
    tokens = tmp_path / "tokens.tsv"
    tokens.write_text("".join(lines))
    worker = workers()
    simulator = Simulator(
        read_tokens(tokens), host="127.0.0.1", port=broker.port, speed=3600, alarm_every=0.3, seed=1
    )
    runner = threading.Thread(target=simulator.run, kwargs={"duration": 1.5})
    runner.start()
    while runner.is_alive():
        worker.step()
    pump([worker], lambda: worker.received >= simulator.sent)

    energy = list(
        Telemetry.objects.filter(device__key="DB-1", key="energy")
        .order_by("ts")
        .values_list("value", flat=True)
    )
    assert len(energy) > 3 and energy == sorted(energy), "a meter counts up"
    floors = set(Telemetry.objects.filter(key="floor").values_list("value", flat=True))
    assert len(floors) > 1, "the elevator moves"
    alarms = Telemetry.objects.filter(key__in=["smoke", "trapped"], value=1)
    assert alarms.exists(), "an alarm now and then"
    assert Telemetry.objects.filter(key="smoke", value=0).exists()


class Listener:
    """A worker's connection that only notes which devices' messages arrive (no
    database: it runs in paho's thread while the command holds the test's)."""

    def __init__(self, port: int, username: str) -> None:
        self.seen: dict[str, int] = {}
        self.lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="listener")
        self.client.username_pw_set(username, WORKER_PASSWORD)
        subscribed = threading.Event()
        self.client.on_connect = lambda c, *_: c.subscribe("linli/#", qos=1)
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.on_message = self._message
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert subscribed.wait(10), "the listener could not subscribe"

    def _message(self, client, userdata, message) -> None:
        key = message.topic.split("/")[1]
        with self.lock:
            self.seen[key] = self.seen.get(key, 0) + 1

    def keys(self) -> set[str]:
        with self.lock:
            return set(self.seen)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def listener(broker, settings):
    heard = Listener(broker.port, settings.LINLI_MQTT_USERNAME)
    yield heard
    heard.close()


@pytest.fixture
def tokens_file(devices, tmp_path):
    path = tmp_path / "tokens.tsv"
    path.write_text("".join(f"{device.key}\t{token}\tsmoke\n" for device, token in devices))
    return path


@pytest.fixture
def own_signals():
    """The command installs its SIGTERM and SIGINT handlers in this process: put
    pytest's back afterwards."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def _simulate(broker, tokens_file, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "devices",
        "simulate",
        "--tokens", str(tokens_file),
        "--port", str(broker.port),
        "--speed", "7200",  # a smoke detector's hour in half a second
        "--alarm-every", "0",
        *extra,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


def _signal_when(
    condition, signum: int, sent: list[float], timeout: float = 20
) -> threading.Thread:
    """Send `signum` to this process once `condition()` holds (or after `timeout`, so
    that the command ends whatever happens: the test then fails on what it sees)."""

    def watch() -> None:
        try:
            wait_for(condition, timeout, "the simulated devices")
        finally:
            sent.append(time.monotonic())
            os.kill(os.getpid(), signum)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_the_simulator_stops_within_two_seconds_of_sigterm_or_ctrl_c(
    devices, broker, listener, tokens_file, own_signals, signum
):
    everyone = {device.key for device, _ in devices}
    sent: list[float] = []
    _signal_when(lambda: listener.keys() == everyone, signum, sent)

    out = _simulate(broker, tokens_file)

    stopped_in = time.monotonic() - sent[0]
    assert listener.keys() == everyone
    assert stopped_in < 2.0, f"stopped {stopped_in:.2f} s after the signal"
    assert out.startswith("Simulator stopped:")
    left = [t.name for t in threading.enumerate() if "paho-mqtt-client-sim-" in t.name]
    assert not left, left  # every device's network thread has ended


@pytest.mark.django_db
def test_a_part_of_the_simulation_connects_only_its_share_of_the_devices(
    devices, broker, listener, tokens_file
):
    """`--part K/N`: the K-th of the processes a large simulation is split into runs
    every N-th device from the K-th."""
    share = {device.key for device, _ in devices[1::3]}

    _simulate(broker, tokens_file, "--part", "1/3", "--duration", "1.5")

    assert listener.keys() == share


@pytest.mark.postgresql(
    reason="Needs PostgreSQL: the simulating processes read the profiles, and the SQLite "
    "test database lives in this one's memory (run `make test-pg`)."
)
@pytest.mark.django_db(transaction=True)
def test_more_devices_than_a_process_takes_run_in_several_processes_stopped_together(
    devices, broker, listener, tokens_file, own_signals, monkeypatch
):
    """Beyond `PER_PROCESS` devices (300: paho's select() takes no socket numbered
    1,024 or more), `simulate` starts processes that each run a share (`--part`), and
    passes SIGTERM on to them: each stops (its own handler: exit code 0, where an
    unhandled SIGTERM gives -15). How fast a simulator stops is the test above's; a
    process's exit adds its interpreter's teardown (seconds on a loaded machine)."""
    monkeypatch.setattr(devices_command, "PER_PROCESS", 4)  # 11 devices: 3 processes
    monkeypatch.setenv("DATABASE_URL", _database_url())
    children: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        children.append(real_popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(devices_command.subprocess, "Popen", popen)
    everyone = {device.key for device, _ in devices}
    sent: list[float] = []
    # Each process starts Django before its devices connect: slow on a busy machine.
    _signal_when(lambda: listener.keys() == everyone, signal.SIGTERM, sent, timeout=90)

    def reaper() -> None:  # a process the signal did not reach: killed, the test fails
        wait_for(lambda: sent, 120, "the signal")
        deadline = time.monotonic() + 60
        while any(child.poll() is None for child in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        for child in children:
            if child.poll() is None:
                child.kill()

    threading.Thread(target=reaper, daemon=True).start()

    _simulate(broker, tokens_file)

    assert listener.keys() == everyone, "every device, each in one of the processes"
    assert [child.args[-1] for child in children] == ["0/3", "1/3", "2/3"]
    assert [child.returncode for child in children] == [0, 0, 0]
