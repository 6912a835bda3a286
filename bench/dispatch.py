"""Dispatch benchmark (issue 16, item 10), on PostgreSQL with Mosquitto and Linli's
plugin, as bench/telemetry.py runs them (its broker, workers and publishers are
reused): with `--buttons` call buttons connected and sending heartbeats, a press of a
red button → broker → `linli devices ingest` worker → rule → alarm → case → call →
live channel (`dispatch.calls`, table transport) → a dispatcher's board, open in an
ASGI server (gunicorn + uvicorn, 2 workers), fetches itself again and shows the call.

    scripts/start-postgres
    .venv/bin/python bench/dispatch.py [--buttons 10000] [--presses 30] [--load 170]

- setup: a database of its own (`linli_bench_dispatch`, dropped and created),
  migrated, the demo's regions and people; `--buttons` call buttons (set-based
  INSERT … SELECT over the district's grids, each with its token's SHA-256) and
  `--presses` probe buttons, each at the home of an elder living alone in 车站社区
  (made through the services), so each press is a new alarm, case and call.
- load: `--publishers` processes connect the buttons (MQTT 3.1.1, QoS 1) and send
  heartbeats (`emergency` 0, `service` 0, battery, signal) at `--load` messages/s in
  all (a heartbeat a minute per button at the default: 60 times the profile's hourly).
- the dispatcher: one signed-in district administrator follows
  `/live/stream?channel=dispatch.calls` (server-sent events); for each message naming
  a call it fetches the board (`GET /dispatch/`, the htmx partial the page fetches)
  until the call's row is in it, and takes that time.
- presses: every `--gap` seconds a probe publishes `emergency` 1 with `ts` = now; the
  latency is publish → the board's answer showing the call (p50/p95/max), and, from
  a poller on the database every 10 ms, publish → the call's row committed.
- `--keep`: the database of the last setup again (its calls deleted, alarms cleared).
- the machine's load average before and after (other work shares it).

Results go to bench/results/dispatch-<date>.json and docs/performance.md. A
benchmark, not a test: nothing here asserts.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# ruff: noqa: S603 (fixed commands)

os.environ.setdefault("LINLI_BENCH_DATABASE", "linli_bench_dispatch")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import telemetry

ROOT = telemetry.ROOT
DATABASE = telemetry.DATABASE
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
COMMUNITY = "370306001001"  # 车站社区


def heartbeat(profile: str, seq: int) -> dict[str, float]:
    """A call button's heartbeat: no key pressed."""
    return {"emergency": 0, "service": 0, "battery": 90 - seq % 2, "signal": -70}


def ms(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000),
        "max_ms": round(ordered[-1] * 1000),
    }


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def setup(args: argparse.Namespace) -> dict[str, Any]:
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from linli.accounts import demo as accounts_demo
    from linli.accounts.models import RoleGrant, User
    from linli.core.permissions import Role
    from linli.devices import storage
    from linli.devices.models import DeviceProfile
    from linli.devices.services import device_provision
    from linli.regions import demo as regions_demo
    from linli.regions.models import Region
    from linli.registry import services as registry
    from linli.registry.idnumber import make_id_number

    began = time.perf_counter()
    telemetry.psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    telemetry.psql(f"CREATE DATABASE {DATABASE}")
    call_command("migrate", verbosity=0)
    sink = io.StringIO()
    regions_demo.seed(sink)
    accounts_demo.seed(sink)
    storage.telemetry_partitions()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM devices_deviceprofile WHERE code = 'call-button'")
        (profile,) = cursor.fetchone()
        cursor.execute("SELECT id FROM regions_region WHERE level = 'grid' ORDER BY id")
        grids = [pk for (pk,) in cursor.fetchall()]
        cursor.execute(
            "INSERT INTO devices_device (id, key, name, profile_id, grid_id, token_hash,"
            " token_rotated_at, is_gateway, created_at, online, attributes)"
            " SELECT i, 'BENCH-' || lpad(i::text, 7, '0'), '一键呼叫器 ' || i, %s,"
            " (%s::bigint[])[1 + i %% %s],"
            " encode(sha256(convert_to('bench-token-' || lpad(i::text, 7, '0')"
            " || '-a1b2c3d4e5f6', 'UTF8')), 'hex'),"
            " now() - interval '60 days', false, now() - interval '60 days', false, '{}'"
            " FROM generate_series(1, %s) AS i",
            [profile, grids, len(grids), args.buttons],
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('devices_device', 'id'), %s)", [args.buttons]
        )
    community = Region.objects.get(code=COMMUNITY)
    grid = Region.objects.filter(parent=community, level="grid").order_by("path").first()
    assert grid is not None
    building = registry.building_create(
        grid=grid, name="8号楼", address="正阳路8号", floors=6, units=2, by=None
    )
    call_button = DeviceProfile.objects.get(code="call-button")
    probes = []
    for i in range(args.presses):
        house = registry.house_create(
            building=building, floor=1 + i // 10, number=f"{101 + i}", by=None
        )
        household = registry.household_create(house=house, by=None)
        born = datetime(1940 + i % 15, 3, 1 + i % 27).date()
        registry.resident_move_in(
            household=household,
            name=f"压测老人{i + 1}",
            relation="head",
            id_number=make_id_number("370306", born, i + 1, "female"),
            by=None,
        )
        device, token = device_provision(
            grid=grid, profile=call_button, key=f"PROBE-{i + 1:03d}", name=f"探针呼叫器 {i + 1}",
            house=house, by=None,
        )  # fmt: skip
        probes.append((device.pk, token))
    dispatcher = User.objects.create_user(
        "bench.dispatcher", "bench-Password-123", full_name="调度员"
    )
    RoleGrant.objects.create(
        user=dispatcher, role=Role.DISTRICT_ADMIN, region=Region.objects.get(code="370306000000")
    )
    client = Client()
    client.force_login(dispatcher)
    cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    connection.close()
    telemetry.psql("VACUUM ANALYZE", DATABASE)
    return {
        "buttons": args.buttons,
        "probes": len(probes),
        "setup_s": round(time.perf_counter() - began, 1),
        "_probes": probes,
        "_cookie": cookie,
    }


def start_worker(server: Any, name: str, batch: int) -> subprocess.Popen[bytes]:
    """`linli devices ingest`, as bench/telemetry.py starts it, given two minutes to
    subscribe (a loaded machine starts Django slowly)."""
    command = [sys.executable, "-m", "linli", "devices", "ingest", "--name", name]
    command += ["--port", str(server.port), "--batch", str(batch), "--wait", "0.05"]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while f"{name} 1 $share/linli/linli/#" not in server.log():
        if time.monotonic() > deadline or process.poll() is not None:
            process.terminate()
            raise RuntimeError(f"worker {name} did not subscribe")
        time.sleep(0.1)
    return process


def publishers(port: int, groups: list[Any], base_ms: int, rate: float, stop: Any) -> Any:
    """bench/telemetry.py's publishers (forked, no database), waited for until every
    button is connected (10,000 connections take minutes on a loaded machine)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    go, out = context.Event(), context.Queue()
    processes = []
    for devices in groups:
        process = context.Process(
            target=telemetry.publish,
            args=(port, devices, 0, base_ms, go, out, rate / len(groups), stop),
        )
        process.start()
        processes.append(process)
    for _ in groups:
        out.get(timeout=1800)  # ("ready", pid): connected
    return processes, go, out


def reset() -> None:
    """For a kept database: the earlier runs' calls gone, their alarms cleared (so each
    press is a new alarm again)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dispatch_callstep")
        cursor.execute("DELETE FROM dispatch_returnvisit")
        cursor.execute("DELETE FROM dispatch_call")
        cursor.execute("UPDATE devices_alarm SET cleared_at = now() WHERE cleared_at IS NULL")
    connection.close()


def wait_http(port: int, deadline: float = 90) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                if s.recv(100).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not start")


class Dispatcher(threading.Thread):
    """The board, live: on each message naming a call, fetch the board until it
    shows that call; record the time."""

    def __init__(self, port: int, cookie: str) -> None:
        super().__init__(daemon=True)
        self.port, self.cookie = port, cookie
        self.shown: dict[int, float] = {}
        self.fetches: list[float] = []
        self.ready = threading.Event()
        self.stop = threading.Event()

    def board_shows(self, call: int) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        start = time.perf_counter()
        connection.request(
            "GET",
            "/dispatch/",
            headers={"Cookie": self.cookie, "HX-Request": "true", "Accept-Language": "zh-CN"},
        )
        body = connection.getresponse().read()
        self.fetches.append(time.perf_counter() - start)
        connection.close()
        return f'data-testid="call-{call}"'.encode() in body

    def run(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.sendall(
            (
                "GET /live/stream?channel=dispatch.calls HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {self.cookie}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        sock.settimeout(0.5)
        buffer = b""
        while not self.stop.is_set():
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                break
            buffer += chunk
            if b"event: hello" in buffer:
                self.ready.set()
            for found in re.finditer(rb'"call": (\d+)\}', buffer):
                call = int(found.group(1))
                if call in self.shown:
                    continue
                while not self.board_shows(call):
                    time.sleep(0.01)
                self.shown[call] = time.time()
            buffer = buffer[-100:]
        sock.close()


class Rows(threading.Thread):
    """A poller on the database: when each probe's call row is first seen."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.seen: dict[int, float] = {}  # device id → time
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection

        while not self.stop.is_set():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT a.device_id, c.id FROM dispatch_call c"
                    " JOIN devices_alarm a ON a.id = c.alarm_id"
                )
                now = time.time()
                for device, _call in cursor.fetchall():
                    self.seen.setdefault(device, now)
            time.sleep(0.01)
        connection.close()


def run(args: argparse.Namespace, made: dict[str, Any]) -> dict[str, Any]:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from linli.dispatch.models import Call

    bench = telemetry.Bench(args)
    server = bench.broker()
    workers: list[Any] = []
    port = _free_port()
    web = subprocess.Popen(
        [GUNICORN, "linli.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--graceful-timeout", "3",
         "--log-level", "warning"],
        env=dict(os.environ, LINLI_DB_CONN_MAX_AGE="0"), cwd=ROOT,
    )  # fmt: skip
    telemetry.values = heartbeat  # the forked publishers send heartbeats
    stop = None
    processes: list[Any] = []
    probes: list[Any] = []
    dispatcher = rows = None
    result: dict[str, Any] = {}
    try:
        for i in range(args.workers):
            workers.append(start_worker(server, f"w{i}", args.batch))
        wait_http(port)
        import multiprocessing

        stop = multiprocessing.get_context("fork").Event()
        ids = list(range(1, args.buttons + 1))
        groups = [
            [(pk, "call-button") for pk in ids[i :: args.publishers]]
            for i in range(args.publishers)
        ]
        t = time.monotonic()
        processes, go, out = publishers(server.port, groups, bench.base_ms(), args.load, stop)
        result["connect_s"] = round(time.monotonic() - t, 1)
        go.set()
        for device_id, token in made["_probes"]:
            client = mqtt.Client(
                CallbackAPIVersion.VERSION2, client_id=f"probe-{device_id}", protocol=mqtt.MQTTv311
            )
            client.username_pw_set(token)
            client.connect("127.0.0.1", server.port, keepalive=120)
            client.loop_start()
            probes.append((device_id, client))
        dispatcher = Dispatcher(port, made["_cookie"])
        dispatcher.start()
        if not dispatcher.ready.wait(30):
            raise RuntimeError("the live stream did not open")
        rows = Rows()
        rows.start()
        time.sleep(args.warmup)
        result["load_average_before"] = loadavg()
        pressed: dict[int, float] = {}
        for device_id, client in probes:
            at = time.time()
            pressed[device_id] = at
            payload = {"ts": int(at * 1000), "values": {"emergency": 1}}
            client.publish(telemetry.TOPIC, json.dumps(payload), qos=1)
            time.sleep(args.gap)
        deadline = time.monotonic() + 30
        calls = {}
        while time.monotonic() < deadline:
            calls = dict(Call.objects.values_list("alarm__device_id", "pk"))
            if all(d in calls and calls[d] in dispatcher.shown for d in pressed):
                break
            time.sleep(0.2)
        result["load_average_after"] = loadavg()
        to_board = [
            dispatcher.shown[calls[d]] - at
            for d, at in pressed.items()
            if calls.get(d) in dispatcher.shown
        ]
        to_row = [rows.seen[d] - at for d, at in pressed.items() if d in rows.seen]
        board = ms(to_board)
        result.update(
            presses=len(pressed),
            shown=len(to_board),
            press_to_board=board,
            press_to_call_row=ms(to_row),
            board_fetch=ms(dispatcher.fetches),
            meets_p95_2s=len(to_board) == len(pressed) and board.get("p95_ms", 10**9) <= 2000,
        )
        stop.set()
        done = [out.get(timeout=60) for _ in processes]
        result["heartbeats"] = {
            "published": sum(m[2] for m in done if m[0] == "done"),
            "acknowledged": sum(m[3] for m in done if m[0] == "done"),
            "rate_per_s": args.load,
        }
        return result
    finally:
        if stop is not None:
            stop.set()
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()
        for _device, client in probes:
            client.loop_stop()
            client.disconnect()
        if dispatcher is not None:
            dispatcher.stop.set()
        if rows is not None:
            rows.stop.set()
        web.terminate()
        web.wait(timeout=30)
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
        server.stop()
        shutil.rmtree(bench.tmp, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buttons", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--gap", type=float, default=2.0, help="seconds between presses")
    parser.add_argument("--load", type=float, default=170, help="heartbeats/s in all")
    parser.add_argument("--publishers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--keep", action="store_true", help="reuse the last setup's database")
    args = parser.parse_args()
    import django

    django.setup()
    started = datetime.now(UTC)
    saved = ROOT / "bench" / "tmp" / "dispatch-setup.json"
    if args.keep and saved.exists():
        made = json.loads(saved.read_text())
        reset()
    else:
        made = setup(args)
        saved.parent.mkdir(exist_ok=True)
        saved.write_text(json.dumps(made))
    result: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "machine": telemetry.machine(),
        "backend": "postgres",
        "live_transport": "table",
        "parameters": vars(args),
        "setup": {k: v for k, v in made.items() if not k.startswith("_")},
    }
    result["run"] = run(args, made)
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    name = f"dispatch-{started:%Y-%m-%d}"
    out = ROOT / "bench" / "results" / f"{name}.json"
    if out.exists():
        out = out.with_name(f"{name}-{started:%H%M}.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(f"written {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
