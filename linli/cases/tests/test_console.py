"""The cases console: inboxes per role, the case page and its steps, reporting."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.cases import services
from linli.cases.choices import Stage
from linli.cases.models import Case, Category
from linli.testing.cases import hotline_call, png
from linli.testing.http import EN, get, post, text
from linli.testing.shapes import SQUARE


@pytest.fixture
def case(world):
    return hotline_call(world, reporter_phone="13905330123")


def test_the_inbox_shows_the_boxes_of_the_role_and_only_cases_in_scope(client, world, case):
    hotline_call(world, region=world.b1, description="市南的垃圾")

    page = text(get(client, world.worker_a, "/cases/?box=to_accept"))
    assert "Mine To accept To dispatch To check Overdue All" in page
    assert case.code in page and "市南的垃圾" not in page

    grid_page = text(get(client, world.grid_worker_a1, "/cases/"))
    assert "To accept" not in grid_page and "Mine" in grid_page
    assert case.code not in grid_page, "nothing is assigned to the grid worker yet"


def test_the_case_page_offers_the_steps_of_the_stage_and_the_role(client, world, case):
    page = get(client, world.worker_a, f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="step-accept"' in page and 'data-testid="step-reject"' in page
    assert "13905330123" not in page and "139****0123" in page

    auditor_page = get(client, world.auditor, f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="step-' not in auditor_page

    assert get(client, world.worker_b, f"/cases/{case.pk}/").status_code == 404


def test_taking_the_steps_from_the_page(client, world, case):
    url = f"/cases/{case.pk}/"
    post(client, world.worker_a, url + "accept/", {"accept-version": 1})
    response = post(
        client,
        world.worker_a,
        url + "dispatch/",
        {
            "dispatch-version": 2,
            "dispatch-assignee": world.grid_worker_a1.pk,
            "dispatch-note": "请处理",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.assignee) == (Stage.DISPATCHED, world.grid_worker_a1)

    page = get(client, world.grid_worker_a1, url).content.decode()
    assert 'data-testid="step-finish"' in page
    post(
        client,
        world.grid_worker_a1,
        url + "finish/",
        {"finish-version": 3, "finish-note": "已清运"},
    )
    post(client, world.worker_a, url + "close/", {"close-version": 4})
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert "Verify and close" in text(get(client, world.worker_a, url))
    closer_page = get(client, world.worker_a, url).content.decode()
    assert 'data-testid="step-rate"' not in closer_page, "staff do not rate their own work"


def test_a_stale_page_gets_a_message_and_changes_nothing(client, world, case):
    services.case_accept(case=case, by=world.worker_a)

    response = post(
        client,
        world.subdistrict_admin,
        f"/cases/{case.pk}/reject/",
        {"reject-version": 1, "reject-note": "重复"},
    )
    shown = text(client.get(response["Location"], **EN))

    assert "That step is not possible on this case now: reload it." in shown
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED and case.version == 2


def test_a_step_refused_by_the_service_is_explained(client, world, case):
    response = post(client, world.worker_a, f"/cases/{case.pk}/reject/", {"reject-version": 1})

    assert "Say why the report is rejected." in text(client.get(response["Location"], **EN))
    assert Case.objects.get(pk=case.pk).stage == Stage.REPORTED


def test_reporting_in_the_console_makes_one_case_per_form(client, world):
    form = get(client, world.grid_worker_a1, "/cases/new/").content.decode()
    key = re.search(r'name="request_key" value="([0-9a-f]+)"', form).group(1)
    data = {
        "category": Category.objects.get(code="fire-exit").pk,
        "region_code": world.a1.code,
        "address": "车站社区8号楼",
        "description": "8号楼消防通道被杂物堵塞",
        "source": "grid_worker",
        "request_key": key,
    }

    first = post(client, world.grid_worker_a1, "/cases/new/", data)
    again = post(client, world.grid_worker_a1, "/cases/new/", data)

    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] and Case.objects.count() == 1


def test_the_console_report_takes_a_map_pin_like_the_public_one(client, world):
    world.a1.boundary = SQUARE
    world.a1.save(update_fields=["boundary"])
    form = get(client, world.grid_worker_a1, "/cases/new/").content.decode()
    assert 'data-pick="1"' in form and 'id="locate"' in form and 'id="map-data"' in form
    key = re.search(r'name="request_key" value="([0-9a-f]+)"', form).group(1)
    data = {
        "category": Category.objects.get(code="fire-exit").pk,
        "region_code": world.a1.code,
        "address": "车站社区8号楼",
        "description": "8号楼消防通道被杂物堵塞",
        "source": "grid_worker",
        "request_key": key,
        "longitude": "117.871234",  # inside grid A1
        "latitude": "36.801234",
    }

    response = post(client, world.grid_worker_a1, "/cases/new/", data)

    assert response.status_code == 302
    case = Case.objects.get()
    assert (str(case.longitude), str(case.latitude)) == ("117.871234", "36.801234")


def test_a_bad_report_is_explained_and_saves_nothing(client, world):
    data = {
        "category": "",
        "region_code": world.b1.code,
        "address": "",
        "description": "",
        "source": "grid_worker",
        "request_key": "k",
    }

    response = post(client, world.grid_worker_a1, "/cases/new/", data)

    assert response.status_code == 422 and not Case.objects.exists()
    assert "This field is required." in text(response)


def test_the_console_report_asks_the_categorys_questions_and_takes_photos(client, world):
    waterlogging = Category.objects.get(code="waterlogging")
    fragment = get(client, world.grid_worker_a1, f"/report/questions/?category={waterlogging.pk}")
    assert 'name="answers.depth_cm"' in fragment.content.decode()
    data = {
        "category": waterlogging.pk,
        "region_code": world.a1.code,
        "address": "火车站下穿通道",
        "description": "下穿通道积水，车辆无法通行",
        "source": "grid_worker",
        "request_key": "k1",
    }
    missing = post(client, world.grid_worker_a1, "/cases/new/", data)
    assert missing.status_code == 422 and not Case.objects.exists()
    assert 'name="answers.depth_cm"' in missing.content.decode()  # asked again
    photo = SimpleUploadedFile("p.png", png(), content_type="image/png")
    done = post(
        client,
        world.grid_worker_a1,
        "/cases/new/",
        {**data, "answers.depth_cm": "40", "photos": [photo]},
    )
    case = Case.objects.get()
    assert done.status_code == 302 and case.answers == {"depth_cm": "40"}
    assert case.photos.get().by == world.grid_worker_a1


def test_the_inbox_runs_a_fixed_number_of_queries(client, world, case):
    def count() -> int:
        client.force_login(world.worker_a)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/?box=all").status_code == 200
        return len(captured)

    first = count()
    for n in range(5):
        hotline_call(world, description=f"垃圾{n}")
    assert count() == first <= 8


def test_the_dispatch_list_offers_the_handlers_and_departments_not_the_admins(client, world, case):
    """Named by what they do: the department a handler acts for, else their role."""
    from linli.accounts.models import RoleGrant
    from linli.core.permissions import Role
    from linli.registry import services as registry

    department = registry.organisation_create(
        grid=world.a1, name="区城市管理局", kind="government", address="正阳路1号", by=None
    )
    handler = world.person(
        "zhujian", Role.DEPARTMENT_HANDLER, world.district.code, full_name="朱建"
    )
    registry.affiliation_set(
        grant=RoleGrant.objects.get(user=handler), organisation=department, by=None
    )
    services.case_accept(case=case, by=world.worker_a)

    page = get(client, world.worker_a, f"/cases/{case.pk}/").content.decode()

    form = page[page.index('data-testid="step-dispatch"') :]
    options = re.findall(
        r'<option value="(\d+)"[^>]*>([^<]*)</option>', form[: form.index("</form>")]
    )
    offered = {int(pk): name for pk, name in options}
    assert offered[handler.pk] == "朱建 · 区城市管理局"
    assert offered[world.worker_a.pk] == "张丽 · Community worker"
    assert world.grid_worker_a1.pk in offered
    admins = [world.platform_admin, world.district_admin, world.subdistrict_admin]
    assert not {admin.pk for admin in admins} & offered.keys()
