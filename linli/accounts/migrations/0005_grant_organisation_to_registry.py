"""The organisation a grant's holder acts for moves to the registry (registry.Affiliation,
which copies it first): accounts no longer refers to the registry."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_grant_organisation"),
        ("registry", "0007_affiliation"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="rolegrant",
            name="organisation",
        ),
    ]
