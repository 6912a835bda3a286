"""Background work of the indicators (django.tasks; enqueued by `linli scheduler`)."""

from django.tasks import task

from linli.indicators import rollup


@task()
def indicators_rollup() -> int:
    """Count what every day source has new into the day figures (rollup.rollup)."""
    return rollup.rollup()
