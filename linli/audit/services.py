"""Writes to the audit trail: `audit_record` appends an entry, `audit_prune` drops
entries older than the retention period. Nothing else writes audit entries."""

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from linli.audit.chain import current_head
from linli.audit.choices import GENESIS_HASH, MIN_RETENTION_DAYS, AuditAction
from linli.audit.hashing import canonical_ip, canonical_time, entry_hash
from linli.audit.middleware import current_ip
from linli.audit.models import HEAD_ID, AuditEntry, AuditHead
from linli.core.network import client_ip
from linli.regions.models import Region

# Safety net for labels and details: mainland mobile and 18-digit ID numbers are
# masked if a caller passes them by mistake (names and addresses cannot be caught
# this way: callers must not pass them).
_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
_ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def _now() -> datetime:
    return timezone.now()


def mask_numbers(text: str) -> str:
    """`text` with phone and ID numbers masked (138****5678, 370306********123X)."""
    text = text.replace("\x00", "")
    text = _ID_NUMBER.sub(r"\1********\2", text)
    return _PHONE.sub(r"\1****\2", text)


def _scrubbed(value):
    if isinstance(value, str):
        # A SHA-256 digest (the prune's anchor hash) may hold a run of digits
        # shaped like a phone number; it is never personal data.
        return value if _DIGEST.fullmatch(value) else mask_numbers(value)
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    return value


def _normalised_details(details) -> dict:
    """Details as they will read back from the database: plain JSON, numbers masked."""
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise TypeError("Audit details must be a dict.")
    plain = json.loads(json.dumps(details, cls=DjangoJSONEncoder, allow_nan=False))
    return _scrubbed(plain)


def region_of(obj: models.Model) -> Region | None:
    """The region an object belongs to: itself if it is one, its `region`, or the
    region its queryset scopes it by (`region_path`, e.g. "grid__path")."""
    if isinstance(obj, Region):
        return obj
    region = getattr(obj, "region", None)
    if isinstance(region, Region):
        return region
    path = getattr(getattr(type(obj)._default_manager, "_queryset_class", None), "region_path", "")
    parts = path.split("__")[:-1] if isinstance(path, str) else []
    target = obj
    for part in parts:
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if parts and isinstance(target, Region) else None


def _locked_head() -> AuditHead:
    """The head row, locked until the end of the transaction (PostgreSQL: row lock;
    SQLite: the IMMEDIATE transaction already holds the database's write lock)."""
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        # Made by the migration; gone only after a test flush (or tampering, which
        # verify reports): start again from the newest entry, anchored at genesis.
        tail = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
        try:
            with transaction.atomic():
                AuditHead.objects.create(
                    pk=HEAD_ID,
                    last_seq=tail["seq"] if tail else 0,
                    last_hash=tail["hash"] if tail else GENESIS_HASH,
                )
        except IntegrityError:
            pass  # another writer made it first
        head = AuditHead.objects.select_for_update().get(pk=HEAD_ID)
    return head


def _tip(head: AuditHead) -> tuple[int, str]:
    """The seq and hash of the chain's last entry: the head's, unless this
    transaction has written entries the head does not know yet (PostgreSQL)."""
    newest = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if newest is not None and newest[0] > head.last_seq:
        return newest
    return head.last_seq, head.last_hash


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    region: Region | None = None,
    object_label: str = "",
    details: dict | None = None,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Append one entry to the audit trail, in the caller's transaction.

    - `action`: an `AuditAction` value (ValueError otherwise).
    - `actor`: the user who acted; None for the system or an anonymous visitor.
      Defaults to `request.user` when a signed-in request is given.
    - `obj`: the object acted on: `object_type` = `obj._meta.label_lower`,
      `object_id` = `str(obj.pk)`; without `obj`, pass `object_type` (and
      `object_id`) yourself, e.g. for an export of a list.
    - `region`: where it happened; defaults to the object's region (the object
      itself if it is a Region, its `region`, or what its queryset's
      `region_path` leads to). Decides who sees the entry (`visible_to`).
    - `object_label`: a short name for the object, **masked**: never a full name,
      ID number, phone or address.
    - `details`: a JSON object of facts (field names, codes, counts, a stated
      reason) — never personal data in clear. Phone and ID numbers that slip in
      are masked.
    - `request`: for the client's IP address (else the address of the request
      being answered, if any, from the middleware).

    Call it as the last step of the change it records, inside the same
    `transaction.atomic`: a rollback removes the entry too, and the chain's head
    stays locked from this call until the commit.
    """
    action = AuditAction(action)
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        if region is None:
            region = region_of(obj)
    if actor is None and getattr(getattr(request, "user", None), "is_authenticated", False):
        actor = request.user
    ip = canonical_ip(client_ip(request)) if request is not None else current_ip()
    details = _normalised_details(details)

    head = _locked_head()
    tip_seq, tip_hash = _tip(head)
    entry = AuditEntry(
        seq=tip_seq + 1,
        at=_now(),
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        action=action.value,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_label=mask_numbers(object_label or "")[:200],
        region=region,
        region_path=region.path if region is not None else "",
        ip_address=canonical_ip(ip),
        details=details,
        prev_hash=tip_hash,
    )
    entry.hash = entry_hash(entry.hashed_values())
    entry.save()
    if connection.vendor != "postgresql":
        # PostgreSQL moves the head once, at commit (a deferred trigger, migration
        # 0003): updating one row at every entry of a long transaction gets slower
        # with each entry there.
        AuditHead.objects.filter(pk=HEAD_ID).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


@dataclass(frozen=True)
class Prune:
    cutoff: datetime
    deleted: int
    anchor_seq: int
    entry: AuditEntry | None  # the audit_prune entry recording it (None: nothing done)


def retention_days() -> int:
    days = settings.LINLI_AUDIT_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"LINLI_AUDIT_RETENTION_DAYS is {days}; the minimum is {MIN_RETENTION_DAYS}."
        )
    return days


def _prune_upto(head: AuditHead, cutoff: datetime) -> int:
    """The last seq to delete: the oldest entries, up to the first one to keep.

    The kept part must stay one unbroken run ending at the head, so an old entry
    after a newer one (a clock stepped back) is kept with it.
    """
    first_kept = (
        AuditEntry.objects.filter(seq__gt=head.anchor_seq, at__gte=cutoff)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    return _tip(head)[0] if first_kept is None else first_kept - 1


def audit_prune_plan() -> tuple[datetime, int]:
    """What `audit_prune` would do now: the cutoff and how many entries go."""
    cutoff = _now() - timedelta(days=retention_days())
    head = current_head()
    if head is None:
        return cutoff, 0
    return cutoff, max(0, _prune_upto(head, cutoff) - head.anchor_seq)


@transaction.atomic
def audit_prune(*, verified: bool = True) -> Prune:
    """Delete the entries older than LINLI_AUDIT_RETENTION_DAYS (≥ 183 days).

    The anchor moves to the last deleted entry (its seq and hash) before the
    delete, so the oldest kept entry still verifies; then an `audit_prune` entry
    records what was done, including the new anchor — `verify` checks that the
    head's anchor matches the last such entry. `verified` (whether `verify` passed
    just before) is recorded too.
    """
    cutoff = _now() - timedelta(days=retention_days())
    current_head()  # PostgreSQL: the head catches up with this transaction's entries
    head = _locked_head()
    upto = _prune_upto(head, cutoff)
    if upto <= head.anchor_seq:
        return Prune(cutoff, 0, head.anchor_seq, None)
    anchor_hash = AuditEntry.objects.filter(seq=upto).values_list("hash", flat=True).first()
    if anchor_hash is None:
        raise ValueError(f"Entry {upto} is missing: run `linli audit verify`.")
    AuditHead.objects.filter(pk=HEAD_ID).update(anchor_seq=upto, anchor_hash=anchor_hash)
    deleted = AuditEntry.objects.filter(seq__lte=upto)._prune_delete()
    entry = audit_record(
        action=AuditAction.AUDIT_PRUNE,
        object_type=AuditEntry._meta.label_lower,
        object_label=f"≤ #{upto}",
        details={
            "anchor_seq": upto,
            "anchor_hash": anchor_hash,
            "deleted": deleted,
            "cutoff": canonical_time(cutoff),
            "retention_days": retention_days(),
            "verified": verified,
        },
    )
    return Prune(cutoff, deleted, upto, entry)
