"""Community B for the leak test: an export B's worker asked for, written (personal,
not region-scoped: nobody else follows it or fetches its file)."""

import base64

from linli.exports.choices import ExportStatus
from linli.exports.models import Export
from linli.testing.leaks import Leaks

MARKER = "市南泄漏导出-20261201-0900.xlsx"


def community_b(world, made) -> Leaks:
    export = Export.objects.create(
        user=world.worker_b,
        kind="registry.residents",
        status=ExportStatus.DONE,
        total_rows=1,
        written_rows=1,
        file_name=MARKER,
        content=base64.b64encode(MARKER.encode()).decode(),
    )
    return Leaks(objects={"export": [export]}, markers=[MARKER])
