"""The registry's domain events (linli.core.events)."""

from dataclasses import dataclass
from typing import ClassVar

from linli.core.events import DomainEvent


@dataclass(frozen=True)
class LedgerImportMoved(DomainEvent):
    """A ledger import changed status (LEDGER_IMPORT_TRANSITIONS), with its log row."""

    name: ClassVar[str] = "registry.ledger_import_moved"
    import_id: int
    from_status: str
    to_status: str
    actor_id: int | None
