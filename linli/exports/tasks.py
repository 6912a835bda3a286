"""Background tasks of exports (django.tasks; run by `linli db_worker`)."""

from django.tasks import task

from linli.exports import services


@task()
def export_run(export_id: int) -> None:
    """Write a queued export (services.export_write)."""
    services.export_write(export_id)


@task()
def exports_tidy() -> int:
    """Delete old export files (services.export_tidy)."""
    return services.export_tidy()
