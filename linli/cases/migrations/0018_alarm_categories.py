from django.db import migrations


def seed(apps, schema_editor):
    from linli.cases.categories import ensure

    ensure(apps.get_model("cases", "Category"))


class Migration(migrations.Migration):
    """The emergencies devices report: fire, toxic gas, a trapped elevator, a
    perimeter breach, an elder's emergency call (linli.devices.profiles)."""

    dependencies = [("cases", "0017_request_digest")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
