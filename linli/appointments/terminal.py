"""The pages a centre's unattended machines show (`Terminal`), signed in with their
token (a cookie set by the sign-in page), not as a person: the ticket kiosk (取号机)
and the hall's call screen (叫号屏), each for its own centre only."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.appointments import selectors, services
from linli.appointments.choices import TerminalKind
from linli.appointments.models import Terminal
from linli.appointments.permissions import CENTRE_VIEW
from linli.appointments.views import kiosk_page, ticket_page
from linli.core import live
from linli.core.access import public
from linli.core.htmx import render_page
from linli.devices.tokens import keep_in_cookie

COOKIE = "linli_terminal"
_staff = live.staff_scope(CENTRE_VIEW)


def terminal_of(request: HttpRequest) -> Terminal | None:
    """The terminal in service whose token the request's cookie holds, or None."""
    terminal = selectors.terminal_by_token(request.COOKIES.get(COOKIE, ""))
    if terminal is not None:
        services.terminal_seen(terminal)
    return terminal


def live_scope(request: HttpRequest) -> list[str] | None:
    """Who follows the queues' live channel: staff where they may view centres, and a
    terminal for its centre's region."""
    terminal = selectors.terminal_by_token(request.COOKIES.get(COOKIE, ""))
    return [terminal.centre.region.path] if terminal is not None else _staff(request)


def _signin(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "appointments/terminal_signin.html", {"error": error}, status=status)


def _terminal(request: HttpRequest, kind: str) -> Terminal:
    terminal = terminal_of(request)
    if terminal is None or terminal.kind != kind:
        raise Http404
    return terminal


@public
@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The sign-in form, or the terminal's page once its token is kept."""
    terminal = terminal_of(request)
    if terminal is None:
        return _signin(request)
    if terminal.kind == TerminalKind.KIOSK:
        return redirect("appointments-terminal:kiosk")
    return redirect("appointments-terminal:screen")


@public
@require_POST
def signin(request: HttpRequest) -> HttpResponse:
    """A terminal signs in with its token, once: a cookie keeps it."""
    token = request.POST.get("token", "").strip()
    if selectors.terminal_by_token(token) is None:
        message = _(
            "This token is unknown or no longer valid: ask the centre for the terminal's token."
        )
        return _signin(request, error=message, status=422)
    response = redirect("appointments-terminal:home")
    keep_in_cookie(response, COOKIE, token)
    return response


@public
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """取号 at the kiosk terminal: its centre's queues and check-in with a booking code."""
    terminal = terminal_of(request)
    if terminal is None:
        return redirect("appointments-terminal:home")
    if terminal.kind != TerminalKind.KIOSK:
        raise Http404
    return kiosk_page(
        request,
        terminal.centre,
        by=None,
        here=reverse("appointments-terminal:kiosk"),
        ticket_url="appointments-terminal:ticket",
    )


@public
@never_cache
@require_GET
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """A ticket the kiosk gave today, as printed."""
    terminal = _terminal(request, TerminalKind.KIOSK)
    found = get_object_or_404(
        terminal.centre.tickets.select_related("queue", "centre", "appointment"),
        pk=pk,
        day=timezone.localdate(),
    )
    return ticket_page(request, found, back=reverse("appointments-terminal:kiosk"))


@public
@never_cache
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    """叫号屏 at the call-screen terminal: its centre's latest calls and queues."""
    terminal = terminal_of(request)
    if terminal is None:
        return redirect("appointments-terminal:home")
    if terminal.kind != TerminalKind.CALL_SCREEN:
        raise Http404
    centre = terminal.centre
    context = {"centre": centre, **selectors.queue_board(centre)}
    return render_page(request, "appointments/call_screen.html", context, partial="board")
