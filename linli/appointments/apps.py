from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "linli.appointments"
    label = "appointments"
    verbose_name = _("Appointments and queues")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.appointments.live import QUEUE_CHANNEL
        from linli.appointments.permissions import CENTRE_VIEW
        from linli.appointments.tasks import appointments_missed
        from linli.appointments.terminal import live_scope
        from linli.core import live, navigation, periodic

        live.register(QUEUE_CHANNEL, scope=live_scope)  # staff, and a terminal's centre
        periodic.register("appointments-missed", appointments_missed, every=timedelta(minutes=10))
        navigation.register(
            navigation.NavItem(
                _("Service centres"),
                "appointments:centre-list",
                CENTRE_VIEW,
                60,
                also=(
                    "appointments:centre-detail",
                    "appointments:centre-create",
                    "appointments:window-caller",
                    "appointments:kiosk",
                    "appointments:call-screen",
                ),
                menu="services",
            ),
        )
