"""Writers in parallel never fork the chain: each waits for the head's lock.

Runs on PostgreSQL (`make test-pg`), where writers really run at once; SQLite
serialises every write transaction (IMMEDIATE mode) and its in-memory test
database cannot be shared by threads.
"""

import threading

import pytest
from django.db import close_old_connections, connections, transaction

from linli.audit import chain
from linli.audit.choices import AuditAction
from linli.audit.models import AuditEntry
from linli.audit.services import audit_record

THREADS = 8
EACH = 25


@pytest.mark.postgresql(
    reason="Needs PostgreSQL: SQLite serialises writers and its in-memory test "
    "database is not shared between threads (run `make test-pg`)."
)
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_make_one_unbroken_chain():
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    audit_record(
                        action=AuditAction.EXPORT,
                        object_type="registry.resident",
                        object_id=f"{n}-{i}",
                    )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()

    assert not errors, errors
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    ids = set(AuditEntry.objects.values_list("object_id", flat=True))
    assert len(ids) == THREADS * EACH, "every write is there, once"
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prevs)) == len(prevs), "no two entries follow the same one (no fork)"
    result = chain.verify()
    assert result.ok, result.broken
    assert result.checked == THREADS * EACH
