"""The hash chain: it builds, it verifies, and any edit or deletion is found and named."""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory

from linli.audit import chain, hashing
from linli.audit.choices import GENESIS_HASH, AuditAction
from linli.audit.models import HEAD_ID, AuditEntry
from linli.audit.services import audit_record
from linli.audit.tests.support import broken_at, raw_sql, record


@pytest.fixture
def five(world):
    """Five entries with every field filled somewhere: actors, regions, addresses, details."""
    from_office = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    entries = [
        record(actor=world.platform_admin, region=world.city, details={"n": 1}),
        record(action=AuditAction.LOGIN_FAILED, object_label="no…", object_type="accounts.user"),
        audit_record(
            action=AuditAction.GRANT_CREATE,
            actor=world.subdistrict_admin,
            obj=world.worker_a.grants.get(),
            object_label="worker.a · community_worker",
            details={"role": "community_worker", "region_code": world.a.code, "nested": [1, "二"]},
            request=from_office,
        ),
        record(actor=world.worker_b, region=world.b1, details={"fields": ["phone"]}),
        record(region=world.b, object_label="最后"),
    ]
    assert entries[2].ip_address == "203.0.113.9"
    assert chain.verify().ok
    return [AuditEntry.objects.get(seq=e.seq) for e in entries]


def _rehash_from(seq: int) -> None:
    """Recompute the links and hashes from `seq` on, and the head: what someone able to
    write the tables and knowing the hash rule could do."""
    previous = AuditEntry.objects.filter(seq=seq - 1).values_list("hash", flat=True).first()
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = previous or GENESIS_HASH
        entry.hash = hashing.entry_hash(entry.hashed_values())
        raw_sql(
            "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
            [entry.prev_hash, entry.hash, entry.seq],
        )
        previous = entry.hash
    last = AuditEntry.objects.order_by("-seq").first()
    raw_sql(
        "UPDATE audit_audithead SET last_seq = %s, last_hash = %s WHERE id = %s",
        [last.seq, last.hash, HEAD_ID],
        table="audit_audithead",
    )


def verify_command(*args) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


# Building the chain ---------------------------------------------------------------


def test_it_numbers_entries_without_gaps_and_links_each_to_the_one_before(five):
    seqs = [e.seq for e in five]
    assert seqs == list(range(seqs[0], seqs[0] + 5))
    assert five[0].prev_hash == GENESIS_HASH
    for before, after in pairwise(five):
        assert after.prev_hash == before.hash
    head = chain.current_head()
    assert (head.last_seq, head.last_hash) == (five[-1].seq, five[-1].hash)
    assert (head.anchor_seq, head.anchor_hash) == (0, GENESIS_HASH)


def test_the_hash_is_sha256_of_the_documented_canonical_json(world):
    at = datetime(2026, 11, 22, 1, 2, 3, 4005, tzinfo=UTC)
    values = {
        "seq": 7,
        "at": at,
        "actor_id": 3,
        "actor_name": "auditor",
        "action": "export",
        "object_type": "registry.resident",
        "object_id": "",
        "object_label": "车站社区",
        "region_id": None,
        "region_path": "",
        "ip_address": "2001:0db8::0001",
        "details": {"count": 2, "a": [True, None]},
        "prev_hash": "ab" * 32,
    }
    expected = (
        '{"action":"export","actor_id":3,"actor_name":"auditor",'
        '"at":"2026-11-22T01:02:03.004005Z","details":{"a":[true,null],"count":2},'
        '"ip_address":"2001:db8::1","object_id":"","object_label":"车站社区",'
        '"object_type":"registry.resident","prev_hash":"' + "ab" * 32 + '",'
        '"region_id":null,"region_path":"","seq":7,"v":1}'
    )
    assert hashing.canonical(values).decode() == expected
    assert hashing.entry_hash(values) == hashlib.sha256(expected.encode()).hexdigest()


def test_the_stored_hash_matches_the_stored_fields(five):
    for entry in five:
        row = AuditEntry.objects.filter(seq=entry.seq).values(*hashing.HASHED_FIELDS).get()
        assert hashing.entry_hash(row) == entry.hash


def test_an_empty_trail_verifies(db):
    result = chain.verify()
    assert result.ok and result.checked == 0
    assert "Audit trail intact: 0 entries (no entries)." in verify_command()


def test_verify_reports_the_count_the_span_and_the_head(five):
    out = verify_command()
    assert f"Audit trail intact: 5 entries (seq {five[0].seq}–{five[-1].seq})." in out
    assert f"Head: {five[-1].seq}:{five[-1].hash}" in out


# Editing an entry ------------------------------------------------------------------


def _other(world, entry: AuditEntry, field: str):
    """Another value for a field of an entry, as a raw SQL parameter."""
    return {
        "at": connection.ops.adapt_datetimefield_value(entry.at + timedelta(seconds=1)),
        "actor_id": world.auditor.pk,
        "actor_name": "mallory",
        "action": "export",
        "object_type": "accounts.user",
        "object_id": "999",
        "object_label": "別の",
        "region_id": world.other_subdistrict.pk,
        "region_path": world.other_subdistrict.path,
        "ip_address": "198.51.100.1",
        "details": json.dumps({"role": "platform_admin", "region_code": "370300000000"}),
        "prev_hash": "f" * 64,
        "hash": "e" * 64,
    }[field]


@pytest.mark.parametrize("field", [*hashing.HASHED_FIELDS[1:], "hash"])
@pytest.mark.parametrize("which", [0, 2, 4])
def test_editing_any_field_of_any_entry_is_found_at_that_entry(world, five, field, which):
    seq = five[which].seq
    value = _other(world, five[which], field)
    column = connection.ops.quote_name(field)
    raw_sql(f"UPDATE audit_auditentry SET {column} = %s WHERE seq = %s", [value, seq])  # noqa: S608

    assert broken_at() == seq
    with pytest.raises(CommandError, match=f"Audit trail BROKEN. Broken at seq {seq}: "):
        verify_command()


def test_renumbering_an_entry_is_found(five):
    raw_sql("UPDATE audit_auditentry SET seq = 1000 WHERE seq = %s", [five[2].seq])
    assert broken_at() == five[3].seq
    assert f"entry {five[2].seq} is missing" in str(chain.verify().broken)


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(five):
    target = AuditEntry.objects.get(seq=five[1].seq)
    target.object_label = "nobody"
    raw_sql(
        "UPDATE audit_auditentry SET object_label = %s, hash = %s WHERE seq = %s",
        ["nobody", hashing.entry_hash(target.hashed_values()), target.seq],
    )
    assert broken_at() == five[2].seq
    assert "does not link" in chain.verify().broken.reason


def test_a_details_edit_that_only_reorders_keys_is_not_a_change(five):
    entry = five[2]
    reordered = json.dumps(dict(reversed(list(entry.details.items()))), ensure_ascii=False)
    raw_sql("UPDATE audit_auditentry SET details = %s WHERE seq = %s", [reordered, entry.seq])
    assert chain.verify().ok


# Deleting entries ------------------------------------------------------------------


def test_deleting_an_entry_in_the_middle_names_the_gap(five):
    raw_sql("DELETE FROM audit_auditentry WHERE seq = %s", [five[2].seq])
    assert broken_at() == five[3].seq
    with pytest.raises(CommandError) as raised:
        verify_command()
    assert f"Broken at seq {five[3].seq}: entry {five[2].seq} is missing before it." in str(
        raised.value
    )


def test_deleting_several_entries_names_the_range(five):
    raw_sql("DELETE FROM audit_auditentry WHERE seq IN (%s, %s)", [five[1].seq, five[2].seq])
    assert broken_at() == five[3].seq
    assert f"entries {five[1].seq}–{five[2].seq} are missing" in chain.verify().broken.reason


def test_deleting_the_first_entry_is_found(five):
    raw_sql("DELETE FROM audit_auditentry WHERE seq = %s", [five[0].seq])
    assert broken_at() == five[1].seq


def test_deleting_the_last_entries_is_found_from_the_head(five):
    raw_sql("DELETE FROM audit_auditentry WHERE seq >= %s", [five[3].seq])
    assert broken_at() == five[3].seq
    assert "missing at the end of the chain" in chain.verify().broken.reason


def test_deleting_and_relinking_the_rest_is_found_by_the_seq_gap(five):
    raw_sql("DELETE FROM audit_auditentry WHERE seq = %s", [five[2].seq])
    _rehash_from(five[3].seq)
    assert broken_at() == five[3].seq


# The head ----------------------------------------------------------------------------


def test_a_head_that_does_not_match_the_last_entry_is_found(five):
    raw_sql(
        "UPDATE audit_audithead SET last_hash = %s WHERE id = %s",
        ["a" * 64, HEAD_ID],
        table="audit_audithead",
    )
    result = chain.verify()
    assert not result.ok and result.broken.seq is None
    assert "Broken at the head" in str(result.broken)


def test_a_missing_head_is_found(five):
    raw_sql("DELETE FROM audit_audithead", table="audit_audithead")
    assert broken_at() == five[0].seq


def test_a_moved_anchor_without_a_prune_entry_is_found(five):
    raw_sql(
        "UPDATE audit_audithead SET anchor_seq = %s, anchor_hash = %s WHERE id = %s",
        [five[0].seq, five[0].hash, HEAD_ID],
        table="audit_audithead",
    )
    raw_sql("DELETE FROM audit_auditentry WHERE seq = %s", [five[0].seq])
    result = chain.verify()
    assert not result.ok
    assert "anchor was not set by the last recorded prune" in result.broken.reason


# Checkpoints kept elsewhere --------------------------------------------------------------


def test_a_rewritten_chain_passes_verify_but_not_a_checkpoint_kept_elsewhere(five):
    checkpoint = f"{five[-1].seq}:{five[-1].hash}"
    raw_sql("UPDATE audit_auditentry SET object_label = %s WHERE seq = %s", ["改写", five[1].seq])
    _rehash_from(five[1].seq)
    assert chain.verify().ok, "a full rewrite is consistent…"
    with pytest.raises(CommandError, match=f"Checkpoint {five[-1].seq}: entry {five[-1].seq} has"):
        verify_command("--expect", checkpoint)


def test_a_checkpoint_that_still_holds_passes(five):
    assert "intact" in verify_command("--expect", f"{five[2].seq}:{five[2].hash}")


def test_a_malformed_checkpoint_is_a_usage_error(five):
    with pytest.raises(CommandError, match="expect"):
        verify_command("--expect", "3-abc")
