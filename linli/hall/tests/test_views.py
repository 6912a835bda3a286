"""The hall's pages: the public catalogue and guides (no sign-in), applying online
with the registry's prefill, the resident's own pages, the console's desk and back
office; and what people outside a region get (404)."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.hall import services
from linli.hall.choices import ApplicationState
from linli.hall.models import Application
from linli.testing.hall import at_desk, complete_answers
from linli.testing.http import get, post, text
from linli.testing.registry import id_number, move_in, place


def test_the_catalogue_and_a_guide_need_no_sign_in(client, matters):
    page = text(client.get("/matters/?q=低保"))
    assert "最低生活保障申请" in page and "居住证明" not in page
    guide = text(client.get("/matters/minimum-living/"))
    for shown in ("社会救助暂行办法", "家庭经济状况核对", "民主评议", "30"):
        assert shown in guide
    assert client.get("/matters/no-such-matter/").status_code == 404


def test_a_resident_applies_online_prefilled_from_the_registry(client, world, matters):
    home = place(world.a1)
    person = move_in(home.household, name="陈秀英", phone="13905339001")
    world.resident_a.phone = "13905339001"
    world.resident_a.save()
    client.force_login(world.resident_a)
    form = client.get("/matters/elderly-card/apply/").content.decode()
    assert person.id_number in form  # the applicant's own number, for them to check
    matter = matters["elderly-card"]
    photo = matter.materials.get(name__contains="照片")
    out = BytesIO()
    from PIL import Image

    Image.new("RGB", (30, 30), "white").save(out, "JPEG")
    data = {
        "request_key": "once",
        "name": person.name,
        "id_number": person.id_number,
        "phone": "13905339001",
        "region": world.a.pk,
        "delivery_mode": "pickup",
        f"material_{photo.pk}": SimpleUploadedFile("p.jpg", out.getvalue()),
        **{f"answer_{k}": v for k, v in complete_answers(matter).items()},
    }
    response = client.post("/matters/elderly-card/apply/", data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.applicant == world.resident_a
    data[f"material_{photo.pk}"] = SimpleUploadedFile("p.jpg", out.getvalue())
    again = client.post("/matters/elderly-card/apply/", data)  # the same form sent twice
    assert again.status_code == 302 and Application.objects.count() == 1
    mine = text(client.get(f"/matters/mine/{application.code}/"))
    assert "老年人优待证" in mine and "待受理" in mine


def test_a_wrong_value_comes_back_on_the_form_and_nothing_is_saved(client, world, matters):
    client.force_login(world.resident_a)
    matter = matters["elderly-card"]
    answers = complete_answers(matter, birth_date="八十岁")
    response = client.post(
        "/matters/elderly-card/apply/",
        {
            "name": "王秀兰",
            "id_number": id_number(),
            "phone": "13905339001",
            "region": world.a.pk,
            "delivery_mode": "pickup",
            **{f"answer_{k}": v for k, v in answers.items()},
        },
    )
    assert response.status_code == 422
    assert "出生日期" in text(response) and not Application.objects.exists()


def test_the_desk_takes_in_checks_and_prints_the_one_time_notice(client, world, matters):
    matter = matters["minimum-living"]
    response = post(
        client,
        world.worker_a,
        f"/hall/desk/{matter.code}/",
        {
            "desk": world.a.pk,
            "name": "王秀兰",
            "id_number": id_number(),
            "phone": "13905339002",
            "region": world.a.pk,
            "delivery_mode": "pickup",
            **{f"answer_{k}": v for k, v in complete_answers(matter).items()},
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    response = post(
        client, world.worker_a, f"/hall/{application.pk}/incomplete/", {"note": "请签字"}
    )
    assert response.status_code == 302
    notice = text(get(client, world.worker_a, f"/hall/{application.pk}/notice/"))
    assert "家庭经济状况核对授权书" in notice and "请签字" in notice


def test_staff_outside_the_region_get_404(client, world, matters):
    application = at_desk(
        matters["residence-proof"], desk=world.a, by=world.worker_a, id_number=id_number()
    )
    assert get(client, world.worker_b, f"/hall/{application.pk}/").status_code == 404
    response = post(client, world.worker_b, f"/hall/{application.pk}/accept/", {})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert get(client, world.worker_a, f"/hall/{application.pk}/").status_code == 200
    listed = text(get(client, world.worker_b, "/hall/"))
    assert application.code not in listed


def test_the_back_office_completes_steps_and_decides(client, world, matters):
    application = at_desk(
        matters["temporary-assistance"], desk=world.a, by=world.worker_a, id_number=id_number()
    )
    services.application_accept(application=application, by=world.worker_a)
    for step in application.steps.order_by("stage"):
        response = post(
            client,
            world.worker_a,
            f"/hall/{application.pk}/steps/{step.pk}/done/",
            {"note": "同意"},
        )
        assert response.status_code == 302
    response = post(client, world.worker_a, f"/hall/{application.pk}/decide/", {"approved": "0"})
    application.refresh_from_db()
    assert application.state == ApplicationState.DECIDING  # not approving needs a reason
    post(
        client,
        world.worker_a,
        f"/hall/{application.pk}/decide/",
        {"approved": "0", "note": "收入超标"},
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.DENIED and application.decision_note == "收入超标"


def test_the_api_refuses_nul_characters_with_a_422_and_saves_nothing(client, world, matters):
    from linli.testing.http import call_api

    matter = matters["disability-subsidies"]
    body = {
        "matter": matter.code,
        "desk_code": world.a.code,
        "name": "王秀兰",
        "id_number": id_number(),
        "phone": "13905330002",
        "answers": complete_answers(matter),
        "delivery_mode": "pickup",
    }
    for bad in ({"matter": "\x00\x0e"}, {"name": "王\x00兰"}, {"answers": {"x": "a\x00"}}):
        answer = call_api(client, world.worker_a, "post", "/hall/applications", {**body, **bad})
        assert answer.status_code == 422, (bad, answer.content)
    assert not Application.objects.exists()


def test_the_desk_adds_scans_through_the_api_checked_by_content_and_count(client, world, matters):
    from PIL import Image

    from linli.hall.materials import MAX_FILES
    from linli.hall.models import ApplicationMaterial

    client.force_login(world.worker_a)
    matter = matters["elderly-card"]
    application = at_desk(matter, desk=world.a, by=world.worker_a, id_number=id_number())
    photo = matter.materials.get(name__contains="照片")
    url = f"/api/v1/hall/applications/{application.pk}/materials/{photo.pk}"
    out = BytesIO()
    Image.new("RGB", (40, 40), "white").save(out, "PNG")

    def scan(name="p.png", content=None):
        return SimpleUploadedFile(name, content or out.getvalue())

    added = client.post(url, {"files": [scan(), scan()]})
    assert added.status_code == 201, added.content
    assert (
        ApplicationMaterial.objects.filter(application=application, material=photo)
        .exclude(file="")
        .count()
        == 2
    )
    disguised = client.post(url, {"files": [scan("photo.jpg", b"MZ\x90\x00 a program")]})
    assert disguised.status_code == 422
    assert "photo.jpg" in disguised.json()["detail"] or "photo.jpg" in str(disguised.json())
    too_many = client.post(url, {"files": [scan() for _ in range(MAX_FILES - 1)]})
    assert too_many.status_code == 422
    assert ApplicationMaterial.objects.exclude(file="").count() == 2  # nothing half-saved
    other = client.post(
        f"/api/v1/hall/applications/{application.pk}/materials/999999", {"files": [scan()]}
    )
    assert other.status_code == 404
    client.force_login(world.worker_b)  # outside the region
    assert client.post(url, {"files": [scan()]}).status_code == 404
    client.force_login(world.worker_a)
    services.application_accept(application=application, by=world.worker_a)
    assert client.post(url, {"files": [scan()]}).status_code == 409
