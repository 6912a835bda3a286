"""Two spends of one balance at once, on PostgreSQL: the row lock makes the second
wait and see what the first left, so exactly one passes and the balance is never
below zero."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from linli.timebank import selectors
from linli.timebank.models import Entry
from linli.timebank.services import hours_earn, hours_spend


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql(reason="row locks need PostgreSQL")
def test_two_spends_at_once_never_overdraw(world, volunteer):
    hours_earn(volunteer=volunteer, hours=Decimal("3"), service="meals", reference="", by=None)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def spend(i):
        try:
            barrier.wait(timeout=10)
            hours_spend(holder=volunteer, hours=Decimal("2"), reference=f"HC-{i}", by=None)
            outcomes.append("spent")
        except ValidationError as refused:
            outcomes.append(refused.message_dict["hours"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["spent", "时间不足：余额 1 小时，不能扣除 2 小时。"]
    assert selectors.balance(volunteer) == Decimal("1.00")
    assert Entry.objects.filter(kind="spend").count() == 1
