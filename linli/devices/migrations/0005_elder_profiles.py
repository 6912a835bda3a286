from django.db import migrations


def seed(apps, schema_editor):
    from linli.devices.profiles import ensure

    ensure(apps)


class Migration(migrations.Migration):
    """The fall detector and the locator (geofence) with their alarm types."""

    dependencies = [("devices", "0004_telemetry_storage"), ("cases", "0020_category_priority")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
