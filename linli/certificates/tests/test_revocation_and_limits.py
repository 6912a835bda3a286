"""The holder hears of a revocation; failed verifications are limited per address
(genuine checks never count)."""

import pytest
from django.core.cache import cache

from linli.accounts.models import User
from linli.certificates.pdf import verify_path
from linli.certificates.services import certificate_revoke
from linli.certificates.tests.conftest import residence
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_holder_is_told_of_a_revocation(
    world, holder, other, django_capture_on_commit_callbacks
):
    from linli.core.permissions import Role

    world.person("li", Role.RESIDENT, world.b.code, phone=other.phone)
    cert = residence(holder)
    certificate_revoke(certificate=cert, reason="居住信息有误,已重新开具", by=world.worker_a)
    told = Notification.objects.get(kind="certificates.revoked")
    assert told.user == User.objects.get(username="zhang")
    assert cert.number in told.body and "居住信息有误" in told.body
    assert told.url == "/certificates/mine/"


def test_failed_verifications_are_limited_per_address(world, holder, client, settings):
    settings.LINLI_CERT_VERIFY_FAILURES = "3/h"
    cache.clear()
    cert = residence(holder)
    forged = f"/c/{cert.number}/{'A' * 86}"
    for _ in range(3):
        answer = client.get(forged, REMOTE_ADDR="10.0.0.1")
        assert answer.status_code == 200 and 'data-verdict="forged"' in answer.content.decode()
    walled = client.get(verify_path(cert), REMOTE_ADDR="10.0.0.1")  # even a genuine one
    assert walled.status_code == 429 and walled["Retry-After"] == "3600"
    assert "一小时" in walled.content.decode()
    elsewhere = client.get(verify_path(cert), REMOTE_ADDR="10.0.0.2")
    assert 'data-verdict="valid"' in elsewhere.content.decode()
    for _ in range(5):  # genuine checks never count
        assert client.get(verify_path(cert), REMOTE_ADDR="10.0.0.3").status_code == 200
    cache.clear()
