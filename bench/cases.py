"""Case engine benchmark (issue 4), on PostgreSQL: full lifecycles per second through
the services on an empty database and with a district's history of cases, and the
time to compute a district's KPIs over a year.

    .venv/bin/python bench/cases.py [--history 1000000] [--lifecycles 300] [--runs 5]

- lifecycles: report (a resident, by place and address) → accept → dispatch → start
  → finish → close → rate, each step its service call and transaction, as the
  console and the API make them (notifications and their delivery tasks included);
  `--lifecycles` in a row, timed in three equal batches (the median batch's rate is
  quoted), first on the empty database, then again after the history is loaded;
- history: `--history` cases over the two years before now, written as rows with
  their stage changes (`linli.core.bulk`: 90 % evaluated or closed, 5 % rejected, 5 %
  still open; about one step in ten late), then VACUUM ANALYZE;
- KPIs: the history is counted into the day figures (`kpis.cases_rollup`, what the
  periodic task does every 5 minutes; timed apart), then `kpis.case_kpis` for the
  district administrator over the last 365 days, by subdistrict, community, grid and
  handler: the median of `--runs`, with the lifecycles of the second measurement not
  yet rolled up (so the live part of the sum is exercised too).

Results go to bench/results/cases-<date>.json and are summarised for
docs/performance.md. This is a benchmark, not a test: nothing here asserts.
"""

import argparse
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# ruff: noqa: E402, S106, S603, S607 (Django is set up below; fixed bench-only credentials and commands)

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "linli_bench_cases"
os.environ.update(
    DJANGO_SETTINGS_MODULE="linli.settings",
    LINLI_SECRET_KEY="bench-only",
    LINLI_DATA_DIR=str(ROOT / "bench" / "tmp"),
    LINLI_PII_KEYS="bench:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    LINLI_PII_INDEX_KEY="YmVuY2gtb25seS1ibGluZC1pbmRleC1rZXktMDAwMDA=",
    LINLI_LOG_LEVEL="WARNING",
    LINLI_NOTIFY_SENDERS="email",
    DATABASE_URL=f"postgres://linli:linli@127.0.0.1:5432/{DATABASE}",
)


def fresh_database() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}"):
        subprocess.run(
            ["psql", "-q", "-h", "127.0.0.1", "-U", "linli", "-d", "linli", "-c", sql],
            env=dict(os.environ, PGPASSWORD="linli"),
            check=True,
        )


fresh_database()

import django

django.setup()

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from linli.accounts import demo as accounts_demo
from linli.cases import kpis, services
from linli.cases.choices import Source, Stage
from linli.cases.filters import KpiQuery
from linli.cases.models import Case, CaseTransition, Category
from linli.core.bulk import BulkInsert, analyze
from linli.regions import demo as regions_demo
from linli.regions.choices import Level
from linli.regions.models import Region

GRID = "370306001001001"  # 车站社区第一网格: where the demo's grid worker works
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PATH = [
    Stage.REPORTED,
    Stage.ACCEPTED,
    Stage.DISPATCHED,
    Stage.HANDLING,
    Stage.HANDLED,
    Stage.CLOSED,
    Stage.EVALUATED,
]
LIMIT = {  # the category field limiting the time spent in each stage
    Stage.REPORTED: "accept_hours",
    Stage.ACCEPTED: "dispatch_hours",
    Stage.DISPATCHED: "handle_hours",
    Stage.HANDLING: "handle_hours",
    Stage.HANDLED: "verify_hours",
    Stage.CLOSED: "verify_hours",
}


def people() -> dict:
    return {u.username: u for u in get_user_model().objects.all()}


def lifecycles(count: int, users: dict, leaves: list[Category], grid: Region) -> list[float]:
    """`count` full lifecycles in three batches; each batch's rate (lifecycles/s).
    Categories with required extra questions are left out (`leaves` has none)."""
    worker, handler, resident = users["chezhan"], users["chezhan.wg1"], users["jumin"]
    rates = []
    for batch in range(3):
        start = time.perf_counter()
        for i in range(count // 3):
            case = services.case_report(
                category=leaves[(batch * count + i) % len(leaves)],
                description="正阳路与新建路交叉口井盖缺失，存在安全隐患",
                source=Source.RESIDENT,
                by=resident,
                region=grid,
                address="正阳路与新建路交叉口",
            )
            case = services.case_accept(case=case, by=worker)
            case = services.case_dispatch(case=case, to=handler, by=worker)
            case = services.case_start(case=case, by=handler)
            case = services.case_finish(case=case, by=handler, note="已处置")
            case = services.case_close(case=case, by=worker)
            services.case_rate(case=case, rating=5, by=resident)
        rates.append((count // 3) / (time.perf_counter() - start))
    return rates


def history(total: int, users: dict, leaves: list[Category]) -> float:
    """`total` past cases with their stage changes, as rows; returns the seconds taken."""
    rng = random.Random(370306)
    grids = list(Region.objects.filter(level=Level.GRID, path__startswith="370306"))
    actors = [users["chezhan"].pk, users["zhoucun"].pk]
    handlers = [users["chezhan.wg1"].pk, users["zhujian"].pk]
    now = timezone.now()
    start = time.perf_counter()
    done = 0
    while done < total:
        # A small first batch, then statistics: PostgreSQL plans the deferred foreign-key
        # checks run at commit with the tables' statistics, and with those of a nearly
        # empty table it scans it once per row (a 50,000-case first batch took minutes).
        size = 5_000 if done == 0 else 50_000
        with BulkInsert() as bulk:
            cases = bulk.table(
                Case,
                [
                    "code",
                    "category",
                    "region",
                    "source",
                    "stage",
                    "description",
                    "address",
                    "assignee",
                    "stage_since",
                    "rating",
                    "version",
                    "closed_at",
                    "created_at",
                ],
            )
            moves = bulk.table(
                CaseTransition,
                [
                    "case",
                    "from_stage",
                    "to_stage",
                    "actor",
                    "assignee",
                    "overdue",
                    "duration",
                    "rating",
                    "at",
                ],
            )
            for index in range(done, min(done + size, total)):
                category = rng.choice(leaves)
                reported = now - timedelta(days=rng.uniform(1, 730))
                fate = rng.random()
                if fate < 0.05:
                    stages = [Stage.REPORTED, Stage.REJECTED]
                elif fate < 0.10:
                    stages = PATH[: rng.randint(1, 5)]
                else:
                    stages = PATH if fate < 0.7 else PATH[:-1]
                handler = rng.choice(handlers)
                at, rows, assignee = reported, [], None
                for step, stage in enumerate(stages):
                    spent = None
                    late = False
                    if step:
                        limit = getattr(category, LIMIT.get(stages[step - 1], "verify_hours"))
                        spent = timedelta(hours=limit * rng.uniform(0.1, 1.15))
                        late = spent > timedelta(hours=limit)
                        at += spent
                    if stage == Stage.DISPATCHED:
                        assignee = handler
                    rows.append((stage, stages[step - 1] if step else "", late, spent, at))
                final = stages[-1]
                closed = at if final in (Stage.CLOSED, Stage.EVALUATED, Stage.REJECTED) else None
                code = f"{reported:%y%m%d}" + "".join(
                    ALPHABET[(index >> (5 * k)) & 31] for k in range(6)
                )
                pk = cases.add(
                    code,
                    category.pk,
                    rng.choice(grids).pk,
                    Source.HOTLINE,
                    final,
                    "历史案件",
                    "周村区",
                    assignee,
                    at,
                    5 if final == Stage.EVALUATED else None,
                    len(rows),
                    closed,
                    reported,
                )
                for stage, before, late, spent, moment in rows:
                    moves.add(
                        pk,
                        before,
                        stage,
                        rng.choice(actors),
                        assignee if stage not in (Stage.REPORTED, Stage.ACCEPTED) else None,
                        late,
                        spent,
                        5 if stage == Stage.EVALUATED else None,
                        moment,
                    )
            done = min(done + size, total)
        if size < 50_000:
            analyze(Case, CaseTransition)
        print(f"history: {done} cases", file=sys.stderr, flush=True)
    analyze(Case, CaseTransition)
    return time.perf_counter() - start


def rollup() -> float:
    """The KPIs' day figures of the whole history (the periodic task's first run)."""
    start = time.perf_counter()
    kpis.cases_rollup()  # ends with VACUUM ANALYZE of the tables it touched (a large run)
    return time.perf_counter() - start


def kpi_times(runs: int, users: dict) -> dict:
    start, end = KpiQuery(start=timezone.localdate() - timedelta(days=364)).bounds()
    out = {}
    for level in ("subdistrict", "community", "grid", "handler"):
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            rows = kpis.case_kpis(user=users["zhoucun"], start=start, end=end, level=level)
            times.append((time.perf_counter() - began) * 1000)
        out[level] = {"median_ms": round(statistics.median(times), 1), "units": len(rows)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--lifecycles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    sink = io.StringIO()
    regions_demo.seed(sink)
    accounts_demo.seed(sink)
    services.categories_ensure_defaults()
    users = people()
    leaves = list(Category.objects.filter(parent__isnull=False, active=True).order_by("pk"))
    grid = Region.objects.get(code=GRID)
    simple = [c for c in leaves if not any(q.get("required") for q in c.questions)]
    empty = lifecycles(args.lifecycles, users, simple, grid)
    print(f"empty: {[round(r, 1) for r in empty]} lifecycles/s", file=sys.stderr)
    seconds = history(args.history, users, leaves)
    rolled = rollup()
    full = lifecycles(args.lifecycles, users, simple, grid)
    print(f"with history: {[round(r, 1) for r in full]} lifecycles/s", file=sys.stderr)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "backend": "postgres",
        "lifecycles_per_batch": args.lifecycles // 3,
        "empty_lifecycles_per_s": [round(r, 1) for r in empty],
        "history_cases": Case.objects.count(),
        "history_transitions": CaseTransition.objects.count(),
        "history_load_s": round(seconds, 1),
        "history_rollup_s": round(rolled, 1),
        "with_history_lifecycles_per_s": [round(r, 1) for r in full],
        "ratio_median": round(statistics.median(full) / statistics.median(empty), 2),
        "district_year_kpis": kpi_times(args.runs, users),
    }
    print(json.dumps(result, ensure_ascii=False))
    out = ROOT / "bench" / "results" / f"cases-{result['date'][:10]}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(f"written {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
