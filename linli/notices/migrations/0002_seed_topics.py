"""The seeded topics of notices (choices.SEED_TOPICS, as of this migration)."""

from django.db import migrations

TOPICS = [
    ("government", "政务"),
    ("prices", "物价"),
    ("police", "警务"),
    ("family", "家庭"),
    ("library", "图书"),
    ("community", "社区服务"),
    ("elderly", "养老"),
    ("jobs", "就业"),
    ("health", "健康"),
    ("culture", "文化"),
    ("education", "教育"),
    ("weather", "天气"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("notices", "Topic")
    for order, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
