"""Home services' API: lists in scope, booking, the moves, problems for bad input."""

from linli.homecare.choices import HomecareState
from linli.homecare.models import Order, Settlement
from linli.testing.homecare import FAR, NEAR, backdate, last_month, order_to, soon
from linli.testing.http import call_api, problem_of


def test_orders_are_listed_in_scope_with_elders_masked(
    client, world, a, b, django_assert_max_num_queries
):
    order_to(a, HomecareState.ASSIGNED)
    order_to(b, HomecareState.BOOKED)
    client.force_login(world.worker_a)
    with django_assert_max_num_queries(7):  # session, user, grants, affiliations, count, page
        found = client.get("/api/v1/homecare/orders").json()
    assert found["count"] == 1 and found["items"][0]["elder_name"] == "王**"
    assert call_api(client, world.worker_b, "get", "/homecare/orders").json()["count"] == 1


def test_a_booking_and_its_moves_through_the_api(client, world, a):
    booked = call_api(
        client,
        world.worker_a,
        "post",
        "/homecare/orders",
        {
            "elder_id": a.elder.pk,
            "item_id": a.item.pk,
            "starts_at": soon().isoformat(),
            "funding": "voucher",
        },
    )
    assert booked.status_code == 201, booked.content
    pk = booked.json()["id"]
    assigned = call_api(
        client, world.worker_a, "post", f"/homecare/orders/{pk}/assign", {"worker_id": a.worker.pk}
    )
    assert assigned.json()["state"] == "assigned"

    far = call_api(
        client,
        a.worker,
        "post",
        f"/homecare/orders/{pk}/check-in",
        {"longitude": str(FAR[0]), "latitude": str(FAR[1])},
    )
    assert problem_of(far, 422)["errors"][0]["field"] == "longitude"
    early_out = call_api(
        client,
        a.worker,
        "post",
        f"/homecare/orders/{pk}/check-out",
        {"longitude": str(NEAR[0]), "latitude": str(NEAR[1])},
    )
    problem_of(early_out, 422)
    assert Order.objects.get().state == HomecareState.ASSIGNED
    inside = call_api(
        client,
        a.worker,
        "post",
        f"/homecare/orders/{pk}/check-in",
        {"longitude": str(NEAR[0]), "latitude": str(NEAR[1])},
    )
    assert inside.json()["state"] == "checked_in"
    assert call_api(client, world.worker_b, "get", f"/homecare/orders/{pk}").status_code == 404


def test_a_double_settlement_is_a_422_with_nothing_saved(client, world, a):
    backdate(order_to(a, HomecareState.CONFIRMED))
    body = {"provider_id": a.provider.pk, "month": last_month().isoformat()}
    assert (
        call_api(client, world.subdistrict_admin, "post", "/homecare/settlements", body).status_code
        == 201
    )
    again = call_api(client, world.subdistrict_admin, "post", "/homecare/settlements", body)
    assert problem_of(again, 422)["errors"][0]["field"] == "month"
    assert Settlement.objects.count() == 1
    outsider = call_api(
        client, world.other_subdistrict_admin, "post", "/homecare/settlements", body
    )
    assert problem_of(outsider, 422)["errors"][0]["field"] == "provider_id"
