"""Helpers for the audit tests: making entries, reading the chain, tampering with it."""

from django.db import connection

from linli.audit import chain
from linli.audit.choices import AuditAction
from linli.audit.models import AuditEntry
from linli.audit.services import audit_record


def record(**kwargs) -> AuditEntry:
    kwargs.setdefault("action", AuditAction.RECORD_UPDATE)
    kwargs.setdefault("object_type", "registry.resident")
    kwargs.setdefault("object_id", "1")
    return audit_record(**kwargs)


def actions() -> list[str]:
    """Every entry's action, oldest first."""
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=since).order_by("seq"))


def broken_at() -> int | None:
    result = chain.verify()
    assert not result.ok, "the chain verifies"
    return result.broken.seq


def raw_sql(sql: str, params=(), table: str = "audit_auditentry") -> None:
    """Run SQL behind the application's back (PostgreSQL: past the guard triggers,
    as the tables' owner could; the test's transaction rolls it all back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key checks: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
