"""The ledger through its services: earn, spend, transfer, reverse; the refusals of bad
input with nothing saved; double entry and balances checked after every test."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.timebank import selectors
from linli.timebank.choices import AccountKind
from linli.timebank.models import Account, Entry, Line
from linli.timebank.services import entry_reverse, hours_earn, hours_spend, hours_transfer

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def books_balance():
    """After each test: every entry's lines sum to zero, every balance is the sum of
    its account's lines and no balance but the issued hours' is negative."""
    yield
    for entry in Entry.objects.all():
        assert entry.lines.aggregate(s=Sum("amount"))["s"] == 0
        assert entry.lines.count() >= 2
    for account in Account.objects.all():
        total = account.lines.aggregate(s=Sum("amount"))["s"] or D(0)
        assert account.balance == total
        assert account.kind == AccountKind.ISSUED or account.balance >= 0


def snapshot():
    return (
        Entry.objects.count(),
        Line.objects.count(),
        list(Account.objects.values_list("balance", flat=True)),
    )


def test_earning_credits_the_volunteer_from_the_districts_issued_hours(world, volunteer, elder):
    entry = hours_earn(
        volunteer=volunteer,
        hours=D("2.5"),
        service="company",
        reference="",
        served=elder,
        by=world.worker_a,
    )
    assert selectors.balance(volunteer) == D("2.50")
    issued = Account.objects.get(kind=AccountKind.ISSUED)
    assert issued.balance == D("-2.50") and issued.region == world.district
    assert entry.served == elder and entry.served_on == timezone.localdate()
    assert AuditEntry.objects.filter(object_type="timebank.entry", object_id=str(entry.pk)).exists()
    assert selectors.balance(elder) == D("0.00")  # no account: nothing


def test_earning_limits_and_bad_input_are_refused_with_nothing_saved(
    world, volunteer, elder, neighbour
):
    hours_earn(volunteer=volunteer, hours=D("6"), service="meals", reference="", by=world.worker_a)
    before = snapshot()
    today = timezone.localdate()
    cases = [
        ({"hours": D("2.5")}, "hours", "8 小时"),
        ({"hours": D("0")}, "hours", "大于零"),
        ({"hours": D("-1")}, "hours", "大于零"),
        ({"hours": D("1.255")}, "hours", "两位小数"),
        ({"hours": "abc"}, "hours", "数字"),
        ({"hours": "NaN"}, "hours", "数字"),
        ({"hours": D("9")}, "hours", "8"),
        ({"service": "dancing"}, "service", "服务类别"),
        ({"note": "好\x00人"}, "note", "不允许"),
        ({"served_on": today + timedelta(days=1)}, "served_on", "将来"),
        ({"served_on": today - timedelta(days=91)}, "served_on", "90"),
        ({"served": neighbour}, "served", "60"),
        ({"served": volunteer}, "served", "自己"),
    ]
    for change, field, words in cases:
        arguments = {
            "volunteer": volunteer,
            "hours": D("1"),
            "service": "company",
            "reference": "",
            "by": world.worker_a,
            "served": elder,
        } | change
        with pytest.raises(ValidationError) as caught:
            hours_earn(**arguments)
        messages = caught.value.message_dict[field]
        assert any(words in m for m in messages), (change, messages)
    assert snapshot() == before
    # Another day has its own 8 hours.
    hours_earn(
        volunteer=volunteer,
        hours=D("8"),
        service="meals",
        reference="",
        by=world.worker_a,
        served_on=today - timedelta(days=1),
    )


def test_the_day_limit_counts_reversed_entries_out(world, volunteer):
    first = hours_earn(
        volunteer=volunteer, hours=D("8"), service="meals", reference="", by=world.worker_a
    )
    entry_reverse(entry=first, reason="录错了人", by=world.worker_a)
    hours_earn(volunteer=volunteer, hours=D("8"), service="meals", reference="", by=world.worker_a)
    assert selectors.balance(volunteer) == D("8.00")


def test_staff_outside_the_volunteers_region_may_not_record(world, volunteer):
    with pytest.raises(PermissionDenied):
        hours_earn(
            volunteer=volunteer, hours=D("1"), service="meals", reference="", by=world.worker_b
        )
    assert not Entry.objects.exists()


def test_spending_takes_hours_once_per_reference_and_never_overdraws(world, volunteer):
    hours_earn(volunteer=volunteer, hours=D("3"), service="meals", reference="", by=world.worker_a)
    hours_spend(holder=volunteer, hours=D("1.25"), reference="HC-1", by=None)
    assert selectors.balance(volunteer) == D("1.75")
    assert Account.objects.get(kind=AccountKind.REDEEMED).balance == D("1.25")
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        hours_spend(holder=volunteer, hours=D("1"), reference="HC-1", by=None)
    assert "HC-1" in caught.value.message_dict["reference"][0]
    with pytest.raises(ValidationError) as caught:
        hours_spend(holder=volunteer, hours=D("2"), reference="HC-2", by=None)
    assert caught.value.message_dict["hours"] == ["时间不足：余额 1.75 小时，不能扣除 2 小时。"]
    assert snapshot() == before


def test_a_resident_spends_and_gives_their_own_hours_only(world, volunteer, elder):
    from linli.accounts.models import User

    wang = User.objects.get(username="wang")
    hours_earn(volunteer=volunteer, hours=D("3"), service="meals", reference="", by=world.worker_a)
    hours_transfer(giver=volunteer, receiver=elder, hours=D("1"), by=wang)
    hours_spend(holder=volunteer, hours=D("1"), reference="", by=wang)
    with pytest.raises(PermissionDenied):
        hours_spend(holder=elder, hours=D("1"), reference="", by=wang)
    with pytest.raises(PermissionDenied):
        hours_transfer(giver=elder, receiver=volunteer, hours=D("1"), by=wang)
    assert selectors.balance(volunteer) == D("1.00") and selectors.balance(elder) == D("1.00")


def test_transfers_stay_in_the_district_and_within_the_balance(
    world, volunteer, elder, neighbour, faraway
):
    hours_earn(volunteer=volunteer, hours=D("4"), service="escort", reference="", by=world.worker_a)
    entry = hours_transfer(
        giver=volunteer, receiver=neighbour, hours=D("1.5"), by=world.worker_a, note="给母亲"
    )
    assert selectors.balance(neighbour) == D("1.50")
    # The receiver's account is in the receiver's grid: B's worker sees it.
    assert Account.objects.get(holder=neighbour).region == world.b1
    assert entry.region == world.a1
    before = snapshot()
    refusals = [
        ({"receiver": faraway}, "receiver", "同一区"),
        ({"receiver": volunteer}, "receiver", "自己"),
        ({"hours": D("3")}, "hours", "时间不足"),
        ({"hours": D("0")}, "hours", "大于零"),
        ({"hours": D("0.001")}, "hours", "两位小数"),
        ({"note": "\x00"}, "note", "不允许"),
    ]
    for change, field, words in refusals:
        arguments = {
            "giver": volunteer,
            "receiver": elder,
            "hours": D("1"),
            "by": world.worker_a,
        } | change
        with pytest.raises(ValidationError) as caught:
            hours_transfer(**arguments)
        assert any(words in m for m in caught.value.message_dict[field]), (change, caught.value)
    assert snapshot() == before


def test_earning_for_an_elder_of_another_district_is_refused(world, volunteer, faraway):
    from linli.regions.services import grid_create  # noqa: F401  (faraway made the district)

    faraway.birth_date = faraway.birth_date.replace(year=faraway.birth_date.year - 40)
    with pytest.raises(ValidationError) as caught:
        hours_earn(
            volunteer=volunteer,
            hours=D("1"),
            service="company",
            reference="",
            served=faraway,
            by=world.worker_a,
        )
    assert "另一个区" in caught.value.message_dict["served"][0]


def test_reversal_is_a_new_entry_refused_when_the_hours_are_gone(world, volunteer, elder):
    earned = hours_earn(
        volunteer=volunteer, hours=D("2"), service="meals", reference="", by=world.worker_a
    )
    hours_transfer(giver=volunteer, receiver=elder, hours=D("1.5"), by=world.worker_a)
    with pytest.raises(ValidationError) as caught:
        entry_reverse(entry=earned, reason="重复登记", by=world.worker_a)
    assert "时间不足" in caught.value.message_dict["hours"][0]
    given = Entry.objects.get(kind="transfer")
    reversal = entry_reverse(entry=given, reason="转错了人", by=world.worker_a)
    assert reversal.reverses == given and selectors.balance(elder) == D("0.00")
    with pytest.raises(ValidationError):
        entry_reverse(entry=given, reason="再来一次", by=world.worker_a)
    with pytest.raises(ValidationError):
        entry_reverse(entry=reversal, reason="撤销冲正", by=world.worker_a)
    with pytest.raises(PermissionDenied):
        entry_reverse(entry=earned, reason="越权", by=world.worker_b)
    original = Line.objects.filter(entry=given).order_by("pk").values_list("amount", flat=True)
    assert list(original) == [D("-1.50"), D("1.50")]  # untouched


def test_the_database_refuses_a_negative_balance(world, volunteer):
    hours_earn(volunteer=volunteer, hours=D("1"), service="meals", reference="", by=world.worker_a)
    account = Account.objects.get(holder=volunteer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=D("-0.01"))


@pytest.mark.postgresql(reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_edit_or_delete_entries(world, volunteer):

    entry = hours_earn(
        volunteer=volunteer, hours=D("1"), service="meals", reference="", by=world.worker_a
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(hours=D("5"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Line.objects.filter(entry=entry).delete()
