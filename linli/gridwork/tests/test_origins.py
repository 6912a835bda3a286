"""A problem found on patrol, reported from the patrol: the case names the patrol."""

import json

from linli.cases.models import Case, Category
from linli.testing.gridwork import started
from linli.testing.http import EN, call_api, get, ok, post


def report_form(grid, patrol, **extra) -> dict:
    return {
        "category": Category.objects.get(code="manhole-cover").pk,
        "region_code": grid.code,
        "address": "正阳路与新建路交叉口",
        "description": "巡查发现井盖缺失",
        "source": "grid_worker",
        "request_key": "from-patrol",
        "origin": f"gridwork.patrol:{patrol.pk}",
        **extra,
    }


def test_a_case_reported_from_a_patrol_names_it_everywhere(client, world, grid):
    patrol = started(grid, world.grid_worker_a1)
    page = get(client, world.grid_worker_a1, f"/grid/patrols/{patrol.pk}/").content.decode()
    link = f"/cases/new/?origin=gridwork.patrol:{patrol.pk}"
    assert f'href="{link}"' in page
    form = get(client, world.grid_worker_a1, link).content.decode()
    assert "Raised by: Patrol" in form

    done = post(client, world.grid_worker_a1, "/cases/new/", report_form(grid, patrol))

    case = Case.objects.get()
    assert done.status_code == 302 and (case.origin_type, case.origin_id) == (
        "gridwork.patrol",
        str(patrol.pk),
    )
    shown = get(client, world.worker_a, f"/cases/{case.pk}/").content.decode()
    assert f'href="/grid/patrols/{patrol.pk}/"' in shown and "Raised by" in shown
    listed = get(client, world.worker_a, f"/grid/patrols/{patrol.pk}/").content.decode()
    assert case.code in listed
    detail = ok(call_api(client, world.worker_a, "get", f"/cases/{case.pk}"))
    assert detail["origin"] == {
        "type": "gridwork.patrol",
        "id": str(patrol.pk),
        "kind": "Patrol",
        "label": str(patrol),
        "url": f"/grid/patrols/{patrol.pk}/",
    }
    public = client.get(
        "/open311/v2/requests.json", {"extensions": "true", "service_request_id": case.code}, **EN
    )
    (request,) = json.loads(public.content)
    assert request["extended_attributes"]["origin"] == {"type": "gridwork.patrol", "kind": "Patrol"}


def test_who_does_not_see_the_patrol_cannot_name_it(client, world, grid):
    patrol = started(grid, world.grid_worker_a1)
    world.person("grid.b1", "grid_worker", world.b1.code)
    outsider = world.person("worker.b2", "community_worker", world.b.code)

    refused = post(client, outsider, "/cases/new/", report_form(world.b1, patrol))
    assert refused.status_code == 422 and "not yours to name" in refused.content.decode()
    api = call_api(
        client,
        outsider,
        "post",
        "/cases",
        {
            "category": "manhole-cover",
            "description": "井盖缺失",
            "region_code": world.b1.code,
            "address": "正阳路",
            "source": "grid_worker",
            "origin_type": "gridwork.patrol",
            "origin_id": str(patrol.pk),
        },
    )
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "origin_id"
    assert not Case.objects.exists()
