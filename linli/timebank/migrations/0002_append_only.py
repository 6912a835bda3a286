"""On PostgreSQL, the ledger's entries and lines are append-only: a trigger refuses to
update or delete them (a mistake is reversed by a new entry, ADR 0025). SQLite keeps
the rule in the services only."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION timebank_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'time-bank entries are never changed: post a reversal';
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ("timebank_entry", "timebank_line")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION timebank_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS timebank_append_only();")


class Migration(migrations.Migration):
    dependencies = [("timebank", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
