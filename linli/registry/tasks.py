"""Background tasks of the registry (django.tasks; run by `linli db_worker`)."""

from django.tasks import task

from linli.registry.ledger.imports import ledger_run


@task()
def ledger_import_run(import_id: int) -> None:
    """Check a ledger upload and save what its mode allows (see
    `linli.registry.ledger.imports.ledger_run`)."""
    ledger_run(import_id)
