"""Community B for the leak test: an audit entry filed under it."""

from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.testing.leaks import Leaks

MARKER = "市南审计标记"


def community_b(world, made) -> Leaks:
    entry = audit_record(
        action=AuditAction.RECORD_UPDATE,
        region=world.b,
        object_type="registry.resident",
        object_id="0",
        object_label=MARKER,
        details={"note": MARKER},
    )
    return Leaks(objects={"auditentry": [entry]}, markers=[MARKER])
