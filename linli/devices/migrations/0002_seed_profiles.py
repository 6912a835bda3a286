from django.db import migrations


def seed(apps, schema_editor):
    from linli.devices.profiles import ensure

    ensure(apps)


class Migration(migrations.Migration):
    """The seeded alarm types, device profiles, their keys and default rules."""

    dependencies = [("devices", "0001_initial"), ("cases", "0018_alarm_categories")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
