"""Notices' vocabularies: states and their moves, urgency, the rich text's tags, the
limits of images and attachments, the seeded topics."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Awaiting approval")
    SCHEDULED = "scheduled", _("Approved, to be published")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


# The state machine: the states each move may start from (one service per move).
MOVES: dict[str, tuple[str, ...]] = {
    "submit": (NoticeState.DRAFT,),
    "return": (NoticeState.REVIEW,),
    "approve": (NoticeState.REVIEW,),
    "publish": (NoticeState.SCHEDULED,),
    "withdraw": (NoticeState.SCHEDULED, NoticeState.PUBLISHED),
    "expire": (NoticeState.PUBLISHED,),
}
# States whose notices residents read.
SHOWN = (NoticeState.PUBLISHED,)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


# The rich text: these tags and attributes stay, everything else (script, style,
# event attributes, javascript: links) is removed by nh3.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li",
    "h2", "h3", "h4", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan"},
    "th": {"colspan"},
    "img": {"src", "alt"},  # only the notice's own pictures (content.sanitise)
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
MAX_BODY = 20_000  # characters of the rich text as sent

MAX_IMAGES = 9
MAX_ATTACHMENTS = 5
ATTACHMENT_MAX_MB = 10

# Labels whose unread urgent notices the read receipts name (the registry's codes).
VULNERABLE_LABELS = ("elderly_alone", "disabled", "elderly")
# Text messages for urgent notices go to the residents with this label.
TEXTED_LABEL = "elderly_alone"

# code, name — seeded on migrate; more are added in the console or the API.
SEED_TOPICS = [
    ("government", "政务"),
    ("prices", "物价"),
    ("police", "警务"),
    ("family", "家庭"),
    ("library", "图书"),
    ("community", "社区服务"),
    ("elderly", "养老"),
    ("jobs", "就业"),
    ("health", "健康"),
    ("culture", "文化"),
    ("education", "教育"),
    ("weather", "天气"),
]
