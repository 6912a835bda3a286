"""Every write of the dispatch centre. A call moves only along TRANSITIONS
(choices.py): an action out of order is refused with a message and changes nothing;
each move is logged (CallStep) and told to the boards (live channel)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.models import Case
from linli.cases.selectors import cases_raised_by
from linli.core import live
from linli.core.permissions import Role
from linli.devices.models import Alarm
from linli.dispatch.choices import (
    ALARM_KINDS,
    PERSONAL_KINDS,
    STEP_VERBS,
    TRANSITIONS,
    CallState,
    CareState,
    Emergency,
    Outcome,
    ResponderKind,
    Step,
    VisitResult,
)
from linli.dispatch.events import LIVE_CALLS
from linli.dispatch.models import Call, CallStep, CareCall, Responder, ReturnVisit
from linli.dispatch.permissions import CALL_HANDLE
from linli.regions.models import Region
from linli.regions.selectors import ensure_may
from linli.registry.choices import ResidentStatus
from linli.registry.labels import years_ago
from linli.registry.models import Affiliation, House, Resident

MAX_NOTE = 500
ELDERLY_AGE = 60


def elders_at(house: House | None) -> list[Resident]:
    """The living residents of 60 or more in the house's households, eldest first."""
    if house is None:
        return []
    return list(
        Resident.objects.filter(
            household__house=house,
            household__dissolved_at__isnull=True,
            status=ResidentStatus.LIVING,
            birth_date__lte=years_ago(ELDERLY_AGE),
        ).order_by("birth_date", "pk")
    )


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("A note is at most %(n)s characters.") % {"n": MAX_NOTE}})
    return note


def _publish(call: Call) -> None:
    live.publish(LIVE_CALLS, path=call.grid.path, data={"call": call.pk})


def call_from_alarm(*, alarm: Alarm) -> Call | None:
    """The call an elder's alarm raises (once per alarm), or None when the alarm is
    not an elder's: a home-watching sensor (door, motion) at no elder's home. A
    device a person carries or presses that is at no elder's home still makes a call,
    marked so, for the dispatcher to sort out."""
    kind = ALARM_KINDS.get(alarm.alarm_type.code)
    if kind is None:
        return None
    existing = Call.objects.filter(alarm=alarm).first()
    if existing is not None:
        return existing
    device = alarm.device
    elders = elders_at(device.house)
    if not elders and kind not in PERSONAL_KINDS:
        return None
    case = cases_raised_by(alarm).first()
    call = Call.objects.create(
        grid=device.grid,
        kind=kind,
        alarm=alarm,
        case=case,
        house=device.house,
        resident=elders[0] if elders else None,
        at_elder_home=bool(elders),
        raised_at=alarm.started_at,
    )
    note = "" if elders else _("The device is not at the home of a registered elder.")
    CallStep.objects.create(
        call=call, step=Step.RAISED, to_state=CallState.NEW, note=note, at=call.raised_at
    )
    _publish(call)
    return call


def _move(call: Call, step: str, by: Any, note: str = "", **fields: Any) -> Call:
    """Check the step is allowed from the call's state (locked), then log and save."""
    ensure_may(by, call.grid, CALL_HANDLE)
    locked = Call.objects.select_for_update().select_related("grid").get(pk=call.pk)
    allowed, to_state = TRANSITIONS[step]
    if locked.state not in allowed:
        raise ValidationError(
            _("This call is “%(state)s”: it cannot %(action)s now.")
            % {"state": locked.get_state_display(), "action": STEP_VERBS[Step(step)]}
        )
    now = timezone.now()
    from_state = locked.state
    for name, value in fields.items():
        setattr(locked, name, value)
    if to_state is not None:
        locked.state = to_state
    if by is not None and locked.handler_id is None:
        locked.handler = by
        fields["handler"] = by
    locked.save(update_fields=[*fields, "state"])
    CallStep.objects.create(
        call=locked,
        step=step,
        from_state=from_state,
        to_state=locked.state,
        actor=by,
        note=note,
        at=now,
    )
    _publish(locked)
    return locked


@transaction.atomic
def call_answer(*, call: Call, note: str = "", by: Any) -> Call:
    """The dispatcher takes the call and rings the elder back."""
    return _move(call, Step.ANSWERED, by, _note(note), answered_at=timezone.now())


@transaction.atomic
def call_contact(*, call: Call, note: str, by: Any) -> Call:
    """An emergency contact (a daughter, a neighbour) was reached: who, and what said."""
    note = _note(note)
    if not note:
        raise ValidationError({"note": _("Write whom you reached and what was agreed.")})
    return _move(call, Step.CONTACT, by, note)


def _eligible(call: Call) -> list[Responder]:
    grid_path = call.grid.path
    found = Responder.objects.filter(on_duty=True).select_related("region", "user")
    return [r for r in found if grid_path.startswith(r.region.path)]


def home_point(call: Call) -> tuple[Decimal, Decimal] | None:
    """Where the call is: the home's building, else the device's own point."""
    building = call.house.building if call.house is not None else None
    if building is not None and building.longitude is not None and building.latitude is not None:
        return building.longitude, building.latitude
    device = call.alarm.device
    if device.longitude is not None and device.latitude is not None:
        return device.longitude, device.latitude
    return None


def nearest_responders(call: Call) -> list[tuple[Responder, float | None]]:
    """The on-duty responders serving the call's grid, nearest to the home first
    (those whose position is unknown last)."""
    point = home_point(call)
    ranked = [(r, r.distance_to(*point) if point is not None else None) for r in _eligible(call)]
    return sorted(ranked, key=lambda pair: (pair[1] is None, pair[1] or 0.0, pair[0].pk))


@transaction.atomic
def call_send(
    *, call: Call, responder: Responder | int | None = None, note: str = "", by: Any
) -> Call:
    """Send a responder: the one named (on duty, serving the call's grid) or, with
    none named, the nearest on duty."""
    note = _note(note)
    ranked = nearest_responders(call)
    if responder is None:
        if not ranked:
            raise ValidationError(
                {"responder": _("Nobody is on duty here: call a responder by phone or escalate.")}
            )
        chosen = ranked[0][0]
    else:
        key = responder if isinstance(responder, int) else responder.pk
        chosen_or_none = next((r for r, _d in ranked if r.pk == key), None)
        if chosen_or_none is None:
            raise ValidationError(
                {"responder": _("Unknown responder, or not on duty for this call's area.")}
            )
        chosen = chosen_or_none
    return _move(call, Step.SENT, by, note, responder=chosen, sent_at=timezone.now())


@transaction.atomic
def call_arrive(*, call: Call, note: str = "", by: Any) -> Call:
    """The responder is at the home (the arrival timer stops)."""
    return _move(call, Step.ARRIVED, by, _note(note), arrived_at=timezone.now())


@transaction.atomic
def call_escalate(*, call: Call, to: str, note: str = "", by: Any) -> Call:
    """Handed to 120 or 110: a recorded step; the call stays the dispatcher's."""
    if to not in Emergency.values:
        raise ValidationError({"to": _("Choose 120 or 110.")})
    label = Emergency(to).label
    text = _note(note)
    return _move(call, Step.ESCALATED, by, f"{label} {text}".strip(), escalated_to=to)


@transaction.atomic
def call_close(*, call: Call, outcome: str, note: str = "", by: Any) -> Call:
    """Closed with its outcome; a return visit falls due the next day."""
    if not outcome:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    now = timezone.now()
    closed = _move(call, Step.CLOSED, by, _note(note), outcome=outcome, closed_at=now)
    ReturnVisit.objects.get_or_create(
        call=closed, defaults={"due_on": timezone.localdate(now) + timedelta(days=1)}
    )
    return closed


@transaction.atomic
def return_visit_record(*, visit: ReturnVisit, result: str, note: str = "", by: Any) -> ReturnVisit:
    """How the elder is, the day after."""
    ensure_may(by, visit.call.grid, CALL_HANDLE)
    visit = ReturnVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.done_at is not None:
        raise ValidationError(_("This return visit is already recorded."))
    if result not in VisitResult.values:
        raise ValidationError({"result": _("Choose the result of the return visit.")})
    visit.result, visit.note = result, _note(note)
    visit.done_at, visit.done_by = timezone.now(), by
    visit.save(update_fields=["result", "note", "done_at", "done_by"])
    return visit


# --- responders ----------------------------------------------------------------------


def _point(longitude: Decimal | None, latitude: Decimal | None) -> None:
    if (longitude is None) != (latitude is None):
        raise ValidationError({"longitude": _("Give both longitude and latitude, or neither.")})
    if longitude is not None and not -180 <= longitude <= 180:
        raise ValidationError({"longitude": _("Longitude is between -180 and 180.")})
    if latitude is not None and not -90 <= latitude <= 90:
        raise ValidationError({"latitude": _("Latitude is between -90 and 90.")})


@transaction.atomic
def responder_register(*, user: Any, region: Region, kind: str, by: Any) -> Responder:
    """A grid worker of the region, or a care worker acting for an organisation
    (registry.Affiliation), joins the responders the dispatch centre may send."""
    ensure_may(by, region, CALL_HANDLE)
    organisation = None
    grants = user.grants.active()
    if kind == ResponderKind.GRID_WORKER:
        if not any(
            region.path.startswith(g.region.path) or g.region.path.startswith(region.path)
            for g in grants.filter(role=Role.GRID_WORKER).select_related("region")
        ):
            raise ValidationError({"user": _("This person is not a grid worker here.")})
    elif kind == ResponderKind.CARE_WORKER:
        affiliation = (
            Affiliation.objects.filter(grant__in=grants).select_related("organisation").first()
        )
        if affiliation is None:
            raise ValidationError({"user": _("This person acts for no service provider.")})
        organisation = affiliation.organisation
    else:
        raise ValidationError({"kind": _("Choose grid worker or care worker.")})
    if Responder.objects.filter(user=user, region=region).exists():
        raise ValidationError({"user": _("This person already responds here.")})
    return Responder.objects.create(user=user, region=region, kind=kind, organisation=organisation)


@transaction.atomic
def responder_update(
    *,
    responder: Responder,
    on_duty: bool,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    by: Any,
) -> Responder:
    """On or off duty, and where they are now (from their phone or the dispatcher)."""
    if by is not None and getattr(by, "pk", None) != responder.user_id:
        ensure_may(by, responder.region, CALL_HANDLE)
    _point(longitude, latitude)
    responder = Responder.objects.select_for_update().get(pk=responder.pk)
    responder.on_duty = on_duty
    fields = ["on_duty"]
    if longitude is not None and latitude is not None:
        responder.longitude, responder.latitude = longitude, latitude
        responder.position_at = timezone.now()
        fields += ["longitude", "latitude", "position_at"]
    responder.save(update_fields=fields)
    return responder


# --- proactive care calls -------------------------------------------------------------


@transaction.atomic
def care_call_record(*, care_call: CareCall, answered: bool, note: str = "", by: Any) -> CareCall:
    """Answered or not; the second unanswered in a row is escalated to the grid's
    workers, and an answer closes that (escalation.py)."""
    from linli.dispatch.escalation import escalate_unanswered, reached

    ensure_may(by, care_call.grid, CALL_HANDLE)
    care_call = (
        CareCall.objects.select_for_update().select_related("grid", "resident").get(pk=care_call.pk)
    )
    if care_call.state != CareState.DUE:
        raise ValidationError(_("This care call is already recorded."))
    care_call.state = CareState.ANSWERED if answered else CareState.UNANSWERED
    care_call.note, care_call.recorded_at, care_call.recorded_by = _note(note), timezone.now(), by
    care_call.save(update_fields=["state", "note", "recorded_at", "recorded_by"])
    if answered:
        reached(care_call)
    else:
        escalate_unanswered(care_call)
    return care_call


def care_calls_due(*, today: date, every_days: int) -> int:
    """A care call today for every elder living alone who has none in the last
    `every_days` days (nor one still to make). Returns how many were made."""
    from linli.registry.labels import ELDERLY_ALONE, derived_label_q

    recent = CareCall.objects.filter(due_on__gt=today - timedelta(days=every_days))
    waiting = CareCall.objects.filter(state=CareState.DUE)
    alone = (
        Resident.objects.filter(derived_label_q(ELDERLY_ALONE))
        .exclude(pk__in=recent.values("resident"))
        .exclude(pk__in=waiting.values("resident"))
        .values_list("pk", "grid_id")
    )
    made = [CareCall(resident_id=pk, grid_id=grid, due_on=today) for pk, grid in alone]
    CareCall.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)


def case_of(call: Call) -> Case | None:
    """The case the call's alarm opened (the call may have arrived first)."""
    return call.case or cases_raised_by(call.alarm).first()
