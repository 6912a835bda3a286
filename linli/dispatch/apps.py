from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "linli.dispatch"
    label = "dispatch"
    verbose_name = _("Dispatch centre")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.core import events, live, navigation, periodic
        from linli.devices.events import AlarmRaised
        from linli.dispatch import escalation, subscribers
        from linli.dispatch.events import LIVE_CALLS
        from linli.dispatch.permissions import CALL_VIEW
        from linli.dispatch.tasks import care_calls_schedule
        from linli.gridwork import task_kinds

        task_kinds.register(escalation.KIND)  # two unanswered care calls: a visit
        live.register(LIVE_CALLS, action=CALL_VIEW)  # the dispatchers' boards follow it
        events.subscribe(AlarmRaised, subscribers.open_a_call)
        periodic.register("care-calls-schedule", care_calls_schedule, every=timedelta(hours=1))
        navigation.register(
            navigation.NavItem(
                _("Dispatch centre"),
                "dispatch:board",
                CALL_VIEW,
                42,
                also=(
                    "dispatch:call-detail",
                    "dispatch:care-calls",
                    "dispatch:return-visits",
                    "dispatch:responders",
                ),
                menu="care",
            )
        )
