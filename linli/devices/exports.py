"""What the devices app exports (linli.exports.kinds): the device list as a device sheet
(设备台账): the import template's columns first, so an export edited and imported
elsewhere is read back; then the devices' state. No token is ever in it."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from linli.devices import selectors, sheet
from linli.devices.filters import DeviceFilter
from linli.devices.models import Device
from linli.devices.permissions import DEVICE_VIEW
from linli.exports.kinds import ExportKind, register
from linli.exports.writer import Column

STATES = {"alarm": "告警", "online": "在线", "offline": "离线", "retired": "已停用"}


def _columns(filters: DeviceFilter) -> list[Column]:
    return [
        *(Column(header) for header in sheet.HEADERS),
        Column("状态"),
        Column("最近上报"),
        Column("电量"),
    ]


def _rows(user: Any, filters: DeviceFilter) -> QuerySet[Device]:
    return selectors.device_list(user=user, filters=filters).select_related("owner", "maintainer")


def _cells(d: Device, filters: DeviceFilter) -> list[Any]:
    house = d.house
    return [
        d.grid.code,
        d.key,
        d.name,
        d.profile.name,
        d.building.name if d.building else "",
        house.unit if house else "",
        house.number if house else "",
        d.longitude,
        d.latitude,
        d.owner.name if d.owner else "",
        d.maintainer.name if d.maintainer else "",
        STATES[selectors.device_state(d)],
        d.last_seen_at,
        d.battery,
    ]


DEVICES = register(
    ExportKind(
        code="devices.devices",
        title=gettext_lazy("Devices"),
        file_stem="设备台账",
        sheet=sheet.SHEET,
        action=DEVICE_VIEW,
        filter=DeviceFilter,
        object_type="devices.device",
        columns=_columns,
        rows=_rows,
        row=_cells,
    )
)
