"""Blank forms (空白表格) the catalogue seeds as materials' templates: made here, at
seed time, as a printable PDF (fpdf2 with the certificates' CJK font) or a Word
document (.docx, written as its few XML parts), never downloaded. Each goes through
the same content check as an upload (`linli.notices.content.attachment_check`)."""

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from fpdf import FPDF

FONT = "cjk"


@dataclass(frozen=True)
class BlankForm:
    title: str
    intro: str
    rows: tuple[str, ...]  # the lines to fill in
    closing: str  # the declaration above the signatures
    kind: str  # "pdf" or "docx"


BLANK_FORMS: dict[str, BlankForm] = {
    "家庭经济状况核对授权书": BlankForm(
        "家庭经济状况核对授权书",
        "本人及共同生活的家庭成员申请社会救助,自愿授权民政部门及其委托的机构,"
        "通过公安、人力资源社会保障、住房城乡建设、金融机构等单位查询、核对本家庭成员的"
        "户籍、车辆、住房、社会保险、存款、有价证券等经济状况信息。",
        (
            "申请人姓名",
            "公民身份号码",
            "家庭住址",
            "共同生活家庭成员(姓名、与申请人关系、公民身份号码)",
        ),
        "本授权书自签字之日起生效,核对结果仅用于社会救助审核确认。",
        "pdf",
    ),
    "家庭成员收入情况声明": BlankForm(
        "家庭成员收入情况声明",
        "本人承诺如实申报家庭成员近六个月的各项收入,如有隐瞒或虚报,"
        "愿承担相应法律责任并退还已领取的救助金。",
        (
            "申请人姓名",
            "家庭成员姓名及关系",
            "工资性收入(元/月)",
            "经营净收入(元/月)",
            "财产净收入(元/月)",
            "转移净收入(元/月)",
        ),
        "以上情况属实。",
        "docx",
    ),
    "本人书面申请": BlankForm(
        "特困人员救助供养申请书",
        "本人因无劳动能力、无生活来源、无法定赡养抚养扶养义务人,特申请特困人员救助供养,请予审核。",
        ("申请人姓名", "出生日期", "现居住地址", "申请供养方式(分散供养/集中供养)", "申请理由"),
        "本人承诺所填情况真实。",
        "docx",
    ),
}


def blank_form(material: str) -> tuple[str, bytes] | None:
    """(file name, content) of the blank form of a material, if the catalogue has one."""
    form = BLANK_FORMS.get(material)
    if form is None:
        return None
    make: Callable[[BlankForm], bytes] = _pdf if form.kind == "pdf" else _docx
    return f"{form.title}.{form.kind}", make(form)


def _pdf(form: BlankForm) -> bytes:
    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.set_title(form.title)
    doc.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))  # the same bytes every seed
    doc.add_font(FONT, "", settings.LINLI_CERT_FONT)
    doc.add_page()
    doc.set_font(FONT, size=18)
    doc.cell(0, 14, form.title, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, size=11)
    doc.multi_cell(0, 7, form.intro, new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    for row in form.rows:
        doc.cell(70, 12, row, border=1)
        doc.cell(0, 12, "", border=1, new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.multi_cell(0, 7, form.closing, new_x="LMARGIN", new_y="NEXT")
    doc.ln(10)
    doc.cell(0, 8, "签字(按手印):____________        日期:____年____月____日")
    return bytes(doc.output())


def _docx(form: BlankForm) -> bytes:
    def paragraph(text: str, *, size: int = 24, bold: bool = False, centre: bool = False) -> str:
        props = '<w:jc w:val="center"/>' if centre else ""
        run = f'<w:sz w:val="{size}"/>' + ("<w:b/>" if bold else "")
        return (
            f"<w:p><w:pPr>{props}</w:pPr><w:r><w:rPr>{run}</w:rPr>"
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        )

    cells = "".join(
        "<w:tr>"
        f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{paragraph(row)}</w:tc>'
        f'<w:tc><w:tcPr><w:tcW w:w="6000" w:type="dxa"/></w:tcPr>{paragraph("")}</w:tc>'
        "</w:tr>"
        for row in form.rows
    )
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    body = (
        paragraph(form.title, size=36, bold=True, centre=True)
        + paragraph(form.intro)
        + f'<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/><w:tblBorders>{border}'
        f"</w:tblBorders></w:tblPr>{cells}</w:tbl>"
        + paragraph(form.closing)
        + paragraph("签字(按手印):____________        日期:____年____月____日")
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": document,
    }
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)
    return out.getvalue()
