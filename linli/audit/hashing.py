"""The hash definition of the audit trail: how an entry is hashed.

An entry's `hash` is the SHA-256 (lower-case hex) of the UTF-8 bytes of a canonical
JSON document holding every stored field except `hash` itself:

    {"action": …, "actor_id": …, "actor_name": …, "at": …, "details": …,
     "ip_address": …, "object_id": …, "object_label": …, "object_type": …,
     "prev_hash": …, "region_id": …, "region_path": …, "seq": …, "v": 1}

- keys sorted, no whitespace (`separators=(",", ":")`), non-ASCII characters as
  themselves (`ensure_ascii=False`), no NaN or infinities;
- `at` in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always six decimals);
- `actor_id`, `region_id` integers or null; `ip_address` the compressed text form
  or null; `details` the stored JSON object (keys sorted at every depth);
- `v` is the format version (`choices.HASH_FORMAT`).

`prev_hash` is the previous entry's `hash` (the genesis hash, 64 zeros, for the
first entry ever; after pruning, the head's `anchor_hash` for the oldest kept one).
Pure functions: the models check entries with them, the chain (chain.py) verifies.
"""

import hashlib
import ipaddress
import json
from collections.abc import Mapping
from datetime import UTC, datetime

from linli.audit.choices import HASH_FORMAT

HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "region_id",
    "region_path",
    "ip_address",
    "details",
    "prev_hash",
)


def canonical_ip(value) -> str | None:
    """The compressed text form of an IP address, or None for none or garbage."""
    if value in (None, ""):
        return None
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def canonical_time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("Audit times must be timezone-aware.")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: Mapping) -> bytes:
    """The bytes that are hashed for an entry with these field values."""
    document = {name: values[name] for name in HASHED_FIELDS}
    document["at"] = canonical_time(document["at"])
    document["ip_address"] = canonical_ip(document["ip_address"])
    document["v"] = HASH_FORMAT
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def entry_hash(values: Mapping) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()
