"""The devices app's domain events (linli.core.events).

- `AlarmRaised`: a new active alarm (not a repeat of one already active).
- `AlarmMoved`: an alarm acknowledged, cleared or assigned, by someone (`actor_id`)
  or by the system (`actor_id` None: a rule's condition ended, a case was closed).
  `action` is an `AlarmAction` value.

Subscribers: alarm → case and the notification rules (subscribers.py).

`LIVE_ALARMS`: the live channel (linli.core.live) of alarms raised, repeated or moved,
followed by the alarm inboxes of staff who may view devices there.
"""

from dataclasses import dataclass
from typing import ClassVar

from linli.core.events import DomainEvent

LIVE_ALARMS = "devices.alarms"


@dataclass(frozen=True)
class AlarmRaised(DomainEvent):
    name: ClassVar[str] = "device.alarm_raised"
    alarm_id: int
    device_id: int
    alarm_type: str  # AlarmType.code
    severity: str


@dataclass(frozen=True)
class AlarmMoved(DomainEvent):
    name: ClassVar[str] = "device.alarm_moved"
    alarm_id: int
    action: str
    actor_id: int | None
    note: str
