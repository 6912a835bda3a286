"""Materials' files: checked by their content, with the checks the platform already
has — a photo as the case engine checks one (re-encoded without metadata), a PDF as
a notice's attachment — and counted (`MAX_FILES` a material, `MAX_TOTAL` an
application)."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from linli.cases.photos import photo_check
from linli.notices.content import PDF, attachment_check

MAX_FILES = 5  # files of one material
MAX_TOTAL = 20  # files of one application
SNIFF = 8


@dataclass(frozen=True)
class CheckedMaterial:
    content: bytes
    name: str
    content_type: str
    extension: str


def material_check(upload: UploadedFile[Any], *, field: str) -> CheckedMaterial:
    """A photo (JPEG, PNG, WebP) or a PDF, judged by its content, not its name;
    ValidationError on `field` otherwise."""
    head = upload.read(SNIFF)
    upload.seek(0)
    stem = (upload.name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()[:100] or _("material")
    try:
        if head.startswith(b"%PDF-"):
            checked = attachment_check(upload)
            if checked.content_type != PDF:
                raise ValidationError("")
            return CheckedMaterial(checked.content, checked.name, PDF, "pdf")
        photo = photo_check(upload)
    except ValidationError as exc:
        sizes = [m for m in exc.messages if "MB" in m]
        raise ValidationError(
            {
                field: sizes[0]
                if sizes
                else _(
                    "%(name)s is not a photo or PDF that can be read: scan or photograph the "
                    "material and upload a JPEG, PNG or PDF file."
                )
                % {"name": upload.name or _("material")}
            }
        ) from exc
    return CheckedMaterial(
        photo.content, f"{stem}.{photo.extension}", photo.content_type, photo.extension
    )
