"""Who hears of an alarm, and how: the notification rules (`NotificationRule`).

A rule names a region (it covers every device below it), roles, severities and
channels. An alarm of a matching severity, of a device the rule's region covers, is
told to the people holding one of the roles in a grant whose region covers the
device — its grid, its community, its subdistrict, the district (a grid worker of
another grid, a worker of another community, hears nothing) — through the console's
notification centre and the rule's other channels. Several rules add up: each person
hears once, through every channel of the rules that name them.

Where no enabled rule covers the device, `DEFAULT_RULE` applies: the grid workers of
the device's grid and the community workers of its community hear of critical and
major alarms in the console.

`notification_rule_check` is the one check of a rule's lists (the console's and the
API's rule editing call it, and `NotificationRule.clean`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.models import RoleGrant, User
from linli.core.permissions import Role, vocabulary
from linli.devices.choices import Channel, Severity
from linli.devices.models import Alarm, NotificationRule
from linli.devices.permissions import DEVICE_VIEW
from linli.notifications.services import notify
from linli.regions.models import Region


@dataclass(frozen=True)
class Rule:
    """What a notification rule says (a `NotificationRule`, or the default)."""

    roles: tuple[str, ...]
    severities: tuple[str, ...]
    channels: tuple[str, ...]


DEFAULT_RULE = Rule(
    roles=(Role.GRID_WORKER, Role.COMMUNITY_WORKER),
    severities=(Severity.CRITICAL, Severity.MAJOR),
    channels=(Channel.CONSOLE,),
)


def roles_hearing() -> list[str]:
    """The roles a rule may name: those who see devices' alarms (not residents)."""
    return [role for role in Role if DEVICE_VIEW in vocabulary.by_role.get(role, set())]


def notification_rule_check(
    *, roles: Sequence[Any], severities: Sequence[Any], channels: Sequence[Any]
) -> tuple[list[str], list[str], list[str]]:
    """The rule's lists, each without repeats in its vocabulary's order, or a
    ValidationError naming every bad field: each list needs one value at least, and
    only known roles that see alarms, known severities and known channels."""
    errors: dict[str, list[str]] = {}
    checked: list[list[str]] = []
    for field, given, known, unknown in (
        ("roles", roles, roles_hearing(), _("Unknown role, or one that does not see alarms")),
        ("severities", severities, list(Severity), _("Unknown severity")),
        ("channels", channels, list(Channel), _("Unknown channel")),
    ):
        if not isinstance(given, list | tuple) or not given:
            errors[field] = [_("Choose one at least.")]
            checked.append([])
            continue
        bad = [str(value) for value in given if value not in known]
        if bad:
            errors[field] = [f"{unknown}: {', '.join(bad)[:100]}"]
        checked.append([value for value in known if value in given])
    if errors:
        raise ValidationError(errors)
    return checked[0], checked[1], checked[2]


def rules_for(grid: Region) -> list[Rule]:
    """The enabled rules whose region covers the grid, or the default if none does."""
    paths = [*grid.ancestor_paths(), grid.path]
    found = [
        Rule(tuple(r.roles), tuple(r.severities), tuple(r.channels))
        for r in NotificationRule.objects.filter(enabled=True, region__path__in=paths).order_by(
            "pk"
        )
    ]
    return found or [DEFAULT_RULE]


def _holding(roles: Iterable[str], paths: list[str]) -> set[int]:
    grants = RoleGrant.objects.filter(
        role__in=list(roles), region__path__in=paths, revoked_at__isnull=True
    )
    return set(grants.values_list("user", flat=True))


def hearers(alarm: Alarm) -> dict[int, set[str]]:
    """Who hears of the alarm by user id, with the channels besides the console each
    one hears it through."""
    grid = alarm.device.grid
    paths = [*grid.ancestor_paths(), grid.path]
    people: dict[int, set[str]] = {}
    for rule in rules_for(grid):
        if alarm.severity not in rule.severities:
            continue
        others = {c for c in rule.channels if c != Channel.CONSOLE}
        for user_id in _holding(rule.roles, paths):
            people.setdefault(user_id, set()).update(others)
    return people


def channels_for(alarm: Alarm) -> set[str]:
    """Every channel (besides the console) the rules matching the alarm name: how an
    escalation or a reminder goes out to people the rules do not name."""
    return {c for channels in hearers(alarm).values() for c in channels}


def tell(people: dict[int, set[str]], *, alarm: Alarm, kind: str, title: str) -> int:
    """Notify each person once, through the console and their channels (one
    `notify` per set of channels); returns how many people were told."""
    groups: dict[frozenset[str], list[int]] = {}
    for user_id, channels in people.items():
        groups.setdefault(frozenset(channels), []).append(user_id)
    told = 0
    for group, ids in groups.items():
        users = User.objects.filter(pk__in=ids, is_active=True).order_by("pk")
        told += len(
            notify(
                users=users,
                kind=kind,
                title=title,
                url=alarm_url(alarm),
                channels=sorted(group),
            )
        )
    return told


def alarm_url(alarm: Alarm) -> str:
    """The alarm's console page."""
    return reverse("devices:alarm-detail", args=[alarm.pk])


def alarm_title(alarm: Alarm) -> str:
    """告警标题: severity, type, community and grid, device number — what a text
    message or an email may carry (a device's name or place may name a home: the
    link leads to them, in the console)."""
    device = alarm.device
    grid = device.grid
    community = Region.objects.filter(children=grid).values_list("name", flat=True).first()
    return _("%(severity)s alarm: %(type)s · %(where)s · device %(key)s") % {
        "severity": Severity(alarm.severity).label,
        "type": alarm.alarm_type.name,
        "where": f"{(community or '').removesuffix('居委会')}{grid.name}",
        "key": device.key,
    }


def place_of(alarm: Alarm) -> str:
    """Where the device is, in words: its house's or building's address, else its grid."""
    device = alarm.device
    if device.house is not None:
        return str(device.house.address)
    if device.building is not None:
        return f"{device.building.address} {device.building.name}"
    return str(device.grid.name)
