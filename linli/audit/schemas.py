from datetime import datetime
from typing import Any

from ninja import Field, Schema

from linli.audit.choices import AuditAction


class AuditEntryOut(Schema):
    seq: int = Field(description="Position in the chain (no gaps, increasing).")
    at: datetime
    actor_id: int | None = Field(description="null: the system, or nobody signed in.")
    actor_name: str = Field(description="The actor's username when it happened.")
    action: AuditAction
    object_type: str
    object_id: str
    object_label: str = Field(description="A short, masked name of the object.")
    region_code: str | None = Field(None, alias="region.code")
    region_name: str | None = Field(None, alias="region.name")
    ip_address: str | None
    details: dict[str, Any] = Field(description="Facts about the action; no personal data.")
    prev_hash: str
    hash: str = Field(description="SHA-256 of this entry (docs/architecture.md, Audit trail).")
