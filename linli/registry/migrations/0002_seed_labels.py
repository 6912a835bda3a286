from django.db import migrations

# A copy, not an import: a migration must not change when the code does.
LABELS = [
    ("elderly", "60岁以上老人", True),
    ("elderly_alone", "独居老人", True),
    ("disabled", "残疾人", False),
    ("veteran", "退役军人", False),
    ("dibao", "低保", False),
    ("tekun", "特困", False),
    ("wubao", "五保", False),
    ("party_member", "党员", True),
    ("youfu", "优抚对象", False),
    ("attention", "重点关注", False),
]


def seed_labels(apps, schema_editor):
    Label = apps.get_model("registry", "Label")
    for order, (code, name, derived) in enumerate(LABELS, start=1):
        Label.objects.get_or_create(
            code=code, defaults={"name": name, "derived": derived, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed_labels, migrations.RunPython.noop)]
