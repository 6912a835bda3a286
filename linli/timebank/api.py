"""The time-bank API: accounts and passbooks in the caller's regions (404 outside),
earning, giving, spending and reversing; a resident's own account and passbook."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Status
from ninja.pagination import paginate

from linli.core.access import requires, signed_in
from linli.core.routers import Router
from linli.registry.models import Resident
from linli.timebank import selectors, services
from linli.timebank.filters import AccountFilter
from linli.timebank.models import Account, Entry
from linli.timebank.permissions import TIMEBANK_RECORD, TIMEBANK_VIEW
from linli.timebank.schemas import (
    TimebankAccountOut,
    TimebankEarnIn,
    TimebankEntryOut,
    TimebankLineOut,
    TimebankReverseIn,
    TimebankSpendIn,
    TimebankTransferIn,
)

router = Router(tags=["timebank"])


def _in_scope(request: HttpRequest, pk: int) -> Resident:
    return get_object_or_404(Resident.objects.visible_to(request.user, TIMEBANK_RECORD), pk=pk)


@router.get(
    "/timebank/accounts",
    response=list[TimebankAccountOut],
    operation_id="timebank_account_list",
    url_name="timebank-account-list",
)
@requires(TIMEBANK_VIEW)
@paginate
def account_list(request: HttpRequest, filters: Query[AccountFilter]) -> QuerySet[Account]:
    """Volunteers' accounts in the caller's regions."""
    return selectors.account_list(user=request.user, filters=filters)


@router.get(
    "/timebank/accounts/{account_id}",
    response=TimebankAccountOut,
    operation_id="timebank_account_get",
    url_name="timebank-account-get",
)
@requires(TIMEBANK_VIEW)
def account_get(request: HttpRequest, account_id: int) -> Account:
    return get_object_or_404(selectors.accounts_visible(user=request.user), pk=account_id)


@router.get(
    "/timebank/accounts/{account_id}/passbook",
    response=list[TimebankLineOut],
    operation_id="timebank_passbook",
    url_name="timebank-passbook",
)
@requires(TIMEBANK_VIEW)
@paginate
def passbook(request: HttpRequest, account_id: int) -> selectors.Passbook:
    """An account's lines, newest first, with the other side and the service."""
    account = get_object_or_404(selectors.accounts_visible(user=request.user), pk=account_id)
    return selectors.Passbook(account)


@router.post(
    "/timebank/earnings",
    response={201: TimebankEntryOut},
    operation_id="timebank_earn",
    url_name="timebank-earn",
)
@requires(TIMEBANK_RECORD)
def earn(request: HttpRequest, payload: TimebankEarnIn) -> Status[Entry]:
    """Record a volunteer's service to an elder: the hours issued to the volunteer."""
    volunteer = _in_scope(request, payload.volunteer)
    elder = selectors.resident_by_id_number(
        id_number=payload.elder_id_number, field="elder_id_number"
    )
    entry = services.hours_earn(
        volunteer=volunteer,
        hours=payload.hours,
        service=payload.service,
        reference=payload.reference,
        served=elder,
        served_on=payload.served_on,
        note=payload.note,
        by=request.user,
    )
    return Status(201, entry)


@router.post(
    "/timebank/transfers",
    response={201: TimebankEntryOut},
    operation_id="timebank_transfer",
    url_name="timebank-transfer",
)
@requires(TIMEBANK_RECORD)
def transfer(request: HttpRequest, payload: TimebankTransferIn) -> Status[Entry]:
    """Give hours to a family member or an elder of the same district."""
    giver = _in_scope(request, payload.giver)
    receiver = selectors.resident_by_id_number(
        id_number=payload.receiver_id_number, field="receiver_id_number"
    )
    entry = services.hours_transfer(
        giver=giver, receiver=receiver, hours=payload.hours, note=payload.note, by=request.user
    )
    return Status(201, entry)


@router.post(
    "/timebank/spends",
    response={201: TimebankEntryOut},
    operation_id="timebank_spend",
    url_name="timebank-spend",
)
@requires(TIMEBANK_RECORD)
def spend(request: HttpRequest, payload: TimebankSpendIn) -> Status[Entry]:
    """Take hours from a holder's balance for a service they receive (422 if short)."""
    holder = _in_scope(request, payload.holder)
    entry = services.hours_spend(
        holder=holder,
        hours=payload.hours,
        reference=payload.reference,
        note=payload.note,
        by=request.user,
    )
    return Status(201, entry)


@router.post(
    "/timebank/entries/{entry_id}/reverse",
    response={201: TimebankEntryOut},
    operation_id="timebank_entry_reverse",
    url_name="timebank-entry-reverse",
)
@requires(TIMEBANK_RECORD)
def entry_reverse(request: HttpRequest, entry_id: int, payload: TimebankReverseIn) -> Status[Entry]:
    """Reverse an entry by a new one (refused when its hours are gone)."""
    entry = get_object_or_404(
        selectors.entries_visible(user=request.user, action=TIMEBANK_RECORD), pk=entry_id
    )
    return Status(201, services.entry_reverse(entry=entry, reason=payload.reason, by=request.user))


@router.get(
    "/timebank/mine",
    response=list[TimebankAccountOut],
    operation_id="timebank_mine",
    url_name="timebank-mine",
)
@signed_in
def mine(request: HttpRequest) -> QuerySet[Account]:
    """The signed-in resident's account (none, or one)."""
    return selectors.accounts_of(user=request.user)


@router.get(
    "/timebank/mine/passbook",
    response=list[TimebankLineOut],
    operation_id="timebank_mine_passbook",
    url_name="timebank-mine-passbook",
)
@signed_in
@paginate
def mine_passbook(request: HttpRequest) -> selectors.Passbook | list[object]:
    """The signed-in resident's passbook, newest first."""
    account = selectors.accounts_of(user=request.user).first()
    return selectors.Passbook(account) if account is not None else []
