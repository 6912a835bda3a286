"""Service hall benchmark (issue 15, deliverable 8), on PostgreSQL: concurrent bookings
and application lifecycles.

    scripts/start-postgres
    .venv/bin/python bench/hall.py [--parts booking,lifecycle] [--bookings 200]
        [--slots 50] [--connections 50] [--rounds 3] [--lifecycles 200]
        [--history 1000000]

- setup: a database of its own (`LINLI_BENCH_HALL_DATABASE`, default
  `linli_bench_hall`; dropped and created), migrated; in this process the region tree
  of 周村区's 车站社区, a service centre open all week, its queue and window, and
  `--bookings` resident accounts.
- booking, per round and per shape, with fresh slots on a day of their own:
  - `slots`: `--slots` slots of one place each, `--bookings` ÷ `--slots` people
    wanting each one;
  - `places`: one slot of `--slots` places, all `--bookings` people wanting it.
  Every booking is `services.appointment_book` (the service the page and the API
  call, with its transaction and commit), all of them submitted at once to
  `--connections` threads, each with its own database connection, released together by
  a barrier; the people wanting the same slot are next to each other in the queue, so
  they race. PostgreSQL's `max_connections` (100) is shared with other work on this
  machine: hence a pool rather than one connection per booking. Counted: bookings
  made, refusals and their messages, any other error, the slots' `booked` counters and
  the appointments in the database afterwards (both must equal the places); the wall
  time of the round and each booking's time (p50/p95) for those booked and those
  refused.

- lifecycle (`--parts lifecycle`), in a database of its own (`<database>_life`): the
  test world's region tree and staff (linli/testing/world.py) and the 21 matters of
  the catalogue; then `--lifecycles` applications for 残疾人两项补贴 (steps 1 → (2 ∥ 2)
  → 3), each the whole way through the services the desk and the back office call:
  submit at the desk → accept → the first step → the two parallel steps → the join →
  decide → deliver by pickup code, one after another in this process, each service
  with its transaction and commit (and the notifications it enqueues). Measured on an
  empty database, then again after `--history` historic applications were added by
  SQL (delivered ones copied from a finished application, across the 21 matters, two
  years back, each with its own number and blind index; their steps and logs are
  not copied): lifecycles per second and each lifecycle's time (p50/p95).

Results go to bench/results/hall-<date>.json and are summarised in
docs/performance.md. A benchmark, not a test: nothing here asserts, but it reports
`exact: true` only when booked == places, refused == the rest and nothing else failed.
"""

import argparse
import json
import os
import platform
import queue
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# ruff: noqa: S603 (fixed commands)

ROOT = Path(__file__).resolve().parents[1]
LINLI = str(ROOT / ".venv" / "bin" / "linli")
DATABASE = os.environ.get("LINLI_BENCH_HALL_DATABASE", "linli_bench_hall")
SERVER = "postgres://linli:linli@127.0.0.1:5432/"
ENV = {
    "DJANGO_SETTINGS_MODULE": "linli.settings",
    "LINLI_SECRET_KEY": "bench-only",
    "LINLI_DATA_DIR": str(ROOT / "bench" / "tmp"),
    "LINLI_PII_KEYS": "bench:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "LINLI_PII_INDEX_KEY": "YmVuY2gtb25seS1ibGluZC1pbmRleC1rZXktMDAwMDA=",
    "LINLI_MANIFEST_STATIC": "0",
    "LINLI_LOG_LEVEL": "WARNING",
    "LINLI_DB_CONN_MAX_AGE": "0",
}
TREE = [
    {"code": "370300000000", "name": "淄博市", "level": "city", "parent": None},
    {"code": "370306000000", "name": "周村区", "level": "district", "parent": "370300000000"},
    {
        "code": "370306001000",
        "name": "丝绸路街道",
        "level": "subdistrict",
        "parent": "370306000000",
    },
    {
        "code": "370306001001",
        "name": "车站社区居委会",
        "level": "community",
        "parent": "370306001000",
        "urban": True,
    },
]


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"{args[:4]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def psql(sql: str) -> str:
    return run(
        ["psql", "-qAt", "-h", "127.0.0.1", "-U", "linli", "-d", "linli", "-c", sql],
        dict(os.environ, PGPASSWORD="linli"),
    )


def ms(values: list[float]) -> dict[str, Any]:
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


def setup() -> dict[str, Any]:
    started = time.perf_counter()
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    env = dict(os.environ, **ENV, DATABASE_URL=SERVER + DATABASE)
    run([LINLI, "migrate", "--no-input"], env)
    os.environ.update(env)
    import django

    django.setup()
    from datetime import time as clock

    from linli.accounts.models import User
    from linli.appointments import services
    from linli.regions.models import Region
    from linli.regions.services import regions_import

    regions_import(records=TREE)
    community = Region.objects.get(code="370306001001")
    centre = services.centre_create(
        region=community,
        name="车站社区党群服务中心",
        address="站北路6号",
        hours={d: (clock(0, 0), clock(23, 59)) for d in range(7)},
        by=None,
    )
    line = services.queue_create(centre=centre, letter="A", name="综合受理", by=None)
    window = services.window_create(centre=centre, number=1, name="综合", queues=[line], by=None)
    return {
        "setup_s": round(time.perf_counter() - started, 1),
        "window": window.pk,
        "queue": line.pk,
        "User": User,
    }


def make_people(count: int, round_: int) -> list[Any]:
    from linli.accounts.models import User

    return User.objects.bulk_create(
        User(username=f"bench{round_}-{n}", full_name=f"居民{n}") for n in range(count)
    )


def make_slots(window_pk: int, queue_pk: int, count: int, places: int, days: int) -> list[int]:
    from django.utils import timezone

    from linli.appointments.models import Slot, Window

    window = Window.objects.select_related("centre").get(pk=window_pk)
    day = timezone.localdate() + timedelta(days=days)
    start = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=8)
    slots = Slot.objects.bulk_create(
        Slot(
            centre=window.centre,
            window=window,
            queue_id=queue_pk,
            starts_at=start + timedelta(minutes=10 * n),
            ends_at=start + timedelta(minutes=10 * n + 10),
            capacity=places,
        )
        for n in range(count)
    )
    return [s.pk for s in slots]


def race(tasks: list[tuple[int, Any]], connections: int) -> dict[str, Any]:
    """Book every (slot, person) of `tasks` through `connections` threads, all let go
    at once; the outcome of each."""
    from django.core.exceptions import ValidationError
    from django.db import connections as dbs
    from django.utils import translation

    from linli.appointments import services
    from linli.appointments.models import Slot

    work: queue.Queue[tuple[int, Any]] = queue.Queue()
    for task in tasks:
        work.put(task)
    barrier = threading.Barrier(connections + 1)
    lock = threading.Lock()
    booked: list[float] = []
    refused: list[float] = []
    messages: dict[str, int] = {}
    errors: list[str] = []

    def worker() -> None:
        with translation.override("zh-hans"):
            Slot.objects.exists()  # open this thread's connection before the start
            barrier.wait()
            while True:
                try:
                    slot_pk, person = work.get_nowait()
                except queue.Empty:
                    break
                began = time.perf_counter()
                try:
                    services.appointment_book(
                        slot=Slot.objects.select_related("centre__region").get(pk=slot_pk),
                        by=person,
                    )
                except ValidationError as exc:
                    spent = time.perf_counter() - began
                    with lock:
                        refused.append(spent)
                        text = " ".join(exc.messages)
                        messages[text] = messages.get(text, 0) + 1
                except Exception as exc:
                    with lock:
                        errors.append(repr(exc)[:200])
                else:
                    spent = time.perf_counter() - began
                    with lock:
                        booked.append(spent)
        dbs.close_all()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "wall_s": round(wall, 3),
        "booked": len(booked),
        "refused": len(refused),
        "errors": errors,
        "refusal_messages": messages,
        "booked_ms": ms(booked),
        "refused_ms": ms(refused),
        "bookings_per_s": round(len(tasks) / wall, 1),
    }


def booking_part(args: argparse.Namespace) -> dict[str, Any]:
    prepared = setup()
    from django.db.models import Sum

    from linli.appointments.models import Appointment, Slot

    rounds = []
    for n in range(args.rounds):
        people = make_people(args.bookings, n)
        for shape in ("slots", "places"):
            count, places = (args.slots, 1) if shape == "slots" else (1, args.slots)
            slot_pks = make_slots(
                prepared["window"],
                prepared["queue"],
                count,
                places,
                days=1 + 2 * n + (shape == "places"),
            )
            per_slot = args.bookings // len(slot_pks)
            tasks = [
                (slot_pks[k // per_slot], person)
                for k, person in enumerate(people[: per_slot * len(slot_pks)])
            ]
            outcome = race(tasks, args.connections)
            counters = Slot.objects.filter(pk__in=slot_pks).aggregate(b=Sum("booked"))["b"]
            rows = Appointment.objects.filter(slot__in=slot_pks, state="booked").count()
            outcome.update(
                shape=shape,
                round=n,
                bookings=len(tasks),
                places=args.slots,
                counters_booked=counters,
                appointments_in_db=rows,
                exact=(
                    outcome["booked"] == args.slots == counters == rows
                    and outcome["refused"] == len(tasks) - args.slots
                    and not outcome["errors"]
                ),
            )
            print(json.dumps(outcome, ensure_ascii=False), flush=True)
            rounds.append(outcome)
    return {"setup_s": prepared["setup_s"], "rounds": rounds}


def lifecycle_setup() -> dict[str, Any]:
    """The lifecycle part's database: the test world and the catalogue."""
    started = time.perf_counter()
    name = f"{DATABASE}_life"
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")
    env = dict(os.environ, **ENV, DATABASE_URL=SERVER + name)
    run([LINLI, "migrate", "--no-input"], env)
    os.environ.update(env)
    import django
    from django.apps import apps
    from django.db import connections

    if apps.ready:  # after the booking part: the same settings, another database
        connections.close_all()
        connections["default"].settings_dict["NAME"] = name
    else:
        django.setup()
    from linli.testing.hall import seed_catalogue
    from linli.testing.world import build_world

    world = build_world()
    matters = seed_catalogue(world.district, world.subdistrict)
    return {"setup_s": round(time.perf_counter() - started, 1), "world": world, "matters": matters}


def lifecycle(world: Any, matter: Any) -> None:
    """One application the whole way: desk → accept → 1 → (2 ∥ 2) → 3 → decide → deliver."""
    from linli.hall import services
    from linli.testing.hall import at_desk
    from linli.testing.registry import id_number

    application = at_desk(matter, desk=world.a, by=world.worker_a, id_number=id_number())
    application = services.application_accept(application=application, by=world.worker_a)
    steps = list(application.steps.order_by("stage", "pk"))
    services.step_complete(step=steps[0], note="符合条件", by=world.worker_a)
    for step in steps[1:]:
        step.refresh_from_db()
        services.step_complete(step=step, note="同意", by=world.district_admin)
    application.refresh_from_db()
    application = services.application_decide(
        application=application, approved=True, by=world.district_admin
    )
    services.application_deliver(
        application=application, pickup_code=application.pickup_code, by=world.worker_a
    )


def lifecycles(world: Any, matter: Any, count: int) -> dict[str, Any]:
    from django.utils import translation

    times = []
    with translation.override("zh-hans"):
        lifecycle(world, matter)  # warm-up: imports, caches, the first connection
        started = time.perf_counter()
        for _n in range(count):
            began = time.perf_counter()
            lifecycle(world, matter)
            times.append(time.perf_counter() - began)
        wall = time.perf_counter() - started
    return {
        "lifecycles": count,
        "wall_s": round(wall, 2),
        "lifecycles_per_s": round(count / wall, 1),
        "lifecycle_ms": ms(times),
    }


def add_history(count: int, matter_pks: list[int]) -> dict[str, Any]:
    """`count` delivered applications copied from the newest delivered one by SQL, each
    with its own number, matter, blind index and times (`n` minutes back)."""
    from django.db import connection

    from linli.hall.models import Application

    started = time.perf_counter()
    template = Application.objects.filter(state="delivered").order_by("-pk").first()
    assert template is not None
    table = Application._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        columns = [(c, t) for c, t in cursor.fetchall() if c != "id"]
        chosen = {
            "code": "'BH' || lpad(n::text, 12, '0')",
            "id_number_index": "md5(n::text) || md5(n::text)",
            "request_key": "''",
            "matter_id": f"(ARRAY{matter_pks})[1 + n %% {len(matter_pks)}]",
        }
        select = [
            chosen.get(c) or (f"{c} - make_interval(mins => n)" if t.startswith("timestamp") else c)
            for c, t in columns
        ]
        names = ", ".join(c for c, _t in columns)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {', '.join(select)} "  # noqa: S608
            f"FROM {table}, generate_series(1, %s) AS n WHERE {table}.id = %s",
            [count, template.pk],
        )
        cursor.execute(f"ANALYZE {table}")
    return {"history": count, "history_s": round(time.perf_counter() - started, 1)}


def lifecycle_part(args: argparse.Namespace) -> dict[str, Any]:
    prepared = lifecycle_setup()
    from linli.hall.models import Application

    world, matters = prepared["world"], prepared["matters"]
    matter = matters["disability-subsidies"]
    empty = lifecycles(world, matter, args.lifecycles)
    print(json.dumps({"empty": empty}, ensure_ascii=False), flush=True)
    history = add_history(args.history, sorted(m.pk for m in matters.values()))
    print(json.dumps(history, ensure_ascii=False), flush=True)
    full = lifecycles(world, matter, args.lifecycles)
    print(json.dumps({"with_history": full}, ensure_ascii=False), flush=True)
    return {
        "setup_s": prepared["setup_s"],
        "empty": empty,
        **history,
        "applications_in_db": Application.objects.count(),
        "with_history": full,
        "ratio_with_history": round(full["lifecycles_per_s"] / empty["lifecycles_per_s"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="booking")
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--slots", type=int, default=50)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lifecycles", type=int, default=200)
    parser.add_argument("--history", type=int, default=1_000_000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "postgres": psql("SHOW server_version").strip(),
            "max_connections": psql("SHOW max_connections").strip(),
            "load_before": load_before,
        },
        "args": vars(args),
    }
    parts = args.parts.split(",")
    if "booking" in parts:
        results["booking"] = booking_part(args)
    if "lifecycle" in parts:
        results["lifecycle"] = lifecycle_part(args)
    results["machine"]["load_after"] = os.getloadavg()
    name = "hall-booking" if parts == ["booking"] else "hall"
    out = ROOT / "bench" / "results" / f"{name}-{datetime.now(UTC):%Y-%m-%d-%H%M}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"written {out.relative_to(ROOT)}")
    from django.db import connections

    connections.close_all()
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"DROP DATABASE IF EXISTS {DATABASE}_life")


if __name__ == "__main__":
    main()
