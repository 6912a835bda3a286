"""The dispatcher's console: the live board of open calls with the responders'
status, a call's page with its actions, return visits, care calls, responders."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.forms import apply_errors
from linli.core.htmx import render_page
from linli.core.lists import page_of, query_without_page, render_list
from linli.dispatch import selectors, services
from linli.dispatch.choices import CallKind, CallState, Emergency, Outcome, Step, VisitResult
from linli.dispatch.filters import CallFilter
from linli.dispatch.forms import ResponderForm
from linli.dispatch.models import Call
from linli.dispatch.permissions import CALL_HANDLE, CALL_VIEW
from linli.regions.selectors import may


def _listing(request: HttpRequest, template: str, page: Any, **context: Any) -> HttpResponse:
    """A list without a filter: its page and the query for the pagination links."""
    return render_page(
        request, template, {"page": page, "query": query_without_page(request), **context}
    )


def _rank(call: Call) -> tuple[int, int, float]:
    """The board's order: overdue first, then life priority, then oldest."""
    return (0 if call.overdue() else 1, 0 if call.life_priority else 1, call.raised_at.timestamp())


@requires(CALL_VIEW)
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """调度台: the open calls (live), overdue and life-priority first, and the
    responders with their status."""
    user = signed_in_user(request)
    filters, errors = CallFilter.from_query(request.GET)
    found = selectors.call_list(user=user, filters=filters)
    page = page_of(request, found)
    calls = sorted(page.object_list, key=_rank)
    responders = list(selectors.responders_visible(user=user)[:50])
    return render_list(
        request,
        "dispatch/board.html",
        page=page,
        filters=filters,
        errors=errors,
        calls=calls,
        responders=_with_calls(responders),
        states=CallState.choices,
        kinds=CallKind.choices,
        now=timezone.now(),
    )


def _with_calls(responders: list[Any]) -> list[tuple[Any, Call | None]]:
    """Each responder with the open call they were sent to, if any."""
    busy = selectors.busy_responders(responders)
    return [(r, busy.get(r.pk)) for r in responders]


def _call(request: HttpRequest, pk: int, action: str = CALL_VIEW) -> Call:
    return get_object_or_404(selectors.calls_visible(user=request.user, action=action), pk=pk)


@requires(CALL_VIEW)
@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One call: the elder, the home, the timers, the actions its state allows, the log."""
    call = _call(request, pk)
    handles = may(request.user, call.grid, CALL_HANDLE)
    elder = call.resident
    return render_page(
        request,
        "dispatch/call_detail.html",
        {
            "call": call,
            "case": services.case_of(call),
            "elder": elder,
            "age": selectors.age_of(elder) if elder else None,
            "steps": selectors.call_steps(call=call),
            "handles": handles and call.state != CallState.CLOSED,
            "ranked": services.nearest_responders(call) if handles else [],
            "emergencies": Emergency.choices,
            "outcomes": Outcome.choices,
            "allowed": _allowed(call),
            "now": timezone.now(),
        },
    )


def _allowed(call: Call) -> set[str]:
    from linli.dispatch.choices import TRANSITIONS

    return {str(step) for step, (froms, _to) in TRANSITIONS.items() if call.state in froms}


def _act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    call = _call(request, pk, CALL_HANDLE)
    user = signed_in_user(request)
    note = request.POST.get("note", "")
    try:
        if step == Step.ANSWERED:
            services.call_answer(call=call, note=note, by=user)
        elif step == Step.CONTACT:
            services.call_contact(call=call, note=note, by=user)
        elif step == Step.SENT:
            chosen = request.POST.get("responder", "").strip()
            if chosen and not chosen.isdigit():
                raise ValidationError(_("Unknown responder, or not on duty for this call's area."))
            services.call_send(
                call=call, responder=int(chosen) if chosen else None, note=note, by=user
            )
        elif step == Step.ARRIVED:
            services.call_arrive(call=call, note=note, by=user)
        elif step == Step.ESCALATED:
            services.call_escalate(call=call, to=request.POST.get("to", ""), note=note, by=user)
        else:
            services.call_close(
                call=call, outcome=request.POST.get("outcome", ""), note=note, by=user
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dispatch:call-detail", pk=call.pk)
    messages.success(request, _("Saved: %(step)s.") % {"step": Step(step).label})
    return redirect("dispatch:call-detail", pk=call.pk)


@requires(CALL_HANDLE)
@require_POST
def call_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, Step.ANSWERED)


@requires(CALL_HANDLE)
@require_POST
def call_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, Step.CONTACT)


@requires(CALL_HANDLE)
@require_POST
def call_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, Step.SENT)


@requires(CALL_HANDLE)
@require_POST
def call_arrive(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, Step.ARRIVED)


@requires(CALL_HANDLE)
@require_POST
def call_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, Step.ESCALATED)


@requires(CALL_HANDLE)
@require_POST
def call_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, Step.CLOSED)


# --- return visits, care calls, responders --------------------------------------------


@requires(CALL_VIEW)
@require_GET
def return_visits(request: HttpRequest) -> HttpResponse:
    """回访: one the day after each closed alarm call; to do first."""
    found = selectors.return_visits_visible(user=request.user)
    return _listing(
        request,
        "dispatch/return_visits.html",
        page_of(request, found),
        results=VisitResult.choices,
        today=timezone.localdate(),
    )


@requires(CALL_HANDLE)
@require_POST
def return_visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(
        selectors.return_visits_visible(user=request.user, action=CALL_HANDLE), pk=pk
    )
    try:
        services.return_visit_record(
            visit=visit,
            result=request.POST.get("result", ""),
            note=request.POST.get("note", ""),
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Return visit recorded."))
    return redirect("dispatch:return-visits")


@requires(CALL_VIEW)
@require_GET
def care_calls(request: HttpRequest) -> HttpResponse:
    """主动关怀: the calls to make to elders living alone, and those made lately."""
    user = signed_in_user(request)
    return _listing(
        request,
        "dispatch/care_calls.html",
        page_of(request, selectors.care_calls_to_make(user=user)),
        recent=selectors.care_calls_recent(user=user)[:50],
    )


@requires(CALL_HANDLE)
@require_POST
def care_call_record(request: HttpRequest, pk: int) -> HttpResponse:
    care_call = get_object_or_404(
        selectors.care_calls_visible(user=request.user, action=CALL_HANDLE), pk=pk
    )
    answered = request.POST.get("answered", "")
    try:
        if answered not in ("yes", "no"):
            raise ValidationError(_("Say whether the elder answered."))
        done = services.care_call_record(
            care_call=care_call,
            answered=answered == "yes",
            note=request.POST.get("note", ""),
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Recorded; unanswered twice in a row: the grid worker will visit.")
            if done.escalated
            else _("Care call recorded."),
        )
    return redirect("dispatch:care-calls")


@requires(CALL_VIEW)
@require_GET
def responders(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.responders_visible(user=user)
    page = page_of(request, found)
    handles = {r.pk for r in page.object_list if may(user, r.region, CALL_HANDLE)}
    return _listing(
        request,
        "dispatch/responders.html",
        page,
        rows=_with_calls(list(page.object_list)),
        handles=handles,
        may_add=user.has_action(CALL_HANDLE),
    )


@requires(CALL_HANDLE)
@require_http_methods(["GET", "POST"])
def responder_new(request: HttpRequest) -> HttpResponse:
    """Add a grid worker or a provider's care worker to the responders of a community
    or grid."""
    user = signed_in_user(request)
    form = ResponderForm(
        request.POST or None,
        people=selectors.responder_candidates(user=user),
        regions=selectors.responder_regions(user=user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            responder = services.responder_register(
                user=form.cleaned_data["user"],
                region=form.cleaned_data["region"],
                kind=form.cleaned_data["kind"],
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s responds in %(region)s.")
                % {"name": responder.user.get_short_name(), "region": responder.region.name},
            )
            return redirect("dispatch:responders")
    return render_page(request, "dispatch/responder_form.html", {"form": form})


@requires(CALL_HANDLE)
@require_POST
def responder_duty(request: HttpRequest, pk: int) -> HttpResponse:
    responder: Any = get_object_or_404(
        selectors.responders_visible(user=request.user, action=CALL_HANDLE), pk=pk
    )
    on_duty = request.POST.get("on_duty") == "1"
    services.responder_update(responder=responder, on_duty=on_duty, by=signed_in_user(request))
    messages.success(request, _("On duty.") if on_duty else _("Off duty."))
    return redirect("dispatch:responders")
