"""PostgreSQL: the head follows the entries at commit, not at every entry.

Updating the one head row after every entry made a transaction that writes many
entries (an import) slow down with each one: PostgreSQL keeps every version of a
row updated within a transaction until it ends, and each read walks them all. Now
a deferred constraint trigger moves the head to the newest entry once, at commit
(`SET CONSTRAINTS audit_head_tip IMMEDIATE` does it earlier: `chain.current_head`);
writers take the tip from the newest entry when it is newer than the head. The
insert guard compares with the same tip. SQLite keeps updating the head from
`audit_record` (no row versions there).
"""

from django.db import migrations

GUARDS = r"""
CREATE OR REPLACE FUNCTION audit_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_audithead%ROWTYPE;
    tip_seq bigint;
    tip_hash varchar(64);
BEGIN
    SELECT * INTO head FROM audit_audithead WHERE id = 1;
    IF TG_OP = 'INSERT' THEN
        SELECT seq, hash INTO tip_seq, tip_hash FROM audit_auditentry ORDER BY seq DESC LIMIT 1;
        IF tip_seq IS NULL OR tip_seq <= head.last_seq THEN
            tip_seq := head.last_seq;
            tip_hash := head.last_hash;
        END IF;
        IF head.id IS NULL OR NEW.seq <> tip_seq + 1 OR NEW.prev_hash <> tip_hash THEN
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

CREATE OR REPLACE FUNCTION audit_head_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_audithead AS h SET last_seq = t.seq, last_hash = t.hash
      FROM (SELECT seq, hash FROM audit_auditentry ORDER BY seq DESC LIMIT 1) AS t
     WHERE h.id = 1 AND h.last_seq < t.seq;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_head_tip
    AFTER INSERT ON audit_auditentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_head_follow();
"""

UNGUARDS = r"""
DROP TRIGGER IF EXISTS audit_head_tip ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_head_follow();

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
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_head_and_guards")]

    operations = [migrations.RunPython(install, remove)]
