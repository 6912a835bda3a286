"""What the devices app does once alarms and cases change (subscribed in
DevicesConfig.ready): an alarm of a type mapped to a case category opens a case, the
notification rules tell people of new alarms, and closing the case clears the alarm.
Each is safe to run twice (core/events.py delivers at least once)."""

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.choices import OPEN_STAGES, Stage
from linli.cases.events import StageChanged
from linli.cases.models import Case
from linli.cases.selectors import cases_raised_by
from linli.cases.services import case_accept, case_report
from linli.core.geojson import contains
from linli.devices.choices import AlarmAction
from linli.devices.events import AlarmRaised
from linli.devices.models import Alarm, AlarmChange, Device, ProfileKey
from linli.devices.notices import alarm_title, hearers, place_of, tell
from linli.devices.services import alarm_acknowledge, alarm_clear
from linli.registry.models import Organisation

SOURCE = "alarm"  # the case source devices register: 设备告警
ORIGIN = "devices.alarm"  # Case.origin_type of the cases alarms raise


def _alarm(alarm_id: int) -> Alarm:
    return Alarm.objects.select_related(
        "alarm_type__case_category",
        "device__grid",
        "device__building",
        "device__house__building",
        "device__profile",
    ).get(pk=alarm_id)


def _what_triggered(alarm: Alarm) -> str:
    """The value that raised it, in words (the rule's key and value in `details`)."""
    key, value = alarm.details.get("key"), alarm.details.get("value")
    if not key or value is None:
        return ""
    label, unit = str(key), ""
    found = ProfileKey.objects.filter(profile=alarm.device.profile_id, key=key).first()
    if found is not None:
        label, unit = found.label, found.unit
    shown = f"{value:g}" if isinstance(value, int | float) else str(value)  # 1.0 → 1
    return _("Value: %(label)s %(value)s%(unit)s.") % {"label": label, "value": shown, "unit": unit}


def case_description(alarm: Alarm) -> str:
    """The case's text: type, device name and number, place, value and time."""
    device = alarm.device
    text = _(
        "%(type)s (%(severity)s): %(device)s, device number %(key)s, at %(place)s, since %(time)s."
    ) % {
        "type": alarm.alarm_type.name,
        "severity": alarm.get_severity_display(),
        "device": device.name,
        "key": device.key,
        "place": place_of(alarm),
        "time": timezone.localtime(alarm.started_at).strftime("%Y-%m-%d %H:%M:%S"),
    }
    triggered = _what_triggered(alarm)
    return f"{text} {triggered}".strip()


def _point(device: Device) -> tuple[Decimal | None, Decimal | None]:
    """The device's point if its grid holds it (else the case is placed by address)."""
    if device.longitude is None or device.latitude is None:
        return None, None
    if not contains(device.grid.boundary, float(device.longitude), float(device.latitude)):
        return None, None
    return device.longitude, device.latitude


def open_a_case(event: AlarmRaised) -> None:
    """An alarm whose type names a case category opens a case there (source 设备告警,
    the alarm its origin), located at the device, accepted at once by the system (the
    sensor is the evidence: nobody needs to confirm a fire before it is dispatched) and
    so dispatched by the routing rules. Not while a case an earlier alarm of the same
    device and type opened is still open: the alarm's log names that case instead."""
    alarm = _alarm(event.alarm_id)
    category = alarm.alarm_type.case_category
    if category is None or cases_raised_by(alarm).exists():
        return
    if not category.active:  # a deployment turned the category off: say so, open nothing
        AlarmChange.objects.create(
            alarm=alarm,
            action=AlarmAction.COMMENTED,
            note=_("No case opened: the category %(name)s is not in use.")
            % {"name": category.name},
        )
        return
    earlier = Alarm.objects.filter(device=alarm.device_id, alarm_type=alarm.alarm_type_id)
    open_case = (
        Case.objects.filter(
            origin_type=ORIGIN,
            origin_id__in=[str(pk) for pk in earlier.values_list("pk", flat=True)],
            stage__in=OPEN_STAGES,
        )
        .order_by("pk")
        .first()
    )
    if open_case is not None:
        AlarmChange.objects.create(
            alarm=alarm,
            action=AlarmAction.COMMENTED,
            note=_("Case %(code)s, opened by an earlier alarm, is still open.")
            % {"code": open_case.code},
        )
        return
    device = alarm.device
    longitude, latitude = _point(device)
    case = case_report(
        category=category,
        description=case_description(alarm),
        source=SOURCE,
        by=None,
        region=device.grid,
        address=place_of(alarm)[:200],
        longitude=longitude,
        latitude=latitude,
        origin=alarm,
    )
    case = case_accept(case=case, by=None, note=_("Opened by a device alarm."))
    AlarmChange.objects.create(
        alarm=alarm,
        action=AlarmAction.COMMENTED,
        note=_("Case %(code)s opened (%(stage)s).")
        % {"code": case.code, "stage": case.get_stage_display()},
    )


def tell_who_hears(event: AlarmRaised) -> None:
    """The notification rules: the people they name hear of the new alarm."""
    alarm = _alarm(event.alarm_id)
    people = hearers(alarm)
    if people:
        tell(people, alarm=alarm, kind="alarm-raised", title=alarm_title(alarm))


def clear_when_closed(event: StageChanged) -> None:
    """A case an alarm raised is closed: the alarm, and the active alarm of the same
    device and type it covered, are cleared and acknowledged (closing the case is
    handling them). A case rejected or merged leaves its alarm to the people handling
    alarms: the device may still be alarming; a reopened case does not raise it again."""
    if event.to_stage != Stage.CLOSED:
        return
    case = Case.objects.filter(pk=event.case_id, origin_type=ORIGIN).first()
    if case is None or not case.origin_id.isdigit():
        return
    origin = Alarm.objects.filter(pk=int(case.origin_id)).first()
    if origin is None:
        return
    note = _("Case %(code)s closed.") % {"code": case.code}
    covered = Alarm.objects.filter(
        Q(pk=origin.pk)
        | Q(device=origin.device_id, alarm_type=origin.alarm_type_id, cleared_at__isnull=True)
    )
    for alarm in covered.order_by("pk"):
        if alarm.cleared_at is None:
            alarm_clear(alarm=alarm, by=None, acknowledge=True, note=note)
        elif alarm.acknowledged_at is None:
            alarm_acknowledge(alarm=alarm, by=None, note=note)


def owner(alarm: Alarm) -> Organisation | None:
    """The organisation owning the alarm's device (a routing rule "to the owner")."""
    return alarm.device.owner
