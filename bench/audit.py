"""Audit trail benchmark: how fast entries are written and verified, on SQLite and
PostgreSQL.

    .venv/bin/python bench/audit.py [--entries 5000] [--backends sqlite,postgres] [--threads 8]

Each backend gets a scratch database made like a test database (migrations run, so
the PostgreSQL guard triggers are in place), then:

- `serial`: `audit_record` in a loop, one transaction per entry (the common case:
  one audited action per request), entries/s;
- `baseline`: the same loop writing a plain `LoginAttempt` row instead, to show
  what the chain (head lock, hashing, head update) costs over one INSERT;
- `one_transaction`: `audit_record` in a loop inside a single transaction (an
  import auditing every row), entries/s;
- `parallel` (PostgreSQL only): `--threads` writers at once, one transaction per
  entry, entries/s over all of them (they queue on the head's row lock);
- `verify`: `linli audit verify`'s walk over everything written, entries/s.

Results go to bench/results/audit-<date>.json. A benchmark, not a test: nothing
here asserts.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_URL = "postgres://linli:linli@127.0.0.1:5432/linli"
ENV = {
    "LINLI_SECRET_KEY": "bench-only-not-a-secret",
    "LINLI_DATA_DIR": str(ROOT / "bench" / "tmp"),
    "LINLI_PII_KEYS": "bench:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "LINLI_PII_INDEX_KEY": "YmVuY2gtb25seS1ibGluZC1pbmRleC1rZXktMDAwMDA=",
    "LINLI_DB_CONN_MAX_AGE": "0",
    "LINLI_LOG_LEVEL": "WARNING",
}


def measure(backend: str, entries: int, threads: int) -> dict:
    """Runs in a child process whose DATABASE_URL points at `backend`."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    django.setup()
    from django.db import connection, connections, transaction

    from linli.accounts.models import LoginAttempt, User
    from linli.audit import chain
    from linli.audit.choices import AuditAction
    from linli.audit.services import audit_record
    from linli.regions.services import regions_import

    if backend == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "bench" / "tmp" / "audit.sqlite3")
    else:
        connection.settings_dict["TEST"]["NAME"] = "linli_bench_audit"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        regions_import(
            records=[{"code": "370300000000", "name": "淄博市", "level": "city", "parent": None}]
        )
        from linli.regions.models import Region

        city = Region.objects.get()
        actor = User.objects.create_user("bench", "Bench-password-1", full_name="bench")

        def write(n: int, tag: str) -> None:
            for i in range(n):
                audit_record(
                    action=AuditAction.RECORD_UPDATE,
                    actor=actor,
                    region=city,
                    object_type="registry.resident",
                    object_id=f"{tag}{i}",
                    object_label="张* 370306********0075",
                    details={"change": "update", "fields": ["phone", "address"]},
                )

        results = {}
        start = time.perf_counter()
        write(entries, "s")
        results["serial"] = entries / (time.perf_counter() - start)

        start = time.perf_counter()
        for i in range(entries):
            with transaction.atomic():
                LoginAttempt.objects.create(identifier=f"bench{i}", succeeded=False)
        results["baseline"] = entries / (time.perf_counter() - start)

        start = time.perf_counter()
        with transaction.atomic():
            write(entries, "t")
        results["one_transaction"] = entries / (time.perf_counter() - start)

        if backend == "postgres":
            each = entries // threads

            def writer(n: int) -> None:
                try:
                    write(each, f"p{n}-")
                finally:
                    connections.close_all()

            workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
            start = time.perf_counter()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            results["parallel"] = each * threads / (time.perf_counter() - start)

        start = time.perf_counter()
        verified = chain.verify()
        results["verify"] = verified.checked / (time.perf_counter() - start)
        results["verified_entries"] = verified.checked
        results["chain_ok"] = verified.ok
        return {k: round(v) if isinstance(v, float) else v for k, v in results.items()}
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(
            connection.settings_dict["NAME"], verbosity=0, keepdb=False
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.entries, args.threads)))
        return

    (ROOT / "bench" / "tmp").mkdir(parents=True, exist_ok=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "entries": args.entries,
        "threads": args.threads,
        "results": {},
    }
    for backend in args.backends.split(","):
        env = {**os.environ, **ENV}
        if backend == "postgres":
            env["DATABASE_URL"] = os.environ.get("DATABASE_URL", PG_URL)
        else:
            env.pop("DATABASE_URL", None)
        out = subprocess.run(  # noqa: S603 (this script, with fixed arguments)
            [
                sys.executable,
                __file__,
                "--child",
                backend,
                "--entries",
                str(args.entries),
                "--threads",
                str(args.threads),
            ],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        report["results"][backend] = json.loads(out.strip().splitlines()[-1])
        print(backend, report["results"][backend], flush=True)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"audit-{datetime.now(UTC):%Y-%m-%d}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
