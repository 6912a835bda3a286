"""Entries cannot be changed or removed through the application (nor, on PostgreSQL,
through SQL): the ORM refuses, and the database's triggers refuse too."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from linli.audit import chain
from linli.audit.models import HEAD_ID, AppendOnlyError, AuditEntry, AuditHead
from linli.audit.tests.support import record

postgresql_only = pytest.mark.postgresql(
    reason="The guard triggers exist on PostgreSQL only (SQLite relies on the ORM guards)."
)


@pytest.fixture
def entries(world):
    made = [record(region=world.a, actor=world.worker_a) for _ in range(3)]
    chain.current_head()  # as after a commit
    return made


def test_a_saved_entry_cannot_be_saved_again(entries):
    entry = AuditEntry.objects.get(seq=entries[1].seq)
    entry.object_label = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(seq=entry.seq).object_label == ""


def test_an_entry_cannot_be_deleted(entries):
    with pytest.raises(AppendOnlyError):
        entries[0].delete()
    assert AuditEntry.objects.count() == 3


def test_querysets_cannot_update_or_delete(entries):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(seq=entries[0].seq).update(object_label="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(object_label="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update(entries, ["object_label"])
    assert chain.verify().ok


def test_entries_are_not_created_past_the_service(world, entries):
    forged = AuditEntry(
        seq=entries[-1].seq + 1, at=entries[-1].at, action="login", prev_hash=entries[-1].hash
    )
    with pytest.raises(AppendOnlyError):
        forged.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.create(seq=99, at=entries[0].at, action="login", prev_hash="0")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([forged])
    assert AuditEntry.objects.count() == 3


def test_people_and_regions_named_in_the_trail_cannot_be_deleted(world, entries):
    with pytest.raises(ProtectedError):
        world.worker_a.delete()
    quiet = world.region("370306002001")  # no grants, no children: only the entry holds it
    record(region=quiet)
    with pytest.raises(ProtectedError):
        quiet.delete()
    assert AuditEntry.objects.filter(actor=world.worker_a).count() == 3


# PostgreSQL: the database refuses as well -----------------------------------------------


def sql(statement: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@postgresql_only
def test_postgresql_refuses_an_update_by_sql(entries):
    with pytest.raises(DatabaseError, match="append-only"):
        sql("UPDATE audit_auditentry SET object_label = 'x' WHERE seq = %s", [entries[0].seq])


@postgresql_only
def test_postgresql_refuses_a_delete_by_sql(entries):
    with pytest.raises(DatabaseError, match="append-only"):
        sql("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])


@postgresql_only
def test_postgresql_refuses_a_delete_even_behind_a_moved_anchor_when_recent(entries):
    with pytest.raises(DatabaseError, match="append-only"):
        sql(
            "UPDATE audit_audithead SET anchor_seq = %s, anchor_hash = %s WHERE id = 1;"
            "DELETE FROM audit_auditentry WHERE seq = %s",
            [entries[0].seq, entries[0].hash, entries[0].seq],
        )


@postgresql_only
def test_postgresql_refuses_an_entry_that_does_not_extend_the_chain(entries):
    last = entries[-1]
    with pytest.raises(DatabaseError, match="does not extend the chain"):
        sql(
            "INSERT INTO audit_auditentry (seq, at, actor_name, action, object_type, object_id,"
            " object_label, region_path, details, prev_hash, hash)"
            " VALUES (%s, now(), '', 'login', '', '', '', '', '{}', %s, %s)",
            [last.seq + 1, "f" * 64, "e" * 64],
        )


@postgresql_only
@pytest.mark.parametrize(
    "change",
    [
        "last_seq = last_seq - 1",
        "last_hash = repeat('a', 64)",
        "anchor_seq = anchor_seq + 1, anchor_hash = repeat('b', 64)",
        "last_seq = last_seq + 5",
    ],
)
def test_postgresql_moves_the_head_only_forward_to_real_entries(entries, change):
    with pytest.raises(DatabaseError, match="audit trail"):
        sql(f"UPDATE audit_audithead SET {change} WHERE id = %s", [HEAD_ID])  # noqa: S608


@postgresql_only
def test_postgresql_refuses_to_delete_the_head(entries):
    with pytest.raises(DatabaseError, match="head cannot be deleted"):
        sql("DELETE FROM audit_audithead")
    assert AuditHead.objects.filter(pk=HEAD_ID).exists()
