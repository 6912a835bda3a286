from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DevicesConfig(AppConfig):
    name = "linli.devices"
    label = "devices"
    verbose_name = _("Devices")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.cases import origins, sources
        from linli.cases.events import StageChanged
        from linli.core import events, live, periodic
        from linli.devices import subscribers
        from linli.devices.events import LIVE_ALARMS, AlarmRaised
        from linli.devices.models import Alarm
        from linli.devices.permissions import DEVICE_VIEW
        from linli.devices.tasks import (
            alarms_escalate,
            devices_offline,
            devices_snapshot,
            telemetry_hourly,
            telemetry_partitions,
        )

        live.register(LIVE_ALARMS, action=DEVICE_VIEW)  # the alarm inbox follows it
        # An alarm of a type mapped to a case category opens a case: its source and origin.
        sources.register(sources.CaseSource(subscribers.SOURCE, _("Device alarm"), staff=True))
        # Its cases are never public: an alarm may be an elder's call from home.
        origins.register(
            origins.OriginKind(
                Alarm, _("Alarm"), "devices:alarm-detail", owner=subscribers.owner, public=False
            )
        )
        events.subscribe(AlarmRaised, subscribers.open_a_case)
        events.subscribe(AlarmRaised, subscribers.tell_who_hears)
        events.subscribe(StageChanged, subscribers.clear_when_closed)
        periodic.register("alarms-escalate", alarms_escalate, every=timedelta(minutes=1))
        periodic.register("devices-snapshot", devices_snapshot, every=timedelta(hours=1))
        periodic.register("telemetry-partitions", telemetry_partitions, every=timedelta(days=1))
        periodic.register("telemetry-hourly", telemetry_hourly, every=timedelta(minutes=10))
        periodic.register("devices-offline", devices_offline, every=timedelta(minutes=1))

        from linli.core import navigation, panels
        from linli.devices import home

        navigation.register(
            navigation.NavItem(
                _("Devices"),
                "devices:device-list",
                DEVICE_VIEW,
                40,
                also=(
                    "devices:device-detail",
                    "devices:device-create",
                    "devices:device-import",
                    "devices:profile-list",
                    "devices:profile-detail",
                    "devices:profile-create",
                ),
                menu="devices",
            ),
            navigation.NavItem(
                pgettext_lazy("console", "Alarms"),
                "devices:alarm-list",
                DEVICE_VIEW,
                41,
                also=(
                    "devices:alarm-detail",
                    "devices:notification-rule-list",
                    "devices:alarm-type-list",
                    "devices:alarm-type-create",
                    "devices:alarm-type-edit",
                ),
                menu="devices",
            ),
        )
        panels.register(
            panels.Panel(
                "registry.building", _("Devices and alarms"), "devices:building-panel", DEVICE_VIEW
            ),
            panels.Panel(
                "regions.region",
                pgettext_lazy("console", "Alarms"),
                "devices:region-panel",
                DEVICE_VIEW,
            ),
        )
        panels.register(*home.BLOCKS)
