"""Reads of elderly care: elders in the user's scope (registry residents aged 60 or
over, with their profile if one was made), an elder's home devices, the timeline of
alarms at home, the family consents and what a family member may see."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from linli.accounts.models import RoleGrant, User
from linli.care.filters import ElderFilter
from linli.care.models import CONTACT_PHONE_CONTEXT, ElderProfile, EmergencyContact, FamilyConsent
from linli.care.permissions import ELDER_VIEW
from linli.core.crypto import blind_index
from linli.core.permissions import Role
from linli.devices.models import Alarm, Device
from linli.dispatch.models import Call
from linli.gridwork.models import Visit
from linli.notices.audience import reader_of
from linli.regions.selectors import regions_within
from linli.registry.choices import ResidentStatus
from linli.registry.filters import ResidentFilter
from linli.registry.labels import ELDERLY, derived_label_q
from linli.registry.models import Resident
from linli.registry.selectors import resident_list

AnyUser = Any
TIMELINE_LIMIT = 50


def elders_visible(*, user: AnyUser, action: str = ELDER_VIEW) -> QuerySet[Resident]:
    """Living residents aged 60 or over in the user's scope for `action`, with what
    the registry's pages show of them (address, grid, labels) and their profile."""
    found: QuerySet[Resident] = resident_list(user=user, filters=ResidentFilter(), action=action)
    return found.filter(derived_label_q(ELDERLY)).select_related("grid__parent", "care_profile")


def elder_list(*, user: AnyUser, filters: ElderFilter) -> QuerySet[Resident]:
    return filters.apply(elders_visible(user=user), user=user).order_by("grid__path", "name", "pk")


def profile_of(resident: Resident) -> ElderProfile | None:
    return ElderProfile.objects.filter(resident=resident).first()


def contacts_of(resident: Resident) -> QuerySet[EmergencyContact]:
    return EmergencyContact.objects.filter(profile__resident=resident).order_by("pk")


def devices_at_home(resident: Resident) -> QuerySet[Device]:
    """The devices at the elder's house, and those of their building placed at no
    house of it (a stairwell's smoke detector), in service."""
    house = resident.household.house
    return (
        Device.objects.filter(
            Q(house_id=house.pk) | Q(building_id=house.building_id, house__isnull=True),
            retired_at__isnull=True,
        )
        .select_related("profile")
        .order_by("house", "name")
    )


@dataclass(frozen=True)
class Entry:
    """One line of an elder's timeline."""

    at: datetime
    kind: str  # "alarm"
    title: str
    detail: str
    open: bool
    call: str = ""  # where the dispatch centre's call for the alarm stands


def alarms_at_home(resident: Resident) -> QuerySet[Alarm]:
    return (
        Alarm.objects.filter(device__in=devices_at_home(resident).values("pk"))
        .select_related("alarm_type", "device")
        .order_by("-started_at")
    )


def timeline(resident: Resident, *, limit: int = TIMELINE_LIMIT) -> list[Entry]:
    """The alarms at the elder's home, newest first, each with the dispatch centre's
    call it raised (its state, and its outcome once closed)."""
    return [
        Entry(
            at=alarm.started_at,
            kind="alarm",
            title=alarm.alarm_type.name,
            detail=alarm.device.name,
            open=alarm.cleared_at is None,
            call=_call_summary(alarm),
        )
        for alarm in alarms_at_home(resident).select_related("call")[:limit]
    ]


def _call_summary(alarm: Alarm) -> str:
    call: Call | None = getattr(alarm, "call", None)
    if call is None:
        return ""
    if call.outcome:
        return f"{call.get_state_display()}（{call.get_outcome_display()}）"
    return str(call.get_state_display())


def visits_of(resident: Resident, *, limit: int = TIMELINE_LIMIT) -> QuerySet[Visit]:
    """The grid workers' visits to the elder's household, newest first."""
    return (
        Visit.objects.filter(household_id=resident.household_id)
        .select_related("visitor")
        .order_by("-visited_at")[:limit]
    )


def consents_of(resident: Resident) -> QuerySet[FamilyConsent]:
    return (
        FamilyConsent.objects.filter(profile__resident=resident)
        .select_related("family", "given_by", "revoked_by")
        .order_by("revoked_at", "-given_at")
    )


def person_of(user: AnyUser) -> Resident | None:
    """The registry person of a resident account (matched by mobile number where the
    account holds its resident role), else None."""
    return reader_of(user).resident


def consents_for(user: AnyUser) -> QuerySet[FamilyConsent]:
    """The consents in force that the signed-in family member holds: as the registry's
    person of their resident account, or as the elder's emergency contact with their
    account's mobile number, below the account's 家属 grants (ADR 0027)."""
    held = Q(pk__in=[])
    person = person_of(user)
    if person is not None:
        held |= Q(family=person)
    paths = [g.region.path for g in _grants(user, Role.FAMILY)]
    if paths and user.phone:
        held |= Q(
            contact__phone_index=blind_index(user.phone, CONTACT_PHONE_CONTEXT),
            profile__resident__grid__in=regions_within(paths),
        )
    return (
        FamilyConsent.objects.active()
        .filter(held, profile__resident__status=ResidentStatus.LIVING)
        .select_related("profile__resident__household__house__building")
    )


def _grants(user: AnyUser, role: str) -> list[RoleGrant]:
    if not isinstance(user, User) or not user.is_active:
        return []
    return [grant for grant in user.active_grants() if grant.role == role]
