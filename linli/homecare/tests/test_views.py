"""Home services' pages: the console's orders, an order's page and its moves, the
care worker's phone page checking in and out, the family's page, providers and
settlements; and what people outside a region get (404)."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from linli.audit.models import AuditEntry
from linli.care import services as care_services
from linli.homecare.choices import BookedVia, Funding, HomecareState
from linli.homecare.models import Order, Settlement
from linli.testing.care import family_account
from linli.testing.homecare import FAR, NEAR, backdate, last_month, order_to, soon
from linli.testing.http import get, post, text
from linli.testing.registry import aged, move_in, phone


def test_the_console_lists_orders_of_its_regions_only(client, world, a, b):
    mine, theirs = order_to(a, HomecareState.ASSIGNED), order_to(b, HomecareState.BOOKED)

    page = text(get(client, world.worker_a, "/homecare/"))
    assert "王秀英" in page and "赵泄漏" not in page and f"#{mine.pk}" in page
    flagged = text(get(client, world.worker_a, "/homecare/?flagged=true&state=assigned"))
    assert f"#{mine.pk}" not in flagged
    assert get(client, world.worker_a, f"/homecare/{theirs.pk}/").status_code == 404
    assert "Unknown" in text(get(client, world.worker_a, "/homecare/?region=999999999999"))


def test_a_community_worker_books_and_assigns_from_the_console(client, world, a):
    found = text(get(client, world.worker_a, "/homecare/book/?q=王"))
    assert "王秀英" in found
    response = post(
        client,
        world.worker_a,
        f"/homecare/book/?elder={a.elder.pk}",
        {
            "item": a.item.pk,
            "starts_at": "2099-01-01T09:00",
            "funding": "voucher",
            "channel": "community",
        },
    )
    assert response.status_code == 422 and "days ahead" in text(response)
    assert not Order.objects.exists()

    from linli.testing.homecare import soon

    when = soon(3).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = post(
        client,
        world.worker_a,
        f"/homecare/book/?elder={a.elder.pk}",
        {"item": a.item.pk, "starts_at": when, "funding": "voucher", "channel": "dispatch"},
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/homecare/{order.pk}/"
    assert order.channel == "dispatch"
    page = text(get(client, world.worker_a, response.url))
    assert "护理员a" in page  # offered in the assign form
    assert (
        post(
            client, world.worker_a, f"/homecare/{order.pk}/assign/", {"worker": a.worker.pk}
        ).status_code
        == 302
    )
    assert Order.objects.get().worker == a.worker
    assert get(client, world.worker_b, f"/homecare/book/?elder={a.elder.pk}").status_code == 404


def _photo() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="JPEG")
    return SimpleUploadedFile("visit.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_worker_checks_in_at_the_home_and_out_from_the_phone_page(client, world, a):
    order = order_to(a, HomecareState.ASSIGNED)
    page = text(get(client, a.worker, "/homecare/today/"))
    assert "王秀英" in page and "Check in at the home" in page

    far = post(
        client,
        a.worker,
        f"/homecare/today/{order.pk}/check-in/",
        {"longitude": FAR[0], "latitude": FAR[1]},
    )
    assert far.status_code == 302
    assert "m from the elder's home" in text(
        client.get("/homecare/today/", HTTP_ACCEPT_LANGUAGE="en")
    )
    assert Order.objects.get().state == HomecareState.ASSIGNED

    done = post(
        client,
        a.worker,
        f"/homecare/today/{order.pk}/check-in/",
        {"longitude": NEAR[0], "latitude": NEAR[1], "photo": _photo()},
    )
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.state == HomecareState.CHECKED_IN and order.photo
    assert get(client, world.worker_a, f"/homecare/{order.pk}/photo/").status_code == 200
    assert get(client, world.worker_b, f"/homecare/{order.pk}/photo/").status_code == 404

    post(
        client,
        a.worker,
        f"/homecare/today/{order.pk}/check-out/",
        {"longitude": NEAR[0], "latitude": NEAR[1]},
    )
    order.refresh_from_db()
    assert order.state == HomecareState.CHECKED_OUT and order.flag_short  # out at once
    assert "Visit too short" in text(get(client, world.worker_a, f"/homecare/{order.pk}/"))


def test_a_bad_photo_is_refused_and_nothing_saved(client, a):
    order = order_to(a, HomecareState.ASSIGNED)
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    post(
        client,
        a.worker,
        f"/homecare/today/{order.pk}/check-in/",
        {"longitude": NEAR[0], "latitude": NEAR[1], "photo": bad},
    )
    order.refresh_from_db()
    assert order.state == HomecareState.ASSIGNED and not order.photo


def test_the_family_books_confirms_rates_and_complains(client, world, a):
    daughter = move_in(
        a.elder.household, name="王丽", born=aged(45), relation="child", phone=phone(8160)
    )
    world.resident_a.phone = daughter.phone
    world.resident_a.save()
    when = soon(5).astimezone().strftime("%Y-%m-%dT%H:%M")
    page = text(get(client, world.resident_a, "/homecare/family/"))
    assert "Book for 王秀英" in page
    prefix = f"e{a.elder.pk}"
    response = post(
        client,
        world.resident_a,
        f"/homecare/family/elders/{a.elder.pk}/book/",
        {f"{prefix}-item": a.item.pk, f"{prefix}-starts_at": when, f"{prefix}-funding": "self_pay"},
    )
    assert response.status_code == 302
    booked = Order.objects.get()
    assert booked.channel == "family" and booked.funding == Funding.SELF_PAY

    visited = order_to(a, HomecareState.CHECKED_OUT)
    post(
        client,
        world.resident_a,
        f"/homecare/family/{visited.pk}/confirm/",
        {"rating": "4", "note": "好"},
    )
    visited.refresh_from_db()
    assert visited.state == HomecareState.CONFIRMED and visited.rating == 4
    post(
        client,
        world.resident_a,
        f"/homecare/family/{visited.pk}/complain/",
        {"text": "送来的饭菜是凉的"},
    )
    assert "Complaint" in visited.transitions.last().note

    assert (
        post(client, world.resident_a, f"/homecare/family/{booked.pk}/cancel/", {}).status_code
        == 302
    )
    assert Order.objects.get(pk=booked.pk).state == HomecareState.CANCELLED


def test_a_daughter_outside_the_registry_books_once_her_mother_consents(client, world, a):
    contact = care_services.contact_add(
        resident=a.elder, name="王丽", relation="daughter", phone=phone(8170), by=None
    )
    daughter = family_account(phone(8170), "wang.li", world.a)
    book = f"/homecare/family/elders/{a.elder.pk}/book/"
    page = text(get(client, daughter, "/homecare/family/"))
    assert "Book for 王秀英" not in page and "No elder has given you consent yet" in page
    assert post(client, daughter, book, {}).status_code == 404

    care_services.consent_give(resident=a.elder, contact=contact, relation="daughter", by=None)
    assert "Book for 王秀英" in text(get(client, daughter, "/homecare/family/"))
    prefix = f"e{a.elder.pk}"
    when = soon(5).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = post(
        client,
        daughter,
        book,
        {f"{prefix}-item": a.item.pk, f"{prefix}-starts_at": when, f"{prefix}-funding": "self_pay"},
    )
    assert response.status_code == 302
    assert Order.objects.get().channel == BookedVia.FAMILY


def test_another_family_gets_404(client, world, a, b):
    order = order_to(b, HomecareState.CHECKED_OUT)
    assert (
        post(
            client, world.resident_a, f"/homecare/family/{order.pk}/confirm/", {"rating": "5"}
        ).status_code
        == 404
    )
    assert (
        post(
            client, world.resident_a, f"/homecare/family/elders/{b.elder.pk}/book/", {}
        ).status_code
        == 404
    )


def test_a_month_is_settled_from_the_console_and_its_statement_exported(client, world, a):
    backdate(order_to(a, HomecareState.CONFIRMED))
    month = last_month().strftime("%Y-%m")
    response = post(
        client,
        world.subdistrict_admin,
        "/homecare/settlements/",
        {"provider": a.provider.pk, "month": month},
    )
    settlement = Settlement.objects.get()
    assert response.status_code == 302 and response.url == f"/homecare/settlements/{settlement.pk}/"
    again = post(
        client,
        world.subdistrict_admin,
        "/homecare/settlements/",
        {"provider": a.provider.pk, "month": month},
    )
    assert again.status_code == 422 and "already settled" in text(again)
    assert Settlement.objects.count() == 1

    page = text(get(client, world.subdistrict_admin, response.url))
    assert "15.00" in page and "王秀英" in page
    before = AuditEntry.objects.count()
    sheet = get(client, world.subdistrict_admin, f"/homecare/settlements/{settlement.pk}/xlsx/")
    rows = list(load_workbook(BytesIO(b"".join(sheet.streaming_content))).active.values)
    assert rows[1][4] == "王**" and rows[-1][-3] == 15.0
    assert AuditEntry.objects.count() == before + 1
    assert get(client, world.worker_b, f"/homecare/settlements/{settlement.pk}/").status_code == 404


def test_providers_are_registered_and_keep_their_items(client, world, a):
    from linli.registry import services as registry

    organisation = registry.organisation_create(
        grid=world.a1, name="车站助浴队", kind="enterprise", address="车站街1号", by=None
    )
    response = post(
        client,
        world.subdistrict_admin,
        "/homecare/providers/",
        {"organisation": organisation.pk, "areas": world.a.code},
    )
    assert response.status_code == 302
    provider = organisation.homecare_provider
    post(
        client,
        world.subdistrict_admin,
        f"/homecare/providers/{provider.pk}/items/",
        {
            "code": "bath",
            "name": "上门助浴",
            "category": "bathing",
            "unit": "次",
            "price": "60.00",
            "minutes": "60",
            "active": "on",
        },
    )
    assert provider.items.get().price_fen == 6000
    assert "上门助浴" in text(get(client, world.worker_a, f"/homecare/providers/{provider.pk}/"))
    assert get(client, world.worker_b, f"/homecare/providers/{provider.pk}/").status_code == 404


def test_the_elder_panel_shows_recent_orders_in_scope(client, world, a):
    order_to(a, HomecareState.BOOKED)
    assert "助餐送餐" in text(get(client, world.worker_a, f"/homecare/panels/elder/{a.elder.pk}/"))
    assert get(client, world.worker_b, f"/homecare/panels/elder/{a.elder.pk}/").status_code == 404
