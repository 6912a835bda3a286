"""Background work of the case engine (django.tasks; run by `linli db_worker`,
started every few minutes by `linli scheduler`)."""

from django.tasks import task

from linli.cases import drafts, services


@task()
def report_drafts_tidy() -> int:
    """Delete the photos kept for report forms never sent again (drafts.tidy)."""
    return drafts.tidy()


@task()
def cases_escalate() -> int:
    """Report breached time limits one level up (services.cases_escalate)."""
    return services.cases_escalate()
