"""Every read of the time bank: a resident's balance, the staff's accounts and
passbooks in their scope, a resident's own passbook, the elder page's panel."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.core.crypto import blind_index, mask_name
from linli.core.permissions import Role
from linli.core.scoping import AnyUser
from linli.regions.selectors import regions_within
from linli.registry.choices import ResidentStatus
from linli.registry.idnumber import parse_id_number
from linli.registry.models import Resident
from linli.timebank.choices import AccountKind, EntryKind
from linli.timebank.filters import AccountFilter
from linli.timebank.models import Account, Entry, Line
from linli.timebank.permissions import TIMEBANK_VIEW


def balance(resident: Resident) -> Decimal:
    """The hours `resident` holds (0 without an account)."""
    found = Account.objects.filter(holder=resident).values_list("balance", flat=True).first()
    return found if found is not None else Decimal("0.00")


def residents_of(user: AnyUser) -> QuerySet[Resident]:
    """The registry's living residents a resident's account stands for: the same mobile
    number, below the regions of their resident grants."""
    if not isinstance(user, User) or not user.is_active or not user.phone:
        return Resident.objects.none()
    paths = [g.region.path for g in user.active_grants() if g.role == Role.RESIDENT]
    if not paths:
        return Resident.objects.none()
    return Resident.objects.filter(
        status=ResidentStatus.LIVING,
        phone_index=blind_index(user.phone, Resident.PHONE_CONTEXT),
        grid__in=regions_within(paths),
    )


def accounts_visible(*, user: AnyUser, action: str = TIMEBANK_VIEW) -> QuerySet[Account]:
    """The volunteers' accounts in the user's regions."""
    return (
        Account.objects.visible_to(user, action)
        .filter(kind=AccountKind.VOLUNTEER)
        .select_related("holder", "region")
    )


def account_list(*, user: AnyUser, filters: AccountFilter) -> QuerySet[Account]:
    found: QuerySet[Account] = filters.apply(accounts_visible(user=user), user=user)
    return found


def entries_visible(*, user: AnyUser, action: str = TIMEBANK_VIEW) -> QuerySet[Entry]:
    return Entry.objects.visible_to(user, action)


@dataclass
class PassbookRow:
    """One line of a passbook as people read it."""

    line: Line
    entry: Entry
    counterparty: str  # masked name, or what the other side is (issued, redeemed)
    served: str  # the elder served, masked
    reversed: bool

    @property
    def amount(self) -> Decimal:
        return self.line.amount

    @property
    def balance_after(self) -> Decimal:
        return self.line.balance_after


def lines_of(account: Account) -> QuerySet[Line]:
    """An account's lines, newest first (page them, then `passbook_rows`)."""
    return Line.objects.filter(account=account).order_by("-entry_id", "-pk")


def passbook_rows(lines: list[Line]) -> list[PassbookRow]:
    """The passbook rows of `lines` (one page of them): each with its entry, the other
    side's name (masked) and the elder served; three queries whatever their number."""
    lines = list(lines)
    entries = {
        e.pk: e
        for e in Entry.objects.filter(pk__in={line.entry_id for line in lines})
        .select_related("served", "reverses")
        .prefetch_related("lines__account__holder")
    }
    reversed_ids = set(
        Entry.objects.filter(reverses__in=list(entries)).values_list("reverses_id", flat=True)
    )
    rows = []
    for line in lines:
        entry = entries[line.entry_id]
        others = [o for o in entry.lines.all() if o.account_id != line.account_id]
        names = [
            mask_name(o.account.holder.name)
            if o.account.holder
            else str(o.account.get_kind_display())
            for o in others
        ]
        rows.append(
            PassbookRow(
                line=line,
                entry=entry,
                counterparty="、".join(names),
                served=mask_name(entry.served.name) if entry.served else "",
                reversed=entry.pk in reversed_ids,
            )
        )
    return rows


class Passbook:
    """An account's passbook to paginate (Django's `Paginator`, `PagePagination`): the
    page is sliced from the lines, then its rows are built (three queries a page)."""

    def __init__(self, account: Account):
        self.lines = lines_of(account)

    def count(self) -> int:
        return self.lines.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[PassbookRow]:
        return passbook_rows(list(self.lines[page]))


def accounts_of(*, user: AnyUser) -> QuerySet[Account]:
    """我的时间银行: the accounts of the residents the signed-in person is."""
    return Account.objects.filter(holder__in=residents_of(user)).select_related("holder")


def account_of(resident: Resident) -> Account | None:
    return Account.objects.filter(holder=resident).first()


def recent_rows(resident: Resident, n: int = 5) -> list[PassbookRow]:
    account = account_of(resident)
    if account is None:
        return []
    return passbook_rows(list(lines_of(account)[:n]))


def resident_by_id_number(
    *, id_number: str, field: str, within: QuerySet[Resident] | None = None
) -> Resident:
    """The living resident with this ID number (checked first: a clear message for a
    mistyped one), among `within` (the caller's scope) or, for the other side of a
    service or a gift, anyone of the registry: only who knows the full number finds a
    person, who is then shown masked, and the services accept only the same district."""
    try:
        value = parse_id_number(id_number).value
    except ValidationError as wrong:
        raise ValidationError({field: wrong.messages}) from None
    found = (within if within is not None else Resident.objects.all()).filter(
        status=ResidentStatus.LIVING,
        id_number_index=blind_index(value, Resident.ID_NUMBER_CONTEXT),
    )
    resident = found.select_related("grid").first()
    if resident is None:
        raise ValidationError(
            {field: _("No living resident with this ID number is in the registry here.")}
        )
    return resident


def services_received(resident: Resident, n: int = 5) -> list[tuple[Entry, str]]:
    """The last `n` services volunteers recorded for `resident` as the elder served,
    newest first, each with the volunteer's masked name."""
    found = (
        Entry.objects.filter(served=resident, kind=EntryKind.EARN, reversal__isnull=True)
        .prefetch_related("lines__account__holder")
        .order_by("-served_on", "-pk")[:n]
    )
    return [
        (
            entry,
            "、".join(
                mask_name(line.account.holder.name)
                for line in entry.lines.all()
                if line.account.holder is not None
            ),
        )
        for entry in found
    ]
