from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from linli.entitlements.catalogue import ensure

    ensure(apps.get_model("entitlements", "GrantKind"), apps.get_model("registry", "Label"))


class Migration(migrations.Migration):
    dependencies = [("entitlements", "0001_initial"), ("registry", "0002_seed_labels")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
