"""The dispatch centre's vocabularies: kinds of call, the call's states and the
steps of its log (an explicit state machine), outcomes, responders, care calls."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CallKind(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency call")
    SERVICE = "service", _("Service request")
    FALL = "fall", _("Fall")
    NO_ACTIVITY = "no_activity", _("No movement")
    DOOR_NIGHT = "door_night", _("Door open at night")
    WANDERING = "wandering", _("Left the safe area")


# The devices' alarm types (linli/devices/profiles.py) that arrive as calls.
ALARM_KINDS = {
    "elder-emergency": CallKind.EMERGENCY,
    "elder-service": CallKind.SERVICE,
    "fall": CallKind.FALL,
    "no-activity": CallKind.NO_ACTIVITY,
    "door-open-night": CallKind.DOOR_NIGHT,
    "wandering": CallKind.WANDERING,
}
# Kinds a person carries or presses: a call even from a device at no elder's home
# (marked so). The others watch a home: away from an elder's home they are the
# devices' ordinary alarms, not calls.
PERSONAL_KINDS = frozenset(
    {CallKind.EMERGENCY, CallKind.SERVICE, CallKind.FALL, CallKind.WANDERING}
)
# Life-priority kinds: everything but a service request.
LIFE_KINDS = frozenset(CallKind) - {CallKind.SERVICE}


class CallState(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    SENT = "sent", _("Responder sent")
    ON_SITE = "on_site", _("On site")
    CLOSED = "closed", pgettext_lazy("call", "Closed")


OPEN_STATES = frozenset(CallState) - {CallState.CLOSED}


class Step(models.TextChoices):
    """What a call's log records: its transitions and the steps that keep its state."""

    RAISED = "raised", _("Call arrived")
    ANSWERED = "answered", _("Answered")
    CONTACT = "contact", _("Contact reached")
    SENT = "sent", _("Responder sent")
    ARRIVED = "arrived", _("Arrived on site")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", pgettext_lazy("call", "Closed")


# What each step is, said as what cannot be done ("…: it cannot %(action)s now").
STEP_VERBS = {
    Step.ANSWERED: _("be answered"),
    Step.CONTACT: _("record a contact reached"),
    Step.SENT: _("send a responder"),
    Step.ARRIVED: _("record the arrival"),
    Step.ESCALATED: _("be escalated to 120 or 110"),
    Step.CLOSED: _("be closed"),
}

# Each action: the states it may start from, and the state it leaves (None: unchanged).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Step.ANSWERED: (frozenset({CallState.NEW}), CallState.ANSWERED),
    Step.CONTACT: (frozenset({CallState.ANSWERED, CallState.SENT, CallState.ON_SITE}), None),
    Step.SENT: (frozenset({CallState.ANSWERED}), CallState.SENT),
    Step.ARRIVED: (frozenset({CallState.SENT}), CallState.ON_SITE),
    Step.ESCALATED: (frozenset({CallState.ANSWERED, CallState.SENT, CallState.ON_SITE}), None),
    Step.CLOSED: (
        frozenset({CallState.ANSWERED, CallState.SENT, CallState.ON_SITE}),
        CallState.CLOSED,
    ),
}


class Outcome(models.TextChoices):
    FALSE_ALARM = "false_alarm", _("False alarm")
    ADVICE = "advice", _("Advice given")
    PROVIDER_SENT = "provider_sent", _("Provider sent")
    AMBULANCE = "ambulance", _("Ambulance")
    CONTACT_REACHED = "contact_reached", _("Contact reached")


class Emergency(models.TextChoices):
    """Where a call is escalated."""

    AMBULANCE = "120", _("120 ambulance")
    POLICE = "110", _("110 police")


class ResponderKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    CARE_WORKER = "care_worker", _("Care worker")


class VisitResult(models.TextChoices):
    WELL = "well", _("Well")
    NEEDS_HELP = "needs_help", _("Needs help")
    NOT_REACHED = "not_reached", _("Not reached")


class CareState(models.TextChoices):
    DUE = "due", _("To call")
    ANSWERED = "answered", _("Answered")
    UNANSWERED = "unanswered", _("Unanswered")


CARE_EVERY_DAYS = 7  # a proactive care call per elder living alone, weekly
CARE_ESCALATE_AFTER = 2  # unanswered in a row


# Time limits per kind: seconds to answer, minutes for a responder to arrive
# (a deployment overrides them with the setting LINLI_DISPATCH_LIMITS).
LIMITS: dict[str, tuple[int, int]] = {
    CallKind.EMERGENCY: (60, 15),
    CallKind.FALL: (60, 15),
    CallKind.WANDERING: (120, 30),
    CallKind.NO_ACTIVITY: (180, 30),
    CallKind.DOOR_NIGHT: (300, 30),
    CallKind.SERVICE: (600, 120),
}
