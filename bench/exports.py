"""Export benchmark (issue 11): how long the residents ledger of the whole demo
district (20,000 residents, as `zhoucun`) takes to write, and what reading the rows
in batches (exports.services._objects: keys first, then 1,000 rows at a time, so no
read stays open while the progress is written) costs against the single chunked read
the export used before (`QuerySet.iterator(chunk_size=2000)`), measured in the same run.

    make demo   # once, for var/linli.sqlite3; then stop it
    .venv/bin/python bench/exports.py [--runs 5]

Results go to bench/results/exports-<date>.json. A benchmark, not a test.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.update(  # the demo's key files (`make demo` writes them), as DEMO_ENV has them
    LINLI_SECRET_KEY_FILE="var/secret_key",  # noqa: S106 (a file's name)
    LINLI_PII_KEYS_FILE="var/pii_keys",
    LINLI_PII_INDEX_KEY_FILE="var/pii_index_key",
    DJANGO_SETTINGS_MODULE="linli.settings",
)

import django  # noqa: E402

django.setup()

from linli.accounts.models import User  # noqa: E402
from linli.exports import services  # noqa: E402
from linli.exports.writer import write_xlsx  # noqa: E402
from linli.registry.exports import RESIDENTS  # noqa: E402
from linli.registry.filters import ResidentFilter  # noqa: E402


def timed(read) -> tuple[float, int]:
    user = User.objects.get(username="zhoucun")
    filters = ResidentFilter(status=None)
    rows = RESIDENTS.rows(user, filters)
    start = time.perf_counter()
    count = write_xlsx(
        BytesIO(),
        sheet=RESIDENTS.sheet,
        columns=RESIDENTS.columns(filters),
        rows=(RESIDENTS.row(r, filters) for r in read(rows)),
    )
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    ways = {
        "one chunked read (before)": lambda rows: rows.iterator(chunk_size=2000),
        "batches of 1,000 by key (now)": services._objects,
    }
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    rows = 0
    for _ in range(runs):  # interleaved, so drift hits both alike
        for name, read in ways.items():
            took, rows = timed(read)
            seconds[name].append(took)
    medians = {name: statistics.median(times) for name, times in seconds.items()}
    before, now = medians.values()
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} · {os.cpu_count()} cores · {platform.python_version()}",
        "database": "sqlite (demo)",
        "rows": rows,
        "runs": runs,
        "seconds": seconds,
        "median_seconds": medians,
        "rows_per_second": {name: round(rows / m) for name, m in medians.items()},
        "ratio_now_to_before": round(now / before, 3),
    }
    out = ROOT / "bench" / "results" / f"exports-{datetime.now(UTC):%Y-%m-%d}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
