"""Community B for the leak test: the account of B's resident (欧阳泄漏, from the
registry's part), hours earned serving an elder of B and given to B's neighbour, each
route that records, gives, spends or reverses sent at B's account or entries."""

from decimal import Decimal

from django.utils import timezone

from linli.testing.leaks import Leaks, Send
from linli.testing.registry import aged, move_in, place
from linli.timebank.models import Account
from linli.timebank.services import hours_earn, hours_transfer

MARKERS = ["市南时间银行泄漏备注"]
API = "/api/v1/timebank"


def community_b(world, made) -> Leaks:
    volunteer, neighbour = made["resident"][0], made["resident"][2]
    elder = move_in(
        place(world.b1, building="市南泄漏楼二", number="601").household,
        name="欧阳老人",
        born=aged(80),
        sex="female",
    )
    earned = hours_earn(
        volunteer=volunteer,
        hours=Decimal("6"),
        service="company",
        reference="",
        served=elder,
        note=MARKERS[0],
        by=None,
    )
    given = hours_transfer(
        giver=volunteer, receiver=neighbour, hours=Decimal("1"), note=MARKERS[0], by=None
    )
    small = hours_earn(
        volunteer=volunteer, hours=Decimal("0.5"), service="errands", reference="", by=None
    )
    account = Account.objects.get(holder=volunteer)
    earn_form = {
        "service": "meals",
        "elder": elder.id_number,
        "served_on": timezone.localdate().isoformat(),
        "hours": "0.5",
        "reference": "",
        "note": "",
    }
    return Leaks(
        objects={"account": [account], "entry": [earned, given, small]},
        markers=MARKERS,
        sends={
            ("post", "timebank:earn"): Send(f"/timebank/earn/?account={account.pk}", earn_form),
            ("post", "timebank:transfer"): Send(
                f"/timebank/accounts/{account.pk}/transfer/",
                {"receiver": neighbour.id_number, "hours": "0.5", "note": ""},
            ),
            ("post", "timebank:entry-reverse"): Send(
                f"/timebank/entries/{given.pk}/reverse/", {"reason": "转错了"}
            ),
            ("post", "api:timebank-earn"): Send(
                f"{API}/earnings",
                {
                    "volunteer": volunteer.pk,
                    "elder_id_number": elder.id_number,
                    "service": "cleaning",
                    "hours": "0.5",
                },
                expect=201,
            ),
            ("post", "api:timebank-transfer"): Send(
                f"{API}/transfers",
                {"giver": volunteer.pk, "receiver_id_number": neighbour.id_number, "hours": "0.5"},
                expect=201,
            ),
            ("post", "api:timebank-spend"): Send(
                f"{API}/spends",
                {"holder": volunteer.pk, "hours": "0.5", "reference": "HC-B"},
                expect=201,
            ),
            ("post", "api:timebank-entry-reverse"): Send(
                f"{API}/entries/{small.pk}/reverse", {"reason": "登记错误"}, expect=201
            ),
        },
        searches=["?q=欧阳"],
    )
