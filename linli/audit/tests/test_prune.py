"""Pruning: entries older than the retention period go, and the chain still verifies."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from linli.audit import chain, services
from linli.audit.choices import AuditAction
from linli.audit.models import AuditEntry, AuditHead
from linli.audit.tests.support import actions, broken_at, raw_sql, record


def record_days_ago(monkeypatch, days: float, **kwargs) -> AuditEntry:
    when = timezone.now() - timedelta(days=days)
    with monkeypatch.context() as m:
        m.setattr(services, "_now", lambda: when)
        return record(**kwargs)


@pytest.fixture
def aged(world, monkeypatch):
    """Three entries 400 days old, two 200 days old, two from today."""
    ages = [400, 400, 400, 200, 200, 0, 0]
    return [record_days_ago(monkeypatch, days, region=world.a) for days in ages]


def prune(*args) -> str:
    out = StringIO()
    call_command("audit", "prune", *args, stdout=out)
    return out.getvalue()


def test_it_deletes_entries_older_than_the_retention_and_still_verifies(aged, settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 365

    out = prune()

    assert "Deleted 3 entries older than" in out
    assert f"anchored after seq {aged[2].seq}" in out
    kept = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert kept == [e.seq for e in aged[3:]] + [aged[-1].seq + 1]
    head = AuditHead.objects.get()
    assert (head.anchor_seq, head.anchor_hash) == (aged[2].seq, aged[2].hash)
    result = chain.verify()
    assert result.ok, result.broken
    assert result.first_seq == aged[3].seq and result.anchor_seq == aged[2].seq


def test_the_prune_is_itself_recorded_with_the_new_anchor(aged, settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 365
    prune()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == AuditAction.AUDIT_PRUNE
    assert entry.actor is None and entry.region is None
    assert entry.details["deleted"] == 3
    assert entry.details["anchor_seq"] == aged[2].seq
    assert entry.details["anchor_hash"] == aged[2].hash
    assert entry.details["retention_days"] == 365
    assert entry.details["verified"] is True


def test_pruning_again_later_keeps_the_chain_verifiable(aged, settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 365
    prune()
    settings.LINLI_AUDIT_RETENTION_DAYS = 183
    assert "Deleted 2 entries" in prune()
    assert AuditHead.objects.get().anchor_seq == aged[4].seq
    assert actions().count(AuditAction.AUDIT_PRUNE) == 2
    assert chain.verify().ok
    assert "Audit trail intact: 4 entries" in _verify_out(), "2 of today, 2 prunes"


def _verify_out() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_tampering_after_a_prune_is_still_found(aged, settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 365
    prune()
    raw_sql("DELETE FROM audit_auditentry WHERE seq = %s", [aged[3].seq])
    assert broken_at() == aged[4].seq


def test_nothing_to_prune_records_nothing(aged, settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 500
    assert "Nothing to prune" in prune()
    assert AuditEntry.objects.count() == len(aged)
    assert AuditHead.objects.get().anchor_seq == 0


def test_a_dry_run_deletes_nothing(aged, settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 183
    assert "Would delete 5 entries older than" in prune("--dry-run")
    assert AuditEntry.objects.count() == len(aged)


def test_it_never_keeps_less_than_six_months(aged, settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 90
    with pytest.raises(ImproperlyConfigured, match="minimum is 183"):
        services.audit_prune()
    assert AuditEntry.objects.count() == len(aged)


def test_it_refuses_to_prune_a_broken_chain_unless_told(aged, settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 365
    raw_sql("UPDATE audit_auditentry SET object_label = 'x' WHERE seq = %s", [aged[1].seq])
    with pytest.raises(CommandError, match=f"Not pruning: .*Broken at seq {aged[1].seq}"):
        prune()
    assert AuditEntry.objects.count() == len(aged)

    assert "Deleted 3 entries" in prune("--allow-broken")
    assert AuditEntry.objects.order_by("-seq").first().details["verified"] is False
    assert chain.verify().ok, "the altered entry was among the pruned"


def test_an_old_entry_after_a_newer_one_is_kept_with_it(world, monkeypatch, settings):
    """A clock stepped back must not punch a hole in the kept part of the chain."""
    settings.LINLI_AUDIT_RETENTION_DAYS = 365
    old = record_days_ago(monkeypatch, 400)
    newer = record_days_ago(monkeypatch, 10)
    stepped_back = record_days_ago(monkeypatch, 400)
    assert "Deleted 1 entries" in prune()
    assert AuditEntry.objects.filter(seq__in=[newer.seq, stepped_back.seq]).count() == 2
    assert not AuditEntry.objects.filter(seq=old.seq).exists()
    assert chain.verify().ok


def test_everything_old_can_go(world, monkeypatch, settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 183
    last = [record_days_ago(monkeypatch, 300) for _ in range(3)][-1]
    prune()
    assert actions() == [AuditAction.AUDIT_PRUNE]
    assert AuditHead.objects.get().anchor_seq == last.seq
    assert chain.verify().ok
