"""Background work of the appointments app (django.tasks; started by `linli scheduler`)."""

from django.tasks import task

from linli.appointments import services


@task()
def appointments_missed() -> int:
    """Booked appointments whose time ended without a check-in: marked missed."""
    return services.appointments_mark_missed()
