"""Photos of cases: checked by their content, not their name — a JPEG, PNG or WebP
Pillow can decode, within a size and a pixel count — and stored re-encoded without
metadata, so the file served carries no EXIF (no location, no camera serial). The
location the camera recorded is kept as data on the photo instead.

This module handles the image (checking, re-encoding, serving); adding a photo to a
case — who may, its record and file — is the service `case_photo_add` in
`linli/cases/services/photos.py`."""

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; more is refused before decoding
GPS_IFD = 0x8825


@dataclass
class CheckedPhoto:
    content: bytes
    format: str
    width: int
    height: int
    longitude: Decimal | None
    latitude: Decimal | None

    @property
    def content_type(self) -> str:
        return FORMATS[self.format]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def photo_served(photo) -> FileResponse:
    """The stored (metadata-free) file of a photo, for people who may see its case."""
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def photo_check(upload) -> CheckedPhoto:
    """The upload as a checked, metadata-free image, or ValidationError saying why not."""
    limit = settings.LINLI_PHOTO_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            {"photo": _("A photo may be at most %(mb)s MB.") % {"mb": settings.LINLI_PHOTO_MAX_MB}}
        )
    data = upload.read()
    try:
        with Image.open(BytesIO(data)) as probe:
            # A phone's JPEG with a second (depth, preview) image opens as MPO: the
            # first image is the photo.
            kind = "JPEG" if probe.format == "MPO" else probe.format
            if kind not in FORMATS:
                raise ValidationError({"photo": _("Send a JPEG, PNG or WebP photo.")})
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    {"photo": _("The photo has too many pixels (at most 40 megapixels).")}
                )
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image.seek(0)
            image.load()
            longitude, latitude = _location(image)
            upright = ImageOps.exif_transpose(image)
            out = BytesIO()
            options = {"quality": 85} if kind in ("JPEG", "WEBP") else {"optimize": True}
            clean = upright if kind != "JPEG" else upright.convert("RGB")
            clean.save(out, format=kind, **options)  # no exif=: metadata left behind
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError({"photo": _("This file is not a photo that can be read.")}) from exc
    return CheckedPhoto(out.getvalue(), kind, clean.width, clean.height, longitude, latitude)


def _location(image: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    """Longitude and latitude from the EXIF GPS block, if any (WGS 84 degrees)."""
    gps = image.getexif().get_ifd(GPS_IFD)
    try:
        latitude = _degrees(gps[2], gps[1])
        longitude = _degrees(gps[4], gps[3])
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return longitude, latitude


def _degrees(dms, ref) -> Decimal:
    degrees, minutes, seconds = (float(part) for part in dms)
    value = degrees + minutes / 60 + seconds / 3600
    if str(ref).upper().startswith(("S", "W")):
        value = -value
    return Decimal(f"{value:.6f}")
