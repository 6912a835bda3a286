"""Notices and screens benchmark (issue 14, deliverable 9), on PostgreSQL: publishing
a notice to an audience of 1,000,000 residents and the read-receipts bookkeeping
(target < 1 s), 1,000 connected screens receiving an alert (target p95 < 2 s on
2 cores), and the display screen's page.

    scripts/start-postgres
    .venv/bin/python bench/notices.py [--residents 1000000] [--keep] [--parts notices,live]
        [--repeat 20] [--clients 1000] [--rounds 5] [--requests 200]

- setup (part `notices`): a database of its own (`LINLI_BENCH_DATABASE`, default
  `linli_bench_notices`; dropped and created unless `--keep` finds it seeded), migrated,
  `linli seed demo --residents N` (the registry's residents and every app's demo,
  which ends with VACUUM ANALYZE). Timed.
- notices (in this process, the Django API as the views call it): a district-wide
  notice of 周村区 (everyone living there: the audience is the whole registry) and one
  for the label 60岁以上老人 (a derived label: its condition on the birth date) are
  published; then, `--repeat` times in turn: the baseline — a plain `SELECT count(*)`
  of the same living residents (the district's grids) in the same run —, the audience
  count (`audience.audience_residents(notice).count()`) of each, the read receipts
  (`selectors.receipts`: totals, by building, by label, as the receipts page shows),
  a resident's notice list (`selectors.notices_for`, the first 20, the demo resident
  `jumin`), and publishing (`services.notice_approve` on a notice made and submitted
  just before, untimed: the service call end to end with its commit). p50/p95 each.
  Publishing enqueues a task that counts the audience once and keeps the figures on
  the notice for its receipts; the bench runs that work itself for its two notices
  (`count_audience_task`, timed: it is a worker's, not a person's wait).
- live (part `live`; needs the screens app: the channel `screens`, a screen's token
  as its scope): a database of its own (`LINLI_BENCH_LIVE_DATABASE`, default
  `linli_bench_screens`) with the demo (20,000 residents) and `--clients` display
  screens registered over 周村区's communities; gunicorn with uvicorn workers as
  scripts/demo-serve runs it (2 workers); one client process (asyncio, raw sockets)
  holds one `/live/stream?channel=screens` per screen, each with its screen's token
  cookie, and notes when each stream's hello and each message arrive; another process
  (`--role issuer`) issues a CAP alert over 周村区 (`alerts.services.alert_issue`)
  `--rounds` times, 5 s apart, after a first one (the issuing process's first: cold
  imports and caches; kept apart as `cold_round`). Per round: how many streams got
  the message and the latency from the start of the service call to each arrival
  (p50/p95/max), pooled over the rounds; and the service call's own time (its
  subscribers run after its commit, inside the call: the screens' nudge among them).
  Both transports: the table poller (no `LINLI_REDIS_URL`), and
  Redis (a `redis-server` of our own on a free port).
- screen page (with the streams still open, table transport): `--requests`
  sequential requests each of a screen's page (`/screen/`), its content fragment
  (`/screen/content/`) and the same with `If-None-Match` (304), p50/p95.
- load: the machine's load average every 5 s through the run (other work shares the
  2 cores), kept with the results.

Results go to bench/results/notices-<date>.json and are summarised in
docs/performance.md. A benchmark, not a test: nothing here asserts.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
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

# ruff: noqa: S603, S607, S608 (fixed commands; SQL of constants)

ROOT = Path(__file__).resolve().parents[1]
LINLI = str(ROOT / ".venv" / "bin" / "linli")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATABASE = os.environ.get("LINLI_BENCH_DATABASE", "linli_bench_notices")
LIVE_DATABASE = os.environ.get("LINLI_BENCH_LIVE_DATABASE", "linli_bench_screens")
SERVER = "postgres://linli:linli@127.0.0.1:5432/"
ENV = {
    "DJANGO_SETTINGS_MODULE": "linli.settings",
    "LINLI_SECRET_KEY": "bench-only",
    "LINLI_DATA_DIR": str(ROOT / "bench" / "tmp"),
    "LINLI_PII_KEYS": "bench:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "LINLI_PII_INDEX_KEY": "YmVuY2gtb25seS1ibGluZC1pbmRleC1rZXktMDAwMDA=",
    "LINLI_MANIFEST_STATIC": "1",
    "LINLI_LOG_LEVEL": "WARNING",
    "LINLI_NOTIFY_SENDERS": "email",
}
DISTRICT = "370306000000"  # 周村区
STORM = {
    "zh-CN": {
        "event": "暴雨黄色预警",
        "headline": "周村区暴雨黄色预警（压测）",
        "description": "预计6小时内降雨量将达50毫米以上。",
        "instruction": "请避开低洼地带，就近前往避难场所。",
    }
}
TOKENS = ROOT / "bench" / "tmp" / "notices-screen-tokens.json"


def env_for(database: str, **extra: str) -> dict[str, str]:
    return dict(os.environ, **ENV, DATABASE_URL=SERVER + database, **extra)


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"{args[:4]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def psql(sql: str, database: str = "linli") -> str:
    return run(
        ["psql", "-qAt", "-h", "127.0.0.1", "-U", "linli", "-d", database, "-c", sql],
        dict(os.environ, PGPASSWORD="linli"),
    )


def ms(values: list[float]) -> dict[str, Any]:
    """p50, p95 and max of seconds, in ms."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Load:
    """The load average every 5 s, in a thread, while the bench runs."""

    def __init__(self) -> None:
        self.samples: list[tuple[str, float, float, float]] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
            stamp = datetime.now(UTC).strftime("%H:%M:%S")
            self.samples.append((stamp, float(one), float(five), float(fifteen)))
            self.done.wait(5)

    def stop(self) -> list[tuple[str, float, float, float]]:
        self.done.set()
        self.thread.join()
        return self.samples


def database_exists(name: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip() == "1"


def fresh(database: str, residents: int) -> dict[str, float]:
    """Drop, create, migrate and seed `database`; the seconds each took."""
    env = env_for(database)
    psql(f"DROP DATABASE IF EXISTS {database}")
    psql(f"CREATE DATABASE {database}")
    times = {}
    start = time.perf_counter()
    run([LINLI, "migrate", "--noinput", "-v0"], env)
    times["migrate_s"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    run([LINLI, "seed", "demo", "--residents", str(residents)], env)
    times["seed_s"] = round(time.perf_counter() - start, 1)
    run([LINLI, "collectstatic", "--noinput", "-v0"], env)
    return times


# Part 1: notices on 1M residents (in this process) ------------------------------------


def notices_part(args: argparse.Namespace) -> dict[str, Any]:
    setup: dict[str, Any] = {"database": DATABASE}
    if args.keep and database_exists(DATABASE):
        setup["kept"] = True
    else:
        setup.update(fresh(DATABASE, args.residents))
    os.environ.update(env_for(DATABASE))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from linli.accounts.models import User
    from linli.notices import audience, selectors, services
    from linli.notices.models import Notice, Topic
    from linli.regions.models import Region
    from linli.registry.models import Label

    district = Region.objects.get(code=DISTRICT)
    author = User.objects.get(username="zhoucun")
    approver = User.objects.get(username="admin")
    reader = User.objects.get(username="jumin")
    topic = Topic.objects.get(code="government")
    elderly = Label.objects.get(code="elderly")

    counting: list[float] = []

    def published(title: str, **fields: Any) -> Notice:
        notice = services.notice_create(
            region=district, title=title, body="<p>压测通知正文。</p>", topic=topic,
            by=author, **fields,
        )  # fmt: skip
        services.notice_submit(notice=notice, by=author)
        notice = services.notice_approve(notice=notice, by=approver)
        # what the task enqueued by publishing does (in a worker, after commit): the
        # audience counted once and kept on the notice for its receipts
        start = time.perf_counter()
        services.notice_count_audience(notice=notice)
        counting.append(time.perf_counter() - start)
        return notice

    everyone = published("压测：全区居民通知")
    elders = published("压测：60岁以上老人通知", labels=[elderly])
    baseline_sql = (
        "SELECT count(*) FROM registry_resident WHERE status = 'living' AND grid_id IN "
        "(SELECT id FROM regions_region WHERE path LIKE %s)"
    )

    def baseline() -> int:
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql, [district.path + "%"])
            found: int = cursor.fetchone()[0]
            return found

    def publish() -> None:
        notice = services.notice_create(
            region=district, title="压测：发布", body="<p>压测。</p>", topic=topic, by=author
        )
        services.notice_submit(notice=notice, by=author)
        start = time.perf_counter()
        services.notice_approve(notice=notice, by=approver)
        timings["publish"].append(time.perf_counter() - start)

    measures = {
        "baseline_count": baseline,
        "audience_count_everyone": lambda: audience.audience_residents(everyone).count(),
        "audience_count_elderly": lambda: audience.audience_residents(elders).count(),
        "receipts_everyone": lambda: selectors.receipts(notice=everyone),
        "receipts_elderly": lambda: selectors.receipts(notice=elders),
        "resident_list": lambda: list(selectors.notices_for(user=reader)[:20]),
    }
    timings: dict[str, list[float]] = {name: [] for name in [*measures, "publish"]}
    figures = {
        "living_residents": baseline(),
        "audience_everyone": audience.audience_residents(everyone).count(),
        "audience_elderly": audience.audience_residents(elders).count(),
        "receipts_everyone_buildings": len(selectors.receipts(notice=everyone).buildings),
    }
    for _ in range(args.repeat):
        for name, call in measures.items():
            start = time.perf_counter()
            call()
            timings[name].append(time.perf_counter() - start)
        publish()
    timings["count_audience_task"] = counting
    results = {name: ms(values) for name, values in timings.items()}
    base = results["baseline_count"]["p50_ms"]
    for result in results.values():
        result["p50_vs_baseline"] = round(result["p50_ms"] / base, 1) if base else None
    return {"setup": setup, "figures": figures, "timings": results}


# Part 2: 1,000 screens on the live stream ---------------------------------------------


def live_setup(clients: int) -> dict[str, Any]:
    """(In a subprocess on the live database.) Register `clients` screens over the
    district's communities; their tokens to TOKENS."""
    import django

    django.setup()
    from linli.regions.models import Region
    from linli.screens import services
    from linli.screens.models import Screen

    communities = list(
        Region.objects.filter(level="community", path__startswith=DISTRICT[:6]).order_by("path")
    )
    Screen.objects.filter(name__startswith="压测屏").delete()
    tokens = []
    for i in range(clients):
        _screen, token = services.screen_register(
            kind="screen", name=f"压测屏{i:04d}", region=communities[i % len(communities)], by=None
        )
        tokens.append(token)
    TOKENS.write_text(json.dumps(tokens))
    return {"screens": clients, "communities": min(clients, len(communities))}


def issuer() -> None:
    """(A subprocess on the live database.) For each line on stdin, issue an alert over
    the district; print the wall-clock times the service call started and returned."""
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from linli.alerts.services import alert_create, alert_issue
    from linli.regions.models import Region

    district = Region.objects.get(code=DISTRICT)
    print("ready", flush=True)
    for _line in sys.stdin:
        alert = alert_create(
            region=district, area_desc="周村区", texts=STORM, category="Met",
            urgency="Expected", severity="Moderate", certainty="Likely",
            expires=timezone.now() + timedelta(hours=1), by=None,
        )  # fmt: skip
        start = time.time()
        alert_issue(alert=alert, by=None)
        print(json.dumps([start, time.time()]), flush=True)


async def _stream(port: int, token: str, i: int, ready: Any, arrivals: Any, width: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            "GET /live/stream?channel=screens HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: linli_screen={token}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    seen = 0
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            break
        now = time.time()
        if b"event: hello" in chunk:
            ready[i] = 1
        for marker in (b"event: message", b"event: reset"):
            for _ in range(chunk.count(marker)):
                if seen < width:
                    arrivals[i * width + seen] = now
                seen += 1


def clients_process(port: int, tokens: list[str], ready: Any, arrivals: Any, width: int) -> None:
    async def main() -> None:
        tasks = []
        for i, token in enumerate(tokens):
            tasks.append(asyncio.create_task(_stream(port, token, i, ready, arrivals, width)))
            if i % 50 == 49:
                await asyncio.sleep(0.05)
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())


def wait_http(port: int, deadline: float = 60) -> None:
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


def screen_page(port: int, token: str, requests: int) -> dict[str, Any]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"linli_screen={token}", "Accept-Language": "zh-CN"}
    out: dict[str, Any] = {}
    etag = ""
    for name, path, conditional in (
        ("page", "/screen/", False),
        ("content", "/screen/content/", False),
        ("content_304", "/screen/content/", True),
    ):
        times, statuses = [], set()
        for i in range(requests + 10):
            sent = dict(headers, **({"If-None-Match": etag} if conditional else {}))
            start = time.perf_counter()
            connection.request("GET", path, headers=sent)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            statuses.add(response.status)
            if path == "/screen/content/" and not conditional:
                etag = response.headers.get("ETag", "")
            if i >= 10:  # warm-up
                times.append(elapsed)
        out[name] = ms(times) | {"statuses": sorted(statuses)}
    return out


def live_run(args: argparse.Namespace, transport: str, tokens: list[str]) -> dict[str, Any]:
    extra = {"LINLI_DB_CONN_MAX_AGE": "0"}
    redis = None
    if transport == "redis":
        redis_port = free_port()
        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        extra["LINLI_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        time.sleep(0.5)
    env = env_for(LIVE_DATABASE, **extra)
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "linli.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--graceful-timeout", "3",
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    issuing = subprocess.Popen(
        [sys.executable, __file__, "--role", "issuer"],
        env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    width = args.rounds + 5
    ready = multiprocessing.Array("b", len(tokens), lock=False)
    arrivals = multiprocessing.Array("d", len(tokens) * width, lock=False)
    client = None
    try:
        wait_http(port)
        assert issuing.stdout is not None and issuing.stdin is not None
        issuing.stdout.readline()  # ready
        client = multiprocessing.Process(
            target=clients_process, args=(port, tokens, ready, arrivals, width)
        )
        client.start()
        start = time.monotonic()
        while sum(ready) < len(tokens) and time.monotonic() - start < 120:
            time.sleep(0.2)
        connected = sum(ready)
        connect_s = round(time.monotonic() - start, 1)
        time.sleep(2)
        rounds, latencies, issue_calls = [], [], []
        for r in range(args.rounds + 1):  # round 0: the issuing process's first alert (cold)
            issuing.stdin.write("go\n")
            issuing.stdin.flush()
            called, returned = json.loads(issuing.stdout.readline())
            time.sleep(5)
            got = [
                arrivals[i * width + r] - called
                for i in range(len(tokens))
                if arrivals[i * width + r] > 0
            ]
            rounds.append({"received": len(got), "issue_call_ms": round((returned - called) * 1000)}
                          | ms(got))  # fmt: skip
            if r:
                latencies += got
                issue_calls.append(returned - called)
        result: dict[str, Any] = {
            "transport": transport,
            "clients": len(tokens),
            "connected": connected,
            "connect_s": connect_s,
            "received": len(latencies),
            "expected": len(tokens) * args.rounds,
            "cold_round": rounds.pop(0),
            "latency_from_issue_call": ms(latencies),
            "issue_call": ms(issue_calls),
            "rounds": rounds,
        }
        if transport == "table":
            result["screen_page_with_streams_open"] = screen_page(port, tokens[0], args.requests)
        return result
    finally:
        if client is not None:
            client.terminate()
            client.join()
        issuing.terminate()
        server.terminate()
        server.wait(timeout=30)
        issuing.wait(timeout=10)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)


def live_part(args: argparse.Namespace) -> dict[str, Any]:
    screens = ROOT / "linli" / "screens" / "apps.py"
    if not screens.exists() or "live.register" not in screens.read_text():
        return {"left": "no screens app with a live channel in this checkout"}
    setup: dict[str, Any] = {"database": LIVE_DATABASE}
    if not (args.keep and database_exists(LIVE_DATABASE)):
        setup.update(fresh(LIVE_DATABASE, 20_000))
    setup.update(
        json.loads(
            run([sys.executable, __file__, "--role", "live-setup", "--clients", str(args.clients)],
                env_for(LIVE_DATABASE)).splitlines()[-1]
        )
    )  # fmt: skip
    tokens = json.loads(TOKENS.read_text())
    runs = [live_run(args, transport, tokens) for transport in ("table", "redis")]
    return {"setup": setup, "runs": runs}


def machine() -> dict[str, Any]:
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
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
        check=False,
    ).stdout.strip()  # fmt: skip
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": psql("SHOW server_version").strip(),
        "redis": shutil.which("redis-server") and run(["redis-server", "--version"], {}).split()[2],
        "commit": commit,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--role", choices=["bench", "issuer", "live-setup"], default="bench")
    parser.add_argument("--parts", default="notices,live")
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse a seeded database")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--out", default="", help="results file (default: by date)")
    args = parser.parse_args()
    if args.role == "issuer":
        sys.path.insert(0, str(ROOT))
        issuer()
        return
    if args.role == "live-setup":
        sys.path.insert(0, str(ROOT))
        print(json.dumps(live_setup(args.clients)))
        return
    load = Load()
    started = datetime.now(UTC)
    results: dict[str, Any] = {"date": started.isoformat(timespec="seconds"), "machine": machine()}
    parts = args.parts.split(",")
    try:
        if "live" in parts:  # first: the notices part sets Django up on its own database
            results["live"] = live_part(args)
        if "notices" in parts:
            results["notices"] = notices_part(args)
    finally:
        results["seconds"] = round((datetime.now(UTC) - started).total_seconds())
        results["load_average"] = load.stop()
        out = Path(args.out) if args.out else (
            ROOT / "bench" / "results" / f"notices-{started:%Y-%m-%d}.json"
        )  # fmt: skip
        out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
