"""Background work of the case engine (django.tasks; run by `linli db_worker`,
started every few minutes by `linli scheduler`)."""

from django.tasks import task

from linli.cases import kpis, services


@task()
def cases_escalate() -> int:
    """Report breached time limits one level up (services.cases_escalate)."""
    return services.cases_escalate()


@task()
def cases_rollup() -> int:
    """Count the new stage changes into the KPIs' day figures (kpis.cases_rollup)."""
    return kpis.cases_rollup()
