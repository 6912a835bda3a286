"""Service centres (服务中心), their windows (窗口) and queues (取号类别), appointment
slots (预约时段) and appointments (预约), walk-in tickets (排队号) and their log.

A centre belongs to a region and has opening hours per weekday (`CentreHours`) and
closed days of its own (`CentreClosure`); the working calendar's holidays
(`core.CalendarDay`) close it too. A slot is a window's time for a number of people
(`capacity`); `booked` counts its active appointments and the database refuses more
than `capacity` (a check constraint; booking is one conditional UPDATE, so concurrent
bookings cannot overbook). A ticket is a queue's number of the day (A012); windows call
the queues they serve, and every move of a ticket is a `TicketChange`. A centre's
unattended machines, its ticket kiosks and call screens (`Terminal`), sign in with a
token instead of a person.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.appointments.choices import (
    ACTIVE_APPOINTMENT,
    MAX_SLOT_CAPACITY,
    MAX_TICKETS_A_DAY,
    MAX_WINDOWS,
    WEEKDAY_LABELS,
    AppointmentState,
    TerminalKind,
    TicketAction,
    TicketState,
)
from linli.appointments.permissions import CENTRE_VIEW
from linli.core.scoping import ScopedQuerySet


class CentreQuerySet(ScopedQuerySet["Centre"]):
    region_path = "region__path"
    view_action = CENTRE_VIEW


class Centre(models.Model):
    """服务中心: a place of windows where residents book, take tickets and are served."""

    region = models.ForeignKey("regions.Region", models.PROTECT, verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=60)
    address = models.CharField(_("address"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="centre_name_unique",
                violation_error_message=_("This region already has a centre of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CentreHours(models.Model):
    """A centre's opening hours on one weekday (0 = Monday); no row: closed that day."""

    centre = models.ForeignKey(Centre, models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), validators=[MinValueValidator(0), MaxValueValidator(6)]
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["centre", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "weekday"],
                name="centre_hours_unique",
                violation_error_message=_("This weekday already has opening hours."),
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")) & Q(weekday__lte=6),
                name="centre_hours_valid",
                violation_error_message=_("A centre closes after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday_label} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def weekday_label(self) -> str:
        return str(WEEKDAY_LABELS[self.weekday])


class CentreClosure(models.Model):
    """A day the centre is closed besides the calendar's holidays."""

    centre = models.ForeignKey(Centre, models.CASCADE, related_name="closures")
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=60)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["centre", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "day"],
                name="centre_closure_unique",
                violation_error_message=_("The centre is already closed that day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.reason}"


class QueueQuerySet(ScopedQuerySet["Queue"]):
    region_path = "centre__region__path"
    view_action = CENTRE_VIEW


class WindowQuerySet(ScopedQuerySet["Window"]):
    region_path = "centre__region__path"
    view_action = CENTRE_VIEW


class SlotQuerySet(ScopedQuerySet["Slot"]):
    region_path = "centre__region__path"
    view_action = CENTRE_VIEW


class TicketQuerySet(ScopedQuerySet["Ticket"]):
    region_path = "centre__region__path"
    view_action = CENTRE_VIEW


class Queue(models.Model):
    """取号类别: a line of tickets with its letter (A012), served by some windows."""

    centre = models.ForeignKey(Centre, models.CASCADE, related_name="queues")
    letter = models.CharField(
        _("letter"),
        max_length=1,
        validators=[RegexValidator(r"^[A-Z]$", _("One capital letter, A to Z."))],
    )
    name = models.CharField(_("name"), max_length=30)

    objects = QueueQuerySet.as_manager()

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["centre", "letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "letter"],
                name="queue_letter_unique",
                violation_error_message=_("This centre already has a queue of this letter."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter} {self.name}"


class Window(models.Model):
    """窗口: numbered in its centre; calls the tickets of the queues it serves."""

    centre = models.ForeignKey(Centre, models.CASCADE, related_name="windows")
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(MAX_WINDOWS)]
    )
    name = models.CharField(_("name"), max_length=30)
    queues = models.ManyToManyField(Queue, related_name="windows", verbose_name=_("queues"))
    matters = models.ManyToManyField(
        "hall.Matter", related_name="windows", blank=True, verbose_name=_("matters handled")
    )
    active = models.BooleanField(_("open"), default=True)

    objects = WindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["centre", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "number"],
                name="window_number_unique",
                violation_error_message=_("This centre already has a window of this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}号 {self.name}"


class Slot(models.Model):
    """预约时段: a window's time for up to `capacity` appointments."""

    centre = models.ForeignKey(Centre, models.CASCADE, related_name="slots")
    window = models.ForeignKey(Window, models.CASCADE, related_name="slots")
    queue = models.ForeignKey(Queue, models.PROTECT, related_name="slots")
    matter = models.ForeignKey(
        "hall.Matter",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("matter"),
        help_text=_("Empty: any matter the window handles."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SLOT_CAPACITY)]
    )
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at", "window__number"]
        indexes = [models.Index(fields=["centre", "starts_at"], name="slot_centre_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__gte=0) & Q(booked__lte=F("capacity")),
                name="slot_not_overbooked",
                violation_error_message=_("This slot is full."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="slot_ends_after_start",
                violation_error_message=_("A slot ends after it starts."),
            ),
            models.UniqueConstraint(
                fields=["window", "queue", "starts_at"],
                name="slot_unique",
                violation_error_message=_("This window already has this slot."),
            ),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class AppointmentQuerySet(ScopedQuerySet["Appointment"]):
    region_path = "slot__centre__region__path"
    view_action = CENTRE_VIEW


class Appointment(models.Model):
    """预约: a person's place in a slot, until cancelled, arrived or missed."""

    slot = models.ForeignKey(Slot, models.PROTECT, related_name="appointments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="appointments"
    )
    code = models.CharField(_("booking code"), max_length=8, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=AppointmentState.choices, default="booked"
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "person"],
                condition=Q(state__in=ACTIVE_APPOINTMENT),
                name="appointment_once_per_slot",
                violation_error_message=_("You have already booked this slot."),
            )
        ]
        indexes = [models.Index(fields=["person", "state"], name="appointment_person")]

    def __str__(self) -> str:
        return self.code


class Ticket(models.Model):
    """排队号: a queue's number of the day, taken at the kiosk or on arrival."""

    centre = models.ForeignKey(Centre, models.CASCADE, related_name="tickets")
    queue = models.ForeignKey(Queue, models.PROTECT, related_name="tickets")
    matter = models.ForeignKey(
        "hall.Matter",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("matter"),
    )
    day = models.DateField(_("day"))
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TICKETS_A_DAY)]
    )
    state = models.CharField(
        _("state"), max_length=10, choices=TicketState.choices, default=TicketState.WAITING
    )
    appointment = models.OneToOneField(
        Appointment, models.PROTECT, null=True, blank=True, related_name="ticket"
    )
    window = models.ForeignKey(
        Window,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("window"),
    )
    transferred_to = models.ForeignKey(
        Window, models.PROTECT, null=True, blank=True, related_name="transfers"
    )
    calls = models.PositiveSmallIntegerField(_("calls"), default=0)
    issued_at = models.DateTimeField(_("taken at"), default=timezone.now)
    first_called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    waited_s = models.PositiveIntegerField(_("waiting time (s)"), null=True, blank=True)
    served_s = models.PositiveIntegerField(_("service time (s)"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["issued_at", "pk"]
        indexes = [models.Index(fields=["centre", "day", "state"], name="ticket_centre_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "day", "number"],
                name="ticket_number_unique",
                violation_error_message=_("This ticket number was already given today."),
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.queue.letter}{self.number:03d}"


class TicketChange(models.Model):
    """One move of a ticket: who, when, at which window."""

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=10, choices=TicketAction.choices)
    window = models.ForeignKey(Window, models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket change")
        verbose_name_plural = _("ticket changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"


class TerminalQuerySet(ScopedQuerySet["Terminal"]):
    region_path = "centre__region__path"
    view_action = CENTRE_VIEW


class Terminal(models.Model):
    """取号机 or 叫号屏: a centre's ticket kiosk or call screen, which runs unattended
    and signs in with its token (kept only as its SHA-256, linli.devices.tokens), not
    as a person. Retired: its token stops working."""

    centre = models.ForeignKey(
        Centre, models.PROTECT, related_name="terminals", verbose_name=_("service centre")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TerminalKind.choices)
    name = models.CharField(_("name"), max_length=40)
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    token_rotated_at = models.DateTimeField(_("token issued at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = TerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("terminal")
        verbose_name_plural = _("terminals")
        ordering = ["centre", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.centre.name} · {self.name}"

    @property
    def region_path(self) -> str:
        return self.centre.region.path
