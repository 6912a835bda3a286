"""The chain's head row, and (PostgreSQL) triggers that keep the trail append-only.

On PostgreSQL the database itself refuses:
- an entry that does not extend the chain (seq = head.last_seq + 1 and
  prev_hash = head.last_hash);
- any UPDATE of an entry;
- any DELETE of an entry, except of entries at or before the head's anchor that
  are older than 182 days (what `audit_prune` does, after moving the anchor;
  a day's margin under the 183-day minimum retention);
- deleting the head, moving it backwards, or pointing it at an entry that does
  not exist.
TRUNCATE is not guarded (test databases are flushed with it). On SQLite the
model and queryset refuse changes (AppendOnlyError); `linli audit verify` finds
what was done around them on either database.
"""

from django.db import migrations

GUARDS = r"""
CREATE OR REPLACE FUNCTION audit_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_audithead%ROWTYPE;
BEGIN
    SELECT * INTO head FROM audit_audithead WHERE id = 1;
    IF TG_OP = 'INSERT' THEN
        IF head.id IS NULL OR NEW.seq <> head.last_seq + 1 OR NEW.prev_hash <> head.last_hash THEN
            RAISE EXCEPTION 'audit trail: entry % does not extend the chain', NEW.seq;
        END IF;
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit trail: entries are append-only (update of entry %)', OLD.seq;
    END IF;
    IF head.id IS NOT NULL AND OLD.seq <= head.anchor_seq
            AND OLD.at < now() - interval '182 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit trail: entries are append-only (delete of entry %)', OLD.seq;
END
$$;

CREATE TRIGGER audit_entry_append_only
    BEFORE INSERT OR UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_guard();

CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit trail: the head cannot be deleted';
    END IF;
    IF NEW.id <> OLD.id OR NEW.last_seq < OLD.last_seq OR NEW.anchor_seq < OLD.anchor_seq
            OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash <> OLD.last_hash)
            OR (NEW.anchor_seq = OLD.anchor_seq AND NEW.anchor_hash <> OLD.anchor_hash) THEN
        RAISE EXCEPTION 'audit trail: the head only moves forward';
    END IF;
    IF NEW.last_seq > OLD.last_seq AND NOT EXISTS (
            SELECT 1 FROM audit_auditentry WHERE seq = NEW.last_seq AND hash = NEW.last_hash) THEN
        RAISE EXCEPTION 'audit trail: the head must point at the last entry';
    END IF;
    IF NEW.anchor_seq > OLD.anchor_seq AND NOT EXISTS (
            SELECT 1 FROM audit_auditentry WHERE seq = NEW.anchor_seq AND hash = NEW.anchor_hash) THEN
        RAISE EXCEPTION 'audit trail: the anchor must be an entry of the chain';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_head_forward_only
    BEFORE UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
"""

UNGUARDS = """
DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_audithead;
DROP FUNCTION IF EXISTS audit_head_guard();
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_guard();
"""


def create_head(apps, schema_editor):
    apps.get_model("audit", "AuditHead").objects.get_or_create(pk=1)


def install_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS, params=None)


def remove_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(install_guards, remove_guards),
    ]
