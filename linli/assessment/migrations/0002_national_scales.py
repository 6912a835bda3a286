"""The national scales bundled with the app (scales/*.json), loaded once: GB/T
42195-2022 (offered for new assessments) and MZ/T 039-2013 (for old records). A
province loads its own with `linli assessment load FILE` (docs/assessment.md)."""

import hashlib
import json
from pathlib import Path

from django.db import migrations

FILES = ["mzt-039-2013.json", "gbt-42195-2022.json"]


def load(apps, schema_editor):
    from linli.assessment.scaledef import parse

    Scale = apps.get_model("assessment", "Scale")
    folder = Path(__file__).resolve().parent.parent / "scales"
    for name in FILES:
        raw = json.loads((folder / name).read_text(encoding="utf-8"))
        definition = parse(raw)
        if Scale.objects.filter(code=definition.code).exists():
            continue
        digest = hashlib.sha256(
            json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        Scale.objects.create(
            code=definition.code,
            version=definition.version,
            name=definition.name,
            definition=raw,
            digest=digest,
            active=True,
        )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
