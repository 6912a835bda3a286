"""The time bank's pages: the staff's accounts list, an account's passbook, recording
earned hours, giving hours, reversing an entry; a resident's own passbook
(我的时间银行); the panel on the elder's page (`care.elder`)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.accounts.auth import signed_in_user
from linli.core.access import requires, signed_in
from linli.core.crypto import mask_name
from linli.core.forms import apply_errors
from linli.core.htmx import render_page
from linli.core.lists import page_of, query_without_page, render_list
from linli.regions.selectors import may
from linli.registry.models import Resident
from linli.timebank import selectors, services
from linli.timebank.choices import EntryKind, hours_text
from linli.timebank.filters import AccountFilter
from linli.timebank.forms import EarnForm, ReverseForm, TransferForm
from linli.timebank.models import Account
from linli.timebank.permissions import TIMEBANK_RECORD, TIMEBANK_VIEW


@requires(TIMEBANK_VIEW)
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    """Volunteers' accounts in the user's regions: name, holding hours, region."""
    user = signed_in_user(request)
    filters, errors = AccountFilter.from_query(request.GET)
    return render_list(
        request,
        "timebank/account_list.html",
        page=page_of(request, selectors.account_list(user=user, filters=filters)),
        filters=filters,
        errors=errors,
        may_record=user.has_action(TIMEBANK_RECORD),
    )


def _passbook(request: HttpRequest, account: Account) -> dict[str, Any]:
    page = page_of(request, selectors.Passbook(account))
    return {"page": page, "rows": page.object_list, "query": query_without_page(request)}


@requires(TIMEBANK_VIEW)
@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An account's passbook: balance, every entry with the other side and the service."""
    user = signed_in_user(request)
    account = get_object_or_404(selectors.accounts_visible(user=user), pk=pk)
    return render_page(
        request,
        "timebank/account_detail.html",
        {
            "account": account,
            "holder": mask_name(account.holder.name) if account.holder else "",
            "may_record": may(user, account.region, TIMEBANK_RECORD),
            "reversal": EntryKind.REVERSAL,
            **_passbook(request, account),
        },
        partial="results",
    )


@requires(TIMEBANK_RECORD)
@require_http_methods(["GET", "POST"])
def earn(request: HttpRequest) -> HttpResponse:
    """Record a volunteer's service to an elder (`?account=`: that account's holder)."""
    user = signed_in_user(request)
    account = None
    if request.GET.get("account", "").isdigit():
        account = get_object_or_404(
            selectors.accounts_visible(user=user, action=TIMEBANK_RECORD),
            pk=int(request.GET["account"][:12]),
        )
    form = EarnForm(request.POST if request.method == "POST" else None)
    if account is not None:
        del form.fields["volunteer"]  # the account's holder
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            volunteer = (
                account.holder
                if account is not None and account.holder is not None
                else selectors.resident_by_id_number(
                    id_number=data["volunteer"],
                    field="volunteer",
                    within=Resident.objects.visible_to(user, TIMEBANK_RECORD),
                )
            )
            elder = selectors.resident_by_id_number(id_number=data["elder"], field="elder")
            entry = services.hours_earn(
                volunteer=volunteer,
                hours=data["hours"],
                service=data["service"],
                reference=data["reference"],
                served=elder,
                served_on=data["served_on"],
                note=data["note"],
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, _renamed(exc, {"served": "elder"}))
        else:
            messages.success(
                request,
                _("%(hours)s hours recorded for %(name)s.")
                % {"hours": hours_text(entry.hours), "name": mask_name(volunteer.name)},
            )
            return redirect("timebank:account-detail", pk=selectors.account_of(volunteer).pk)  # type: ignore[union-attr]
    return render(
        request,
        "timebank/earn.html",
        {
            "form": form,
            "account": account,
            "holder": mask_name(account.holder.name) if account and account.holder else "",
        },
    )


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's errors on the names of the form's fields."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


@requires(TIMEBANK_RECORD)
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Give hours from this account to a family member or an elder of the district."""
    user = signed_in_user(request)
    account = get_object_or_404(
        selectors.accounts_visible(user=user, action=TIMEBANK_RECORD), pk=pk
    )
    assert account.holder is not None  # volunteers' accounts only
    form = TransferForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receiver = selectors.resident_by_id_number(id_number=data["receiver"], field="receiver")
            entry = services.hours_transfer(
                giver=account.holder,
                receiver=receiver,
                hours=data["hours"],
                note=data["note"],
                by=user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(hours)s hours given to %(name)s.")
                % {"hours": hours_text(entry.hours), "name": mask_name(receiver.name)},
            )
            return redirect("timebank:account-detail", pk=pk)
    return render(
        request,
        "timebank/transfer.html",
        {"form": form, "account": account, "holder": mask_name(account.holder.name)},
    )


@requires(TIMEBANK_RECORD)
@require_http_methods(["GET", "POST"])
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Reverse an entry (a new entry, the old one kept), with a reason."""
    user = signed_in_user(request)
    entry = get_object_or_404(selectors.entries_visible(user=user, action=TIMEBANK_RECORD), pk=pk)
    back = request.GET.get("account", "")
    form = ReverseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_reverse(entry=entry, reason=form.cleaned_data["reason"], by=user)
        except ValidationError as exc:
            apply_errors(form, _renamed(exc, {"hours": "reason"}))
        else:
            messages.success(request, _("The entry is reversed."))
            if back.isdigit():
                return redirect("timebank:account-detail", pk=int(back[:12]))
            return redirect("timebank:account-list")
    return render(
        request,
        "timebank/reverse.html",
        {"form": form, "entry": entry, "rows": selectors.passbook_rows(list(entry.lines.all()))},
    )


@signed_in
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """我的时间银行: the resident's balance and passbook, on a phone first."""
    account = selectors.accounts_of(user=request.user).first()
    context: dict[str, Any] = {"account": account}
    if account is not None:
        context |= _passbook(request, account)
    return render(request, "timebank/mine.html", context)


@requires(TIMEBANK_VIEW)
@require_GET
def elder_panel(request: HttpRequest, resident_pk: int) -> HttpResponse:
    """The panel "时间银行" on the elder's page: balance and recent entries."""
    user = signed_in_user(request)
    resident = get_object_or_404(Resident.objects.visible_to(user, TIMEBANK_VIEW), pk=resident_pk)
    account = selectors.account_of(resident)
    return render_page(
        request,
        "timebank/elder_panel.html",
        {
            "resident": resident,
            "account": account,
            "rows": selectors.recent_rows(resident) if account else [],
            "served": selectors.services_received(resident),
        },
        partial="panel",
    )
