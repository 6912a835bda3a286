"""The API: scales, recording (422 naming a missing item, nothing saved), the list,
the detail with its findings, confirming; 404 outside the region."""

from django.utils import timezone

from linli.assessment.models import Assessment
from linli.testing.assessment import answers_for, best
from linli.testing.http import call_api, ok, problem_of


def body(elder, scale, second, answers, **extra):
    return {
        "resident": elder.pk,
        "scale": scale.pk,
        "reason": "routine",
        "assessed_on": timezone.localdate().isoformat(),
        "place": "老人家中",
        "second_assessor": second.pk,
        "answers": answers,
    } | extra


def test_scales(client, world, gb):
    scales = ok(call_api(client, world.worker_a, "get", "/assessment/scales"))
    assert {s["code"] for s in scales} == {"gbt-42195", "mzt-039"}
    one = ok(call_api(client, world.worker_a, "get", f"/assessment/scales/{gb.pk}"))
    assert len(one["definition"]["sections"]) == 4


def test_record_list_detail_confirm(client, world, elder, gb, second_a):
    answers = answers_for(gb.parsed, 88, {"B3.9": "coma"})
    made = ok(
        call_api(
            client,
            world.worker_a,
            "post",
            "/assessment/assessments",
            body(elder, gb, second_a, answers, risk_events={"fall": 2}),
        ),
        201,
    )
    assert (made["total"], made["raw_level"], made["level"], made["state"]) == (
        88,
        "mild",
        "total",
        "pending",
    )
    assert [o["code"] for o in made["overrides"]] == ["coma", "worsen"]
    listed = ok(call_api(client, world.worker_a, "get", "/assessment/assessments", level="total"))
    assert [a["id"] for a in listed["items"]] == [made["id"]]
    path = f"/assessment/assessments/{made['id']}/confirm"
    problem_of(call_api(client, world.worker_a, "post", path), 403)
    done = ok(call_api(client, second_a, "post", path))
    assert done["state"] == "confirmed" and done["due_on"]
    problem_of(call_api(client, second_a, "post", path), 409)
    detail = ok(call_api(client, world.worker_a, "get", f"/assessment/assessments/{made['id']}"))
    assert detail["answers"] == answers and detail["risk_events"] == {"fall": 2}


def test_a_missing_item_is_422_with_nothing_saved(client, world, elder, gb, second_a):
    answers = best(gb.parsed)
    del answers["B2.1"]
    problem = problem_of(
        call_api(
            client,
            world.worker_a,
            "post",
            "/assessment/assessments",
            body(elder, gb, second_a, answers),
        ),
        422,
    )
    assert "B2.1" in str(problem)
    assert not Assessment.objects.exists()


def test_outside_the_region(client, world, elder, gb, second_a):
    made = ok(
        call_api(
            client,
            world.worker_a,
            "post",
            "/assessment/assessments",
            body(elder, gb, second_a, best(gb.parsed)),
        ),
        201,
    )
    problem_of(
        call_api(client, world.worker_b, "get", f"/assessment/assessments/{made['id']}"), 404
    )
    problem_of(
        call_api(client, world.worker_b, "post", f"/assessment/assessments/{made['id']}/confirm"),
        404,
    )
    problem_of(
        call_api(
            client,
            world.worker_b,
            "post",
            "/assessment/assessments",
            body(elder, gb, world.subdistrict_admin, best(gb.parsed)),
        ),
        404,
    )
    assert ok(call_api(client, world.worker_b, "get", "/assessment/assessments"))["count"] == 0
