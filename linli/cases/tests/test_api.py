"""The cases API, /api/v1/cases…: reporting, the stage steps, scoping, masking,
conflicts as 409 problems, pinned query counts."""

import json
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from linli.api import api
from linli.cases import services
from linli.cases.choices import Source, Stage
from linli.cases.models import Case, CaseTransition, Category
from linli.core.problems import Conflict
from linli.regions.services import grid_update
from linli.testing.http import API, EN, PROBLEM, call_api, ok, problem_of
from linli.testing.shapes import SQUARE


@pytest.fixture
def case(world):
    return services.case_report(
        category=Category.objects.get(code="exposed-garbage"),
        description="丝绸路12号门前垃圾堆积三天无人清理",
        source=Source.HOTLINE,
        region=world.a1,
        address="丝绸路12号",
        reporter_name="王女士",
        reporter_phone="13905330123",
        by=world.worker_a,
    )


def test_a_grid_worker_reports_and_sees_the_case_with_the_phone_masked(client, world):
    body = {
        "category": "illegal-parking",
        "description": "新建路小区门口车辆长期占用消防通道",
        "region_code": world.a1.code,
        "address": "新建路小区北门",
        "source": "grid_worker",
        "reporter_phone": "13905330456",
    }

    answer = ok(call_api(client, world.grid_worker_a1, "post", "/cases", body), 201)

    assert answer["stage"] == "reported" and answer["category_name"] == "机动车乱停放"
    assert answer["reporter_phone"] == "139****0456" and answer["version"] == 1
    assert [t["to_stage"] for t in answer["transitions"]] == ["reported"]
    assert "13905330456" not in json.dumps(answer)


def test_an_idempotency_key_makes_a_repeated_report_one_case(client, world):
    body = {
        "category": "noise",
        "description": "夜间施工噪声",
        "region_code": world.a1.code,
        "address": "车站社区5号楼",
    }
    client.force_login(world.worker_a)

    def post(key):
        return client.post(
            API + "/cases",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            **EN,
        )

    first, again = ok(post("k-1"), 201), ok(post("k-1"), 201)
    assert first["id"] == again["id"] and Case.objects.count() == 1
    assert ok(post("k-2"), 201)["id"] != first["id"]
    too_long = post("k" * 65)
    assert too_long.status_code == 422 and Case.objects.count() == 2


def test_an_idempotency_key_sent_again_with_another_report_is_refused(client, world):
    body = {
        "category": "noise",
        "description": "夜间施工噪声",
        "region_code": world.a1.code,
        "address": "车站社区5号楼",
    }
    client.force_login(world.worker_a)

    def post(payload):
        return client.post(
            API + "/cases",
            json.dumps(payload),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-1",
            **EN,
        )

    first = ok(post(body), 201)
    answer = problem_of(post({**body, "description": "路灯不亮"}), 422)

    assert answer["detail"] == (
        f"This Idempotency-Key was sent with another report ({first['code']}): "
        "use a new key for a new report."
    )
    assert list(Case.objects.values_list("description", flat=True)) == ["夜间施工噪声"]
    assert ok(post(body), 201)["id"] == first["id"]  # the same report again is still one


def test_the_steps_through_the_api(client, world, case):
    path = f"/cases/{case.pk}"
    ok(call_api(client, world.worker_a, "post", path + "/accept", {"version": 1}))
    ok(call_api(client, world.worker_a, "post", path + "/dispatch", {"assignee": "grid.a1"}))
    ok(call_api(client, world.grid_worker_a1, "post", path + "/start"))
    ok(call_api(client, world.grid_worker_a1, "post", path + "/finish", {"note": "已清运"}))
    answer = ok(call_api(client, world.worker_a, "post", path + "/close"))

    assert answer["stage"] == "closed" and answer["assignee"] == "grid.a1"
    assert [t["to_stage"] for t in answer["transitions"]][-1] == "closed"
    answer = ok(call_api(client, world.worker_a, "post", path + "/rate", {"rating": 4}))
    assert (answer["stage"], answer["rating"]) == ("evaluated", 4)


def test_the_handler_tells_the_reporter_through_the_api_too(client, world, case):
    """The reply shown on the tracking page was the console's alone."""
    path = f"/cases/{case.pk}"
    ok(call_api(client, world.worker_a, "post", path + "/accept"))
    ok(call_api(client, world.worker_a, "post", path + "/dispatch", {"assignee": "grid.a1"}))
    body = {"note": "清运三车", "reply": "垃圾已清运，谢谢反映", "show_photos": True}
    ok(call_api(client, world.grid_worker_a1, "post", path + "/finish", body))

    case.refresh_from_db()
    assert case.reply == "垃圾已清运，谢谢反映"
    client.logout()
    assert "垃圾已清运，谢谢反映" in client.get(f"/report/{case.code}/").content.decode()
    too_long = {"note": "x", "reply": "长" * 501}
    problem_of(call_api(client, world.grid_worker_a1, "post", path + "/finish", too_long), 422)


def test_a_stale_version_gets_a_409_problem(client, world, case):
    ok(call_api(client, world.worker_a, "post", f"/cases/{case.pk}/accept", {"version": 1}))

    response = call_api(
        client,
        world.subdistrict_admin,
        "post",
        f"/cases/{case.pk}/reject",
        {"note": "重复", "version": 1},
    )

    assert response.status_code == 409 and response["Content-Type"] == PROBLEM
    assert "Someone changed this case meanwhile" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).stage == Stage.ACCEPTED


@pytest.mark.parametrize("step", ["reject", "finish", "return", "reopen"])
def test_steps_that_must_say_why_document_their_note_as_required(step):
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    body = schema["paths"][f"/api/v1/cases/{{case_id}}/{step}"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    note_in = schema["components"]["schemas"][ref]
    assert "note" in note_in["required"] and note_in["properties"]["note"]["minLength"] == 1


@pytest.mark.parametrize(
    ("note", "field"), [(None, "body.payload.note"), ("", "body.payload.note"), ("   ", "note")]
)
def test_a_reject_without_a_reason_is_refused(client, world, case, note, field):
    body = {} if note is None else {"note": note}
    response = call_api(client, world.worker_a, "post", f"/cases/{case.pk}/reject", body)

    answer = problem_of(response, 422)
    assert [e["field"] for e in answer["errors"]] == [field]
    assert Case.objects.get(pk=case.pk).stage == Stage.REPORTED


def test_a_step_from_the_wrong_stage_is_a_409(client, world, case):
    response = call_api(client, world.worker_a, "post", f"/cases/{case.pk}/close")

    assert response.status_code == 409
    assert response.json()["detail"] == "This case is Reported: that step is not possible now."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "exposed-garbage", "description": "x" * 4001}, "body.payload.description"),
        ({"category": "exposed-garbage", "description": "有垃圾"}, "address"),
        (
            {
                "category": "exposed-garbage",
                "description": "有垃圾",
                "longitude": 116.4,
                "latitude": 39.9,
            },
            "latitude",
        ),
    ],
)
def test_bad_reports_get_a_422_naming_the_field(client, world, body, field):
    response = call_api(client, world.worker_a, "post", "/cases", body)

    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Case.objects.exists()


def test_an_unknown_category_is_a_404(client, world):
    body = {
        "category": "ufo",
        "description": "不明飞行物",
        "region_code": world.a1.code,
        "address": "x",
    }
    assert call_api(client, world.worker_a, "post", "/cases", body).status_code == 404


def test_the_list_shows_only_the_callers_regions_and_filters(client, world, case):
    services.case_report(
        category=Category.objects.get(code="noise"),
        description="市南社区楼上装修噪声",
        source=Source.HOTLINE,
        region=world.b1,
        address="市南3号楼",
        by=None,
    )

    def codes(user, **params):
        return [c["code"] for c in ok(call_api(client, user, "get", "/cases", **params))["items"]]

    assert codes(world.worker_a) == [case.code]
    assert len(codes(world.subdistrict_admin)) == 2
    assert codes(world.subdistrict_admin, category="event-appearance") == [case.code]
    assert codes(world.subdistrict_admin, region=world.a.code) == [case.code]
    assert codes(world.subdistrict_admin, q=case.code.lower()) == [case.code]
    assert codes(world.worker_a, stage="closed") == []
    assert codes(world.other_subdistrict_admin) == []
    assert call_api(client, world.worker_b, "get", f"/cases/{case.pk}").status_code == 404


def test_a_resident_follows_and_rates_their_own_report_only(client, world, case):
    body = {
        "category": "noise",
        "description": "楼下夜间施工噪声",
        "region_code": world.a.code,
        "address": "车站社区5号楼",
        "source": "resident",
    }
    mine = ok(call_api(client, world.resident_a, "post", "/cases", body), 201)

    assert (
        ok(call_api(client, world.resident_a, "get", f"/cases/{mine['id']}"))["code"]
        == mine["code"]
    )
    assert call_api(client, world.resident_a, "get", f"/cases/{case.pk}").status_code == 404
    assert call_api(client, world.resident_a, "get", "/cases").status_code == 403
    assert (
        call_api(client, world.resident_a, "post", f"/cases/{mine['id']}/accept").status_code == 403
    )


def test_the_list_runs_a_fixed_number_of_queries(client, world, case):
    def count() -> int:
        client.force_login(world.worker_a)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API + "/cases?page_size=100").status_code == 200
        return len(captured)

    first = count()
    for n in range(5):
        services.case_report(
            category=Category.objects.get(code="noise"),
            description=f"噪声{n}",
            source=Source.HOTLINE,
            region=world.a1,
            address="x",
            by=None,
        )
    assert count() == first <= 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql(reason="row locks need PostgreSQL")
def test_two_people_accepting_at_once_one_wins_the_other_gets_a_conflict(world):
    category = Category.objects.get(code="exposed-garbage")
    case = services.case_report(
        category=category,
        description="垃圾",
        source=Source.HOTLINE,
        region=world.a1,
        address="x",
        by=None,
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def act(step, user, **kwargs):
        try:
            barrier.wait(timeout=10)
            step(case=case, by=user, **kwargs)
            outcomes.append("done")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(services.case_accept, world.worker_a)),
        threading.Thread(
            target=act,
            args=(services.case_reject, world.subdistrict_admin),
            kwargs={"note": "重复"},
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "done"]
    assert CaseTransition.objects.filter(case=case).count() == 2, "one move logged, not two"


def test_a_reporter_sees_similar_open_cases_nearby_and_adds_a_plus_one(client, world):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    near = services.case_report(
        category=Category.objects.get(code="manhole-cover"),
        description="井盖缺失",
        source=Source.HOTLINE,
        region=world.a1,
        address="正阳路口",
        longitude=Decimal("117.870000"),
        latitude=Decimal("36.800000"),
        by=None,
    )
    services.case_report(  # far away: not offered
        category=Category.objects.get(code="manhole-cover"),
        description="另一处井盖缺失",
        source=Source.HOTLINE,
        region=world.a1,
        address="城北",
        longitude=Decimal("117.879000"),
        latitude=Decimal("36.809000"),
        by=None,
    )
    params = {"category": "manhole-cover", "longitude": "117.8705", "latitude": "36.8004"}

    found = ok(call_api(client, world.resident_a, "get", "/cases/similar", **params))

    assert [c["code"] for c in found] == [near.code]
    assert "reporter_phone" not in found[0]
    for _ in range(2):  # a second +1 by the same person does not count
        answer = ok(call_api(client, world.resident_a, "post", f"/cases/{near.pk}/support"))
    assert answer["supporters"] == 1
    ok(call_api(client, world.grid_worker_a1, "post", f"/cases/{near.pk}/support"))
    assert Case.objects.get(pk=near.pk).supporters == 2


def test_a_closed_case_takes_no_plus_one(client, world, case):
    Case.objects.filter(pk=case.pk).update(stage=Stage.CLOSED)

    response = call_api(client, world.resident_a, "post", f"/cases/{case.pk}/support")

    assert response.status_code == 409 and Case.objects.get(pk=case.pk).supporters == 0


def test_dispatching_to_someone_who_cannot_handle_there_is_refused_by_username(client, world, case):
    ok(call_api(client, world.worker_a, "post", f"/cases/{case.pk}/accept"))

    answer = ok(
        call_api(
            client, world.worker_a, "post", f"/cases/{case.pk}/dispatch", {"assignee": "worker.b"}
        ),
        422,
    )

    assert answer["errors"] == [
        {"field": "assignee", "message": "worker.b cannot handle cases here."}
    ]
    assert "周芳" not in json.dumps(answer, ensure_ascii=False)
    assert Case.objects.get(pk=case.pk).stage == Stage.ACCEPTED


def test_categories_show_their_extra_questions_and_reports_answer_them(client, world):
    categories = {
        c["code"]: c for c in ok(call_api(client, world.grid_worker_a1, "get", "/categories"))
    }
    depth, passable = categories["waterlogging"]["questions"]
    assert passable["values"][0] == {"key": "yes", "name": "能"}
    assert (depth["code"], depth["datatype"], depth["required"]) == ("depth_cm", "number", True)
    assert categories["gas-leak"]["working_hours"] is False
    body = {
        "category": "waterlogging",
        "description": "火车站下穿通道积水",
        "region_code": world.a1.code,
        "address": "火车站下穿通道",
        "source": "grid_worker",
    }

    refused = call_api(client, world.grid_worker_a1, "post", "/cases", body)
    assert refused.status_code == 422 and refused["Content-Type"] == PROBLEM
    assert "积水深度" in refused.content.decode()
    wrong = call_api(
        client,
        world.grid_worker_a1,
        "post",
        "/cases",
        body | {"answers": {"depth_cm": "40", "passable": "maybe"}},
    )
    assert wrong.status_code == 422 and "choose among yes, no" in wrong.content.decode()
    assert not Case.objects.exists()

    made = ok(
        call_api(
            client, world.grid_worker_a1, "post", "/cases", body | {"answers": {"depth_cm": "40"}}
        ),
        201,
    )
    assert made["answers"] == {"depth_cm": "40"}
