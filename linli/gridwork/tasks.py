"""Background work of grid work (django.tasks; started by `linli scheduler`)."""

from django.tasks import task

from linli.gridwork import services


@task()
def patrols_end_stale() -> int:
    """End patrols left open without a sign of life (services.patrols_end_stale)."""
    return services.patrols_end_stale()
