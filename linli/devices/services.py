"""Every write of the devices app but the ingestion path (`ingestion.py`)."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.devices.models import Device, DeviceProfile
from linli.devices.permissions import DEVICE_MANAGE
from linli.devices.tokens import new_token, token_digest
from linli.regions.models import Region
from linli.regions.selectors import ensure_may
from linli.registry.models import Building, House, Organisation


@transaction.atomic
def device_provision(
    *,
    grid: Region,
    profile: DeviceProfile,
    key: str,
    name: str,
    building: Building | None = None,
    house: House | None = None,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    owner: Organisation | None = None,
    maintainer: Organisation | None = None,
    is_gateway: bool = False,
    by: Any,
) -> tuple[Device, str]:
    """A new device in `grid` and its access token (shown once: only its digest is
    kept). A house places it at the house's building; a building or house must be
    of the grid."""
    ensure_may(by, grid, DEVICE_MANAGE)
    if house is not None:
        building = house.building
    if building is not None and building.grid_id != grid.pk:
        raise ValidationError({"building": _("This building is in another grid.")})
    for field, org in (("owner", owner), ("maintainer", maintainer)):
        if org is None or by is None:
            continue
        if not Organisation.objects.visible_to(by).filter(pk=org.pk).exists():
            raise ValidationError({field: _("Choose an organisation you can see.")})
    if longitude is None and building is not None:
        longitude, latitude = building.longitude, building.latitude
    token = new_token()
    device = Device(
        grid=grid,
        profile=profile,
        key=key.strip(),
        name=name.strip(),
        building=building,
        house=house,
        longitude=longitude,
        latitude=latitude,
        owner=owner,
        maintainer=maintainer,
        is_gateway=is_gateway,
        token_hash=token_digest(token),
    )
    device.full_clean()
    device.save()
    audit_record(action=AuditAction.RECORD_CREATE, actor=by, obj=device, object_label=str(device))
    return device, token


@transaction.atomic
def device_token_rotate(*, device: Device, by: Any) -> str:
    """A new token for `device`; the old one stops working at once."""
    ensure_may(by, device.grid, DEVICE_MANAGE)
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.retired_at is not None:
        raise ValidationError(_("This device is retired."))
    token = new_token()
    device.token_hash = token_digest(token)
    device.token_rotated_at = timezone.now()
    device.save(update_fields=["token_hash", "token_rotated_at"])
    audit_record(action=AuditAction.TOKEN_CREATE, actor=by, obj=device, object_label=str(device))
    return token


@transaction.atomic
def device_retire(*, device: Device, by: Any) -> Device:
    """Out of service: its token stops working, its history stays."""
    ensure_may(by, device.grid, DEVICE_MANAGE)
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.retired_at is None:
        device.retired_at = timezone.now()
        device.online = False
        device.save(update_fields=["retired_at", "online"])
        audit_record(
            action=AuditAction.TOKEN_REVOKE, actor=by, obj=device, object_label=str(device)
        )
    return device


def profiles_ensure_defaults() -> None:
    """The seeded alarm types and profiles, where missing (a test that flushed the
    database, a deployment that deleted one by mistake)."""
    from linli.devices.profiles import ensure

    ensure()
