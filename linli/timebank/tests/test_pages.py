"""The console and the resident's pages, as their users meet them (in Chinese), and
the API: what is shown, what bad input gets, and nothing outside one's region."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from linli.accounts.models import User
from linli.timebank import selectors
from linli.timebank.models import Account, Entry
from linli.timebank.services import hours_earn, hours_spend, hours_transfer

pytestmark = pytest.mark.django_db
D = Decimal
API = "/api/v1/timebank"


def page(client, user, url, data=None):
    client.force_login(user)
    answer = client.post(url, data) if data is not None else client.get(url)
    return answer, answer.content.decode()


def api(client, user, method, path, body=None):
    client.force_login(user)
    if method == "get":
        return client.get(API + path)
    return client.post(API + path, json.dumps(body), content_type="application/json")


@pytest.fixture
def earned(world, volunteer, elder):
    return hours_earn(
        volunteer=volunteer, hours=D("3"), service="escort", reference="", served=elder, by=None
    )


def test_the_passbook_shows_balance_other_side_and_service(
    world, volunteer, elder, neighbour, earned
):
    hours_transfer(giver=volunteer, receiver=neighbour, hours=D("1"), by=None, note="给妈妈")
    account = Account.objects.get(holder=volunteer)
    answer, html = page(Client(), world.worker_a, f"/timebank/accounts/{account.pk}/")
    assert answer.status_code == 200
    assert "2.00" in html and "陪同就医" in html and "赵**" in html and "刘*" in html
    assert "给妈妈" in html and "时间银行（发放）" in html and "赵桂兰" not in html
    # The list, filtered.
    answer, html = page(Client(), world.worker_a, "/timebank/?q=王&holding=true")
    assert "王志强" in html and f"TB{account.pk:08d}" in html
    answer, html = page(Client(), world.worker_a, "/timebank/?region=999999999999")
    assert "370306" not in html or "未知" in html


def test_outsiders_get_404_and_see_no_account(world, volunteer, earned):
    account = Account.objects.get(holder=volunteer)
    client = Client()
    for url in (
        f"/timebank/accounts/{account.pk}/",
        f"/timebank/accounts/{account.pk}/transfer/",
        f"/timebank/entries/{earned.pk}/reverse/",
        f"/timebank/earn/?account={account.pk}",
        f"/timebank/elders/{volunteer.pk}/",
    ):
        assert page(client, world.worker_b, url)[0].status_code == 404, url
    assert "王志强" not in page(client, world.worker_b, "/timebank/")[1]
    assert api(client, world.worker_b, "get", f"/accounts/{account.pk}").status_code == 404
    assert api(client, world.worker_b, "get", f"/accounts/{account.pk}/passbook").status_code == 404
    assert api(client, world.worker_b, "get", "/accounts").json()["count"] == 0
    # A resident may not use the staff's pages at all.
    wang = User.objects.get(username="wang")
    assert page(client, wang, "/timebank/")[0].status_code == 403


def test_recording_hours_in_the_console(world, volunteer, elder):
    client = Client()
    form = {
        "volunteer": volunteer.id_number,
        "service": "meals",
        "elder": elder.id_number,
        "served_on": "",
        "hours": "2.5",
        "reference": "",
        "note": "",
    }
    from django.utils import timezone

    form["served_on"] = timezone.localdate().isoformat()
    answer, _ = page(client, world.worker_a, "/timebank/earn/", form)
    assert answer.status_code == 302
    assert selectors.balance(volunteer) == D("2.50")
    # Bad input: the form again with the reason, nothing saved.
    for change, words in [
        ({"hours": "7"}, "还可登记 5.5 小时"),
        ({"hours": "1.234"}, "两位小数"),
        ({"hours": "-1"}, "大于零"),
        ({"elder": "370306198005170000"}, "校验位不正确"),
        ({"elder": volunteer.id_number}, "60 岁以上"),
    ]:
        answer, html = page(client, world.worker_a, "/timebank/earn/", form | change)
        assert answer.status_code == 200 and words in html, (
            change,
            html[html.find("<form") :][:3000],
        )
    assert Entry.objects.count() == 1
    # B's worker does not find A's volunteer by ID number.
    answer, html = page(client, world.worker_b, "/timebank/earn/", form | {"hours": "1"})
    assert "人口库中没有" in html and Entry.objects.count() == 1


def test_giving_hours_in_the_console_refuses_overdrawing(
    world, volunteer, neighbour, faraway, earned
):
    account = Account.objects.get(holder=volunteer)
    client = Client()
    url = f"/timebank/accounts/{account.pk}/transfer/"
    answer, html = page(
        client, world.worker_a, url, {"receiver": neighbour.id_number, "hours": "4", "note": ""}
    )
    assert "时间不足：余额 3 小时，不能扣除 4 小时。" in html
    answer, html = page(
        client, world.worker_a, url, {"receiver": faraway.id_number, "hours": "1", "note": ""}
    )
    assert "不能跨区转赠" in html
    answer, html = page(
        client, world.worker_a, url, {"receiver": volunteer.id_number, "hours": "1", "note": ""}
    )
    assert "不能把时间转赠给自己" in html
    assert Entry.objects.count() == 1
    answer, _ = page(
        client, world.worker_a, url, {"receiver": neighbour.id_number, "hours": "1.5", "note": ""}
    )
    assert answer.status_code == 302 and selectors.balance(neighbour) == D("1.50")


def test_reversing_in_the_console(world, volunteer, earned):
    account = Account.objects.get(holder=volunteer)
    client = Client()
    url = f"/timebank/entries/{earned.pk}/reverse/?account={account.pk}"
    answer, _ = page(client, world.worker_a, url, {"reason": "登记重复"})
    assert answer.status_code == 302 and selectors.balance(volunteer) == D("0.00")
    answer, html = page(client, world.worker_a, f"/timebank/accounts/{account.pk}/")
    assert "已冲正" in html and "冲正" in html


def test_the_residents_own_passbook(world, volunteer, earned):
    hours_spend(holder=volunteer, hours=D("1"), reference="HC-9", by=None)
    wang = User.objects.get(username="wang")
    client = Client()
    answer, html = page(client, wang, "/timebank/mine/")
    assert answer.status_code == 200 and "2.00" in html and "陪同就医" in html and "赵**" in html
    assert "兑换服务" in html
    home = page(client, wang, "/")[1]
    assert "我的时间银行" in home and "2.00" in home
    mine = api(client, wang, "get", "/mine").json()
    assert [a["balance"] for a in mine] == ["2.00"]
    rows = api(client, wang, "get", "/mine/passbook").json()
    assert rows["count"] == 2 and rows["items"][0]["kind"] == "spend"
    # Another resident has none.
    answer, html = page(client, world.resident_a, "/timebank/mine/")
    assert "还没有时间银行账户" in html
    assert api(client, world.resident_a, "get", "/mine/passbook").json()["count"] == 0


def test_the_elder_panel(world, volunteer, elder, earned):
    answer, html = page(Client(), world.worker_a, f"/timebank/elders/{elder.pk}/", None)
    assert answer.status_code == 200
    assert "陪同就医" in html and "王**" in html and "没有时间银行账户" in html


def test_the_api_earns_gives_spends_and_reverses(world, volunteer, elder, neighbour):
    client = Client()
    made = api(
        client,
        world.worker_a,
        "post",
        "/earnings",
        {
            "volunteer": volunteer.pk,
            "elder_id_number": elder.id_number,
            "service": "cleaning",
            "hours": "2",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["hours"] == "2.00" and sum(D(line["amount"]) for line in body["lines"]) == 0
    refused = api(
        client,
        world.worker_a,
        "post",
        "/transfers",
        {
            "giver": volunteer.pk,
            "receiver_id_number": neighbour.id_number,
            "hours": "5",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"] == "时间不足：余额 2 小时，不能扣除 5 小时。"
    for hours in ("0", "-1", "1.001", "NaN"):
        answer = api(
            client,
            world.worker_a,
            "post",
            "/spends",
            {"holder": volunteer.pk, "hours": hours, "reference": "X"},
        )
        assert answer.status_code == 422, hours
    answer = api(
        client,
        world.worker_a,
        "post",
        "/spends",
        {"holder": volunteer.pk, "hours": "1", "reference": "a\x00b"},
    )
    assert answer.status_code == 422
    spent = api(
        client,
        world.worker_a,
        "post",
        "/spends",
        {"holder": volunteer.pk, "hours": "1", "reference": "HC-1"},
    )
    assert spent.status_code == 201
    reversed_ = api(
        client,
        world.worker_a,
        "post",
        f"/entries/{spent.json()['id']}/reverse",
        {"reason": "订单取消"},
    )
    assert reversed_.status_code == 201 and reversed_.json()["reverses"] == spent.json()["id"]
    assert selectors.balance(volunteer) == D("2.00")
    rows = api(
        client,
        world.worker_a,
        "get",
        f"/accounts/{Account.objects.get(holder=volunteer).pk}/passbook",
    ).json()
    assert [r["kind"] for r in rows["items"]] == ["reversal", "spend", "earn"]
    assert rows["items"][1]["reversed"] is True and rows["items"][2]["served"] == "赵**"
    # Out of scope: B's worker cannot record for A's volunteer.
    answer = api(
        client,
        world.worker_b,
        "post",
        "/spends",
        {"holder": volunteer.pk, "hours": "1", "reference": "Y"},
    )
    assert answer.status_code == 404
