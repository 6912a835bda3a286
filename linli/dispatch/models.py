"""The dispatch centre (调度中心): calls that elders' alarms raise, their log, the
responders on duty, return visits after alarm calls and proactive care calls."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.scoping import ScopedQuerySet
from linli.dispatch.choices import (
    LIFE_KINDS,
    LIMITS,
    OPEN_STATES,
    CallKind,
    CallState,
    CareState,
    Emergency,
    Outcome,
    ResponderKind,
    Step,
    VisitResult,
)
from linli.regions.models import GridOwned, GridOwnedQuerySet

CALL_VIEW = "call.view"  # linli/dispatch/permissions.py (no import: it registers)


def limits(kind: str) -> tuple[int, int]:
    """(seconds to answer, minutes to arrive) for a kind of call."""
    configured = getattr(settings, "LINLI_DISPATCH_LIMITS", {}) or {}
    answer, arrival = configured.get(kind, LIMITS[kind])
    return int(answer), int(arrival)


class CallQuerySet(GridOwnedQuerySet["Call"]):
    view_action = CALL_VIEW

    def open(self) -> "CallQuerySet":
        return self.filter(state__in=OPEN_STATES)


class Call(GridOwned):
    """调度单: a call an elder's alarm raised, in the grid of the device."""

    kind = models.CharField(_("kind"), max_length=12, choices=CallKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=CallState.choices, default=CallState.NEW
    )
    alarm = models.OneToOneField(
        "devices.Alarm", models.PROTECT, related_name="call", verbose_name=_("alarm")
    )
    case = models.ForeignKey(
        "cases.Case",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    house = models.ForeignKey(
        "registry.House",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home"),
    )
    resident = models.ForeignKey(
        "registry.Resident",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatch_calls",
        verbose_name=_("elder"),
    )
    at_elder_home = models.BooleanField(_("at an elder's home"), default=True)
    raised_at = models.DateTimeField(_("arrived at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("responder sent at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at the home"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    responder = models.ForeignKey(
        "Responder",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("responder"),
    )
    escalated_to = models.CharField(
        _("escalated to"), max_length=3, choices=Emergency.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dispatcher"),
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["grid", "state"], name="call_grid_state")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=CallState.CLOSED) | ~Q(outcome=""),
                name="call_closed_has_outcome",
                violation_error_message=_("A closed call needs its outcome."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def life_priority(self) -> bool:
        return self.kind in LIFE_KINDS

    @property
    def answer_due(self) -> timedelta:
        return timedelta(seconds=limits(self.kind)[0])

    @property
    def arrival_due(self) -> timedelta:
        return timedelta(minutes=limits(self.kind)[1])

    def answer_overdue(self, now: datetime | None = None) -> bool:
        end = self.answered_at or now or timezone.now()
        return end - self.raised_at > self.answer_due

    def arrival_overdue(self, now: datetime | None = None) -> bool:
        if self.sent_at is None:
            return False
        end = self.arrived_at or now or timezone.now()
        return end - self.sent_at > self.arrival_due

    def overdue(self, now: datetime | None = None) -> bool:
        return self.answer_overdue(now) or self.arrival_overdue(now)


class CallStep(models.Model):
    """A call's log: every action, by whom, from which state to which."""

    call = models.ForeignKey(Call, models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    from_state = models.CharField(_("from"), max_length=10, choices=CallState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=CallState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("call step")
        verbose_name_plural = _("call steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.step}"


class ResponderQuerySet(ScopedQuerySet["Responder"]):
    region_path = "region__path"
    view_action = CALL_VIEW


class Responder(models.Model):
    """A grid worker or a provider's care worker the dispatch centre may send, where
    they serve, with the on-duty flag and last known position this app keeps."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("person")
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("serves")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ResponderKind.choices)
    organisation = models.ForeignKey(
        "registry.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acts for"),
    )
    on_duty = models.BooleanField(_("on duty"), default=False)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    position_at = models.DateTimeField(_("position at"), null=True, blank=True)

    objects = ResponderQuerySet.as_manager()

    class Meta:
        verbose_name = _("responder")
        verbose_name_plural = _("responders")
        ordering = ["region__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"],
                name="responder_unique_user_region",
                violation_error_message=_("This person already responds here."),
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    def distance_to(self, longitude: Decimal, latitude: Decimal) -> float | None:
        """Metres to a point (equirectangular: fine across a district)."""
        if self.longitude is None or self.latitude is None:
            return None
        from math import cos, radians, sqrt

        mean = radians(float(self.latitude + latitude) / 2)
        dx = radians(float(self.longitude - longitude)) * cos(mean)
        dy = radians(float(self.latitude - latitude))
        return 6_371_000 * sqrt(dx * dx + dy * dy)


class ReturnVisitQuerySet(ScopedQuerySet["ReturnVisit"]):
    region_path = "call__grid__path"
    view_action = CALL_VIEW


class ReturnVisit(models.Model):
    """回访: the day after a closed alarm call, someone asks how the elder is."""

    call = models.OneToOneField(Call, models.CASCADE, related_name="return_visit")
    due_on = models.DateField(_("due on"))
    result = models.CharField(_("result"), max_length=12, choices=VisitResult.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    objects = ReturnVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.call_id} · {self.due_on}"


class CareCallQuerySet(GridOwnedQuerySet["CareCall"]):
    view_action = CALL_VIEW


class CareCall(GridOwned):
    """主动关怀: a scheduled call to an elder living alone."""

    resident = models.ForeignKey(
        "registry.Resident", models.CASCADE, related_name="care_calls", verbose_name=_("elder")
    )
    due_on = models.DateField(_("due on"))
    state = models.CharField(
        _("state"), max_length=10, choices=CareState.choices, default=CareState.DUE
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    escalated = models.BooleanField(_("escalated"), default=False)

    objects = CareCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("care call")
        verbose_name_plural = _("care calls")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "due_on"],
                name="carecall_unique_resident_day",
                violation_error_message=_("This elder already has a care call that day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} · {self.due_on}"
