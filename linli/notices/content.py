"""What a notice carries, checked: the rich text sanitised by nh3 (script, style,
event attributes and unsafe links removed), images through the case photos' checks
(linli.cases.photos: content, size, pixels; re-encoded without metadata) and
attachments recognised by their first bytes, not their names."""

import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from io import BytesIO

import nh3
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import escape
from django.utils.translation import gettext as _

from linli.cases.photos import CheckedPhoto, photo_check
from linli.notices.choices import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ATTACHMENT_MAX_MB,
    MAX_BODY,
    URL_SCHEMES,
)

# An uploaded file as Django gives it (its content in memory or a temporary file).
type Upload = UploadedFile[bytes]


def sanitise(html: str, *, image_urls: Collection[str] = ()) -> str:
    """The rich text with only the allowed tags and attributes; links get
    `rel="noopener noreferrer"`. Plain text (no tag at all, as most notices are typed)
    keeps its lines: a blank line starts a paragraph, a line break stays one. A picture
    in the text stays only if its `src` is one of `image_urls` (the notice's own
    uploaded pictures); any other is removed."""
    if len(html) > MAX_BODY:
        raise ValidationError(
            {"body": _("The text may be at most %(n)s characters.") % {"n": MAX_BODY}}
        )
    if not nh3.is_html(html):
        html = _paragraphs(html)
    allowed = frozenset(image_urls)

    def only_own_pictures(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src" and value not in allowed:
            return None
        return value

    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=only_own_pictures,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return EMPTY_PARAGRAPH.sub("", NO_SOURCE.sub("", clean)).strip()


# A picture left without a source (not one of the notice's own): removed whole; so are
# the empty paragraphs an editor leaves behind.
NO_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")


def _paragraphs(text: str) -> str:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "".join(
        "<p>" + "<br>".join(escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks
        if block.strip()
    )


def image_check(upload: Upload) -> CheckedPhoto:
    """A picture of a notice, checked like a case photo; its errors named `images`."""
    try:
        return photo_check(upload)
    except ValidationError as exc:
        raise ValidationError({"images": exc.messages}) from exc


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    name: str
    content_type: str


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx"}


def attachment_check(upload: Upload) -> CheckedFile:
    """A PDF, Word (.docx) or Excel (.xlsx) document, by its content; its name kept
    (with the extension its content has)."""
    if (upload.size or 0) > ATTACHMENT_MAX_MB * 1024 * 1024:
        raise ValidationError(
            {
                "attachments": _("An attachment may be at most %(mb)s MB.")
                % {"mb": ATTACHMENT_MAX_MB}
            }
        )
    data = upload.read()
    kind = _kind(data)
    if kind is None:
        raise ValidationError(
            {"attachments": _("Attach a PDF, Word (.docx) or Excel (.xlsx) document.")}
        )
    stem = (upload.name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()[:100] or _("attachment")
    return CheckedFile(data, f"{stem}.{EXTENSIONS[kind]}", kind)


def _kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None
