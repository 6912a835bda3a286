"""A certificate's PDF document: fpdf2 with the CJK font embedded (subset), and a QR
code of its verification URL (segno). Made on request from the signed record, the
same every time (ADR 0023)."""

from io import BytesIO

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from linli.certificates.models import Certificate
from linli.certificates.selectors import all_fields

FONT = "cjk"


def verify_path(certificate: Certificate) -> str:
    """The verification page's path: the number and the signature (so the page can
    tell a changed QR code or record)."""
    return reverse(
        "certificate-public:verify",
        kwargs={"number": certificate.number, "signature": certificate.signature},
    )


def qr_png(url: str) -> bytes:
    out = BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def certificate_pdf(certificate: Certificate, *, verify_url: str, keys_url: str) -> bytes:
    """The document: title, number, holder, every field of its kind, issuer and dates,
    the QR code of `verify_url` and how to check it."""
    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.set_creation_date(certificate.issued_at)
    doc.set_title(f"{certificate.kind.name} {certificate.number}")
    doc.set_producer("Linli")
    doc.add_font(FONT, "", settings.LINLI_CERT_FONT)
    doc.set_auto_page_break(auto=False)
    doc.add_page()
    doc.set_draw_color(150, 30, 30)
    doc.set_line_width(1.2)
    doc.rect(12, 12, 186, 273)
    doc.set_line_width(0.3)
    doc.rect(15, 15, 180, 267)

    doc.set_font(FONT, size=28)
    doc.set_text_color(150, 30, 30)
    doc.set_xy(15, 32)
    doc.cell(180, 14, certificate.kind.name, align="C")
    doc.set_text_color(60, 60, 60)
    doc.set_font(FONT, size=11)
    doc.set_xy(15, 48)
    doc.cell(180, 7, f"{_('Certificate number')}：{certificate.number}", align="C")

    rows = [(_("Holder's name"), certificate.holder_name), *all_fields(certificate)]
    doc.set_text_color(20, 20, 20)
    y = 68.0
    for label, value in rows:
        doc.set_font(FONT, size=13)
        doc.set_xy(30, y)
        doc.cell(42, 9, label)
        doc.set_xy(72, y)
        doc.multi_cell(108, 9, value or "—", align="L")
        y = max(y + 11, doc.get_y() + 2)
        doc.set_draw_color(210, 210, 210)
        doc.line(30, y - 1.5, 180, y - 1.5)

    local = timezone.localtime(certificate.issued_at)
    doc.set_font(FONT, size=12)
    y += 8
    doc.set_xy(30, y)
    doc.cell(150, 8, f"{_('Issued on')}：{local.date().isoformat()}")
    doc.set_xy(30, y + 9)
    until = certificate.valid_until.isoformat() if certificate.valid_until else _("Long-term")
    doc.cell(150, 8, f"{_('Valid until')}：{until}")
    doc.set_xy(30, y + 18)
    doc.cell(150, 8, f"{_('Issued by')}：{certificate.issuer}")

    doc.image(BytesIO(qr_png(verify_url)), x=140, y=218, w=45, h=45)
    doc.set_font(FONT, size=9)
    doc.set_text_color(90, 90, 90)
    doc.set_xy(30, 226)
    doc.multi_cell(
        105,
        5.5,
        align="L",
        text=_(
            "Scan the QR code to check this certificate on the public verification page: "
            "it shows whether it is valid or revoked. Signed electronically (Ed25519, key "
            "%(key)s); the public keys are published at %(keys)s."
        )
        % {"key": certificate.key_id, "keys": keys_url},
    )
    return bytes(doc.output())
