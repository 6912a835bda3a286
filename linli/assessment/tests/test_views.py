"""The console: the form with every item on one page, what a missing answer gets, the
result and report pages, confirming, the list's filters, the elder's panel; and
people outside the region see none of it."""

from django.utils import timezone

from linli.assessment import services
from linli.assessment.models import Assessment
from linli.testing.assessment import answers_for, best
from linli.testing.http import get, post, text


def form_data(scale, answers, second, **extra) -> dict:
    d = scale.parsed
    data = {
        "scale": scale.pk,
        "reason": "first",
        "assessed_on": timezone.localdate().isoformat(),
        "place": "车站社区日间照料中心",
        "second_assessor": second.pk,
        "event_fall": "0",
    }
    for n, item in enumerate(d.items):
        if item.code in answers:
            data[f"item_{n}"] = answers[item.code]
    return data | extra


def test_the_form_has_every_item_grouped_by_section(client, world, elder, gb, second_a):
    page = text(get(client, world.worker_a, f"/assessment/new/{elder.pk}/"))
    for item in gb.parsed.items:
        assert f"{item.code} {item.name}" in page
    for section in gb.parsed.sections:
        assert section.name in page
    assert "李强" in page  # the second assessor to choose


def test_recording_then_confirming(client, world, elder, gb, second_a):
    answers = answers_for(gb.parsed, 55)
    response = post(
        client,
        world.worker_a,
        f"/assessment/new/{elder.pk}/",
        form_data(gb, answers, second_a, factors=["dementia"], event_fall="1", event_wandering="1"),
    )
    assert response.status_code == 302, text(response)[:2000]
    a = Assessment.objects.get()
    page = text(get(client, world.worker_a, response["Location"]))
    assert "55 / 90" in page and "Awaiting the second assessor" in page
    assert "提高一个等级" in page and "中度失能 → 重度失能" in page
    assert "Confirm the assessment" not in page  # the first assessor cannot confirm
    page = text(get(client, second_a, f"/assessment/{a.pk}/"))
    assert "Confirm the assessment" in page
    response = post(client, second_a, f"/assessment/{a.pk}/confirm/", {})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.state == "confirmed" and a.level == "severe"
    report = text(get(client, world.worker_a, f"/assessment/{a.pk}/report/"))
    assert "王秀兰" in report and "重度失能" in report and "B1.1 进食" in report


def test_a_missing_answer_is_named_and_nothing_saved(client, world, elder, gb, second_a):
    answers = best(gb.parsed)
    del answers["B3.4"]
    response = post(
        client, world.worker_a, f"/assessment/new/{elder.pk}/", form_data(gb, answers, second_a)
    )
    assert response.status_code == 422
    page = text(response)
    assert "Some answers are missing" in page and "Choose one answer for this item." in page
    assert not Assessment.objects.exists()
    bad = form_data(gb, best(gb.parsed), second_a, item_0="9")
    assert post(client, world.worker_a, f"/assessment/new/{elder.pk}/", bad).status_code == 422
    same = form_data(gb, best(gb.parsed), world.worker_a)
    assert post(client, world.worker_a, f"/assessment/new/{elder.pk}/", same).status_code == 422
    assert not Assessment.objects.exists()


def test_list_filters_and_panel(client, world, elder, gb, second_a):
    a = services.assessment_create(
        resident=elder,
        scale=gb,
        reason="first",
        assessed_on=timezone.localdate(),
        place="家中",
        second_assessor=second_a,
        answers=answers_for(gb.parsed, 70),
        by=world.worker_a,
    )
    services.assessment_confirm(assessment=a, by=second_a)
    listed = text(get(client, world.worker_a, "/assessment/?level=mild"))
    assert "王秀兰" in listed and "1 assessment" in listed
    assert "王秀兰" not in text(get(client, world.worker_a, "/assessment/?level=severe"))
    assert "王秀兰" not in text(get(client, world.worker_a, "/assessment/?due=overdue"))
    assert "王秀兰" in text(
        get(client, world.worker_a, "/assessment/?scale=gbt-42195&reason=first")
    )
    panel = text(get(client, world.worker_a, f"/assessment/elder/{elder.pk}/"))
    assert "轻度失能" in panel and "Re-assessment due" in panel
    picked = text(get(client, world.worker_a, "/assessment/new/?q=王"))
    assert "王秀兰" in picked


def test_outsiders_get_404(client, world, elder, gb, second_a):
    a = services.assessment_create(
        resident=elder,
        scale=gb,
        reason="first",
        assessed_on=timezone.localdate(),
        place="家中",
        second_assessor=second_a,
        answers=best(gb.parsed),
        by=world.worker_a,
    )
    for path in (
        f"/assessment/{a.pk}/",
        f"/assessment/{a.pk}/report/",
        f"/assessment/new/{elder.pk}/",
        f"/assessment/elder/{elder.pk}/",
    ):
        assert get(client, world.worker_b, path).status_code == 404
    assert post(client, world.worker_b, f"/assessment/{a.pk}/confirm/", {}).status_code == 404
    assert "王秀兰" not in text(get(client, world.worker_b, "/assessment/"))
    assert "王秀兰" not in text(get(client, world.worker_b, "/assessment/new/?q=王"))
    assert get(client, world.resident_a, "/assessment/").status_code == 403
