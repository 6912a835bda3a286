"""The hash chain: its head, and the verification of the whole chain (how one entry
is hashed is in hashing.py)."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from linli.audit.choices import AuditAction
from linli.audit.hashing import HASHED_FIELDS, entry_hash
from linli.audit.models import HEAD_ID, AuditEntry, AuditHead


def current_head() -> AuditHead | None:
    """The head row, up to date. On PostgreSQL a deferred trigger moves it at commit;
    inside a transaction that wrote entries, this moves it now."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS audit_head_tip IMMEDIATE")
            cursor.execute("SET CONSTRAINTS audit_head_tip DEFERRED")
    return AuditHead.objects.filter(pk=HEAD_ID).first()


@dataclass(frozen=True)
class Break:
    """The first broken link: the entry at which verification failed, and why."""

    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "the head"
        return f"Broken at {where}: {self.reason}"


@dataclass(frozen=True)
class Verification:
    checked: int
    first_seq: int | None
    last_seq: int
    last_hash: str
    anchor_seq: int
    broken: Break | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(*, chunk_size: int = 2000) -> Verification:
    """Walk the chain from its anchor to its head; stop at the first broken link.

    On PostgreSQL the walk reads one snapshot (REPEATABLE READ, read only, unless
    called inside a transaction already), so entries written meanwhile are not
    seen and a concurrent prune cannot look like a deletion. On SQLite it runs
    outside a transaction (an IMMEDIATE one would block writers for the whole
    walk) and starts again once if the anchor moved meanwhile.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _walk(chunk_size)
    result = _walk(chunk_size)
    if not result.ok:
        head = current_head()
        if head is not None and head.anchor_seq != result.anchor_seq:
            result = _walk(chunk_size)
    return result


def _rows(upto: int, chunk_size: int) -> Iterator[dict]:
    fields = (*HASHED_FIELDS, "hash")
    return (
        AuditEntry.objects.filter(seq__lte=upto)
        .order_by("seq")
        .values(*fields)
        .iterator(chunk_size=chunk_size)
    )


def _walk(chunk_size: int) -> Verification:
    head = current_head()
    if head is None:
        first = AuditEntry.objects.order_by("seq").values_list("seq", flat=True).first()
        broken = Break(first, "the chain's head row is missing.") if first else None
        return Verification(0, None, 0, "", 0, broken)
    expected_seq, expected_prev = head.anchor_seq + 1, head.anchor_hash
    checked, first_seq, last_prune = 0, None, None

    def result(broken: Break | None = None) -> Verification:
        return Verification(
            checked, first_seq, expected_seq - 1, expected_prev, head.anchor_seq, broken
        )

    for row in _rows(head.last_seq, chunk_size):
        seq = row["seq"]
        first_seq = seq if first_seq is None else first_seq
        if seq < expected_seq:
            return result(
                Break(seq, f"it lies before the anchor (seq {head.anchor_seq}): pruned or forged.")
            )
        if seq > expected_seq:
            missing = (
                f"entry {expected_seq} is missing"
                if seq == expected_seq + 1
                else f"entries {expected_seq}–{seq - 1} are missing"
            )
            return result(Break(seq, f"{missing} before it."))
        if row["prev_hash"] != expected_prev:
            return result(Break(seq, "it does not link to the entry before it (prev_hash)."))
        if entry_hash(row) != row["hash"]:
            return result(Break(seq, "its content does not match its hash: it was altered."))
        if row["action"] == AuditAction.AUDIT_PRUNE:
            last_prune = row["details"]
        checked += 1
        expected_seq, expected_prev = seq + 1, row["hash"]

    if expected_seq - 1 != head.last_seq:
        gap = (
            f"entry {expected_seq} is missing"
            if expected_seq == head.last_seq
            else f"entries {expected_seq}–{head.last_seq} are missing"
        )
        return result(Break(expected_seq, f"{gap} at the end of the chain."))
    if expected_prev != head.last_hash:
        return result(Break(None, "its last hash does not match the last entry."))
    if head.anchor_seq and (
        last_prune is None
        or last_prune.get("anchor_seq") != head.anchor_seq
        or last_prune.get("anchor_hash") != head.anchor_hash
    ):
        return result(Break(None, "its anchor was not set by the last recorded prune."))
    return result()


def check_point(seq: int, expected_hash: str) -> str | None:
    """Compare a hash written down earlier (from `verify`) with the stored entry.

    Returns a problem, or None when the entry is there with that hash. An entry
    pruned since can no longer be checked; that is not reported as a problem.
    """
    stored = AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if stored is None:
        head = current_head()
        if head is not None and seq <= head.anchor_seq:
            return None
        return f"entry {seq} is missing."
    if stored != expected_hash.strip().lower():
        return f"entry {seq} has hash {stored}, not the recorded {expected_hash}."
    return None
