"""Telemetry benchmark (issue 13), on PostgreSQL with Mosquitto and Linli's plugin:
devices' messages of 3 values → broker → `linli devices ingest` workers (real
processes) → rules → stored, against a raw batched insert of the same rows in the
same run; latency from publish to stored and to alarm; the offline sweep of 100,000
devices; no loss when the broker restarts or a worker is killed mid-stream.

    scripts/start-postgres
    .venv/bin/python bench/telemetry.py [--quick] [--devices 100000] [--history 10000000]

- setup: a database of its own (`linli_bench_telemetry`, dropped and created),
  migrated, the demo's regions and people; `--devices` devices (set-based INSERT …
  SELECT: a mix of profiles over the district's grids, each with its token's
  SHA-256) and `--history` telemetry rows over the last four weeks, generated in SQL
  into the monthly partitions, with latest values; then VACUUM ANALYZE. Timed.
- raw: the rows of a run (`--messages` × 3 values) inserted with the telemetry insert
  alone (`storage.telemetry_insert`: JSON rows, ON CONFLICT DO NOTHING; the
  ingestion's statement, `storage.telemetry_store`, adds the latest values), batches
  of `--batch` messages, one transaction each, in 1 and in 2 processes: no parsing,
  checks, rules, latest values or health. (Their times are an hour before the run's,
  so that the full path stores its own rows.)
- full path: `--publishers` processes each connecting `--per-publisher` devices
  (their own tokens, MQTT 3.1.1, QoS 1, a persistent session) publishing
  `{"ts", "values"}` of 3 values; N = 1 and 2 workers `linli devices ingest` (batch
  `--batch`, wait 0.05 s). Two ways: "backlog" (the messages queued at the broker
  for the workers' sessions first, then the workers started and timed until every
  row is stored: the ingestion's own rate) and "stream" (workers running, the
  publishers publishing as fast as they can: everything on the machine at once).
  CPU of the workers (user + system from /proc/<pid>/stat), and of Mosquitto, the
  publishers and the workers' PostgreSQL backends, over the timed part; and what
  the database's busy backends wait on, sampled every 50 ms (`pg_stat_activity`).
- latency: under a steady load (`--load` messages/s from the publishers), probe
  devices (smoke detectors) publish every second with `ts` = the publish time, one
  message in four `smoke` = 1 (the fire rule, BOOLEAN), the next 0 (cleared); a
  poller reads their latest values and the alarms every 5 ms (its own connection) and
  takes the time it first sees each: p50/p95 of publish → stored and → alarm.
- offline sweep: every device online, 85 % of them last seen days ago; the
  `devices-offline` task (`rules.sweep`) timed, then once more (steady state).
- loss: the broker restarted mid-stream (SIGTERM, persistence), and one of two
  workers SIGKILLed mid-stream and started again: rows published vs stored.

Results go to bench/results/telemetry-<date>.json and are summarised in
docs/performance.md. A benchmark, not a test: nothing here asserts.
"""

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# ruff: noqa: S105, S603, S607 (a bench-only password; fixed commands)

ROOT = Path(__file__).resolve().parents[1]
# Its own database (dropped and created); another name for a second bench on the same server.
DATABASE = os.environ.get("LINLI_BENCH_DATABASE", "linli_bench_telemetry")
URL = f"postgres://linli:linli@127.0.0.1:5432/{DATABASE}"
PASSWORD = "bench-worker-password-0123456789"
ENV = {
    "DJANGO_SETTINGS_MODULE": "linli.settings",
    "LINLI_SECRET_KEY": "bench-only",
    "LINLI_DATA_DIR": str(ROOT / "bench" / "tmp"),
    "LINLI_PII_KEYS": "bench:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "LINLI_PII_INDEX_KEY": "YmVuY2gtb25seS1ibGluZC1pbmRleC1rZXktMDAwMDA=",
    "LINLI_LOG_LEVEL": "WARNING",
    "LINLI_NOTIFY_SENDERS": "email",
    "DATABASE_URL": URL,
    "LINLI_MQTT_PASSWORD": PASSWORD,
    "LINLI_MQTT_CREDENTIALS_FILE": "",
    # A few thousand devices stand in for a city's 100,000: each publishes far more
    # often than a real one, so the per-device rate limit is lifted (as in the tests).
    "LINLI_DEVICE_MESSAGES_PER_MINUTE": "100000000",
    "LINLI_DEVICE_BURST": "100000000",
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT))

# Profiles whose messages carry 3 values, and the share of the publishing devices.
MIX = [("smoke", 4), ("temp-humidity", 3), ("co", 2), ("water-leak", 1)]
# All profiles in the registry (weights): detectors, meters, lamps…
REGISTRY_MIX = {
    "smoke": 30,
    "temp-humidity": 10,
    "co": 8,
    "water-leak": 6,
    "gas": 10,
    "door": 6,
}
TOPIC = "v1/devices/me/telemetry"
SPACING_MS = 1000  # a device's messages' times a second apart (the rate rule sees 0.6 °C/min)
TICK = os.sysconf("SC_CLK_TCK")


def token(device_id: int) -> str:
    return f"bench-token-{device_id:07d}-a1b2c3d4e5f6"


def values(profile: str, seq: int) -> dict[str, float]:
    """3 ordinary values (no rule fires: temperature moves 0.01 °C a message)."""
    wiggle = (seq % 3) / 100
    if profile == "smoke":
        return {"smoke": 0, "temperature": 22 + wiggle, "battery": 90}
    if profile == "temp-humidity":
        return {"temperature": 22 + wiggle, "humidity": 50 + wiggle, "battery": 90}
    if profile == "co":
        return {"co": seq % 5, "battery": 90, "signal": -70}
    return {"leak": 0, "battery": 90, "signal": -70}


def psql(sql: str, database: str = "linli") -> None:
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "linli", "-d", database, "-c", sql],
        env=dict(os.environ, PGPASSWORD="linli"),
        check=True,
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


# Publishers (forked processes; no database) ---------------------------------------


def publish(
    port: int,
    devices: list[tuple[int, str]],
    per_device: int,
    base_ms: int,
    go: Any,
    out: Any,
    rate: float = 0.0,
    stop: Any = None,
) -> None:
    """Connect `devices` (id, profile) with their tokens, wait for `go`, publish
    `per_device` messages each (ts = base_ms + seq seconds), QoS 1, at most 10 unacknowledged
    a device; reconnect after the broker goes away (the session resends). `rate`:
    messages a second in all (0: as fast as it goes; with `stop`, until it is set).
    One poll loop drives every connection (no thread per device)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    n = len(devices)
    acked = [0] * n
    connected = [False] * n
    clients = []
    for i, (device_id, _profile) in enumerate(devices):
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"bench-{device_id}",
            protocol=mqtt.MQTTv311,
            clean_session=False,
            userdata=i,
        )
        client.username_pw_set(token(device_id))
        client.max_inflight_messages_set(20)

        def on_publish(c: Any, i: int, mid: int, reason: Any, props: Any) -> None:
            acked[i] += 1

        def on_connect(c: Any, i: int, flags: Any, reason: Any, props: Any) -> None:
            connected[i] = not reason.is_failure

        def on_disconnect(c: Any, i: int, flags: Any, reason: Any, props: Any) -> None:
            connected[i] = False

        client.on_publish = on_publish
        client.on_connect = on_connect
        client.on_disconnect = on_disconnect
        client.connect("127.0.0.1", port, keepalive=120)
        clients.append(client)

    def pump(timeout_ms: int) -> None:
        poller = select.poll()
        by_fd = {}
        for client in clients:
            sock = client.socket()
            if sock is None:
                continue
            fd = sock.fileno()
            by_fd[fd] = client
            poller.register(fd, select.POLLIN | (select.POLLOUT if client.want_write() else 0))
        for fd, event in poller.poll(timeout_ms):
            client = by_fd[fd]
            if event & (select.POLLIN | select.POLLERR | select.POLLHUP):
                client.loop_read()
            if event & select.POLLOUT and client.socket() is not None:
                client.loop_write()

    def misc() -> None:
        for client in clients:
            if client.socket() is None:
                with contextlib.suppress(OSError):  # the broker is not back yet
                    client.reconnect()
            else:
                client.loop_misc()

    while not all(connected):
        pump(50)
    out.put(("ready", os.getpid()))
    go.wait()
    sent = [0] * n
    total = n * per_device
    started = time.monotonic()
    last_misc = started
    published = 0
    while True:
        now = time.monotonic()
        if stop is not None and stop.is_set():
            break
        if stop is None and sum(acked) >= total:
            break
        allowed = rate * (now - started) if rate else float("inf")
        for i, client in enumerate(clients):
            if published >= allowed:
                break
            if not connected[i] or sent[i] - acked[i] >= 10:
                continue
            if stop is None and sent[i] >= per_device:
                continue
            seq = sent[i]
            ts = base_ms + seq * SPACING_MS
            payload = json.dumps({"ts": ts, "values": values(devices[i][1], seq)})
            client.publish(TOPIC, payload, qos=1)
            sent[i] += 1
            published += 1
        pump(5 if rate else 1)
        if now - last_misc > 0.5:
            misc()
            last_misc = now
    # Everything published has been acknowledged by the broker (or we were stopped).
    deadline = time.monotonic() + 30
    while sum(acked) < sum(sent) and time.monotonic() < deadline:
        pump(10)
        misc()
    out.put(("done", os.getpid(), sum(sent), sum(acked), time.monotonic() - started))
    for client in clients:
        client.disconnect()


# The benchmark --------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.result: dict[str, Any] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="linli-bench-telemetry-"))
        self.run = 0
        self.bases = 0
        self.began_ms = int(time.time() * 1000)

    def base_ms(self) -> int:
        """A run's first time: 3 minutes after the last run's (a run's messages span
        at most `--messages` ÷ devices seconds), from 3 hours before the start: each
        run's rows its own, each newer than the last run's, none in the future."""
        self.bases += 1
        return self.began_ms - 3 * 3_600_000 + self.bases * 180_000

    # Setup

    def setup(self) -> None:
        from django.core.management import call_command
        from django.db import connection

        from linli.accounts import demo as accounts_demo
        from linli.devices import storage
        from linli.regions import demo as regions_demo

        a = self.args
        began = time.perf_counter()
        psql(f"DROP DATABASE IF EXISTS {DATABASE}")
        psql(f"CREATE DATABASE {DATABASE}")
        call_command("migrate", verbosity=0)
        import io

        sink = io.StringIO()
        regions_demo.seed(sink)
        accounts_demo.seed(sink)
        storage.telemetry_partitions()
        migrated = time.perf_counter() - began
        t = time.perf_counter()
        weights = []
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, code FROM devices_deviceprofile")
            ids = {code: pk for pk, code in cursor.fetchall()}
            for code, weight in REGISTRY_MIX.items():
                weights += [ids[code]] * weight
            cursor.execute("SELECT id FROM regions_region WHERE level = 'grid' ORDER BY id")
            grids = [pk for (pk,) in cursor.fetchall()]
            # The publishing devices come first (ids 1…): their profiles in MIX's shares.
            publishing = []
            for code, weight in MIX:
                publishing += [ids[code]] * weight
            head = a.publishers * a.per_publisher + a.probes
            cursor.execute(
                "INSERT INTO devices_device (id, key, name, profile_id, grid_id, token_hash,"
                " token_rotated_at, is_gateway, created_at, online, attributes)"
                " SELECT i, 'BENCH-' || lpad(i::text, 7, '0'), '压测设备 ' || i,"
                " CASE WHEN i <= %s THEN (%s::bigint[])[1 + i %% %s]"
                " ELSE (%s::bigint[])[1 + (i * 7919) %% %s] END,"
                " (%s::bigint[])[1 + i %% %s],"
                " encode(sha256(convert_to('bench-token-' || lpad(i::text, 7, '0')"
                " || '-a1b2c3d4e5f6', 'UTF8')), 'hex'),"
                " now() - interval '60 days', false, now() - interval '60 days', false, '{}'"
                " FROM generate_series(1, %s) AS i",
                [
                    head,
                    publishing,
                    len(publishing),
                    weights,
                    len(weights),
                    grids,
                    len(grids),
                    a.devices,
                ],
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('devices_device', 'id'), %s)", [a.devices]
            )
            devices_s = time.perf_counter() - t
            # History: each device's keys, `rounds` times over four weeks, ending 3 h 10
            # min ago, before the first run's rows (base_ms): so every run's values are
            # newer than the latest values, which they move, and the rules see them (a
            # value older than a key's latest is stored, not evaluated). In chunks of
            # 10,000 devices (one statement and commit each).
            cursor.execute(
                "SELECT count(*) FROM devices_device d JOIN devices_profilekey k"
                " ON k.profile_id = d.profile_id"
            )
            (series,) = cursor.fetchone()
            rounds = max(1, -(-a.history // series))  # at least --history rows
            t = time.perf_counter()
            for first in range(1, a.devices + 1, 10_000):
                cursor.execute(
                    "INSERT INTO devices_telemetry (device_id, key, ts, value)"
                    " SELECT d.id, k.key, now() - interval '3 hours 10 minutes'"
                    " - (g * interval '28 days' / %s) - (d.id %% 600) * interval '1 second',"
                    " COALESCE(k.minimum, 0)"
                    " + (COALESCE(k.maximum, 100) - COALESCE(k.minimum, 0))"
                    " * CASE WHEN k.type = 'boolean' THEN 0 ELSE 0.3 + 0.1 * random() END"
                    " FROM devices_device d JOIN devices_profilekey k"
                    " ON k.profile_id = d.profile_id CROSS JOIN generate_series(0, %s - 1) AS g"
                    " WHERE d.id >= %s AND d.id < %s",
                    [rounds, rounds, first, first + 10_000],
                )
                print(f"history: devices {first}… ", file=sys.stderr, end="\r", flush=True)
            history_s = time.perf_counter() - t
            t = time.perf_counter()
            cursor.execute(
                "INSERT INTO devices_latestvalue (device_id, key, ts, value)"
                " SELECT DISTINCT ON (device_id, key) device_id, key, ts, value"
                " FROM devices_telemetry ORDER BY device_id, key, ts DESC"
            )
            cursor.execute(
                "UPDATE devices_device d SET last_seen_at = v.ts, online = true,"
                " battery = 90, signal = -70"
                " FROM (SELECT device_id, max(ts) AS ts FROM devices_latestvalue"
                " GROUP BY device_id) v WHERE d.id = v.device_id"
            )
            latest_s = time.perf_counter() - t
            cursor.execute("SELECT count(*) FROM devices_telemetry")
            (rows,) = cursor.fetchone()
        t = time.perf_counter()
        connection.close()
        psql("VACUUM ANALYZE", DATABASE)
        vacuum_s = time.perf_counter() - t
        self.result["setup"] = {
            "devices": a.devices,
            "history_rows": rows,
            "history_rounds_per_key": rounds,
            "migrate_and_demo_regions_s": round(migrated, 1),
            "devices_s": round(devices_s, 1),
            "history_s": round(history_s, 1),
            "history_rows_per_s": round(rows / history_s),
            "latest_values_and_health_s": round(latest_s, 1),
            "vacuum_analyze_s": round(vacuum_s, 1),
            "total_s": round(time.perf_counter() - began, 1),
        }
        print(f"\nsetup: {self.result['setup']}", file=sys.stderr)

    def devices_for(self, first: int, count: int) -> list[tuple[int, str]]:
        from linli.devices.models import Device

        rows = Device.objects.filter(pk__gte=first, pk__lt=first + count).order_by("pk")
        return list(rows.values_list("pk", "profile__code"))

    # Broker and workers

    def broker(self) -> Any:
        from linli.devices.credentials import credentials_write
        from linli.devices.plugin import plugin_build
        from linli.devices.tests.brokers import Mosquitto

        self.run += 1
        directory = self.tmp / f"broker-{self.run}"
        directory.mkdir()
        plugin = self.tmp / "linli_plugin.so"
        if not plugin.exists():
            plugin_build(plugin)
        from django.conf import settings

        settings.LINLI_MQTT_PASSWORD = PASSWORD
        credentials_write(directory / "credentials")
        server = Mosquitto(
            shutil.which("mosquitto") or "/usr/sbin/mosquitto",
            plugin,
            directory,
            directory / "credentials",
        )
        server.start()
        return server

    def worker(self, server: Any, name: str, subscriptions: int = 1) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "linli", "devices", "ingest", "--name", name]
        command += ["--port", str(server.port), "--batch", str(self.args.batch)]
        command += ["--wait", "0.05"]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(os.environ, **ENV),
            stdout=subprocess.DEVNULL,
        )
        wanted = f"{name} 1 $share/linli/linli/#"
        deadline = time.monotonic() + 30
        while server.log().count(wanted) < subscriptions:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"worker {name} did not subscribe")
            time.sleep(0.05)
        return process

    def publishers(
        self,
        port: int,
        groups: list[list[tuple[int, str]]],
        per_device: int,
        base_ms: int,
        rate: float = 0.0,
        stop: Any = None,
    ) -> tuple[list[Any], Any, Any]:
        from django.db import connections

        connections.close_all()
        context = multiprocessing.get_context("fork")
        go, out = context.Event(), context.Queue()
        processes = []
        for devices in groups:
            process = context.Process(
                target=publish,
                args=(port, devices, per_device, base_ms, go, out, rate / len(groups), stop),
            )
            process.start()
            processes.append(process)
        for _ in groups:
            out.get(timeout=120)  # ("ready", pid): connected
        return processes, go, out

    def groups(self) -> list[list[tuple[int, str]]]:
        a = self.args
        return [
            self.devices_for(1 + p * a.per_publisher, a.per_publisher) for p in range(a.publishers)
        ]

    def stored(self, first: int, last: int, base_ms: int, span_ms: int) -> int:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM devices_telemetry WHERE device_id BETWEEN %s AND %s"
                " AND ts >= %s AND ts < %s",
                [
                    first,
                    last,
                    datetime.fromtimestamp(base_ms / 1000, UTC),
                    datetime.fromtimestamp((base_ms + span_ms) / 1000, UTC),
                ],
            )
            return int(cursor.fetchone()[0])

    def backends(self) -> list[int]:
        """The PostgreSQL backends of the workers (application name unset: every
        connection to the bench's database but this process's own)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [DATABASE],
            )
            return [pid for (pid,) in cursor.fetchall()]

    def wait_stored(self, expected: int, base_ms: int, per_device: int, timeout: float) -> None:
        """Return once `expected` rows are stored (or at `timeout`). Polled every 20 ms
        on the devices' latest values (a small index scan: every device's last
        message in), then on the messages' `battery` rows (every profile sends one; a
        batch stores a message's values in one transaction), on the primary key's
        index: about 40 ms. (Counting every row of the range, as `stored` does after
        the timed part, is a parallel scan of the month's partition: a second.)"""
        from django.db import connection

        a = self.args
        last = a.publishers * a.per_publisher
        final = datetime.fromtimestamp((base_ms + (per_device - 1) * SPACING_MS) / 1000, UTC)
        since = datetime.fromtimestamp(base_ms / 1000, UTC)
        until = datetime.fromtimestamp((base_ms + per_device * SPACING_MS) / 1000, UTC)
        ids = list(range(1, last + 1))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM devices_latestvalue WHERE device_id BETWEEN %s AND %s"
                    " AND key = 'battery' AND ts >= %s",
                    [1, last, final],
                )
                (finished,) = cursor.fetchone()
                if finished >= last:
                    cursor.execute(
                        "SELECT count(*) FROM devices_telemetry WHERE device_id = ANY(%s)"
                        " AND key = 'battery' AND ts >= %s AND ts < %s",
                        [ids, since, until],
                    )
                    if cursor.fetchone()[0] * 3 >= expected:
                        return
            time.sleep(0.02)

    # Raw baseline

    def raw(self, processes: int) -> dict[str, Any]:
        """The rows of a run through the ingestion's insert statement alone."""
        a = self.args
        devices = [d for group in self.groups() for d in group]
        # Hours before any run's rows (base_ms), each raw run its own.
        self.run += 1
        base = datetime.fromtimestamp(self.began_ms / 1000, UTC) - timedelta(hours=5 + self.run)
        rows = []
        for seq in range(a.messages // len(devices)):
            for device_id, profile in devices:
                ts = base + timedelta(milliseconds=seq * SPACING_MS)
                for key, value in values(profile, seq).items():
                    rows.append((device_id, key, ts, float(value), None))
        size = a.batch * 3
        batches = [rows[i : i + size] for i in range(0, len(rows), size)]
        from django.db import connections

        connections.close_all()
        context = multiprocessing.get_context("fork")
        out = context.Queue()
        began = time.perf_counter()
        children = [
            context.Process(target=_raw_part, args=(batches[p::processes], out))
            for p in range(processes)
        ]
        for child in children:
            child.start()
        parts = [out.get() for _ in children]
        cpu, backend_cpu = sum(c for c, _ in parts), sum(b for _, b in parts)
        for child in children:
            child.join()
        took = time.perf_counter() - began
        return {
            "processes": processes,
            "rows": len(rows),
            "batch_rows": size,
            "seconds": round(took, 2),
            "rows_per_s": round(len(rows) / took),
            "client_cpu_s": round(cpu, 2),
            "backend_cpu_s": round(backend_cpu, 2),
            # What a shared machine's load does not change: rows per CPU-second spent.
            "rows_per_cpu_s": round(len(rows) / (cpu + backend_cpu)),
        }

    # The full path

    def throughput(self, workers: int, mode: str) -> dict[str, Any]:
        a = self.args
        groups = self.groups()
        per_device = a.messages // sum(len(g) for g in groups)
        messages = per_device * sum(len(g) for g in groups)
        base_ms = self.base_ms()
        server = self.broker()
        names = [f"w{self.run}-{n}" for n in range(workers)]
        procs: list[subprocess.Popen[bytes]] = []
        if mode == "backlog":
            # Make the workers' sessions, then stop them: the broker queues for them.
            for name in names:
                procs.append(self.worker(server, name))
            for process in procs:
                process.send_signal(signal.SIGTERM)
                process.wait(30)
        else:
            for name in names:
                procs.append(self.worker(server, name))
        pubs, go, out = self.publishers(server.port, groups, per_device, base_ms)
        pub_pids = [p.pid for p in pubs]
        marks: dict[str, float] = {}
        if mode == "backlog":
            go.set()
            published = [out.get(timeout=600) for _ in pubs]
            marks["published_s"] = max(p[4] for p in published)
            procs = [self.worker(server, name, 2) for name in names]
        cpu0 = {
            "workers": [cpu_seconds(p.pid) for p in procs],
            "mosquitto": cpu_seconds(server.process.pid),
            "publishers": [cpu_seconds(pid) for pid in pub_pids],
        }
        backends = self.backends()
        cpu0["postgres"] = [cpu_seconds(pid) for pid in backends]
        sampler = Sampler()
        sampler.start()
        began = time.perf_counter()
        if mode == "stream":
            go.set()
        self.wait_stored(messages * 3, base_ms, per_device, 600)
        took = time.perf_counter() - began
        waits = sampler.finish()
        count = self.stored(1, a.publishers * a.per_publisher, base_ms, per_device * SPACING_MS)
        cpu = {
            "workers": round(sum(cpu_seconds(p.pid) for p in procs) - sum(cpu0["workers"]), 2),
            "mosquitto": round(cpu_seconds(server.process.pid) - cpu0["mosquitto"], 2),
            "publishers": round(
                sum(cpu_seconds(pid) for pid in pub_pids) - sum(cpu0["publishers"]), 2
            ),
            # Backends that connected during the run count whole.
            "postgres_backends": round(
                sum(cpu_seconds(pid) for pid in set(backends) | set(self.backends()))
                - sum(cpu0["postgres"]),
                2,
            ),
        }
        if mode == "stream":
            published = [out.get(timeout=600) for _ in pubs]
        for p in pubs:
            p.join(30)
        for process in procs:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        server.stop()
        result = {
            "mode": mode,
            "workers": workers,
            "devices": sum(len(g) for g in groups),
            "publishers": len(groups),
            "messages": messages,
            "rows_expected": messages * 3,
            "rows_stored": count,
            "seconds": round(took, 2),
            "messages_per_s": round(messages / took),
            "rows_per_s": round(count / took),
            "cpu_s": cpu,
            "messages_per_worker_cpu_s": round(messages / cpu["workers"])
            if cpu["workers"]
            else None,
            # The ingestion's CPU: its workers and their PostgreSQL backends.
            "rows_per_cpu_s": round(count / (cpu["workers"] + cpu["postgres_backends"]))
            if cpu["workers"]
            else None,
            "backend_samples": waits,
            **{k: round(v, 2) for k, v in marks.items()},
        }
        print(f"{mode} N={workers}: {result}", file=sys.stderr)
        return result

    # Latency

    def latency(self) -> dict[str, Any]:
        import paho.mqtt.client as mqtt
        import psycopg
        from paho.mqtt.enums import CallbackAPIVersion

        a = self.args
        server = self.broker()
        procs = [self.worker(server, f"l{n}") for n in range(2)]
        first = a.publishers * a.per_publisher + 1
        probes = [d for d in self.devices_for(first, a.probes * 4) if d[1] == "smoke"][: a.probes]
        clients = []
        for device_id, _ in probes:
            client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"probe-{device_id}")
            client.username_pw_set(token(device_id))
            client.connect("127.0.0.1", server.port)
            client.loop_start()
            clients.append(client)
        context = multiprocessing.get_context("fork")
        stop = context.Event()
        base_ms = self.base_ms()
        pubs, go, out = self.publishers(
            server.port, self.groups(), 10**9, base_ms, rate=a.load, stop=stop
        )
        go.set()
        time.sleep(2)  # the load settles
        ids = [d for d, _ in probes]
        published: dict[tuple[int, int], float] = {}  # (device, ts ms) → publish time
        alarms_sent: dict[tuple[int, int], float] = {}
        seen_stored: dict[tuple[int, int], float] = {}
        seen_alarm: dict[tuple[int, int], float] = {}
        done = threading.Event()
        polls = [0]

        def poller() -> None:
            with psycopg.connect(
                URL.replace("postgres://", "postgresql://"), autocommit=True
            ) as db:
                since = datetime.now(UTC)
                while not done.is_set():
                    rows = db.execute(
                        "SELECT device_id, ts FROM devices_latestvalue"
                        " WHERE device_id = ANY(%s) AND key = 'temperature'",
                        [ids],
                    ).fetchall()
                    now = time.time()
                    for device_id, ts in rows:
                        seen_stored.setdefault((device_id, round(ts.timestamp() * 1000)), now)
                    for device_id, started in db.execute(
                        "SELECT device_id, started_at FROM devices_alarm"
                        " WHERE device_id = ANY(%s) AND started_at >= %s",
                        [ids, since],
                    ).fetchall():
                        seen_alarm.setdefault((device_id, round(started.timestamp() * 1000)), now)
                    polls[0] += 1
                    time.sleep(0.005)

        thread = threading.Thread(target=poller)
        thread.start()
        began = time.time()
        n = 0
        alarm_next = {d: False for d in ids}
        while time.time() - began < a.latency_seconds:
            for i, client in enumerate(clients):
                device_id = ids[i]
                ts = int(time.time() * 1000)
                n += 1
                alarm = n % 4 == 0 and not alarm_next[device_id]
                smoke = 1 if alarm else 0
                alarm_next[device_id] = alarm
                payload = json.dumps(
                    {"ts": ts, "values": {"smoke": smoke, "temperature": 22.0, "battery": 90}}
                )
                client.publish(TOPIC, payload, qos=1)
                published[(device_id, ts)] = ts / 1000
                if alarm:
                    alarms_sent[(device_id, ts)] = ts / 1000
                time.sleep(1 / len(clients))
        time.sleep(3)
        done.set()
        thread.join()
        stop.set()
        loads = [out.get(timeout=60) for _ in pubs]
        for p in pubs:
            p.join(30)
        for client in clients:
            client.disconnect()
            client.loop_stop()
        for process in procs:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        server.stop()
        stored = sorted(seen_stored[k] - t for k, t in published.items() if k in seen_stored)
        alarms = sorted(seen_alarm[k] - t for k, t in alarms_sent.items() if k in seen_alarm)
        load_rate = sum(p[2] for p in loads) / max(p[4] for p in loads)

        def pct(xs: list[float], q: float) -> float | None:
            return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1) if xs else None

        result = {
            "workers": 2,
            "background_load_messages_per_s": round(load_rate),
            "probe_devices": len(ids),
            "probes_published": len(published),
            "probes_seen_stored": len(stored),
            "alarms_published": len(alarms_sent),
            "alarms_seen": len(alarms),
            "publish_to_stored_ms": {"p50": pct(stored, 0.5), "p95": pct(stored, 0.95)},
            "publish_to_alarm_ms": {"p50": pct(alarms, 0.5), "p95": pct(alarms, 0.95)},
            "poll_interval_ms": round(a.latency_seconds * 1000 / max(polls[0], 1), 1),
        }
        print(f"latency: {result}", file=sys.stderr)
        return result

    # Offline sweep

    def sweep(self) -> dict[str, Any]:
        from django.db import connection
        from django.utils import timezone

        from linli.devices import rules

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE devices_device SET online = true, last_seen_at = CASE WHEN id % 100 < 85"
                " THEN now() - interval '3 days' ELSE now() - interval '1 minute' END"
            )
        runs = []
        for _ in range(2):
            now = timezone.now()
            rules.book.refresh()
            t = time.perf_counter()
            offline = rules.offline_sweep(now)
            t_offline = time.perf_counter() - t
            no_data = rules.no_data_sweep(now)
            t_no_data = time.perf_counter() - t - t_offline
            held = rules.held_sweep(now)
            took = time.perf_counter() - t
            runs.append(
                {
                    "offline": offline,
                    "no_data_alarms": no_data,
                    "held": held,
                    "offline_s": round(t_offline, 3),
                    "no_data_s": round(t_no_data, 3),
                    "total_s": round(took, 3),
                }
            )
        result = {"devices": self.args.devices, "first": runs[0], "steady": runs[1]}
        print(f"sweep: {result}", file=sys.stderr)
        return result

    # Loss

    def loss(self, what: str) -> dict[str, Any]:
        a = self.args
        groups = self.groups()
        per_device = max(1, a.loss_messages // sum(len(g) for g in groups))
        messages = per_device * sum(len(g) for g in groups)
        base_ms = self.base_ms()
        server = self.broker()
        names = [f"k{self.run}-0", f"k{self.run}-1"]
        procs = [self.worker(server, name) for name in names]
        pubs, go, out = self.publishers(server.port, groups, per_device, base_ms)
        go.set()
        while (
            self.stored(1, a.publishers * a.per_publisher, base_ms, per_device * SPACING_MS)
            < messages
        ):
            time.sleep(0.05)  # a third of the rows in
            if (
                self.stored(1, a.publishers * a.per_publisher, base_ms, per_device * SPACING_MS)
                >= messages
            ):
                break
        at = self.stored(1, a.publishers * a.per_publisher, base_ms, per_device * SPACING_MS)
        if what == "broker restart":
            server.restart()
        else:
            procs[1].send_signal(signal.SIGKILL)
            procs[1].wait(10)
            time.sleep(1)
            procs[1] = self.worker(server, names[1], 2)
        published = [out.get(timeout=600) for _ in pubs]
        for p in pubs:
            p.join(30)
        self.wait_stored(messages * 3, base_ms, per_device, 180)
        time.sleep(1)
        count = self.stored(1, a.publishers * a.per_publisher, base_ms, per_device * SPACING_MS)
        for process in procs:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        server.stop()
        result = {
            "event": what,
            "workers": 2,
            "messages_published": sum(p[2] for p in published),
            "messages_acknowledged_by_broker": sum(p[3] for p in published),
            "rows_expected": messages * 3,
            "rows_stored_at_event": at,
            "rows_stored": count,
            "rows_lost": messages * 3 - count,
        }
        print(f"loss: {result}", file=sys.stderr)
        return result


class Sampler(threading.Thread):
    """What the bench database's busy backends are doing, every 50 ms
    (pg_stat_activity: on CPU, or waiting on a lock, I/O, the client…): samples of
    backend × state, to tell a worker waiting for another's row locks from one busy."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.counts: dict[str, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(URL.replace("postgres://", "postgresql://"), autocommit=True) as db:
            while not self.done.wait(0.05):
                for kind, event in db.execute(
                    "SELECT wait_event_type, wait_event FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid() AND state = 'active'",
                    [DATABASE],
                ).fetchall():
                    name = f"{kind}:{event}" if kind else "CPU"
                    self.counts[name] = self.counts.get(name, 0) + 1

    def finish(self) -> dict[str, int]:
        self.done.set()
        self.join()
        return dict(sorted(self.counts.items(), key=lambda item: -item[1]))


def _raw_part(batches: list[list[Any]], out: Any) -> None:
    import django
    from django.db import transaction

    django.setup()
    from django.db import connection

    from linli.devices import storage

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    backend_cpu = cpu_seconds(backend)
    started = time.process_time()
    for batch in batches:
        with transaction.atomic():
            storage.telemetry_insert(batch)
    out.put((time.process_time() - started, cpu_seconds(backend) - backend_cpu))


def machine() -> dict[str, Any]:
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    mosquitto = subprocess.run(
        [shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-h"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "mosquitto": mosquitto,
        "commit": commit,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=10_000_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--loss-messages", type=int, default=40_000)
    parser.add_argument("--publishers", type=int, default=4)
    parser.add_argument("--per-publisher", type=int, default=500)
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--load", type=float, default=1000, help="messages/s under the probes")
    parser.add_argument("--latency-seconds", type=float, default=30)
    parser.add_argument("--runs", type=int, default=3, help="repeats of the throughput runs")
    args = parser.parse_args()
    if args.quick:
        args.devices, args.history, args.messages, args.loss_messages = (
            5_000,
            200_000,
            10_000,
            4_000,
        )
        args.per_publisher, args.publishers, args.latency_seconds = 100, 2, 8
    import django

    django.setup()
    bench = Bench(args)
    started = datetime.now(UTC)
    bench.setup()
    result: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "backend": "postgres",
        "quick": args.quick,
        "parameters": {k: v for k, v in vars(args).items() if k not in ("quick",)},
        "setup": bench.result["setup"],
    }
    result["raw"] = [bench.raw(1), bench.raw(2)]
    print(f"raw: {result['raw']}", file=sys.stderr)
    runs: dict[str, list[dict[str, Any]]] = {}
    for _ in range(args.runs):
        for mode in ("backlog", "stream"):
            for workers in (1, 2):
                runs.setdefault(f"{mode} N={workers}", []).append(bench.throughput(workers, mode))
    result["full_path"] = runs
    raw1 = result["raw"][0]["rows_per_s"]
    result["summary"] = {
        name: {
            "messages_per_s_median": statistics.median(r["messages_per_s"] for r in rs),
            "messages_per_worker_cpu_s_median": statistics.median(
                r["messages_per_worker_cpu_s"] or 0 for r in rs
            ),
            "rows_per_s_median": statistics.median(r["rows_per_s"] for r in rs),
            "rows_vs_raw_1_process": round(
                statistics.median(r["rows_per_s"] for r in rs) / raw1, 2
            ),
            "rows_vs_raw_2_processes": round(
                statistics.median(r["rows_per_s"] for r in rs) / result["raw"][1]["rows_per_s"], 2
            ),
            "rows_per_cpu_s_median": statistics.median(r["rows_per_cpu_s"] or 0 for r in rs),
            "rows_per_cpu_s_vs_raw_1_process": round(
                statistics.median(r["rows_per_cpu_s"] or 0 for r in rs)
                / result["raw"][0]["rows_per_cpu_s"],
                2,
            ),
        }
        for name, rs in runs.items()
    }
    result["latency"] = bench.latency()
    result["loss"] = [bench.loss("broker restart"), bench.loss("worker SIGKILL")]
    result["offline_sweep"] = bench.sweep()
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    name = f"telemetry-{started:%Y-%m-%d}{'-quick' if args.quick else ''}"
    out = ROOT / "bench" / "results" / f"{name}.json"
    if out.exists():  # earlier results are kept: a later run of the day by its start time
        out = out.with_name(f"{name}-{started:%H%M}.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(f"written {out}", file=sys.stderr)
    shutil.rmtree(bench.tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
