"""Alarms nobody acknowledges climb, alarms nobody clears come back (the periodic task
`alarms-escalate`, every minute, runs `alarms_escalate` and `alarms_remind`).

Escalation: an active alarm not acknowledged within its type's `escalate_after`
minutes is reported to the device's subdistrict — its administrators: the people whose
own administrator's grant there may handle alarms — and after as long again to the
district's;
each step sets `escalated_at` and writes an `escalated` row in the alarm's log.

Reminders: an active alarm of a type with `remind_every` is recalled every so many
minutes until it is cleared — to its assignee; else to the assignee of the case it
opened; else to those the notification rules name —, setting `reminded_at` and
writing a `reminded` row.

Both read the work list in one query and change each alarm with a conditional
update on what they saw, so two runs at once (or one run twice) tell people once.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import RoleGrant
from linli.accounts.selectors import people_who_may
from linli.cases.selectors import cases_raised_by
from linli.core.permissions import ADMIN_ROLES
from linli.devices.choices import AlarmAction
from linli.devices.models import Alarm, AlarmChange
from linli.devices.notices import alarm_title, channels_for, hearers, tell
from linli.devices.permissions import ALARM_HANDLE
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region

# The levels an unacknowledged alarm climbs, one `escalate_after` each, and who is told
# there: the administrators (not the departments' or companies' handlers granted there).
LEVELS = (Level.SUBDISTRICT, Level.DISTRICT)
ADMINS = RoleGrant.objects.filter(role__in=ADMIN_ROLES)


def _work(now: datetime) -> Q:
    return Q(cleared_at__isnull=True) & Q(started_at__lte=now)


def alarms_escalate(*, now: datetime | None = None) -> int:
    """Report each unacknowledged active alarm one level up when its time has come;
    returns how many steps were made."""
    now = now or timezone.now()
    found = (
        Alarm.objects.filter(
            _work(now), acknowledged_at__isnull=True, alarm_type__escalate_after__isnull=False
        )
        .annotate(level=Count("changes", filter=Q(changes__action=AlarmAction.ESCALATED)))
        .filter(level__lt=len(LEVELS))
        .select_related("alarm_type", "device__grid")
    )
    made = 0
    for alarm in found:
        minutes = alarm.alarm_type.escalate_after or 0
        level: int = alarm.level  # type: ignore[attr-defined]
        if now < alarm.started_at + timedelta(minutes=minutes * (level + 1)):
            continue
        made += _escalate(alarm, level + 1, now)
    return made


@transaction.atomic
def _escalate(alarm: Alarm, level: int, now: datetime) -> int:
    moved = Alarm.objects.filter(
        pk=alarm.pk, acknowledged_at__isnull=True, escalated_at=alarm.escalated_at
    ).update(escalated_at=now)
    if not moved:  # acknowledged meanwhile, or another run did this
        return 0
    path = alarm.device.grid.path[: PATH_LENGTH[LEVELS[level - 1]]]
    region = Region.objects.filter(path=path).first()
    channels = channels_for(alarm)
    above = people_who_may(ALARM_HANDLE, region, here_only=True, among=ADMINS) if region else None
    people = {pk: set(channels) for pk in above.values_list("pk", flat=True)} if above else {}
    minutes = (alarm.alarm_type.escalate_after or 0) * level
    told = tell(
        people,
        alarm=alarm,
        kind="alarm-escalated",
        title=_("Not acknowledged for %(minutes)s minutes: %(alarm)s")
        % {"minutes": minutes, "alarm": alarm_title(alarm)},
    )
    AlarmChange.objects.create(
        alarm=alarm,
        action=AlarmAction.ESCALATED,
        note=_("To %(region)s (%(n)s people told).")
        % {"region": region.name if region else path, "n": told},
        at=now,
    )
    return 1


def alarms_remind(*, now: datetime | None = None) -> int:
    """Recall each active alarm whose reminder is due; returns how many were recalled."""
    now = now or timezone.now()
    found = Alarm.objects.filter(_work(now), alarm_type__remind_every__isnull=False).select_related(
        "alarm_type", "device__grid", "device__building", "device__house__building"
    )
    made = 0
    for alarm in found:
        last = alarm.reminded_at or alarm.started_at
        if now < last + timedelta(minutes=alarm.alarm_type.remind_every or 0):
            continue
        made += _remind(alarm, now)
    return made


def _reminded(alarm: Alarm) -> dict[int, set[str]]:
    """Whom a reminder goes to: the alarm's assignee, else its case's, else those the
    rules name (with the rules' channels)."""
    channels = channels_for(alarm)
    if alarm.assignee_id is not None:
        return {alarm.assignee_id: channels}
    case = cases_raised_by(alarm).exclude(assignee__isnull=True).last()
    if case is not None and case.assignee_id is not None:
        return {case.assignee_id: channels}
    return hearers(alarm)


@transaction.atomic
def _remind(alarm: Alarm, now: datetime) -> int:
    moved = Alarm.objects.filter(
        pk=alarm.pk, cleared_at__isnull=True, reminded_at=alarm.reminded_at
    ).update(reminded_at=now)
    if not moved:
        return 0
    since = timezone.localtime(alarm.started_at).strftime("%H:%M")
    told = tell(
        _reminded(alarm),
        alarm=alarm,
        kind="alarm-reminder",
        title=_("Still active since %(since)s: %(alarm)s")
        % {"since": since, "alarm": alarm_title(alarm)},
    )
    AlarmChange.objects.create(
        alarm=alarm,
        action=AlarmAction.REMINDED,
        note=_("%(n)s people reminded.") % {"n": told},
        at=now,
    )
    return 1
