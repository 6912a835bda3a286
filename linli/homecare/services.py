"""Every write of home services: providers, their items and areas, orders and their
moves (each logged), settlements. Keyword-only, in a transaction, the actor's scope
checked again when `by` is a user (None: the system, the demo)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.cases.choices import OPEN_STAGES
from linli.cases.models import Case, Category
from linli.cases.photos import CheckedPhoto
from linli.cases.selectors import cases_raised_by
from linli.cases.services import case_report
from linli.core.crypto import blind_index
from linli.core.geojson import distance_m
from linli.homecare import selectors
from linli.homecare.choices import MOVES, BookedVia, Funding, HomecareState
from linli.homecare.models import (
    Order,
    OrderTransition,
    Provider,
    ServiceArea,
    ServiceItem,
    Settlement,
)
from linli.homecare.permissions import (
    ORDER_ASSIGN,
    ORDER_BOOK,
    ORDER_REQUEST,
    ORDER_SERVE,
    PROVIDER_MANAGE,
    SETTLEMENT_MANAGE,
)
from linli.regions.models import Region
from linli.regions.selectors import ensure_may, may
from linli.registry.choices import ACTING_KINDS, OrganisationType, ResidentStatus
from linli.registry.labels import ELDERLY_AGE, years_ago
from linli.registry.models import Organisation, Resident
from linli.timebank.choices import hours_text
from linli.timebank.services import entry_reverse, hours_spend

SOURCE = "homecare"  # the case source of complaints (居家服务投诉)
COMPLAINT_CATEGORY = "elderly-help"  # 老人帮扶
PROVIDER_KINDS = tuple(
    k for k in ACTING_KINDS if k not in (OrganisationType.GOVERNMENT, OrganisationType.PROPERTY)
)
BOOK_AHEAD_DAYS = 60
EARLY_CHECK_IN = timedelta(hours=2)


def _move(order: Order, to: str, *, by: User | None, note: str = "") -> None:
    if to not in MOVES[order.state]:
        raise ValidationError(
            _("An order that is %(state)s cannot become %(to)s.")
            % {"state": order.get_state_display(), "to": HomecareState(to).label}
        )
    OrderTransition.objects.create(
        order=order, from_state=order.state, to_state=to, actor=by, note=note[:300]
    )
    order.state = to


def _locked(order: Order) -> Order:
    found: Order = (
        Order.objects.select_for_update()
        .select_related("grid", "provider__organisation", "elder__household__house__building")
        .get(pk=order.pk)
    )
    return found


def _ensure_order(by: User | None, order: Order, action: str) -> None:
    if (
        by is not None
        and not selectors.orders_visible(user=by, action=action).filter(pk=order.pk).exists()
    ):
        raise PermissionDenied


def _is_family(by: User, elder: Resident) -> bool:
    return by.has_action(ORDER_REQUEST) and selectors.family_elders(by).filter(pk=elder.pk).exists()


def _ensure_elder_side(by: User | None, order: Order) -> None:
    """The elder or their family (a resident account), or staff who book there."""
    if by is None or _is_family(by, order.elder):
        return
    _ensure_order(by, order, ORDER_BOOK)


# --- providers ------------------------------------------------------------------------


@transaction.atomic
def provider_register(
    *, organisation: Organisation, areas: list[Region], by: User | None
) -> Provider:
    """The organisation provides home services in `areas` (regions and their subtrees)."""
    ensure_may(by, organisation.grid, PROVIDER_MANAGE)
    if organisation.kind not in PROVIDER_KINDS:
        raise ValidationError(
            {
                "organisation": _(
                    "A provider is a social organisation, an enterprise or a medical institution."
                )
            }
        )
    if Provider.objects.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": _("This organisation is already a provider.")})
    provider = Provider.objects.create(organisation=organisation)
    provider_areas_set(provider=provider, areas=areas, by=by)
    return provider


@transaction.atomic
def provider_areas_set(*, provider: Provider, areas: list[Region], by: User | None) -> Provider:
    """The regions the provider serves, instead of those before (at least one)."""
    ensure_may(by, provider.organisation.grid, PROVIDER_MANAGE)
    if not areas:
        raise ValidationError({"areas": _("Name at least one region the provider serves.")})
    for region in areas:
        if by is not None and not may(by, region, PROVIDER_MANAGE):
            raise ValidationError({"areas": _("Unknown region code.")})
    ServiceArea.objects.filter(provider=provider).exclude(region__in=areas).delete()
    for region in areas:
        ServiceArea.objects.get_or_create(provider=provider, region=region)
    return provider


@transaction.atomic
def provider_set_active(*, provider: Provider, active: bool, by: User | None) -> Provider:
    ensure_may(by, provider.organisation.grid, PROVIDER_MANAGE)
    provider.active = active
    provider.save(update_fields=["active"])
    return provider


@transaction.atomic
def item_save(
    *,
    provider: Provider,
    code: str,
    name: str,
    category: str,
    unit: str,
    price_fen: int,
    minutes: int,
    active: bool = True,
    by: User | None,
) -> ServiceItem:
    """A provider's service item, new or changed (by its code). Orders keep the price
    and duration they were booked with."""
    ensure_may(by, provider.organisation.grid, PROVIDER_MANAGE)
    item = ServiceItem.objects.filter(provider=provider, code=code).first() or ServiceItem(
        provider=provider, code=code
    )
    item.name, item.category, item.unit = name.strip(), category, unit.strip()
    item.price_fen, item.minutes, item.active = price_fen, minutes, active
    item.full_clean()
    item.save()
    return item


# --- orders ---------------------------------------------------------------------------


def _channel_of(by: User | None, elder: Resident, channel: str) -> str:
    """The channel the booking comes through: a resident account books as the elder
    or family; staff as the community or the dispatch centre."""
    if by is None:
        return channel
    if _is_family(by, elder):
        mine = by.phone is not None and elder.phone_index == blind_index(
            by.phone, Resident.PHONE_CONTEXT
        )
        return BookedVia.ELDER if mine else BookedVia.FAMILY
    ensure_may(by, elder.grid, ORDER_BOOK)
    if channel not in (BookedVia.COMMUNITY, BookedVia.DISPATCH):
        return BookedVia.COMMUNITY
    return channel


@transaction.atomic
def order_book(
    *,
    elder: Resident,
    item: ServiceItem,
    starts_at: datetime,
    funding: str,
    by: User | None,
    channel: str = BookedVia.COMMUNITY,
    note: str = "",
) -> Order:
    """A visit of `item` to the elder's home from `starts_at` for the item's minutes.
    Booked by the elder or their family (a resident account), or by staff where the
    elder lives (the community, the dispatch centre)."""
    channel = _channel_of(by, elder, channel)
    if timezone.is_naive(starts_at):  # a time without its zone is the site's
        starts_at = timezone.make_aware(starts_at)
    errors: dict[str, str] = {}
    if elder.status != ResidentStatus.LIVING or elder.birth_date > years_ago(ELDERLY_AGE):
        errors["elder"] = _("Home services are for living residents aged 60 or over.")
    provider = Provider.objects.select_related("organisation").get(pk=item.provider_id)
    if not item.active or not provider.active:
        errors["item"] = _("This service is not offered now.")
    elif not selectors.serves(provider, elder.grid):
        errors["item"] = _("This provider does not serve the elder's home.")
    now = timezone.now()
    if starts_at < now - timedelta(minutes=5):
        errors["starts_at"] = _("The slot has already begun: choose a later time.")
    elif starts_at > now + timedelta(days=BOOK_AHEAD_DAYS):
        errors["starts_at"] = _("Book at most %(days)s days ahead.") % {"days": BOOK_AHEAD_DAYS}
    if funding not in Funding.values:
        errors["funding"] = _("Choose how the service is paid for.")
    if len(note) > 200:
        errors["note"] = _("At most 200 characters.")
    if errors:
        raise ValidationError(errors)
    order = Order.objects.create(
        grid=elder.grid,
        elder=elder,
        provider=provider,
        item=item,
        category=item.category,
        price_fen=item.price_fen,
        minutes=item.minutes,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=item.minutes),
        channel=channel,
        funding=funding,
        note=note.strip(),
        booked_by=by,
    )
    OrderTransition.objects.create(
        order=order, from_state="", to_state=HomecareState.BOOKED, actor=by
    )
    if funding == Funding.TIME_BANK:
        _spend_hours(order)
    return order


def _spend_hours(order: Order) -> None:
    """The order's hours taken from the elder's time-bank account, by the system: who
    booked was checked above (the elder, their family or staff where they live), and is
    in the order's log."""
    try:
        order.time_bank_entry = hours_spend(
            holder=order.elder,
            hours=order.hours,
            reference=f"homecare-order-{order.pk}",
            by=None,
            note=_("Home-service order #%(pk)s: %(item)s") % {"pk": order.pk, "item": order.item},
        )
    except ValidationError as exc:
        raise ValidationError({"funding": exc.messages}) from None
    order.save(update_fields=["time_bank_entry"])


@transaction.atomic
def order_assign(*, order: Order, worker: User, by: User | None) -> Order:
    """The order goes to a care worker of its provider (again: to another one)."""
    _ensure_order(by, order, ORDER_ASSIGN)
    order = _locked(order)
    if not selectors.workers_of(order.provider).filter(pk=worker.pk).exists():
        raise ValidationError({"worker": _("Choose a care worker of the order's provider.")})
    if not selectors.serves(order.provider, order.grid):
        raise ValidationError({"worker": _("The provider no longer serves the elder's home.")})
    _move(order, HomecareState.ASSIGNED, by=by, note=worker.full_name or worker.username)
    order.worker = worker
    order.save(update_fields=["state", "worker"])
    return order


def _home_point(order: Order) -> tuple[float, float] | None:
    building = order.elder.household.house.building
    if building.longitude is None or building.latitude is None:
        return None
    return float(building.longitude), float(building.latitude)


def _point(
    longitude: Decimal | float | None, latitude: Decimal | float | None
) -> tuple[float, float]:
    if longitude is None or latitude is None:
        raise ValidationError({"longitude": _("Allow the phone to share its location.")})
    lon, lat = float(longitude), float(latitude)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError({"longitude": _("This is not a position on Earth.")})
    return lon, lat


def _ensure_worker(by: User | None, order: Order) -> None:
    if by is None:
        return
    _ensure_order(by, order, ORDER_SERVE)
    if order.worker_id != by.pk:
        raise ValidationError(_("This order is assigned to another care worker."))


@transaction.atomic
def order_check_in(
    *,
    order: Order,
    longitude: Decimal | float | None,
    latitude: Decimal | float | None,
    by: User | None,
    photo: CheckedPhoto | None = None,
    at: datetime | None = None,
) -> Order:
    """The care worker arrives: the phone's position must be within
    `LINLI_HOMECARE_RADIUS_M` of the elder's home (a home without a position is
    accepted and flagged). A photo (checked by `cases.photos.photo_check`) may go with it."""
    _ensure_worker(by, order)
    order = _locked(order)
    at = at or timezone.now()
    if order.state == HomecareState.CHECKED_IN:
        raise ValidationError(_("You have already checked in to this order."))
    if order.state != HomecareState.ASSIGNED:
        raise ValidationError(
            _("An order that is %(state)s cannot be checked in to.")
            % {"state": order.get_state_display()}
        )
    if at < order.starts_at - EARLY_CHECK_IN:
        raise ValidationError(_("Too early: check in at most two hours before the slot."))
    lon, lat = _point(longitude, latitude)
    home = _home_point(order)
    radius = settings.LINLI_HOMECARE_RADIUS_M
    if home is None:
        order.flag_unplaced = True
    else:
        distance = distance_m(lon, lat, *home)
        if distance > radius:
            raise ValidationError(
                {
                    "longitude": _(
                        "You are %(distance)s m from the elder's home: check in at the home "
                        "(within %(radius)s m)."
                    )
                    % {"distance": round(distance), "radius": radius}
                }
            )
        order.check_in_distance = round(distance)
    _move(order, HomecareState.CHECKED_IN, by=by)
    order.checked_in_at = at
    fields = ["state", "checked_in_at", "check_in_distance", "flag_unplaced"]
    if photo is not None:
        order.photo.save(f"visit.{photo.extension}", ContentFile(photo.content), save=False)
        order.photo_type = photo.content_type
        fields += ["photo", "photo_type"]
    order.save(update_fields=fields)
    return order


@transaction.atomic
def order_check_out(
    *,
    order: Order,
    longitude: Decimal | float | None,
    latitude: Decimal | float | None,
    by: User | None,
    at: datetime | None = None,
) -> Order:
    """The care worker leaves. Flagged when away from the home or shorter than
    `LINLI_HOMECARE_SHORT_PERCENT` of the item's minutes."""
    _ensure_worker(by, order)
    order = _locked(order)
    at = at or timezone.now()
    if order.state in (HomecareState.BOOKED, HomecareState.ASSIGNED):
        raise ValidationError(_("Check in at the home before checking out."))
    if order.state != HomecareState.CHECKED_IN:
        raise ValidationError(_("You have already checked out of this order."))
    lon, lat = _point(longitude, latitude)
    home = _home_point(order)
    if home is not None:
        distance = distance_m(lon, lat, *home)
        order.check_out_distance = round(distance)
        order.flag_away = distance > settings.LINLI_HOMECARE_RADIUS_M
    assert order.checked_in_at is not None
    served = (at - order.checked_in_at).total_seconds() / 60
    order.flag_short = served * 100 < order.minutes * settings.LINLI_HOMECARE_SHORT_PERCENT
    _move(order, HomecareState.CHECKED_OUT, by=by)
    order.checked_out_at = at
    order.save(
        update_fields=["state", "checked_out_at", "check_out_distance", "flag_away", "flag_short"]
    )
    return order


def _rating(rating: int | None) -> None:
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError({"rating": _("A rating is 1 to 5 stars.")})


@transaction.atomic
def order_confirm(
    *, order: Order, by: User | None, rating: int | None = None, note: str = ""
) -> Order:
    """The elder or their family confirm the visit took place (staff may record it for
    them), maybe rating it at once."""
    _ensure_elder_side(by, order)
    _rating(rating)
    order = _locked(order)
    if order.state != HomecareState.CHECKED_OUT:
        raise ValidationError(_("Only a visit that has been checked out can be confirmed."))
    _move(order, HomecareState.CONFIRMED, by=by)
    order.confirmed_at, order.confirmed_by = timezone.now(), by
    order.rating, order.rating_note = rating, note.strip()[:200]
    order.save(update_fields=["state", "confirmed_at", "confirmed_by", "rating", "rating_note"])
    return order


@transaction.atomic
def order_rate(*, order: Order, rating: int, by: User | None, note: str = "") -> Order:
    """1 to 5 stars for a confirmed visit, once."""
    _ensure_elder_side(by, order)
    _rating(rating)
    order = _locked(order)
    if order.state not in (HomecareState.CONFIRMED, HomecareState.SETTLED):
        raise ValidationError(_("Rate a visit once it is confirmed."))
    if order.rating is not None:
        raise ValidationError(_("This visit has already been rated."))
    order.rating, order.rating_note = rating, note.strip()[:200]
    order.save(update_fields=["rating", "rating_note"])
    OrderTransition.objects.create(
        order=order,
        from_state=order.state,
        to_state=order.state,
        actor=by,
        note=_("Rated %(stars)s of 5.") % {"stars": rating},
    )
    return order


@transaction.atomic
def order_cancel(*, order: Order, reason: str, by: User | None) -> Order:
    """Called off before the visit: by the elder or family, or staff where it lies."""
    if by is not None and not _is_family(by, order.elder):
        _ensure_order(by, order, ORDER_BOOK if by.has_action(ORDER_BOOK) else ORDER_ASSIGN)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the order is cancelled.")})
    order = _locked(order)
    _move(order, HomecareState.CANCELLED, by=by, note=reason.strip())
    order.save(update_fields=["state"])
    if order.time_bank_entry is not None:
        entry_reverse(entry=order.time_bank_entry, reason=reason.strip(), by=None)
        OrderTransition.objects.create(
            order=order,
            from_state=order.state,
            to_state=order.state,
            actor=by,
            note=_("%(hours)s time-bank hours given back.") % {"hours": hours_text(order.hours)},
        )
    return order


@transaction.atomic
def order_complain(*, order: Order, text: str, by: User | None) -> Case:
    """A complaint about an order becomes a case (老人帮扶, source 居家服务投诉) with
    the order as its origin: one open complaint an order."""
    _ensure_elder_side(by, order)
    text = text.strip()
    if not 5 <= len(text) <= 500:
        raise ValidationError({"text": _("Describe the complaint in 5 to 500 characters.")})
    order = _locked(order)
    if order.state == HomecareState.BOOKED:
        raise ValidationError(_("There is nothing to complain about before the order is assigned."))
    if cases_raised_by(order).filter(stage__in=OPEN_STAGES).exists():
        raise ValidationError(_("A complaint about this order is already being handled."))
    category = Category.objects.filter(code=COMPLAINT_CATEGORY, active=True).first()
    if category is None:
        raise ValidationError(_("Complaints are not taken now: the case category is not in use."))
    case = case_report(
        category=category,
        description=_(
            "Complaint about home-service order #%(pk)s (%(item)s, %(provider)s): %(text)s"
        )
        % {"pk": order.pk, "item": order.item.name, "provider": order.provider, "text": text},
        source=SOURCE,
        by=None,
        region=order.grid,
        address=order.elder.household.house.building.address[:200],
        origin=order,
    )
    OrderTransition.objects.create(
        order=order,
        from_state=order.state,
        to_state=order.state,
        actor=by,
        note=_("Complaint: case %(code)s.") % {"code": case.code},
    )
    return case


@transaction.atomic
def order_paid(*, order: Order, payment_ref: str, by: User | None = None) -> Order:
    """A self-paid order's payment arrived (once)."""
    order = _locked(order)
    if order.paid_at is not None:
        return order
    order.paid_at = timezone.now()
    order.save(update_fields=["paid_at"])
    OrderTransition.objects.create(
        order=order,
        from_state=order.state,
        to_state=order.state,
        actor=by,
        note=_("Paid (%(ref)s).") % {"ref": payment_ref},
    )
    return order


# --- settlements ----------------------------------------------------------------------


@transaction.atomic
def settlement_create(*, provider: Provider, month: date, by: User | None) -> Settlement:
    """The provider's statement of a month that has ended: its confirmed orders (by the
    slot's start), each settled once. A month settled before is refused."""
    ensure_may(by, provider.organisation.grid, SETTLEMENT_MANAGE)
    if month.day != 1 or not 2000 <= month.year <= 2100:
        raise ValidationError({"month": _("A settlement is for a whole month.")})
    start, end = selectors.month_bounds(month)
    if end > timezone.now():
        raise ValidationError({"month": _("Settle a month once it has ended.")})
    Provider.objects.select_for_update().get(pk=provider.pk)  # one settlement at a time
    if Settlement.objects.filter(provider=provider, month=month).exists():
        raise ValidationError({"month": _("This provider's month is already settled.")})
    orders = list(
        Order.objects.select_for_update()
        .filter(provider=provider, starts_at__gte=start, starts_at__lt=end)
        .filter(state=HomecareState.CONFIRMED, settlement__isnull=True)
        .order_by("pk")
    )
    if not orders:
        raise ValidationError({"month": _("The provider has no confirmed orders that month.")})
    settlement = Settlement.objects.create(
        provider=provider,
        month=month,
        orders_count=len(orders),
        voucher_fen=sum(o.price_fen for o in orders if o.funding == Funding.VOUCHER),
        self_pay_fen=sum(o.price_fen for o in orders if o.funding == Funding.SELF_PAY),
        time_bank_fen=sum(o.price_fen for o in orders if o.funding == Funding.TIME_BANK),
        time_bank_hours=sum(
            (o.hours for o in orders if o.funding == Funding.TIME_BANK), Decimal("0")
        ),
        flagged_count=sum(1 for o in orders if o.flags),
        created_by=by,
    )
    updated = Order.objects.filter(
        pk__in=[o.pk for o in orders], state=HomecareState.CONFIRMED, settlement__isnull=True
    ).update(state=HomecareState.SETTLED, settlement=settlement)
    if updated != len(orders):  # the rows are locked: only a bug gets here
        raise ValidationError(_("An order of this month was settled twice."))
    note = _("Settlement %(month)s.") % {"month": f"{month:%Y-%m}"}
    OrderTransition.objects.bulk_create(
        OrderTransition(
            order=o,
            from_state=HomecareState.CONFIRMED,
            to_state=HomecareState.SETTLED,
            actor=by,
            note=note,
        )
        for o in orders
    )
    return settlement
