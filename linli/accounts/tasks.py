"""Background work of accounts (django.tasks; started by `linli scheduler`)."""

from django.tasks import task

from linli.accounts import services


@task()
def phone_codes_purge() -> int:
    """Forget old texted codes (services.phone_codes_purge)."""
    return services.phone_codes_purge()
