"""The six channels of seed 000 and their schedules (linli/screens/channels.py)."""

from django.db import migrations


def six_channels(apps, schema_editor):
    from linli.screens.channels import ensure

    ensure(apps.get_model("screens", "Channel"), apps.get_model("screens", "Programme"))


class Migration(migrations.Migration):
    dependencies = [("screens", "0001_initial")]

    operations = [migrations.RunPython(six_channels, migrations.RunPython.noop)]
