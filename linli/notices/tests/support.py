"""Notices for the tests: a draft by a community worker, files of every kind."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from linli.notices import services
from linli.notices.models import Topic


def topic(code: str = "community") -> Topic:
    return Topic.objects.get(code=code)


def draft(world, *, region=None, by=None, **fields):
    fields.setdefault("title", "停水通知")
    fields.setdefault("body", "<p>明日8时至12时停水。</p>")
    fields.setdefault("topic", topic())
    return services.notice_create(region=region or world.a, by=by or world.worker_a, **fields)


def published(world, *, approver=None, **fields):
    notice = draft(world, **fields)
    services.notice_submit(notice=notice, by=notice.author)
    return services.notice_approve(notice=notice, by=approver or world.subdistrict_admin)


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf(name: str = "通知.pdf") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def xlsx(name: str = "名单.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.worksheets[0]["A1"] = "姓名"
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def disguised(name: str = "通知.pdf") -> SimpleUploadedFile:
    """An executable named like a PDF."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
