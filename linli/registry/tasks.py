"""Background tasks of the registry (django.tasks; run by `linli db_worker`)."""

from django.tasks import task

from linli.registry import ledger


@task()
def ledger_import_run(import_id: int) -> None:
    """Check a ledger upload and save what its mode allows (see ledger.ledger_run)."""
    ledger.ledger_run(import_id)
