"""The alerts app's domain events (linli.core.events), published when a CAP message is
issued: `alert.issued` (msgType Alert), `alert.updated` (an Update: `replaces_id` is
the alert it supersedes), `alert.cancelled` (a Cancel: `replaces_id` is the alert it
ends); and `alert.expired` when its time is up (no new message). `region_path` is
the area's region; screens and TV take over from these.

Subscribers: the residents of the area hear of it (subscribers.py)."""

from dataclasses import dataclass
from typing import ClassVar

from linli.core.events import DomainEvent


@dataclass(frozen=True)
class AlertIssued(DomainEvent):
    name: ClassVar[str] = "alert.issued"
    alert_id: int
    region_path: str


@dataclass(frozen=True)
class AlertUpdated(DomainEvent):
    name: ClassVar[str] = "alert.updated"
    alert_id: int
    replaces_id: int
    region_path: str


@dataclass(frozen=True)
class AlertCancelled(DomainEvent):
    name: ClassVar[str] = "alert.cancelled"
    alert_id: int
    replaces_id: int
    region_path: str


@dataclass(frozen=True)
class AlertExpired(DomainEvent):
    name: ClassVar[str] = "alert.expired"
    alert_id: int
    region_path: str
