"""What the dispatch centre does after the devices' events commit (subscribed in
DispatchConfig.ready): an elder's alarm becomes a call on the dispatchers' board.
Safe to run twice (one call per alarm)."""

from django.utils.translation import gettext as _

from linli.devices.choices import AlarmAction
from linli.devices.events import AlarmRaised
from linli.devices.models import Alarm, AlarmChange
from linli.dispatch.choices import ALARM_KINDS
from linli.dispatch.services import call_from_alarm


def open_a_call(event: AlarmRaised) -> None:
    """An alarm of an elder's kind (choices.ALARM_KINDS) makes a call. A home sensor
    at no elder's home makes none: its alarm's log says why."""
    if event.alarm_type not in ALARM_KINDS:
        return
    alarm = Alarm.objects.select_related(
        "alarm_type", "device__grid", "device__house__building"
    ).get(pk=event.alarm_id)
    if call_from_alarm(alarm=alarm) is None:
        AlarmChange.objects.create(
            alarm=alarm,
            action=AlarmAction.COMMENTED,
            note=_("No dispatch call: the device is not at the home of a registered elder."),
        )
