"""Background work of the screens app (django.tasks; started by `linli scheduler`)."""

from django.tasks import task

from linli.screens import indicators


@task()
def screens_snapshot() -> int:
    """Today's screens and screens online per community (indicators.snapshot)."""
    return indicators.snapshot()
