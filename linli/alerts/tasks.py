"""Background work of the alerts app (django.tasks; started by `linli scheduler`)."""

from django.tasks import task

from linli.alerts import feeds, services


@task()
def alerts_expire() -> int:
    """Every minute: issued alerts whose expiry has passed are expired."""
    return services.alerts_expire()


@task()
def alerts_poll() -> int:
    """Every 2 minutes: the configured CAP feed (LINLI_CAP_FEED_URL), imported; returns
    how many alerts were new."""
    return feeds.poll()
