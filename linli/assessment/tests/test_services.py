"""Recording and confirming assessments: the result stored, two assessors in scope,
every refusal with nothing saved, the care level and its re-assessment date."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.assessment import selectors, services
from linli.assessment.models import Assessment
from linli.core.problems import Conflict
from linli.testing.assessment import answers_for, best
from linli.testing.http import text
from linli.testing.registry import aged, move_in, place


def record(world, elder, scale, second, **overrides):
    fields = {
        "resident": elder,
        "scale": scale,
        "reason": "first",
        "assessed_on": timezone.localdate(),
        "place": "老人家中",
        "second_assessor": second,
        "answers": best(scale.parsed),
        "by": world.worker_a,
    } | overrides
    return services.assessment_create(**fields)


def test_an_assessment_stores_its_result_and_the_health_data_encrypted(world, elder, gb, second_a):
    answers = answers_for(gb.parsed, 60)
    a = record(world, elder, gb, second_a, answers=answers, factors=["dementia"])
    a.refresh_from_db()
    assert (a.total, a.raw_level, a.level, a.overridden, a.state) == (
        60,
        "moderate",
        "severe",
        True,
        "pending",
    )
    assert a.answers == answers and a.grid == world.a1
    assert a.findings["applied"][0]["code"] == "worsen"
    assert [s["score"] for s in a.section_scores] == [2, 15, 28, 15]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT answers_text, findings_text FROM assessment_assessment")
        stored = " ".join(cursor.fetchone())
    assert "dementia" not in stored and "B1.1" not in stored
    assert selectors.current_level(elder) is None  # not confirmed yet


def test_a_missing_item_is_refused_by_name_and_nothing_saved(world, elder, gb, second_a):
    answers = best(gb.parsed)
    del answers["B4.4"]
    answers["B1.3"] = "9"
    with pytest.raises(ValidationError) as caught:
        record(world, elder, gb, second_a, answers=answers)
    text = " ".join(caught.value.message_dict["answers"])
    assert "B4.4" in text and "使用交通工具外出" in text and "B1.3" in text
    assert not Assessment.objects.exists()


def test_two_different_assessors_both_in_scope(world, elder, gb):
    with pytest.raises(ValidationError) as caught:
        record(world, elder, gb, world.worker_a)
    assert "second_assessor" in caught.value.message_dict
    with pytest.raises(ValidationError):  # B's worker may not assess in A
        record(world, elder, gb, world.worker_b)
    with pytest.raises(PermissionDenied):  # nor record one there
        record(world, elder, gb, world.subdistrict_admin, by=world.worker_b)
    assert not Assessment.objects.exists()


def test_refusals(world, elder, gb, mz, second_a):
    young = move_in(place(world.a1, number="102").household, name="赵青", born=aged(45))
    cases = [
        {"resident": young},
        {"reason": "whim"},
        {"assessed_on": timezone.localdate() + timedelta(days=1)},
        {"assessed_on": date(2012, 12, 31)},
        {"assessed_on": date(2000, 1, 1)},
        {"place": "  "},
    ]
    for case in cases:
        with pytest.raises(ValidationError):
            record(world, elder, gb, second_a, **case)
    assert not Assessment.objects.exists()


def test_confirmation_by_the_second_assessor_sets_the_level_and_due_date(
    world, elder, gb, second_a
):
    a = record(world, elder, gb, second_a, answers=answers_for(gb.parsed, 40))
    with pytest.raises(PermissionDenied):
        services.assessment_confirm(assessment=a, by=world.worker_a)
    with pytest.raises(PermissionDenied):
        services.assessment_confirm(assessment=a, by=world.worker_b)
    with pytest.raises(Conflict):  # one awaiting confirmation at a time
        record(world, elder, gb, second_a)
    a = services.assessment_confirm(assessment=a, by=second_a)
    assert a.state == "confirmed"
    assert a.due_on == services.add_months(a.assessed_on, 6)  # 重度失能: every 6 months
    level = selectors.current_level(elder)
    assert (level.code, level.name, level.assessed_on, level.scale) == (
        "severe",
        "重度失能",
        a.assessed_on,
        "gbt-42195 2022",
    )
    with pytest.raises(Conflict):
        services.assessment_confirm(assessment=a, by=second_a)
    later = record(world, elder, gb, second_a, reason="change")
    services.assessment_confirm(assessment=later, by=second_a)
    assert selectors.current_level(elder).code == "intact"
    assert selectors.current_level(elder).due_on == services.add_months(later.assessed_on, 12)


def test_add_months():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 8, 15), 6) == date(2027, 2, 15)
    assert services.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_confirming_hands_the_next_reassessment_to_the_grid(world, elder, gb, second_a):
    from linli.gridwork.models import GridTask

    first = record(world, elder, gb, second_a, answers=answers_for(gb.parsed, 40))
    assert not GridTask.objects.exists()  # only once confirmed
    first = services.assessment_confirm(assessment=first, by=second_a)
    task = GridTask.objects.get()
    assert (task.kind, task.ref, task.grid, task.resident, task.due_on, task.state) == (
        "assessment.reassess",
        str(elder.pk),
        world.a1,
        elder,
        first.due_on,
        "open",
    )
    assert "王秀兰" in task.title and "重度失能" in task.title
    later = services.assessment_confirm(
        assessment=record(world, elder, gb, second_a, reason="routine"), by=second_a
    )
    assert sorted(GridTask.objects.values_list("state", "due_on")) == [
        ("done", first.due_on),
        ("open", later.due_on),
    ]


def test_either_assessor_withdraws_a_pending_assessment_with_a_reason(
    client, world, elder, gb, second_a
):
    """Not a third person, not without a reason, not once confirmed; withdrawn, it
    counts nowhere and the elder may be assessed again. (This app's `client` reads
    English.)"""
    a = record(world, elder, gb, second_a, answers=answers_for(gb.parsed, 40))
    with pytest.raises(PermissionDenied):
        services.assessment_withdraw(assessment=a, reason="录错了", by=world.worker_b)
    client.force_login(world.worker_a)
    page = client.post(f"/assessment/{a.pk}/withdraw/", {"reason": " "}, follow=True)
    assert "Say why it is withdrawn, in 2 to 200 characters." in text(page)
    assert Assessment.objects.get(pk=a.pk).state == "pending"
    page = client.post(f"/assessment/{a.pk}/withdraw/", {"reason": "录错了老人"}, follow=True)
    assert "Assessment withdrawn: it counts nowhere." in text(page) and "录错了老人" in text(page)
    a.refresh_from_db()
    assert a.state == "withdrawn" and a.withdrawn_at is not None
    assert selectors.current_level(elder) is None
    with pytest.raises(Conflict):
        services.assessment_withdraw(assessment=a, reason="再撤回", by=second_a)
    again = record(world, elder, gb, second_a)
    assert services.assessment_confirm(assessment=again, by=second_a).state == "confirmed"
    with pytest.raises(Conflict):
        services.assessment_withdraw(assessment=again, reason="已确认", by=second_a)
