from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "linli.devices"
    label = "devices"
    verbose_name = _("Devices")

    def ready(self) -> None:
        from linli.core import periodic
        from linli.devices.tasks import devices_offline, telemetry_hourly, telemetry_partitions

        periodic.register("telemetry-partitions", telemetry_partitions, every=timedelta(days=1))
        periodic.register("telemetry-hourly", telemetry_hourly, every=timedelta(minutes=10))
        periodic.register("devices-offline", devices_offline, every=timedelta(minutes=1))
