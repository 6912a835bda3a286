"""The notices app's domain events (linli.core.events): `notice.published` when a
notice goes out (approved, or by the scheduler at its publish-at), `notice.withdrawn`
and `notice.expired` when a published one comes down. `region_path` is the notice's
region; `everyone` says whether it is for everyone there (no buildings, labels or
staff roles): those are the ones display screens and TV channels show.

Subscribers: the screens and TV of the region fetch their content at once
(linli/screens/subscribers.py)."""

from dataclasses import dataclass
from typing import ClassVar

from linli.core.events import DomainEvent


@dataclass(frozen=True)
class NoticePublished(DomainEvent):
    name: ClassVar[str] = "notice.published"
    notice_id: int
    region_path: str
    everyone: bool


@dataclass(frozen=True)
class NoticeWithdrawn(DomainEvent):
    name: ClassVar[str] = "notice.withdrawn"
    notice_id: int
    region_path: str
    everyone: bool


@dataclass(frozen=True)
class NoticeExpired(DomainEvent):
    name: ClassVar[str] = "notice.expired"
    notice_id: int
    region_path: str
    everyone: bool
