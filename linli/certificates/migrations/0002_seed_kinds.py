from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from linli.certificates.kinds import ensure

    ensure(apps.get_model("certificates", "CertificateKind"))


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
