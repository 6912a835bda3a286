"""The case engine's domain events (linli.core.events): what other apps subscribe to.

- `StageChanged`: every stage change, the report included (from ""), with its log row.
  A case is closed when `to_stage` is "closed", reopened when it leaves "closed" or
  "evaluated" for "accepted", merged when it is "rejected" with a `duplicate_of`.
- `Escalated`: a breached time limit reported one level up, and to whom.

Subscribe in `AppConfig.ready()`: `events.subscribe(StageChanged, handler)`; the
handler gets the event after the change commits (see core/events.py for retries).
"""

from dataclasses import dataclass
from typing import ClassVar

from linli.core.events import DomainEvent


@dataclass(frozen=True)
class StageChanged(DomainEvent):
    name: ClassVar[str] = "case.stage_changed"
    case_id: int
    transition_id: int
    from_stage: str
    to_stage: str
    actor_id: int | None
    assignee_id: int | None
    note: str


@dataclass(frozen=True)
class Escalated(DomainEvent):
    name: ClassVar[str] = "case.escalated"
    case_id: int
    escalation_id: int
    stage: str
    since: str  # when the case entered the stage (ISO 8601)
    level: int
    people: list[int]  # whom it is reported to: the supervisors at that level
