"""The case engine's vocabularies: where a case comes from, and its stages
(GB/T 30428: 信息收集 → 案卷建立 → 任务派遣 → 任务处理 → 处理反馈 → 核查结案 → 综合评价)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    HOTLINE = "hotline", _("Hotline")
    API = "api", _("Another system")
    OPEN311 = "open311", _("Open311")


class Stage(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLING = "handling", _("In handling")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")
    EVALUATED = "evaluated", _("Evaluated")


class Priority(models.TextChoices):
    """A category's priority: life first (an elder's emergency call, a fall)."""

    NORMAL = "normal", _("Normal")
    LIFE = "life", _("Life priority")


class CategoryKind(models.TextChoices):
    EVENT = "event", _("Event (事件)")
    COMPONENT = "component", _("Component (部件)")
    COMMUNITY = "community", _("Community matter")


# The stages whose time is limited, and the category field holding each limit (hours).
TIMED_STAGES = {
    Stage.REPORTED: "accept_hours",
    Stage.ACCEPTED: "dispatch_hours",
    Stage.DISPATCHED: "handle_hours",
    Stage.HANDLING: "handle_hours",
    Stage.HANDLED: "verify_hours",
}
OPEN_STAGES = frozenset(
    {Stage.REPORTED, Stage.ACCEPTED, Stage.DISPATCHED, Stage.HANDLING, Stage.HANDLED}
)
