"""The service hall's domain events (linli.core.events)."""

from dataclasses import dataclass
from typing import ClassVar

from linli.core.events import DomainEvent


@dataclass(frozen=True)
class ApplicationDecided(DomainEvent):
    """An application was decided: approved or not (apps above grant what it asked)."""

    name: ClassVar[str] = "hall.application_decided"
    application_id: int
    matter: str
    approved: bool
    resident_id: int | None
    actor_id: int | None
