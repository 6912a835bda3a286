import json
from io import BytesIO

import pytest
import zxingcpp
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image
from pypdf import PdfReader

from linli.audit.models import AuditEntry
from linli.certificates import keys, selectors
from linli.certificates.models import Certificate, SigningKey
from linli.certificates.pdf import certificate_pdf, verify_path
from linli.certificates.services import certificate_revoke
from linli.certificates.tests.conftest import KEY_ONE, KEY_TWO, residence
from linli.testing.http import ok
from linli.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


def _page(client, url):
    answer = client.get(url)
    assert answer.status_code == 200
    return answer.content.decode()


def test_issue_signs_and_the_qr_page_says_valid_with_public_fields_masked(world, holder, client):
    cert = residence(holder, by=world.worker_a)
    assert cert.key_id == "t1" and len(cert.signature) == 86
    assert SigningKey.objects.filter(key_id="t1").exists()
    assert AuditEntry.objects.filter(object_id=str(cert.pk), action="record_create").exists()
    page = _page(client, verify_path(cert))
    assert 'data-verdict="valid"' in page
    assert "该证照真实有效" in page
    assert "张**" in page and "张建国" not in page
    assert "370306********" in page and holder.id_number not in page
    assert "子女入学" not in page  # 用途 is not public
    assert "居住起始日期" in page and "2015-03-01" in page


def test_bad_fields_are_refused_and_nothing_saved(world, holder):
    from linli.certificates.services import certificate_issue

    with pytest.raises(ValidationError) as refused:
        certificate_issue(
            kind="residence", holder=holder, fields={"id_number": "1", "colour": "x"}, by=None
        )
    assert "colour" in str(refused.value)
    with pytest.raises(ValidationError) as missing:
        certificate_issue(kind="residence", holder=holder, fields={"id_number": "1"}, by=None)
    assert "居住地址" in str(missing.value)
    with pytest.raises(ValidationError):
        certificate_issue(kind="nope", holder=holder, fields={}, by=None)
    assert not Certificate.objects.exists()


def test_issue_outside_ones_regions_is_refused(world, other):
    with pytest.raises(PermissionDenied):
        residence(other, by=world.worker_a)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    ["unknown-number", "bad-number", "changed-signature", "changed-record", "other-signature"],
)
def test_forged_qr_codes_are_not_genuine(world, holder, client, tamper):
    cert = residence(holder)
    second = residence(holder)
    number, signature = cert.number, cert.signature
    if tamper == "unknown-number":
        number = "ABCDEFGHJKLM"
    elif tamper == "bad-number":
        number = "<script>"
    elif tamper == "changed-signature":
        signature = ("B" if signature[0] == "A" else "A") + signature[1:]
    elif tamper == "other-signature":
        signature = second.signature
    else:  # someone edits the record in the database
        Certificate.objects.filter(pk=cert.pk).update(holder_name="王五")
    answer = client.get(f"/c/{number}/{signature}")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'data-verdict="forged"' in page
    assert "不要" in page or "没有此编号" in page
    assert "公民身份号码" not in page  # nothing of a certificate shows


def test_revoked_qr_says_revoked_with_the_reason_and_is_audited(world, holder, client):
    cert = residence(holder)
    with pytest.raises(PermissionDenied):
        certificate_revoke(certificate=cert, reason="信息有误", by=world.worker_b)
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=cert, reason=" ", by=world.worker_a)
    certificate_revoke(certificate=cert, reason="居住信息有误，已重新开具", by=world.worker_a)
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=cert, reason="再次注销", by=world.worker_a)
    entry = AuditEntry.objects.get(
        object_type="certificates.certificate", object_id=str(cert.pk), action="record_update"
    )
    assert entry.details["revoked"] == "居住信息有误，已重新开具"
    page = _page(client, verify_path(cert))
    assert 'data-verdict="revoked"' in page and "居住信息有误，已重新开具" in page
    assert not selectors.usable_certificates(holder=holder).exists()


def test_key_rotation_old_certificates_keep_verifying(world, holder, client, settings):
    old = residence(holder)
    settings.LINLI_CERT_SIGNING_KEYS = f"{KEY_TWO},{KEY_ONE}"
    new = residence(holder)
    assert (old.key_id, new.key_id) == ("t1", "t2")
    settings.LINLI_CERT_SIGNING_KEYS = KEY_TWO  # the old private key retired
    for cert in (old, new):
        assert 'data-verdict="valid"' in _page(client, verify_path(cert))
    published = json.loads(_page(client, "/c/keys.json"))["keys"]
    assert [k["kid"] for k in published] == ["t1", "t2"]
    assert {k["crv"] for k in published} == {"Ed25519"}
    page = _page(client, "/c/keys")
    assert "t1" in page and "t2" in page and "用于签发新证照" in page
    # A key id nobody published does not verify.
    Certificate.objects.filter(pk=old.pk).update(key_id="t9")
    assert 'data-verdict="forged"' in _page(client, verify_path(old))


def test_malformed_keys_stop_with_a_message_naming_the_setting(settings):
    settings.LINLI_CERT_SIGNING_KEYS = "x:notbase64!"
    messages = keys.check_keys()
    assert messages and "LINLI_CERT_SIGNING_KEYS" in messages[0].msg
    assert "notbase64" not in messages[0].msg


def test_pdf_holds_the_chinese_text_and_a_qr_code_of_the_verification_url(world, holder):
    cert = residence(holder)
    url = "https://linli.example.cn" + verify_path(cert)
    pdf = certificate_pdf(cert, verify_url=url, keys_url="https://linli.example.cn/c/keys")
    reader = PdfReader(BytesIO(pdf))
    text = reader.pages[0].extract_text()
    for expected in ("居住证明", "张建国", cert.number, "周村区正阳路8号", "车站社区居委会"):
        assert expected in text
    fonts = [f for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any(
        "FontFile2"
        in str(f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object())
        for f in fonts
    )
    images = reader.pages[0].images
    assert len(images) == 1
    image = Image.open(BytesIO(images[0].data))
    decoded = zxingcpp.read_barcodes(image)
    assert [code.text for code in decoded] == [url]


def test_residents_see_and_download_their_own_certificates_only(world, holder, other, client):
    mine = residence(holder)
    theirs = residence(other)
    client.login(username="zhang", password=PASSWORD)
    page = _page(client, "/certificates/mine/")
    assert mine.number in page and theirs.number not in page and "居住证明" in page
    answer = client.get(f"/certificates/mine/{mine.number}.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert client.get(f"/certificates/mine/{theirs.number}.pdf").status_code == 404
    api = ok(client.get("/api/v1/certificates/mine"))
    assert [c["number"] for c in api["items"]] == [mine.number]


def test_staff_see_their_region_subtree_only(world, holder, other, client):
    a_cert, b_cert = residence(holder), residence(other)
    client.login(username="worker.a", password=PASSWORD)
    page = _page(client, "/certificates/")
    assert a_cert.number in page and b_cert.number not in page
    assert client.get(f"/certificates/{b_cert.pk}/").status_code == 404
    assert client.get(f"/certificates/{b_cert.pk}/document.pdf").status_code == 404
    assert client.get(f"/api/v1/certificates/{b_cert.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/certificates/{b_cert.pk}/revoke",
            {"reason": "越权"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert not Certificate.objects.get(pk=b_cert.pk).revoked_at
    client.login(username="sichoulu", password=PASSWORD)
    page = _page(client, "/certificates/")
    assert a_cert.number in page and b_cert.number in page


def test_staff_revoke_from_the_console_and_download_is_audited(world, holder, client):
    cert = residence(holder)
    client.login(username="worker.a", password=PASSWORD)
    refused = client.post(f"/certificates/{cert.pk}/", {"reason": ""})
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()
    assert Certificate.objects.get(pk=cert.pk).revoked_at is None
    answer = client.post(f"/certificates/{cert.pk}/", {"reason": "持证人已迁出"})
    assert answer.status_code == 302
    page = _page(client, f"/certificates/{cert.pk}/")
    assert "持证人已迁出" in page and "370306********" in page
    pdf = client.get(f"/certificates/{cert.pk}/document.pdf")
    assert pdf.status_code == 200
    assert AuditEntry.objects.filter(object_id=str(cert.pk), action="export").exists()


def test_api_issue_and_usable_certificates(world, holder, client):
    client.login(username="worker.a", password=PASSWORD)
    body = {
        "kind": "senior",
        "holder": holder.pk,
        "fields": {
            "sex": "男",
            "birth_date": "1950-02-03",
            "id_number": holder.id_number,
            "address": "周村区正阳路8号",
        },
        "reference": "SQ2026-0001",
    }
    answer = client.post("/api/v1/certificates", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    out = answer.json()
    assert out["holder_name"] == "张**" and out["state"] == "valid"
    assert holder.id_number not in answer.content.decode()
    bad = client.post(
        "/api/v1/certificates", {**body, "fields": {"sex": "男"}}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert [
        c.kind.code for c in selectors.usable_certificates(holder=holder, kinds=["senior"])
    ] == ["senior"]


def test_generate_key_gives_an_entry_the_setting_takes(settings, capsys):
    from django.core.management import call_command

    call_command("certificates", "generate-key", "--id", "c2")
    entry = capsys.readouterr().out.strip()
    assert entry.startswith("c2:")
    settings.LINLI_CERT_SIGNING_KEYS = f"{entry},{KEY_ONE}"
    assert keys.current().key_id == "c2" and not keys.check_keys()
    call_command("certificates", "keys")
    assert "c2\t" in capsys.readouterr().out


def test_an_expired_certificate_reads_expired_and_is_not_usable(world, holder, client):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    past = timezone.now() - timedelta(days=120)
    with mock.patch("django.utils.timezone.now", return_value=past):
        old = residence(holder)  # 居住证明: valid 90 days
    page = _page(client, verify_path(old))
    assert 'data-verdict="expired"' in page and "已过期" in page
    assert not selectors.usable_certificates(holder=holder).exists()


def test_the_residents_home_block_counts_their_certificates(world, holder, client):
    residence(holder)
    revoked = residence(holder)
    certificate_revoke(certificate=revoked, reason="信息有误", by=None)
    client.login(username="zhang", password=PASSWORD)
    page = _page(client, "/")
    assert "我的证照" in page and "有效证照" in page


def test_demo_seeds_certificates_once(world, holder, other):
    from io import StringIO

    from linli.certificates import demo

    out = StringIO()
    demo.seed(out)
    made = Certificate.objects.count()
    assert made >= 2 and Certificate.objects.filter(revoked_at__isnull=False).count() <= 1
    demo.seed(out)
    assert Certificate.objects.count() == made
