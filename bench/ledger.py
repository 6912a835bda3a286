"""Ledger import benchmark (issue 3): how long a resident ledger (台账) of 10k / 100k
rows takes to check and to save, on SQLite and PostgreSQL.

    .venv/bin/python bench/ledger.py [--sizes 10000,100000] [--backends sqlite,postgres]

For each backend a fresh database gets the demo's regions, grids and users (no
residents); for each size an .xlsx of that many valid rows (3 people a household,
new buildings and houses in the grids of 车站社区) is imported as its community
worker (`chezhan`) would: the row checks (`ledger.check.validate`) and the save
(`ledger.write._save`: the tables locked, the rows checked again, set-based inserts
with change history, one audit entry) are timed separately. As the baseline measured in
the same run, the residents the import created are copied as `registry.RAW_COPY`
copies rows (one transaction, a table of the same shape).

Results go to bench/results/ledger-<date>.json. A benchmark, not a test.
"""

import argparse
import json
import os
import platform
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry import LINLI, RAW_COPY, ROOT, WORK, env_for, fresh_database, run

SNIPPET = """
import json, time
from datetime import date, timedelta
from io import BytesIO
from django.db import connection
from openpyxl import Workbook
from linli.accounts.models import User
from linli.regions.models import Region
from linli.registry.idnumber import make_id_number
from linli.registry.ledger.check import validate
from linli.registry.ledger.format import HEADERS, SHEET
from linli.registry.ledger.imports import ledger_upload
from linli.registry.ledger.write import _save
from linli.registry.models import LedgerImport, Resident

size, step = {size}, {step}
user = User.objects.get(username="chezhan")
grids = list(Region.objects.filter(level="grid", path__startswith="370306001001")
             .order_by("path").values_list("code", flat=True))
wb = Workbook(write_only=True)
ws = wb.create_sheet(SHEET)
ws.append(HEADERS)
born = date(1950, 1, 1)
for n in range(size):
    household = n // 3
    day = born + timedelta(days=(step * size + n) // 400)
    row = {{
        "网格代码": grids[household % len(grids)],
        "楼栋": f"导入{{step}}-{{household // 40}}号楼",
        "单元": 1,
        "房号": f"{{household % 40 // 2 + 1}}0{{household % 2 + 1}}",
        "户类型": "户籍户",
        "与户主关系": "户主" if n % 3 == 0 else "子女",
        "姓名": f"测试{{n}}",
        "公民身份号码": make_id_number("370306", day, (step * size + n) % 400, "male"),
        "联系电话": f"139{{n:08d}}",
        "民族": "汉族",
        "政治面貌": "群众",
        "居住类型": "人户一致",
        "迁入日期": "2020-05-01",
        "标签": "残疾人" if n % 50 == 0 else "",
    }}
    ws.append([row.get(h, "") for h in HEADERS])
out = BytesIO()
wb.save(out)
data = out.getvalue()
imp, _inspection = ledger_upload(user=user, file_name="bench.xlsx", data=data,
                                 language="zh-hans")
t0 = time.perf_counter()
validation = validate(data, user=user)
t1 = time.perf_counter()
assert not validation.problems, validation.problems[:3]
imp.total_rows = validation.total
late = _save(validation, user=user, imp=imp)
t2 = time.perf_counter()
assert not late
with connection.cursor() as c:
    c.execute("SELECT MAX(id) FROM registry_resident")
    (last,) = c.fetchone()
    c.execute("SELECT * FROM registry_resident WHERE id > %s", [last - size])
    data_rows = c.fetchall()
    columns = [col[0] for col in c.description]
    raw_seconds = raw_copy(c, "registry_resident", data_rows, columns)
print(json.dumps({{"file_bytes": len(data), "check_s": t1 - t0, "save_s": t2 - t1,
                  "raw_resident_insert_s": raw_seconds,
                  "residents": Resident.objects.count()}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "runs": [],
    }
    for backend in args.backends.split(","):
        env = env_for(backend)
        fresh_database(backend, env)
        for step, size in enumerate(int(s) for s in args.sizes.split(",")):
            out = run([LINLI, "shell", "-c", RAW_COPY + SNIPPET.format(size=size, step=step)], env)
            measured = json.loads(out.strip().splitlines()[-1])
            result = {
                "backend": backend,
                "rows": size,
                "file_mb": round(measured["file_bytes"] / 2**20, 1),
                "check_s": round(measured["check_s"], 1),
                "check_rows_per_s": round(size / measured["check_s"]),
                "save_s": round(measured["save_s"], 1),
                "save_rows_per_s": round(size / measured["save_s"]),
                "raw_resident_insert_rows_per_s": round(size / measured["raw_resident_insert_s"]),
            }
            results["runs"].append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    out_file = ROOT / "bench" / "results" / f"ledger-{results['date'][:10]}.json"
    out_file.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(f"written {out_file}")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
