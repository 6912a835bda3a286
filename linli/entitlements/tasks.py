"""Background work of the entitlements (django.tasks; started by `linli scheduler`)."""

from django.tasks import task

from linli.entitlements import services


@task()
def grants_check_lapses() -> dict[str, int]:
    """The daily lapse check (services.grants_check_lapses)."""
    return services.grants_check_lapses()
