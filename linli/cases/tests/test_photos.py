"""Photos of cases: checked by content (type, size, pixels), stored and served
without EXIF (the camera's location kept as data), only to who may see the case;
bad files get a clear message and leave nothing behind."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.cases import services
from linli.cases.models import CasePhoto
from linli.core.permissions import Role
from linli.testing.cases import hotline_call
from linli.testing.http import get, post

API = "/api/v1"


def jpeg_with_location(width=64, height=48) -> bytes:
    """A JPEG whose EXIF says: taken at 36°48'0"N 117°52'12"E, by camera SN-12345."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0xA431] = "SN-12345"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (36.0, 48.0, 0.0), 3: "E", 4: (117.0, 52.0, 12.0)})
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(content: bytes, name="photo.jpg", kind="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=kind)


def files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_photo_keeps_its_location_as_data_but_the_served_file_has_no_exif(client, world, media):
    case = hotline_call(world)
    raw = jpeg_with_location()
    assert b"SN-12345" in raw

    response = post(client, world.worker_a, f"/cases/{case.pk}/photos/", {"photo": upload(raw)})

    assert response.status_code == 302
    photo = CasePhoto.objects.get()
    assert (str(photo.latitude), str(photo.longitude)) == ("36.800000", "117.870000")
    assert (photo.width, photo.height, photo.content_type) == (64, 48, "image/jpeg")
    served = get(client, world.worker_a, f"/cases/{case.pk}/photos/{photo.pk}/")
    body = b"".join(served.streaming_content)
    assert served["Content-Type"] == "image/jpeg"
    assert b"SN-12345" not in body and b"Exif" not in body
    assert not Image.open(BytesIO(body)).getexif()
    page = get(client, world.worker_a, f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/photos/{photo.pk}/" in page


def test_people_who_may_not_see_the_case_get_404(client, world):
    case = hotline_call(world)
    photo = services.case_photo_add(
        case=case, upload=upload(jpeg_with_location()), by=world.worker_a
    )

    for outsider in (world.worker_b, world.resident_a):
        assert get(client, outsider, f"/cases/{case.pk}/photos/{photo.pk}/").status_code == 404
        client.force_login(outsider)
        assert client.get(f"{API}/cases/{case.pk}/photos/{photo.pk}").status_code == 404
    assert (
        get(client, world.worker_a, f"/cases/{case.pk + 1}/photos/{photo.pk}/").status_code == 404
    )


def pixels(width, height, kind="PNG") -> bytes:
    out = BytesIO()
    Image.new("1", (width, height)).save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a photo at all", "photo.jpg", "not a photo that can be read"),
        (jpeg_with_location()[:300], "cut.jpg", "not a photo that can be read"),
        (pixels(20, 20, "GIF"), "anim.gif", "Send a JPEG, PNG or WebP photo"),
        (pixels(8000, 6000), "huge.png", "at most 40 megapixels"),
        (b"x" * (2 * 1024 * 1024 + 1), "big.jpg", "at most 2 MB"),
    ],
)
def test_bad_files_are_refused_by_the_api_and_nothing_is_kept(
    client, world, media, settings, content, name, message
):
    settings.LINLI_PHOTO_MAX_MB = 2
    case = hotline_call(world)
    client.force_login(world.worker_a)

    response = client.post(
        f"{API}/cases/{case.pk}/photos",
        {"photo": upload(content, name)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert message in response.json()["detail"] or message in str(response.json())
    assert not CasePhoto.objects.exists() and files(media) == []


def test_the_api_adds_a_photo_and_lists_it_with_the_case(client, world):
    case = hotline_call(world)
    client.force_login(world.worker_a)

    added = client.post(
        f"{API}/cases/{case.pk}/photos", {"photo": upload(pixels(30, 20), "a.png", "image/png")}
    )

    assert added.status_code == 201
    assert (added.json()["content_type"], added.json()["width"]) == ("image/png", 30)
    detail = client.get(f"{API}/cases/{case.pk}").json()
    assert [p["id"] for p in detail["photos"]] == [added.json()["id"]]
    served = client.get(f"{API}/cases/{case.pk}/photos/{added.json()['id']}")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_who_may_add_and_until_when(client, world):
    case = hotline_call(world)
    other_grid_worker = world.person("grid.b1", Role.GRID_WORKER, world.b1.code)

    with pytest.raises(PermissionDenied):
        services.case_photo_add(case=case, upload=upload(pixels(10, 10)), by=other_grid_worker)
    for n in range(CasePhoto.MAX_PHOTOS):
        services.case_photo_add(case=case, upload=upload(pixels(10 + n, 10)), by=world.worker_a)
    response = post(
        client, world.worker_a, f"/cases/{case.pk}/photos/", {"photo": upload(pixels(5, 5))}
    )
    assert response.status_code == 302
    assert CasePhoto.objects.count() == CasePhoto.MAX_PHOTOS
    page = get(client, world.worker_a, f"/cases/{case.pk}/").content.decode()
    assert "A case has at most 9 photos." in page
    services.case_reject(case=case, by=world.worker_a, note="重复")
    client.force_login(world.worker_a)
    late = client.post(f"{API}/cases/{case.pk}/photos", {"photo": upload(pixels(5, 5))})
    assert late.status_code == 409


def test_a_phone_jpeg_with_a_second_image_is_accepted_as_jpeg(world):
    out = BytesIO()
    first, depth = Image.new("RGB", (40, 30), "red"), Image.new("RGB", (40, 30), "blue")
    first.save(out, format="MPO", save_all=True, append_images=[depth])
    assert Image.open(BytesIO(out.getvalue())).format == "MPO"

    photo = services.case_photo_add(
        case=hotline_call(world), upload=upload(out.getvalue()), by=world.worker_a
    )

    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 40, 30)
