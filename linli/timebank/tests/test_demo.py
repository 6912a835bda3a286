"""The demo time bank: volunteers of 车站社区 with three months of services, gifts and
spends, the demo resident's passbook; the books balance; seeding twice adds nothing."""

import io
from decimal import Decimal

import pytest
from django.db.models import Sum

from linli.core.permissions import Role
from linli.testing.registry import aged, move_in, phone, place
from linli.timebank import demo
from linli.timebank.choices import EntryKind
from linli.timebank.models import Account, Entry
from linli.timebank.selectors import balance

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_services_gifts_and_spends_once(world):
    home = place(world.a1, number="101").household
    adults = [
        move_in(
            home, name=f"志愿{n}", born=aged(20 + 4 * n), relation="head" if n == 0 else "tenant"
        )
        for n in range(10)
    ]
    elders = [
        move_in(place(world.a1, number=f"2{n}").household, name=f"老人{n}", born=aged(70 + n))
        for n in range(3)
    ]
    number = phone(88)
    reader = move_in(
        place(world.a1, number="301").household,
        name="陈秀英",
        born=aged(72),
        phone=number,
        sex="female",
    )
    world.person(demo.READER, Role.RESIDENT, world.a.code, phone=number)

    out = io.StringIO()
    demo.seed(out)
    assert "volunteers" in out.getvalue()
    earned = Entry.objects.filter(kind=EntryKind.EARN)
    assert earned.count() > 20
    assert {e.served_id for e in earned} <= {e.pk for e in elders}
    assert Entry.objects.filter(kind=EntryKind.TRANSFER).exists()
    assert Entry.objects.filter(kind=EntryKind.SPEND).exists()
    assert Entry.objects.filter(kind=EntryKind.SPEND, lines__account__holder=reader).exists()
    assert balance(reader) >= 0 and Account.objects.filter(holder__in=adults).count() == 2
    for entry in Entry.objects.all():
        assert entry.lines.aggregate(s=Sum("amount"))["s"] == Decimal("0")
    count = Entry.objects.count()
    demo.seed(out)
    assert Entry.objects.count() == count
