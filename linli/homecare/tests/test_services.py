"""Home-service orders through their services: booking, assignment, check-in and
check-out at the home, confirmation, rating, complaints, settlement — and what bad
input gets (a clear message, nothing half-saved)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.cases.models import Case
from linli.cases.selectors import cases_raised_by
from linli.homecare import payables, selectors, services
from linli.homecare.choices import BookedVia, Funding, HomecareState
from linli.homecare.models import Order, OrderTransition, Settlement
from linli.registry.models import Building
from linli.testing.homecare import (
    FAR,
    NEAR,
    backdate,
    elder_in,
    last_month,
    order_to,
    provider_in,
    soon,
)
from linli.testing.registry import aged, move_in, phone
from linli.timebank.choices import ServiceKind
from linli.timebank.selectors import balance as balance_of
from linli.timebank.services import hours_earn


def moves(order):
    return list(OrderTransition.objects.filter(order=order).values_list("to_state", flat=True))


def refused(fn, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        fn(**kwargs)
    return caught.value


def test_an_order_walks_from_booking_to_confirmation_with_each_move_logged(a):
    order = order_to(a, HomecareState.CONFIRMED)

    assert order.state == HomecareState.CONFIRMED and order.rating == 5
    assert order.check_in_distance is not None and order.check_in_distance < 100
    assert order.flags == []
    assert moves(order) == ["booked", "assigned", "checked_in", "checked_out", "confirmed"]
    assert (order.price_fen, order.minutes) == (1500, 30)  # copied from the item


def test_only_elders_are_booked_for_and_only_where_the_provider_serves(world, a, b):
    young = move_in(a.elder.household, name="王小明", born=aged(40), relation="child")
    error = refused(
        services.order_book, elder=young, item=a.item, starts_at=soon(), funding="voucher", by=None
    )
    assert set(error.message_dict) == {"elder"}

    error = refused(  # A's provider does not serve B's elder
        services.order_book,
        elder=b.elder,
        item=a.item,
        starts_at=soon(),
        funding="voucher",
        by=None,
    )
    assert "does not serve" in error.message_dict["item"][0]
    error = refused(
        services.order_book,
        elder=a.elder,
        item=a.item,
        starts_at=timezone.now() - timedelta(hours=2),
        funding="voucher",
        by=None,
    )
    assert set(error.message_dict) == {"starts_at"}
    assert not Order.objects.exists()


def test_staff_book_where_they_work_and_residents_for_their_household(world, a, b):
    order = services.order_book(
        elder=a.elder,
        item=a.item,
        starts_at=soon(),
        funding="voucher",
        by=world.worker_a,
        channel=BookedVia.DISPATCH,
    )
    assert order.channel == BookedVia.DISPATCH and order.booked_by == world.worker_a
    with pytest.raises(PermissionDenied):
        services.order_book(
            elder=a.elder, item=a.item, starts_at=soon(), funding="voucher", by=world.worker_b
        )

    daughter = move_in(
        a.elder.household, name="王丽", born=aged(45), relation="child", phone=phone(8150)
    )
    world.resident_a.phone = daughter.phone
    world.resident_a.save()
    by_family = services.order_book(
        elder=a.elder, item=a.item, starts_at=soon(2), funding="self_pay", by=world.resident_a
    )
    assert by_family.channel == BookedVia.FAMILY
    assert list(selectors.family_elders(world.resident_a)) == [a.elder]  # not the daughter: 45
    with pytest.raises(PermissionDenied):  # a resident books for nobody else
        services.order_book(
            elder=b.elder, item=b.item, starts_at=soon(), funding="voucher", by=world.resident_a
        )


def test_an_order_goes_only_to_a_care_worker_of_its_provider(world, a, b):
    order = order_to(a, HomecareState.BOOKED)
    _other, _item, stranger = provider_in(
        world.a, world.a1, name="车站家政", worker_name="李四", worker_phone=phone(8300)
    )

    error = refused(services.order_assign, order=order, worker=stranger, by=None)
    assert set(error.message_dict) == {"worker"}
    error = refused(services.order_assign, order=order, worker=world.grid_worker_a1, by=None)
    assert set(error.message_dict) == {"worker"}
    assert Order.objects.get(pk=order.pk).state == HomecareState.BOOKED and moves(order) == [
        "booked"
    ]

    services.order_assign(order=order, worker=a.worker, by=world.worker_a)
    with pytest.raises(PermissionDenied):  # outside B's worker's community
        services.order_assign(order=order, worker=a.worker, by=world.worker_b)


def test_a_check_in_far_from_the_home_is_refused_and_nothing_is_saved(a):
    order = order_to(a, HomecareState.ASSIGNED)

    error = refused(
        services.order_check_in, order=order, longitude=FAR[0], latitude=FAR[1], by=a.worker
    )
    assert "m from the elder's home" in error.message_dict["longitude"][0]
    error = refused(
        services.order_check_in, order=order, longitude=None, latitude=None, by=a.worker
    )
    assert "location" in error.message_dict["longitude"][0]
    again = Order.objects.get(pk=order.pk)
    assert again.state == HomecareState.ASSIGNED and again.checked_in_at is None
    assert moves(order) == ["booked", "assigned"]


def test_a_check_out_before_check_in_is_refused(a):
    order = order_to(a, HomecareState.ASSIGNED)
    error = refused(
        services.order_check_out, order=order, longitude=NEAR[0], latitude=NEAR[1], by=a.worker
    )
    assert "Check in" in error.messages[0]
    assert Order.objects.get(pk=order.pk).checked_out_at is None


def test_only_the_assigned_worker_checks_in(world, a):
    order = order_to(a, HomecareState.ASSIGNED)
    _p, _i, colleague = provider_in(
        world.a, world.a1, name="车站家政", worker_name="李四", worker_phone=phone(8301)
    )
    with pytest.raises(PermissionDenied):  # another provider's worker does not see it
        services.order_check_in(order=order, longitude=NEAR[0], latitude=NEAR[1], by=colleague)


def test_short_visits_and_check_outs_away_from_the_home_are_flagged(a):
    order = order_to(a, HomecareState.CHECKED_IN)
    done = services.order_check_out(
        order=order,
        longitude=FAR[0],
        latitude=FAR[1],
        by=a.worker,
        at=order.checked_in_at + timedelta(minutes=5),
    )
    assert [f.value for f in done.flags] == ["away", "short"]
    assert done.check_out_distance > 800 and done.served_minutes == 5
    assert list(selectors.orders_visible(user=a.worker).filter(flag_short=True)) == [done]


def test_a_home_without_a_position_is_accepted_and_flagged(a):
    Building.objects.update(longitude=None, latitude=None)
    order = order_to(a, HomecareState.CHECKED_IN)
    assert order.flag_unplaced and order.check_in_distance is None


def test_confirmation_and_rating_come_once_and_in_range(a):
    order = order_to(a, HomecareState.CHECKED_OUT)
    assert set(refused(services.order_confirm, order=order, rating=6, by=None).message_dict) == {
        "rating"
    }
    services.order_confirm(order=order, by=None)
    services.order_rate(order=order, rating=4, note="很周到", by=None)
    error = refused(services.order_rate, order=order, rating=5, by=None)
    assert "already been rated" in error.messages[0]
    assert Order.objects.get(pk=order.pk).rating == 4
    error = refused(services.order_confirm, order=order, by=None)
    assert "checked out" in error.messages[0]


def test_a_complaint_becomes_a_case_with_the_order_as_its_origin(world, a):
    order = order_to(a, HomecareState.CHECKED_OUT)
    case = services.order_complain(order=order, text="护理员迟到四十分钟", by=world.worker_a)

    assert list(cases_raised_by(order)) == [case]
    assert case.category.code == "elderly-help" and case.region == world.a1
    assert case.source == "homecare"
    error = refused(services.order_complain, order=order, text="还是迟到了半小时", by=None)
    assert "already being handled" in error.messages[0]
    assert Case.objects.count() == 1


def test_a_month_is_settled_once_and_each_order_once(world, a):
    confirmed = [order_to(a, HomecareState.CONFIRMED) for _ in range(2)]
    paid = order_to(a, HomecareState.CONFIRMED, funding=Funding.SELF_PAY)
    short = order_to(a, HomecareState.CHECKED_IN)
    short = services.order_check_out(
        order=short, longitude=NEAR[0], latitude=NEAR[1], by=None, at=short.checked_in_at
    )
    short = services.order_confirm(order=short, by=None)
    open_one = order_to(a, HomecareState.ASSIGNED)
    for order in [*confirmed, paid, short, open_one]:
        backdate(order)
    month = last_month()
    in_month = 4

    settlement = services.settlement_create(
        provider=a.provider, month=month, by=world.subdistrict_admin
    )

    assert settlement.orders_count == in_month and settlement.flagged_count == 1
    assert (settlement.voucher_fen, settlement.self_pay_fen) == (4500, 1500)
    assert (
        Order.objects.filter(settlement=settlement, state=HomecareState.SETTLED).count() == in_month
    )
    assert settlement.voucher_fen + settlement.self_pay_fen == 1500 * in_month
    assert Order.objects.get(pk=open_one.pk).state == HomecareState.ASSIGNED
    error = refused(services.settlement_create, provider=a.provider, month=month, by=None)
    assert "already settled" in error.message_dict["month"][0]
    assert Settlement.objects.count() == 1
    error = refused(
        services.settlement_create,
        provider=a.provider,
        month=timezone.localdate().replace(day=1),
        by=None,
    )
    assert "ended" in error.message_dict["month"][0]
    with pytest.raises(PermissionDenied):
        services.settlement_create(provider=a.provider, month=month, by=world.worker_a)


def test_a_settled_order_is_never_settled_again(world, a):
    order = backdate(order_to(a, HomecareState.CONFIRMED))
    month = timezone.localtime(order.starts_at).date().replace(day=1)
    first = services.settlement_create(provider=a.provider, month=month, by=None)
    Settlement.objects.filter(pk=first.pk).update(month=month.replace(year=month.year - 1))
    error = refused(services.settlement_create, provider=a.provider, month=month, by=None)
    assert "no confirmed orders" in error.message_dict["month"][0]
    assert Order.objects.get(pk=order.pk).settlement_id == first.pk


def test_a_self_paid_visit_is_payable_once_checked_out_and_paid_once(world, a):
    order = order_to(a, HomecareState.ASSIGNED, funding=Funding.SELF_PAY)
    assert payables.describe(str(order.pk)) is None
    order = order_to(a, HomecareState.CHECKED_OUT, funding=Funding.SELF_PAY)
    payable = payables.describe(str(order.pk))
    assert payable.amount_fen == 1500 and payable.region == world.a1
    services.order_paid(order=order, payment_ref="T1")
    services.order_paid(order=order, payment_ref="T1")
    assert payables.describe(str(order.pk)) is None
    assert moves(order).count("checked_out") == 2  # the paid note is logged once


def test_a_providers_people_see_only_its_orders(world, a):
    mine = order_to(a, HomecareState.ASSIGNED)
    _other, item, stranger = provider_in(
        world.a, world.a1, name="车站家政", worker_name="李四", worker_phone=phone(8302)
    )
    theirs = services.order_book(
        elder=a.elder, item=item, starts_at=soon(), funding="voucher", by=None
    )

    assert list(selectors.orders_visible(user=a.worker)) == [mine]
    assert list(selectors.orders_visible(user=stranger)) == [theirs]
    assert set(selectors.orders_visible(user=world.worker_a)) == {mine, theirs}
    assert not selectors.orders_visible(user=world.worker_b).exists()
    assert list(selectors.providers_visible(user=a.worker)) == [a.provider]


def test_an_elder_booked_in_another_community_is_refused_by_the_provider_area(world, a):
    elder = elder_in(world.b1, name="孙大娘", building="9号楼")
    error = refused(
        services.order_book, elder=elder, item=a.item, starts_at=soon(), funding="voucher", by=None
    )
    assert set(error.message_dict) == {"item"}


def test_time_bank_hours_pay_for_an_order_and_come_back_when_it_is_cancelled(world, a):
    """The item's 30 minutes are 0.5 hours from the elder's account: refused with the
    balance when it is short (no order saved), given back on cancelling, settled with
    the other orders of the month at the item's price."""
    error = refused(
        services.order_book,
        elder=a.elder,
        item=a.item,
        starts_at=soon(),
        funding=Funding.TIME_BANK,
        by=None,
    )
    assert "Not enough hours" in error.message_dict["funding"][0]
    assert not Order.objects.exists()
    hours_earn(volunteer=a.elder, hours=Decimal("0.75"), service=ServiceKind.COMPANY, by=None)

    order = order_to(a, HomecareState.BOOKED, funding=Funding.TIME_BANK)
    assert order.hours == Decimal("0.50")
    assert balance_of(a.elder) == Decimal("0.25")
    cancelled = services.order_cancel(order=order, reason="老人住院", by=None)
    assert balance_of(a.elder) == Decimal("0.75")
    assert OrderTransition.objects.filter(order=cancelled).last().note == (
        "0.5 time-bank hours given back."
    )

    backdate(order_to(a, HomecareState.CONFIRMED, funding=Funding.TIME_BANK))
    backdate(order_to(a, HomecareState.CONFIRMED))
    settlement = services.settlement_create(provider=a.provider, month=last_month(), by=None)
    assert (settlement.voucher_fen, settlement.time_bank_fen) == (1500, 1500)
    assert settlement.time_bank_hours == Decimal("0.50") and settlement.total_fen == 3000
    assert balance_of(a.elder) == Decimal("0.25")
