"""Resident reporting at /report/: anonymous with a texted code, or signed in; the
tracking page; rating by the reporter; bad input saves nothing."""

import logging
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from django.utils import timezone

from linli.accounts.models import PhoneCode
from linli.accounts.services import phone_codes_purge
from linli.cases import services
from linli.cases.choices import Source, Stage
from linli.cases.models import Case, CasePhoto, Category
from linli.core.sms import check_backend
from linli.regions.services import grid_update
from linli.testing.cases import png, through
from linli.testing.http import EN
from linli.testing.shapes import SQUARE

pytestmark = pytest.mark.usefixtures("english")
PHONE = "13905338888"


@pytest.fixture
def located(world):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    return world


def texted_code(caplog) -> str:
    """The code the log backend 'sent' (LINLI_SMS_BACKEND's default logs messages)."""
    found = [re.search(r"code is (\d{6})", r.getMessage()) for r in caplog.records]
    return [m.group(1) for m in found if m][-1]


@pytest.fixture
def send_code(client, caplog):
    """Ask for a code and read it from the log (LINLI_SMS_BACKEND's default)."""

    def send(phone=PHONE, purpose="report", next_url="/report/") -> str:
        with caplog.at_level(logging.WARNING, logger="linli.core.sms"):
            response = client.post(
                "/report/code/", {"phone": phone, "purpose": purpose, "next": next_url}, **EN
            )
        assert response.status_code == 302 and response.url == next_url
        return texted_code(caplog)

    return send


def form(**overrides) -> dict:
    return {
        "category": Category.objects.get(code="exposed-garbage").pk,
        "description": "正阳路58号东门外垃圾堆积三天",
        "longitude": "117.870000",
        "latitude": "36.800000",
        "phone": PHONE,
        "request_key": "k-" + overrides.pop("key", "1"),
        **overrides,
    }


def test_an_anonymous_resident_reports_with_a_texted_code(client, located, send_code):
    assert "Send code" in client.get("/report/", **EN).content.decode()
    code = send_code()
    photo = SimpleUploadedFile("p.png", png(), content_type="image/png")
    response = client.post("/report/", form(code=code, photos=[photo]), **EN)

    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/report/{case.code}/"
    assert case.source == Source.RESIDENT and case.reporter is None
    assert case.reporter_phone == PHONE and case.region == located.a1
    assert CasePhoto.objects.get(case=case).by is None
    page = client.get(response.url, **EN).content.decode()
    assert case.code in page and "Reported" in page and "垃圾堆积" in page
    assert PHONE not in page
    # The same form sent again is the same case; a new report in the session needs no code.
    again = client.post("/report/", form(code=code), **EN)
    assert again.url == response.url and Case.objects.count() == 1
    client.post("/report/", form(key="2", description="另一处垃圾"), **EN)
    assert Case.objects.count() == 2


def test_a_wrong_code_saves_nothing_and_five_void_the_code(client, located, send_code):
    code = send_code()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/report/", form(code=wrong), **EN)
    assert response.status_code == 422 and "Wrong code" in response.content.decode()
    for _ in range(4):
        client.post("/report/", form(code=wrong), **EN)
    last = client.post("/report/", form(code=code), **EN)  # right, but too late
    assert "ask for a new one" in last.content.decode()
    assert not Case.objects.exists() and PhoneCode.objects.get().attempts == 5


class FailingGateway:
    def send(self, phone: str, text: str) -> None:
        raise OSError("gateway unreachable")


class Gateway:
    """A backend that delivers (to nobody here)."""

    def send(self, phone: str, text: str) -> None:
        pass


def test_the_demo_shows_the_code_it_could_not_text_and_a_gateway_never(
    client, located, send_code, settings
):
    send_code()  # the default, the log, only logs it
    page = client.get("/report/", **EN).content.decode()
    assert "A code was sent to" in page and "Your code is" not in page

    settings.LINLI_SMS_BACKEND = "linli.core.sms.DemoBackend"  # what `make demo` names
    client.post("/report/code/", {"phone": "13905336666", "purpose": "report"}, **EN)
    page = client.get("/report/", **EN).content.decode()
    assert "Demo: no text message is sent. Your code is" in page
    assert [w.id for w in check_backend()] == ["linli.W001"]

    settings.LINLI_SMS_BACKEND = "linli.cases.tests.test_public.Gateway"
    client.post("/report/code/", {"phone": "13905337777", "purpose": "report"}, **EN)
    page = client.get("/report/", **EN).content.decode()
    assert "A code was sent to" in page and "Your code is" not in page
    assert check_backend() == []


def test_a_text_that_cannot_be_sent_says_so_and_costs_nothing(client, located, settings):
    settings.LINLI_SMS_BACKEND = "linli.cases.tests.test_public.FailingGateway"
    response = client.post(
        "/report/code/", {"phone": PHONE, "purpose": "report", "next": "/report/"}, **EN
    )
    page = client.get(response.url, **EN).content.decode()
    assert "could not be sent" in page and not PhoneCode.objects.exists()


def test_an_empty_code_is_asked_for_not_counted(client, located, send_code):
    send_code()
    response = client.post("/report/", form(), **EN)
    assert response.status_code == 422 and "Type the code" in response.content.decode()
    assert PhoneCode.objects.get().attempts == 0


def test_codes_are_limited_per_number(client, located, send_code):
    send_code()
    client.post("/report/code/", {"phone": PHONE, "purpose": "report", "next": "/report/"})
    assert PhoneCode.objects.count() == 1
    bad = client.post("/report/code/", {"phone": "12345", "purpose": "report"}, **EN)
    assert bad.status_code == 302 and PhoneCode.objects.count() == 1
    assert phone_codes_purge(now=timezone.now() + timedelta(hours=23)) == 0
    assert phone_codes_purge(now=timezone.now() + timedelta(hours=25)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": "长" * 4001}, "at most 4000 characters"),
        ({"longitude": "118.500000"}, "outside the district"),
        ({"longitude": "", "latitude": ""}, "Give the location"),
        ({"photos": "not a photo"}, "photo"),
        ({"category": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_reports_say_why_and_save_nothing(client, located, send_code, change, message):
    code = send_code()
    if change.get("photos"):
        change = {
            "photos": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")]
        }
    response = client.post("/report/", form(code=code, **change), **EN)
    assert response.status_code == 422
    assert message.lower() in response.content.decode().lower()
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_a_photo_sent_with_a_mistake_is_kept_for_the_next_try(client, located, send_code, media):
    code = send_code()
    photo = SimpleUploadedFile("p.png", png(), content_type="image/png")

    sent_back = client.post(
        "/report/", form(code=code, description="", photos=[photo]), **EN
    ).content.decode()

    assert "This field is required" in sent_back and not Case.objects.exists()
    assert 'data-testid="kept-photos"' in sent_back and "Photo 1 (40 × 30)" in sent_back
    (kept,) = re.findall(r'name="kept_photo" value="([^"]+)"', sent_back)
    response = client.post("/report/", form(code=code, kept_photo=[kept]), **EN)
    case = Case.objects.get()
    assert response.status_code == 302 and case.photos.count() == 1
    assert not list((media / "report-drafts").iterdir()), "the draft went with the report"


def test_an_unticked_kept_photo_is_left_out_and_old_drafts_are_tidied(
    client, located, send_code, media
):
    from linli.cases import drafts

    code = send_code()
    photo = SimpleUploadedFile("p.png", png(), content_type="image/png")
    client.post("/report/", form(code=code, description="", photos=[photo]), **EN)
    client.post("/report/", form(description=""), **EN)  # the kept photo unticked
    assert not list((media / "report-drafts").iterdir())
    photo = SimpleUploadedFile("p.png", png(), content_type="image/png")
    client.post("/report/", form(description="", photos=[photo]), **EN)

    assert drafts.tidy() == 0
    assert drafts.tidy(now=timezone.now() + timedelta(days=1, minutes=1)) == 1


def test_drafts_are_kept_only_for_a_session_and_never_more_than_a_case_takes(
    client, located, send_code, media
):
    """A cookie-less POST with a mistake keeps nothing (else anyone could fill the
    disk); a session keeps at most the nine photos a case takes."""
    anonymous = Client()
    photo = SimpleUploadedFile("p.png", png(), content_type="image/png")
    anonymous.post("/report/", form(description="", photos=[photo]), **EN)
    assert not (media / "report-drafts").exists() or not list((media / "report-drafts").iterdir())

    code = send_code()
    ticked: list[str] = []
    for _ in range(2):  # six photos, then six more with the six kept
        photos = [
            SimpleUploadedFile(f"p{n}.png", png(), content_type="image/png") for n in range(6)
        ]
        sent_back = client.post(
            "/report/", form(code=code, description="", photos=photos, kept_photo=ticked), **EN
        ).content.decode()
        ticked = re.findall(r'name="kept_photo" value="([^"]+)"', sent_back)
    assert len(ticked) == CasePhoto.MAX_PHOTOS
    assert len(list((media / "report-drafts").iterdir())) == CasePhoto.MAX_PHOTOS


def test_a_signed_in_resident_reports_without_a_code(client, located):
    client.force_login(located.resident_a)
    response = client.post("/report/", form(phone=""), **EN)
    case = Case.objects.get()
    assert response.status_code == 302 and case.reporter == located.resident_a


def test_the_reporter_rates_the_closed_case_with_the_same_number(client, located, send_code):
    code = send_code()
    client.post("/report/", form(code=code), **EN)
    case = through(Case.objects.get(), located, "closed")
    track = f"/report/{case.code}/"
    client.cookies.clear()  # another day, another browser
    PhoneCode.objects.update(sent_at=F("sent_at") - timedelta(days=1))
    assert 'data-testid="rate-form"' in client.get(track, **EN).content.decode()

    other = send_code(phone="13905330000", purpose="rate", next_url=track)
    refused = client.post(track, {"phone": "13905330000", "code": other, "rating": 1}, **EN)
    assert "not the number the case was reported with" in refused.content.decode()
    code = send_code(purpose="rate", next_url=track)
    client.post(track, {"phone": PHONE, "code": code, "rating": 4, "comment": "清理及时"}, **EN)
    case.refresh_from_db()
    assert (case.stage, case.rating) == (Stage.EVALUATED, 4)


def test_the_tracking_page_shows_no_names_notes_or_community_matters(client, located):
    matter = services.case_report(
        category=Category.objects.get(code="family-dispute"),
        description="楼上住户王某深夜噪音",
        source=Source.HOTLINE,
        region=located.a1,
        address="正阳路8号",
        reporter_name="李某某",
        by=None,
    )
    services.case_accept(case=matter, by=None, note="已联系王某")
    page = client.get(f"/report/{matter.code.lower()}/", **EN).content.decode()
    assert "Accepted" in page
    assert "王某" not in page and "李某某" not in page and "已联系" not in page
    assert client.get("/report/NOSUCHCODE/", **EN).status_code == 404


def test_the_tracking_page_shows_the_handlers_reply_and_the_photos_staff_chose(client, located):
    case = through(
        services.case_report(
            category=Category.objects.get(code="manhole-cover"),
            description="正阳路井盖缺失",
            source=Source.RESIDENT,
            region=located.a1,
            address="正阳路8号",
            by=located.resident_a,
        ),
        located,
        Stage.HANDLING,
    )
    before = services.case_photo_add(
        case=case, upload=SimpleUploadedFile("a.png", png()), by=located.resident_a
    )
    CasePhoto.objects.filter(pk=before.pk).update(stage=Stage.REPORTED)  # the report's own
    after = services.case_photo_add(
        case=case, upload=SimpleUploadedFile("b.png", png()), by=located.grid_worker_a1
    )
    client.force_login(located.grid_worker_a1)
    client.post(
        f"/cases/{case.pk}/finish/",
        {
            "finish-note": "已补装井盖，内部记录",
            "finish-reply": "井盖已补装，感谢您的反映",
            "finish-show_photos": "on",
            "finish-version": Case.objects.get(pk=case.pk).version,
        },
    )
    client.logout()

    page = client.get(f"/report/{case.code}/", **EN).content.decode()

    assert Case.objects.get(pk=case.pk).stage == Stage.HANDLED
    assert "井盖已补装，感谢您的反映" in page and "内部记录" not in page
    assert f"/report/{case.code}/photos/{after.pk}/" in page
    assert f"photos/{before.pk}/" not in page
    assert client.get(f"/report/{case.code}/photos/{after.pk}/").status_code == 200
    assert client.get(f"/report/{case.code}/photos/{before.pk}/").status_code == 404
