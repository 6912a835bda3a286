"""audit_record: what it derives from its arguments, and that it lives in the caller's
transaction."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory

from linli.audit import chain
from linli.audit.choices import AuditAction
from linli.audit.models import AuditEntry
from linli.audit.services import audit_record, mask_numbers, region_of
from linli.audit.tests.support import last_seq, raw_sql


def request_from(ip: str, user=None, **meta):
    request = RequestFactory().get("/", REMOTE_ADDR=ip, **meta)
    request.user = user or AnonymousUser()
    return request


def test_it_takes_type_id_and_region_from_the_object(world):
    grant = world.worker_b.grants.get()
    entry = audit_record(action=AuditAction.GRANT_CREATE, actor=world.subdistrict_admin, obj=grant)
    assert (entry.object_type, entry.object_id) == ("accounts.rolegrant", str(grant.pk))
    assert entry.region == world.b and entry.region_path == world.b.path
    assert entry.actor_name == "sichoulu"


def test_a_region_object_is_its_own_region(world):
    entry = audit_record(action=AuditAction.RECORD_UPDATE, obj=world.b1)
    assert (entry.object_type, entry.region) == ("regions.region", world.b1)


def test_it_follows_the_querysets_region_path_for_objects_without_a_region(world):
    class Shed:
        """Stands for a registry object owned through `grid` (region_path = "grid__path")."""

        class _default_manager:
            class _queryset_class:
                region_path = "grid__path"

        grid = world.a1

    assert region_of(Shed()) == world.a1


def test_an_explicit_region_wins(world):
    entry = audit_record(
        action=AuditAction.GRANT_CREATE, obj=world.worker_b.grants.get(), region=world.subdistrict
    )
    assert entry.region == world.subdistrict


def test_without_an_object_the_caller_names_the_type(world):
    entry = audit_record(
        action=AuditAction.EXPORT,
        actor=world.worker_a,
        region=world.a,
        object_type="registry.resident",
        details={"count": 12},
    )
    assert (entry.object_type, entry.object_id, entry.details) == (
        "registry.resident",
        "",
        {"count": 12},
    )


def test_it_takes_the_address_and_the_actor_from_the_request(world, settings):
    entry = audit_record(
        action=AuditAction.EXPORT, request=request_from("203.0.113.5", world.worker_a)
    )
    assert entry.ip_address == "203.0.113.5"
    assert entry.actor == world.worker_a


def test_behind_a_proxy_it_trusts_the_last_forwarded_address(world, settings):
    settings.LINLI_BEHIND_PROXY = True
    request = request_from("10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert audit_record(action=AuditAction.EXPORT, request=request).ip_address == "198.51.100.7"


def test_an_anonymous_request_has_no_actor(world):
    entry = audit_record(action=AuditAction.LOGIN_FAILED, request=request_from("::1"))
    assert entry.actor is None and entry.actor_name == "" and entry.ip_address == "::1"


def test_services_called_while_answering_a_request_get_its_address(client, world):
    """The middleware hands the request's address to entries written by services that
    were not given the request (here: granting a role)."""
    client.force_login(world.subdistrict_admin)
    response = client.post(
        f"/api/v1/users/{world.worker_a.pk}/grants",
        {"role": "grid_worker", "region_code": world.a1.code},
        content_type="application/json",
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 201
    assert AuditEntry.objects.get(action=AuditAction.GRANT_CREATE).ip_address == "192.0.2.44"


def test_outside_a_request_there_is_no_address(world):
    assert audit_record(action=AuditAction.EXPORT).ip_address is None


def test_an_unknown_action_is_refused(world):
    with pytest.raises(ValueError):
        audit_record(action="coffee")
    assert not AuditEntry.objects.exists()


def test_details_are_stored_as_plain_json(world):
    entry = audit_record(
        action=AuditAction.IMPORT,
        details={"when": date(2026, 1, 2), "amount": Decimal("1.50"), "rows": (1, 2)},
    )
    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.details == {"when": "2026-01-02", "amount": "1.50", "rows": [1, 2]}
    assert chain.verify().ok


def test_details_must_be_a_dict(world):
    with pytest.raises(TypeError):
        audit_record(action=AuditAction.IMPORT, details=["a"])


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call 13805330004 back", "call 138****0004 back"),
        ("370306196103080075", "370306********0075"),
        ("37030619610308007X;", "370306********007X;"),
        ("region 370306001001 grid 370306001001001", "region 370306001001 grid 370306001001001"),
        ("138****0004", "138****0004"),
    ],
)
def test_phone_and_id_numbers_that_slip_in_are_masked(text, masked):
    assert mask_numbers(text) == masked


def test_labels_and_details_are_masked_before_hashing(world):
    entry = audit_record(
        action=AuditAction.PII_REVEAL,
        object_label="张* 13805330004",
        details={"reason": "回电 13805330004", "nested": ["370306196103080075"]},
    )
    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.object_label == "张* 138****0004"
    assert stored.details == {"reason": "回电 138****0004", "nested": ["370306********0075"]}
    assert chain.verify().ok


def test_a_digest_in_details_is_kept_whole_though_it_holds_a_phone_shaped_run(world):
    digest = "a" * 20 + "13805330004" + "b" * 33  # the prune's anchor hash, say
    entry = audit_record(action=AuditAction.AUDIT_PRUNE, details={"anchor_hash": digest})
    assert AuditEntry.objects.get(seq=entry.seq).details == {"anchor_hash": digest}
    assert mask_numbers(digest) != digest, "the same run elsewhere is masked"


def test_long_labels_are_cut(world):
    entry = audit_record(action=AuditAction.EXPORT, object_label="长" * 300)
    assert len(AuditEntry.objects.get(seq=entry.seq).object_label) == 200


def test_a_rollback_of_the_callers_transaction_takes_the_entry_with_it(world):
    audit_record(action=AuditAction.EXPORT)
    before = last_seq()
    head = chain.current_head()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=AuditAction.EXPORT)
        raise RuntimeError("the action failed after its entry was written")
    assert last_seq() == before
    after_rollback = chain.current_head()
    assert (after_rollback.last_seq, after_rollback.last_hash) == (head.last_seq, head.last_hash)
    after = audit_record(action=AuditAction.EXPORT)
    assert after.seq == before + 1, "no gap is left by the rolled-back entry"
    assert chain.verify().ok


def test_it_starts_a_new_head_when_the_table_was_flushed(world):
    raw_sql("DELETE FROM audit_audithead", table="audit_audithead")  # as a test flush does
    entry = audit_record(action=AuditAction.EXPORT)
    assert entry.seq == 1
    assert chain.current_head().last_seq == 1
