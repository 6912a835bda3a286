"""The appointments pages: residents book and manage their appointments (mobile-first);
staff set up centres, windows, queues and slots; the kiosk gives tickets (取号), the
window console calls them (叫号) and the call screen shows and says each call."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.appointments import api, selectors, services
from linli.appointments.choices import ACTIVE_APPOINTMENT, TicketState
from linli.appointments.filters import CentreFilter
from linli.appointments.forms import (
    CentreForm,
    CheckInForm,
    ClosureForm,
    QueueForm,
    SlotsForm,
    TerminalForm,
    WindowForm,
)
from linli.appointments.models import Appointment, Centre, Slot, Terminal, Ticket, Window
from linli.appointments.permissions import CENTRE_MANAGE, CENTRE_VIEW, TICKET_CALL
from linli.core.access import requires, signed_in
from linli.core.forms import apply_errors
from linli.core.htmx import render_page
from linli.core.lists import page_of, render_list
from linli.regions.choices import Level
from linli.regions.models import Region


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- residents -------------------------------------------------------------------------


@signed_in
@require_GET
def my_appointments(request: HttpRequest) -> HttpResponse:
    """我的预约: coming appointments with cancel, move and calendar; then the past."""
    user = signed_in_user(request)
    now = timezone.now()
    found = list(selectors.my_appointments(user=user)[:100])
    coming = [a for a in found if a.state in ACTIVE_APPOINTMENT and a.slot.ends_at > now]
    coming.reverse()
    past = [a for a in found if a not in coming]
    return render(request, "appointments/my.html", {"coming": coming, "past": past, "now": now})


def _day(raw: str | None) -> date:
    days = selectors.bookable_days()
    try:
        wanted = date.fromisoformat(raw or "")
    except ValueError:
        return days[0]
    return wanted if wanted in days else days[0]


def _booking_context(request: HttpRequest) -> dict[str, Any]:
    centres = list(selectors.centres_open_for_booking())
    centre = None
    raw = request.GET.get("centre", "")
    if raw.isdigit():
        centre = next((c for c in centres if c.pk == int(raw)), None)
    if centre is None and centres:
        centre = centres[0]
    day = _day(request.GET.get("day"))
    slots = list(selectors.slots_open(centre=centre, day=day)) if centre else []
    return {
        "centres": centres,
        "centre": centre,
        "day": day,
        "days": selectors.bookable_days()[:14],
        "slots": slots,
    }


@signed_in
@require_GET
def book(request: HttpRequest) -> HttpResponse:
    """Choose a centre, a day and a time."""
    return render(request, "appointments/book.html", _booking_context(request))


@signed_in
@require_POST
def book_slot(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(Slot.objects.select_related("centre__region", "window"), pk=pk)
    try:
        appointment = services.appointment_book(slot=slot, by=signed_in_user(request))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        day = timezone.localtime(slot.starts_at).date().isoformat()
        return redirect(f"{reverse('appointments:book')}?centre={slot.centre_id}&day={day}")
    messages.success(
        request,
        _("Booked: %(when)s at %(centre)s. Your booking code is %(code)s.")
        % {
            "when": timezone.localtime(slot.starts_at).strftime("%m-%d %H:%M"),
            "centre": slot.centre.name,
            "code": appointment.code,
        },
    )
    return redirect("appointments:my")


def _mine(request: HttpRequest, pk: int) -> Appointment:
    return get_object_or_404(selectors.my_appointments(user=signed_in_user(request)), pk=pk)


@signed_in
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.appointment_cancel(appointment=_mine(request, pk), by=signed_in_user(request))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The appointment is cancelled."))
    return redirect("appointments:my")


@signed_in
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Another time at the same centre."""
    appointment = _mine(request, pk)
    if request.method == "POST":
        raw = request.POST.get("slot", "")
        slot = get_object_or_404(
            Slot.objects.select_related("centre__region"), pk=int(raw) if raw.isdigit() else 0
        )
        try:
            services.appointment_reschedule(
                appointment=appointment, slot=slot, by=signed_in_user(request)
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("The appointment is moved."))
            return redirect("appointments:my")
    day = _day(request.GET.get("day"))
    context = {
        "appointment": appointment,
        "centre": appointment.slot.centre,
        "day": day,
        "days": selectors.bookable_days()[:14],
        "slots": [
            s
            for s in selectors.slots_open(centre=appointment.slot.centre, day=day)
            if s.pk != appointment.slot_id
        ],
    }
    return render(request, "appointments/reschedule.html", context)


@signed_in
@require_GET
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The appointment as an .ics file for the phone's calendar."""
    return api.calendar_response(request, _mine(request, pk))


# --- centres ---------------------------------------------------------------------------


@requires(CENTRE_VIEW)
@require_GET
def centre_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filters, errors = CentreFilter.from_query(request.GET)
    found = filters.apply(selectors.centres_visible(user=user), user=user)
    return render_list(
        request,
        "appointments/centre_list.html",
        page=page_of(request, found.order_by("region__path", "name")),
        filters=filters,
        errors=errors,
        may_manage=user.has_action(CENTRE_MANAGE),
    )


def _regions(user: Any) -> Any:
    return (
        Region.objects.visible_to(user, CENTRE_MANAGE)
        .filter(level__in=[Level.SUBDISTRICT, Level.COMMUNITY], retired_at__isnull=True)
        .order_by("path")[:500]
    )


@requires(CENTRE_MANAGE)
@require_http_methods(["GET", "POST"])
def centre_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    regions = list(_regions(user))
    form = CentreForm(request.POST if request.method == "POST" else None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = next(r for r in regions if r.code == data["region_code"])
        hours = {d: (data["opens"], data["closes"]) for d in data["weekdays"]}
        try:
            centre = services.centre_create(
                region=region,
                name=data["name"],
                address=data["address"],
                phone=data["phone"],
                hours=hours,
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The centre is set up: add its queues and windows."))
            return redirect("appointments:centre-detail", pk=centre.pk)
    return render(request, "appointments/centre_form.html", {"form": form})


def _centre(request: HttpRequest, pk: int, action: str = CENTRE_VIEW) -> Centre:
    return get_object_or_404(
        selectors.centres_visible(user=signed_in_user(request), action=action), pk=pk
    )


@requires(CENTRE_VIEW)
@require_GET
def centre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A centre today: its queues' figures, windows, appointments, slots; set-up forms."""
    user = signed_in_user(request)
    centre = _centre(request, pk)
    today = timezone.localdate()
    day = _day(request.GET.get("day"))
    may_manage = (
        user.has_action(CENTRE_MANAGE)
        and selectors.centres_visible(user=user, action=CENTRE_MANAGE).filter(pk=centre.pk).exists()
    )
    context = {
        "centre": centre,
        "today": today,
        "day": day,
        "days": selectors.bookable_days()[:14],
        "hours": centre.hours.all(),
        "closures": centre.closures.filter(day__gte=today),
        "figures": selectors.queue_figures(centre, today),
        "matter_figures": selectors.matter_figures(centre, today),
        "windows": centre.windows.prefetch_related("queues", "matters"),
        "appointments": selectors.appointments_of_day(centre, today),
        "slots": selectors.slots_open(centre=centre, day=day),
        "may_manage": may_manage,
        "may_call": user.has_action(TICKET_CALL),
        "queue_form": QueueForm(),
        "window_form": WindowForm(centre=centre),
        "slots_form": SlotsForm(centre=centre, initial={"day": day}),
        "closure_form": ClosureForm(),
        "terminals": selectors.terminals_of(centre),
        "terminal_form": TerminalForm(),
    }
    return render_page(request, "appointments/centre_detail.html", context, partial="figures")


def _form_errors(form: Any) -> str:
    """A set-up form's errors as one message, each after its field's label."""
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''}：{' '.join(str(m) for m in e)}"
        for f, e in form.errors.items()
    )


def _set_up(request: HttpRequest, pk: int, form_class: Any, make: Any) -> HttpResponse:
    centre = _centre(request, pk, CENTRE_MANAGE)
    kwargs = {"centre": centre} if form_class in (WindowForm, SlotsForm) else {}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            done = make(centre, form.cleaned_data, signed_in_user(request))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, done)
    return redirect("appointments:centre-detail", pk=centre.pk)


@requires(CENTRE_MANAGE)
@require_POST
def queue_create(request: HttpRequest, pk: int) -> HttpResponse:
    def make(centre: Centre, data: dict[str, Any], by: Any) -> str:
        queue = services.queue_create(
            centre=centre, letter=data["letter"], name=data["name"], by=by
        )
        return _("Queue %(queue)s added.") % {"queue": queue}

    return _set_up(request, pk, QueueForm, make)


@requires(CENTRE_MANAGE)
@require_POST
def window_create(request: HttpRequest, pk: int) -> HttpResponse:
    def make(centre: Centre, data: dict[str, Any], by: Any) -> str:
        window = services.window_create(
            centre=centre,
            number=data["number"],
            name=data["name"],
            queues=data["queues"],
            matters=data["matters"],
            by=by,
        )
        return _("Window %(window)s added.") % {"window": window}

    return _set_up(request, pk, WindowForm, make)


@requires(CENTRE_MANAGE)
@require_POST
def slots_create(request: HttpRequest, pk: int) -> HttpResponse:
    def make(centre: Centre, data: dict[str, Any], by: Any) -> str:
        made = services.slots_create(
            window=data["window"],
            queue=data["queue"],
            matter=data["matter"],
            day=data["day"],
            minutes=data["minutes"],
            capacity=data["capacity"],
            by=by,
        )
        return _("%(n)s slots opened for booking.") % {"n": len(made)}

    return _set_up(request, pk, SlotsForm, make)


@requires(CENTRE_MANAGE)
@require_POST
def closure_create(request: HttpRequest, pk: int) -> HttpResponse:
    def make(centre: Centre, data: dict[str, Any], by: Any) -> str:
        services.centre_close_day(centre=centre, day=data["day"], reason=data["reason"], by=by)
        return _("The centre is closed on %(day)s; that day's appointments are cancelled.") % {
            "day": data["day"].isoformat()
        }

    return _set_up(request, pk, ClosureForm, make)


# --- terminals: the centre's kiosks and call screens -----------------------------------


def _token_page(request: HttpRequest, terminal: Terminal, token: str, *, new: bool) -> HttpResponse:
    return render(
        request,
        "appointments/terminal_token.html",
        {"terminal": terminal, "token": token, "new": new},
        status=201 if new else 200,
    )


@requires(CENTRE_MANAGE)
@require_POST
def terminal_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a ticket kiosk or call screen: its token is shown on the answer, this once."""
    centre = _centre(request, pk, CENTRE_MANAGE)
    form = TerminalForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        terminal, token = services.terminal_register(
            centre=centre,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("appointments:centre-detail", pk=centre.pk)
    return _token_page(request, terminal, token, new=True)


def _managed_terminal(request: HttpRequest, pk: int) -> Terminal:
    return get_object_or_404(
        Terminal.objects.visible_to(signed_in_user(request), CENTRE_MANAGE)
        .filter(retired_at__isnull=True)
        .select_related("centre__region"),
        pk=pk,
    )


@requires(CENTRE_MANAGE)
@require_POST
def terminal_token_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new token, shown once; the old one stops working at once."""
    terminal = _managed_terminal(request, pk)
    token = services.terminal_token_rotate(terminal=terminal, by=signed_in_user(request))
    return _token_page(request, terminal, token, new=False)


@requires(CENTRE_MANAGE)
@require_POST
def terminal_retire(request: HttpRequest, pk: int) -> HttpResponse:
    terminal = _managed_terminal(request, pk)
    services.terminal_retire(terminal=terminal, by=signed_in_user(request))
    messages.success(request, _("The terminal is retired: its token no longer works."))
    return redirect("appointments:centre-detail", pk=terminal.centre_id)


# --- kiosk, ticket, call screen ---------------------------------------------------------


@requires(TICKET_CALL)
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, pk: int) -> HttpResponse:
    """取号 on a staff member's screen: one large button per queue, and check-in with a
    booking code."""
    centre = _centre(request, pk, TICKET_CALL)
    return kiosk_page(
        request,
        centre,
        by=signed_in_user(request),
        here=reverse("appointments:kiosk", args=[centre.pk]),
        ticket_url="appointments:ticket",
    )


def kiosk_page(
    request: HttpRequest, centre: Centre, *, by: Any, here: str, ticket_url: str
) -> HttpResponse:
    """The kiosk of `centre`, issuing tickets `by` a staff member or None (a kiosk
    terminal, linli/appointments/terminal.py): a ticket shows at `ticket_url`, a refusal
    back `here`."""
    form = CheckInForm(request.POST if "code" in request.POST else None)
    if request.method == "POST":
        try:
            if "code" in request.POST:
                if not form.is_valid():
                    raise ValidationError(_("A booking code has 8 letters and digits."))
                appointment = (
                    Appointment.objects.filter(code=form.cleaned_data["code"], slot__centre=centre)
                    .select_related("slot__queue", "slot__centre")
                    .first()
                )
                if appointment is None:
                    raise ValidationError(_("No appointment at this centre has this code."))
                ticket = services.ticket_issue(
                    queue=appointment.slot.queue, appointment=appointment, by=by
                )
            else:
                raw = request.POST.get("queue", "")
                queue = get_object_or_404(centre.queues.all(), pk=int(raw) if raw.isdigit() else 0)
                ticket = services.ticket_issue(queue=queue, by=by)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect(here)
        return redirect(ticket_url, pk=ticket.pk)
    board = selectors.queue_board(centre)
    return render(request, "appointments/kiosk.html", {"centre": centre, "form": form, **board})


@requires(TICKET_CALL)
@require_GET
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticket as printed: its number, queue, time and how many wait before it."""
    found = get_object_or_404(
        selectors.tickets_visible(user=signed_in_user(request), action=TICKET_CALL), pk=pk
    )
    return ticket_page(request, found, back=reverse("appointments:kiosk", args=[found.centre_id]))


def ticket_page(request: HttpRequest, found: Ticket, *, back: str) -> HttpResponse:
    """The ticket as printed; "Done" goes `back` to the kiosk."""
    ahead = Ticket.objects.filter(
        queue=found.queue, day=found.day, state=TicketState.WAITING, issued_at__lt=found.issued_at
    ).count()
    return render(
        request, "appointments/ticket.html", {"ticket": found, "ahead": ahead, "back": back}
    )


@requires(CENTRE_VIEW)
@require_GET
def call_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The hall's screen: the latest calls, the newest large; each new call is spoken."""
    centre = _centre(request, pk)
    context = {"centre": centre, **selectors.queue_board(centre)}
    return render_page(request, "appointments/call_screen.html", context, partial="board")


# --- the window's console --------------------------------------------------------------


def _window(request: HttpRequest, pk: int) -> Window:
    return get_object_or_404(
        selectors.windows_visible(user=signed_in_user(request), action=TICKET_CALL), pk=pk
    )


@requires(TICKET_CALL)
@require_GET
def window_caller(request: HttpRequest, pk: int) -> HttpResponse:
    """叫号: the ticket at the window, its buttons, and who waits for it."""
    window = _window(request, pk)
    current = (
        Ticket.objects.filter(window=window, state=TicketState.CALLED)
        .select_related("queue", "appointment")
        .first()
    )
    context = {
        "window": window,
        "centre": window.centre,
        "current": current,
        "waiting": selectors.waiting_for(window)[:30],
        "others": window.centre.windows.exclude(pk=window.pk).filter(active=True),
        "figures": selectors.queue_figures(window.centre, timezone.localdate()),
    }
    return render_page(request, "appointments/caller.html", context, partial="console")


def _act(request: HttpRequest, window: Window, act: Any) -> HttpResponse:
    try:
        done = act()
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, done)
    return redirect("appointments:window-caller", pk=window.pk)


@requires(TICKET_CALL)
@require_POST
def window_next(request: HttpRequest, pk: int) -> HttpResponse:
    window = _window(request, pk)
    by = signed_in_user(request)

    def act() -> str:
        called = services.ticket_call_next(window=window, by=by)
        return _("Calling %(ticket)s.") % {"ticket": called.label}

    return _act(request, window, act)


def _ticket(request: HttpRequest, pk: int) -> Ticket:
    return get_object_or_404(
        selectors.tickets_visible(user=signed_in_user(request), action=TICKET_CALL), pk=pk
    )


@requires(TICKET_CALL)
@require_POST
def ticket_call(request: HttpRequest, pk: int, window_pk: int) -> HttpResponse:
    """Call this ticket (out of turn) to the window."""
    window = _window(request, window_pk)
    found = _ticket(request, pk)
    by = signed_in_user(request)

    def act() -> str:
        called = services.ticket_call(ticket=found, window=window, by=by)
        return _("Calling %(ticket)s.") % {"ticket": called.label}

    return _act(request, window, act)


def _ticket_action(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    found = _ticket(request, pk)
    by = signed_in_user(request)
    back = found.window or found.transferred_to
    if back is None:
        messages.error(request, _("%(ticket)s has not been called.") % {"ticket": found.label})
        return redirect("appointments:centre-detail", pk=found.centre_id)
    return _act(
        request, back, lambda: (service(ticket=found, by=by), done % {"ticket": found.label})[1]
    )


@requires(TICKET_CALL)
@require_POST
def ticket_recall(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(request, pk, services.ticket_recall, _("Calling %(ticket)s again."))


@requires(TICKET_CALL)
@require_POST
def ticket_finish(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(request, pk, services.ticket_finish, _("%(ticket)s served."))


@requires(TICKET_CALL)
@require_POST
def ticket_skip(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request, pk, services.ticket_skip, _("%(ticket)s skipped: the person did not come.")
    )


@requires(TICKET_CALL)
@require_POST
def ticket_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    found = _ticket(request, pk)
    raw = request.POST.get("to", "")
    to = get_object_or_404(
        selectors.windows_visible(user=signed_in_user(request), action=TICKET_CALL),
        pk=int(raw) if raw.isdigit() else 0,
    )
    by = signed_in_user(request)
    back = found.window
    if back is None:
        messages.error(request, _("%(ticket)s has not been called.") % {"ticket": found.label})
        return redirect("appointments:centre-detail", pk=found.centre_id)

    def act() -> str:
        services.ticket_transfer(ticket=found, to=to, by=by)
        return _("%(ticket)s sent to window %(window)s.") % {
            "ticket": found.label,
            "window": to.number,
        }

    return _act(request, back, act)
