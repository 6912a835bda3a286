"""Registry benchmark (issue 3): query latency at 10k / 100k / 1M residents, and the
seeding rate against a raw bulk insert of the same rows, on SQLite and PostgreSQL.

    .venv/bin/python bench/registry.py [--sizes 10000,100000,1000000] [--backends sqlite,postgres]
        [--requests 200] [--rounds 3]

For each backend, one database grows through the sizes (`linli seed demo
--residents N` adds what is missing). After each step:

- seeding: the rows the step added (buildings, houses, households, residents,
  labels) per second, and, as the baseline measured in the same run, the same
  rows copied with a raw `executemany` INSERT into scratch tables of the same
  shape (columns and indexes);
- latency: gunicorn (as in `make demo`) serves the console to a community worker
  (车站社区, user `chezhan`) over HTTP on loopback; for each query the median
  (p50) and p95 of `--requests` sequential requests after a warm-up: the first
  page of the residents list, a search by name prefix, a lookup by ID number
  (the page the search form's POST redirects to: the list filtered by the
  number's blind index), and a household's page. The four are measured in turn,
  `--rounds` times, and each figure is the median over the rounds (every round's
  is kept): the machine has slow spells of some seconds, and rounds spread them
  over the queries instead of charging them to whichever was being measured.

Results go to bench/results/registry-<date>.json and are summarised for
docs/performance.md. This is a benchmark, not a test: nothing here asserts.
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

# ruff: noqa: S106, S603 (fixed bench-only credentials; commands built here, no user input)

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "tmp"
LINLI = str(ROOT / ".venv" / "bin" / "linli")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_ADMIN_URL = "postgres://linli:linli@127.0.0.1:5432/linli"
PG_BENCH_DB = "linli_bench"
TABLES = [
    "registry_building",
    "registry_house",
    "registry_household",
    "registry_resident",
    "registry_residentlabel",
]
USER, PASSWORD = "chezhan", "Linli-demo-2026"
COMMUNITY = "370306001001"

# The baseline both benchmarks measure against, run inside `linli shell`: the same
# rows copied with a raw `executemany` INSERT, in one transaction, into a scratch
# table of the same shape (columns, indexes, foreign keys). Returns the seconds taken.
RAW_COPY = """
import time
from django.db import connection, transaction
def raw_copy(c, table, rows, columns):
    scratch = "bench_raw_" + table
    c.execute(f"DROP TABLE IF EXISTS {scratch}")
    if connection.vendor == "postgresql":
        c.execute(f"CREATE TABLE {scratch} (LIKE {table} INCLUDING ALL)")
        c.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                  "WHERE conrelid = %s::regclass AND contype = 'f'", [table])
        for (definition,) in c.fetchall():
            c.execute(f"ALTER TABLE {scratch} ADD {definition}")
    else:  # the same table and indexes, under other names
        c.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                  "ORDER BY type DESC", [table])
        for (ddl,) in c.fetchall():
            for old, new in ((f'"{table}"', f'"{scratch}"'), ('INDEX "', 'INDEX "bench_raw_')):
                ddl = ddl.replace(old, new)
            c.execute(ddl)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {scratch} ({', '.join(columns)}) VALUES ({marks})"
    start = time.perf_counter()
    with transaction.atomic():
        for i in range(0, len(rows), 2000):
            c.executemany(sql, rows[i:i + 2000])
    seconds = time.perf_counter() - start
    c.execute(f"DROP TABLE {scratch}")
    return seconds
"""

SEED_SNIPPET = """
import json, sys, time
from django.db import connection
from linli.core.crypto import blind_index
from linli.registry import demo
from linli.registry.models import Resident
tables = {tables!r}
def maxima():
    with connection.cursor() as c:
        out = {{}}
        for t in tables:
            c.execute(f"SELECT COALESCE(MAX(id), 0) FROM {{t}}")
            out[t] = c.fetchone()[0]
        return out
before = maxima()
start = time.perf_counter()
demo.seed(sys.stderr, residents={size})
seconds = time.perf_counter() - start
after = maxima()
rows = 0
raw_seconds = 0.0
with connection.cursor() as c:
    for t in tables:
        c.execute(f"SELECT * FROM {{t}} WHERE id > %s AND id <= %s", [before[t], after[t]])
        data = c.fetchall()
        rows += len(data)
        columns = [col[0] for col in c.description]
        raw_seconds += raw_copy(c, t, data, columns)
r = Resident.objects.filter(grid__path__startswith="{community}", status="living").order_by("pk")
sample = r.select_related("household").first()
print(json.dumps({{"rows": rows, "seconds": seconds, "raw_seconds": raw_seconds,
                  "residents": Resident.objects.count(),
                  "id_index": blind_index(sample.id_number, Resident.ID_NUMBER_CONTEXT),
                  "household": sample.household_id}}))
"""


def env_for(backend: str) -> dict:
    env = dict(os.environ)
    env.update(
        LINLI_SECRET_KEY="bench-only",
        LINLI_DATA_DIR=str(WORK),
        LINLI_PII_KEYS="bench:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        LINLI_PII_INDEX_KEY="YmVuY2gtb25seS1ibGluZC1pbmRleC1rZXktMDAwMDA=",
        LINLI_MANIFEST_STATIC="1",
        LINLI_LOG_LEVEL="WARNING",
    )
    if backend == "postgres":
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_BENCH_DB
    else:
        env["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
    return env


def run(args: list[str], env: dict, **kwargs) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise RuntimeError(f"{args[:3]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def fresh_database(backend: str, env: dict) -> None:
    if backend == "postgres":
        admin = dict(env, PGPASSWORD="linli")
        for sql in (f"DROP DATABASE IF EXISTS {PG_BENCH_DB}", f"CREATE DATABASE {PG_BENCH_DB}"):
            run(["psql", "-q", "-h", "127.0.0.1", "-U", "linli", "-d", "linli", "-c", sql], admin)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{WORK / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    run([LINLI, "migrate", "--noinput", "-v0"], env)
    run([LINLI, "seed", "demo", "--residents", "0"], env)  # regions, grids, demo users
    run([LINLI, "collectstatic", "--noinput", "-v0"], env)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A keep-alive HTTP client with a session cookie, timing each request."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "zh-CN",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.connection.port}/"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, text

    def login(self) -> None:
        _status, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            urlencode({"csrfmiddlewaretoken": token, "username": USER, "password": PASSWORD}),
        )
        assert status == 302, f"login failed with {status}"

    def timed(self, path: str, count: int, warmup: int = 10) -> dict:
        for _ in range(warmup):
            self.request("GET", path)
        samples = []
        for _ in range(count):
            start = time.perf_counter()
            status, _ = self.request("GET", path)
            samples.append((time.perf_counter() - start) * 1000)
            assert status == 200, f"{path} answered {status}"
        samples.sort()
        return {
            "p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        }


def median_of_rounds(rounds: list[dict]) -> dict:
    """Each query's p50 and p95 as the median over the rounds, with every round's."""
    return {
        query: {
            "p50_ms": round(statistics.median(r[query]["p50_ms"] for r in rounds), 2),
            "p95_ms": round(statistics.median(r[query]["p95_ms"] for r in rounds), 2),
            "rounds": [r[query] for r in rounds],
        }
        for query in rounds[0]
    }


def measure_http(env: dict, sample: dict, requests: int, rounds: int) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            "linli.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=dict(env, LINLI_ALLOWED_HOSTS="127.0.0.1"),
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        client = Client(port)
        client.login()
        paths = {
            "first_list_page": "/registry/",
            "name_prefix_search": "/registry/?" + urlencode({"q": "王"}),
            "id_number_lookup": "/registry/?" + urlencode({"id_index": sample["id_index"]}),
            "household_detail": f"/registry/households/{sample['household']}/",
        }
        return median_of_rounds(
            [
                {query: client.timed(path, requests) for query, path in paths.items()}
                for _ in range(rounds)
            ]
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        },
        "runs": [],
    }
    for backend in args.backends.split(","):
        env = env_for(backend)
        fresh_database(backend, env)
        for size in [int(s) for s in args.sizes.split(",")]:
            snippet = RAW_COPY + SEED_SNIPPET.format(tables=TABLES, size=size, community=COMMUNITY)
            out = run([LINLI, "shell", "-c", snippet], env)
            seeded = json.loads(out.strip().splitlines()[-1])
            run_result = {
                "backend": backend,
                "residents": seeded["residents"],
                "seed_rows": seeded["rows"],
                "seed_rows_per_s": round(seeded["rows"] / seeded["seconds"]),
                "raw_insert_rows_per_s": round(seeded["rows"] / seeded["raw_seconds"]),
            }
            run_result["seed_vs_raw"] = round(
                run_result["seed_rows_per_s"] / run_result["raw_insert_rows_per_s"], 2
            )
            run_result["latency"] = measure_http(env, seeded, args.requests, args.rounds)
            results["runs"].append(run_result)
            print(json.dumps(run_result, ensure_ascii=False), flush=True)
    out_file = ROOT / "bench" / "results" / f"registry-{results['date'][:10]}.json"
    out_file.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(f"written {out_file}")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
