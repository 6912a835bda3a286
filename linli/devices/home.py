"""The devices' block of the home page (linli.core.panels.HomeBlock): the active
alarms by severity, each count the alarm inbox it links to (same selector, same
filter), and the devices offline."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from linli.core.panels import HomeBlock, Tile
from linli.core.permissions import Role
from linli.devices import selectors
from linli.devices.choices import AlarmState, Severity
from linli.devices.filters import AlarmFilter, DeviceFilter

ACTIVE = [AlarmState.ACTIVE_UNACK, AlarmState.ACTIVE_ACK]


def _alarms(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    tiles = []
    for severity in Severity:
        filters = AlarmFilter(severity=[severity], state=ACTIVE)
        count = selectors.alarm_list(user=user, filters=filters).count()
        query = urlencode({"severity": severity.value, "state": ACTIVE}, doseq=True)
        tiles.append(
            Tile(
                severity.label,
                count,
                f"{reverse('devices:alarm-list')}?{query}",
                alert=severity in (Severity.CRITICAL, Severity.MAJOR),
            )
        )
    offline = selectors.device_list(user=user, filters=DeviceFilter(online=False)).count()
    tiles.append(
        Tile(_("Devices offline"), offline, f"{reverse('devices:device-list')}?online=false")
    )
    return {"tiles": tiles}


BLOCKS = (
    HomeBlock(
        frozenset(  # who watches and handles a region's alarms (not auditors, departments)
            {
                Role.PLATFORM_ADMIN,
                Role.DISTRICT_ADMIN,
                Role.SUBDISTRICT_ADMIN,
                Role.COMMUNITY_WORKER,
                Role.GRID_WORKER,
            }
        ),
        _("Active alarms"),
        _alarms,
        order=12,
    ),
)
