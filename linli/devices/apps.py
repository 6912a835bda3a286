from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "linli.devices"
    label = "devices"
    verbose_name = _("Devices")

    def ready(self) -> None:
        from linli.core import navigation, panels
        from linli.devices import home
        from linli.devices.permissions import DEVICE_VIEW

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
                ),
            ),
            navigation.NavItem(
                _("Alarms"),
                "devices:alarm-list",
                DEVICE_VIEW,
                41,
                also=("devices:alarm-detail", "devices:notification-rule-list"),
            ),
        )
        panels.register(
            panels.Panel(
                "registry.building", _("Devices and alarms"), "devices:building-panel", DEVICE_VIEW
            ),
            panels.Panel("regions.region", _("Alarms"), "devices:region-panel", DEVICE_VIEW),
        )
        panels.register(*home.BLOCKS)
