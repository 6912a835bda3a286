"""Every write of the time bank: earn, spend, transfer and reverse, each one journal
entry whose lines sum to zero, posted under row locks on the accounts it touches (in
the order of their keys, so two postings never wait for each other in a circle), each
audited. Balances never go negative: checked here under the lock, and by the
database's check constraint `timebank_account_not_overdrawn`."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.crypto import mask_name
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region
from linli.regions.selectors import ensure_may, may
from linli.registry.choices import ResidentStatus
from linli.registry.models import Resident
from linli.timebank.choices import (
    DAY_LIMIT,
    ELDER_AGE,
    PLACES,
    RECORD_WITHIN_DAYS,
    REFERENCE_MAX,
    TEXT_MAX,
    TRANSFER_LIMIT,
    AccountKind,
    EntryKind,
    ServiceKind,
    hours_text,
)
from linli.timebank.models import Account, Entry, Line
from linli.timebank.permissions import TIMEBANK_RECORD
from linli.timebank.selectors import residents_of


def hours_of(value: Any, *, field: str = "hours", limit: Decimal = TRANSFER_LIMIT) -> Decimal:
    """`value` (a Decimal, an int or text such as "1.5") as hours: more than zero, at
    most two decimal places, at most `limit`; a ValidationError on `field` otherwise."""
    if isinstance(value, bool | float):
        value = str(value)
    try:
        hours = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter the hours as a number, such as 1.5.")}) from None
    if not hours.is_finite():
        raise ValidationError({field: _("Enter the hours as a number, such as 1.5.")})
    if hours <= 0:
        raise ValidationError({field: _("The hours must be more than zero.")})
    if hours != hours.quantize(PLACES):
        raise ValidationError({field: _("Hours have at most two decimal places, such as 1.25.")})
    if hours > limit:
        raise ValidationError(
            {field: _("At most %(limit)s hours at a time.") % {"limit": hours_text(limit)}}
        )
    return hours.quantize(PLACES)


def _text(value: str, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: _("The text holds a character that is not allowed.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return value


def _living(resident: Resident, field: str) -> None:
    if resident.status != ResidentStatus.LIVING:
        raise ValidationError(
            {
                field: _("%(name)s is not a living resident of the registry.")
                % {"name": mask_name(resident.name)}
            }
        )


def _district_of(resident: Resident) -> Region:
    path = resident.grid.path[: PATH_LENGTH[Level.DISTRICT]]
    return Region.objects.get(path=path)


def _same_district(a: Resident, b: Resident) -> bool:
    length = PATH_LENGTH[Level.DISTRICT]
    return a.grid.path[:length] == b.grid.path[:length]


def _acts_for(by: Any, holder: Resident) -> None:
    """`by` may move `holder`'s hours: the system (None), staff recording in the
    holder's grid, or the holder's own resident account."""
    if by is None or may(by, holder.grid, TIMEBANK_RECORD):
        return
    if residents_of(by).filter(pk=holder.pk).exists():
        return
    raise PermissionDenied


def _volunteer_account(resident: Resident) -> Account:
    account, _made = Account.objects.get_or_create(
        holder=resident,
        defaults={"kind": AccountKind.VOLUNTEER, "region": resident.grid},
    )
    return account


def _system_account(kind: AccountKind, district: Region) -> Account:
    account, _made = Account.objects.get_or_create(kind=kind, region=district, holder=None)
    return account


@dataclass(frozen=True)
class _Leg:
    account: Account
    amount: Decimal


def _post(*, entry: Entry, legs: list[_Leg], by: Any, label: str) -> Entry:
    """Save `entry` with one line per leg, in one transaction: the accounts locked in
    key order, each balance moved, none below zero but the issued hours' account."""
    if sum((leg.amount for leg in legs), Decimal("0")) != 0 or len(legs) < 2:
        raise ValueError("an entry's lines must sum to zero")
    keys = sorted({leg.account.pk for leg in legs})
    locked = {
        a.pk: a for a in Account.objects.select_for_update().filter(pk__in=keys).order_by("pk")
    }
    for leg in legs:
        account = locked[leg.account.pk]
        after = account.balance + leg.amount
        if after < 0 and account.kind != AccountKind.ISSUED:
            raise ValidationError(
                {
                    "hours": _(
                        "Not enough hours: the balance is %(balance)s hours, "
                        "%(hours)s hours cannot be taken from it."
                    )
                    % {"balance": hours_text(account.balance), "hours": hours_text(-leg.amount)}
                }
            )
        account.balance = after
    entry.posted_by = by
    entry.save()
    lines = []
    for leg in legs:
        account = locked[leg.account.pk]
        update = ["balance"]
        if account.holder_id is not None and account.region_id != leg.account.region_id:
            account.region_id = leg.account.region_id
            update.append("region")
        account.save(update_fields=update)
        lines.append(
            Line(entry=entry, account=account, amount=leg.amount, balance_after=account.balance)
        )
    Line.objects.bulk_create(lines)
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=entry,
        region=entry.region,
        object_label=label,
        details={
            "kind": entry.kind,
            "hours": hours_text(entry.hours),
            "lines": [[line.account.pk, hours_text(line.amount)] for line in lines],
            "reference": entry.reference,
        },
    )
    return entry


def _holder_leg(resident: Resident, amount: Decimal) -> _Leg:
    account = _volunteer_account(resident)
    account.region = resident.grid  # the holder's grid now (moved house: the new one)
    return _Leg(account, amount)


@transaction.atomic
def hours_earn(
    *,
    volunteer: Resident,
    hours: Decimal,
    service: str,
    reference: str = "",
    by: Any,
    served: Resident | None = None,
    served_on: date | None = None,
    note: str = "",
) -> Entry:
    """Credit `volunteer` with `hours` for a `service` (a ServiceKind) given to the elder
    `served` on `served_on` (today if None), issued by the district's account. At most
    DAY_LIMIT hours per volunteer and day; recorded within RECORD_WITHIN_DAYS days."""
    ensure_may(by, volunteer.grid, TIMEBANK_RECORD)
    _living(volunteer, "volunteer")
    hours = hours_of(hours, limit=DAY_LIMIT)
    if service not in ServiceKind.values:
        raise ValidationError({"service": _("Choose the kind of service from the list.")})
    reference = _text(reference, field="reference", limit=REFERENCE_MAX)
    note = _text(note, field="note", limit=TEXT_MAX)
    today = timezone.localdate()
    served_on = served_on or today
    if served_on > today:
        raise ValidationError({"served_on": _("The service cannot be in the future.")})
    if served_on < today - timedelta(days=RECORD_WITHIN_DAYS):
        raise ValidationError(
            {
                "served_on": _("Services are recorded within %(days)d days of the service.")
                % {"days": RECORD_WITHIN_DAYS}
            }
        )
    if served is not None:
        _living(served, "served")
        if served.pk == volunteer.pk:
            raise ValidationError(
                {"served": _("A volunteer cannot earn hours serving themselves.")}
            )
        born = served.birth_date
        if (
            served_on.year - born.year - ((served_on.month, served_on.day) < (born.month, born.day))
        ) < ELDER_AGE:
            raise ValidationError(
                {
                    "served": _("Time-bank hours are earned serving elders (%(age)d or older).")
                    % {"age": ELDER_AGE}
                }
            )
        if not _same_district(volunteer, served):
            raise ValidationError({"served": _("The elder served lives in another district.")})
    leg = _holder_leg(volunteer, hours)
    # The day's limit is checked under the volunteer's lock: two recordings at once wait.
    Account.objects.select_for_update().filter(pk=leg.account.pk).get()
    done = Entry.objects.filter(
        kind=EntryKind.EARN,
        lines__account=leg.account,
        served_on=served_on,
        reversal__isnull=True,
    ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
    if done + hours > DAY_LIMIT:
        raise ValidationError(
            {
                "hours": _(
                    "At most %(limit)s hours a day: %(done)s hours are already recorded for "
                    "%(day)s, %(left)s hours are left."
                )
                % {
                    "limit": hours_text(DAY_LIMIT),
                    "done": hours_text(done),
                    "day": served_on.isoformat(),
                    "left": hours_text(max(DAY_LIMIT - done, Decimal("0"))),
                }
            }
        )
    issued = _system_account(AccountKind.ISSUED, _district_of(volunteer))
    entry = Entry(
        kind=EntryKind.EARN,
        hours=hours,
        region=volunteer.grid,
        service=service,
        served=served,
        served_on=served_on,
        reference=reference,
        note=note,
    )
    return _post(
        entry=entry,
        legs=[_Leg(issued, -hours), leg],
        by=by,
        label=f"{EntryKind(entry.kind).label} {mask_name(volunteer.name)} {hours_text(hours)}",
    )


@transaction.atomic
def hours_spend(
    *, holder: Resident, hours: Decimal, reference: str, by: Any, note: str = ""
) -> Entry:
    """Take `hours` from `holder`'s balance for a service they receive (a home-service
    order: `reference` names it, and one reference is spent once until reversed).
    A ValidationError when the balance would go below zero."""
    _acts_for(by, holder)
    hours = hours_of(hours)
    reference = _text(reference, field="reference", limit=REFERENCE_MAX)
    note = _text(note, field="note", limit=TEXT_MAX)
    leg = _holder_leg(holder, -hours)
    Account.objects.select_for_update().filter(pk=leg.account.pk).get()
    if (
        reference
        and Entry.objects.filter(
            kind=EntryKind.SPEND,
            reference=reference,
            lines__account=leg.account,
            reversal__isnull=True,
        ).exists()
    ):
        raise ValidationError(
            {
                "reference": _("Hours were already spent for %(reference)s.")
                % {"reference": reference}
            }
        )
    redeemed = _system_account(AccountKind.REDEEMED, _district_of(holder))
    entry = Entry(
        kind=EntryKind.SPEND, hours=hours, region=holder.grid, reference=reference, note=note
    )
    return _post(
        entry=entry,
        legs=[leg, _Leg(redeemed, hours)],
        by=by,
        label=f"{EntryKind(entry.kind).label} {mask_name(holder.name)} {hours_text(hours)}",
    )


@transaction.atomic
def hours_transfer(
    *, giver: Resident, receiver: Resident, hours: Decimal, by: Any, note: str = ""
) -> Entry:
    """`giver` gives `hours` to `receiver` (a family member, an elder): both living in
    the same district; never more than the giver's balance."""
    _acts_for(by, giver)
    hours = hours_of(hours)
    note = _text(note, field="note", limit=TEXT_MAX)
    if giver.pk == receiver.pk:
        raise ValidationError({"receiver": _("Hours cannot be given to oneself.")})
    _living(receiver, "receiver")
    if not _same_district(giver, receiver):
        raise ValidationError(
            {"receiver": _("Hours can be given only to someone living in the same district.")}
        )
    entry = Entry(kind=EntryKind.TRANSFER, hours=hours, region=giver.grid, note=note)
    return _post(
        entry=entry,
        legs=[_holder_leg(giver, -hours), _holder_leg(receiver, hours)],
        by=by,
        label=(
            f"{EntryKind(entry.kind).label} {mask_name(giver.name)} → "
            f"{mask_name(receiver.name)} {hours_text(hours)}"
        ),
    )


@transaction.atomic
def entry_reverse(*, entry: Entry, reason: str, by: Any) -> Entry:
    """Undo `entry` by a new entry with its lines negated (entries are never edited):
    refused when its hours were already spent or given away."""
    ensure_may(by, entry.region, TIMEBANK_RECORD)
    reason = _text(reason, field="reason", limit=TEXT_MAX)
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    locked = Entry.objects.select_for_update().get(pk=entry.pk)
    if locked.kind == EntryKind.REVERSAL:
        raise ValidationError(
            {"reason": _("A reversal cannot be reversed: record the entry again.")}
        )
    if Entry.objects.filter(reverses=locked).exists():
        raise ValidationError({"reason": _("This entry is already reversed.")})
    legs = [_Leg(line.account, -line.amount) for line in locked.lines.select_related("account")]
    reversal = Entry(
        kind=EntryKind.REVERSAL,
        hours=locked.hours,
        region=locked.region,
        service=locked.service,
        served=locked.served,
        served_on=locked.served_on,
        reference=locked.reference,
        note=reason,
        reverses=locked,
    )
    return _post(
        entry=reversal,
        legs=legs,
        by=by,
        label=f"{EntryKind.REVERSAL.label} #{locked.pk} {hours_text(locked.hours)}",
    )
