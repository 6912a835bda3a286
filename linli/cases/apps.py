from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "linli.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.cases import home, subscribers
        from linli.cases.events import Escalated, StageChanged
        from linli.cases.permissions import CASE_VIEW
        from linli.cases.tasks import cases_escalate, report_drafts_tidy
        from linli.core import events, navigation, panels, periodic

        navigation.register(
            navigation.NavItem(_("Cases"), "cases:case-inbox", CASE_VIEW, 30, menu="cases")
        )
        panels.register(*home.BLOCKS)
        periodic.register("cases-escalate", cases_escalate, every=timedelta(minutes=5))
        periodic.register("report-drafts-tidy", report_drafts_tidy, every=timedelta(hours=1))
        for handler in (
            subscribers.tell_the_assignee,
            subscribers.tell_the_reporter,
            subscribers.tell_of_rework,
        ):
            events.subscribe(StageChanged, handler)
        events.subscribe(Escalated, subscribers.tell_the_supervisors)
