"""Notices (通知公告): written for a region's subtree at city, district, subdistrict or
community level, approved at that level, read by the residents (and staff roles) of
their audience. Who is in an audience is worked out from the registry when asked:
a `NoticeRead` row is written only when someone reads (docs/notices.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role
from linli.core.scoping import ScopedQuerySet
from linli.notices.choices import NoticeState, Urgency


class Topic(models.Model):
    """A notice's topic (政务, 物价, 天气…): residents follow topics; TV channels and
    screens show topics. Seeded on migrate; more are added in the console."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class NoticeQuerySet(ScopedQuerySet["Notice"]):
    view_action = "notice.view"


class Notice(models.Model):
    """通知公告: its region is the top of its audience and the level it is written and
    approved at (a city, district, subdistrict or community)."""

    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("for")
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), blank=True)  # sanitised HTML (notices/content.py)
    topic = models.ForeignKey(
        Topic, models.PROTECT, related_name="notices", verbose_name=_("topic")
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT
    )
    buildings = models.ManyToManyField(
        "registry.Building", blank=True, related_name="+", verbose_name=_("buildings")
    )
    labels = models.ManyToManyField(
        "registry.Label", blank=True, related_name="+", verbose_name=_("labels")
    )
    # The roles it is for, as ",grid_worker,community_worker," (a comma either side of
    # each, so that one role is matched exactly on every database); "" = residents.
    roles = models.CharField(_("roles"), max_length=200, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    expire_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    alerted_at = models.DateTimeField(_("urgent alert sent"), null=True, blank=True)
    # The audience counted when it went out (selectors.audience_figures), for its read
    # receipts: {"labels": [label ids], "rows": [[building or grid id, total, per label…]]}.
    audience_figures = models.JSONField(null=True, blank=True, editable=False)
    audience_counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-pinned", "-published_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "published_at"], name="notice_state_published"),
            models.Index(fields=["state", "publish_at"], name="notice_state_publish_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expire_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expire_at__gt=models.F("publish_at")),
                name="notice_expires_after_publishing",
                violation_error_message=_("A notice cannot expire before it is published."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def role_list(self) -> list[str]:
        return [role for role in self.roles.split(",") if role]

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.role_list if role in Role.values]

    @property
    def for_residents(self) -> bool:
        return not self.roles or ",resident," in self.roles

    @property
    def urgent(self) -> bool:
        return self.urgency == Urgency.URGENT


def _file_path(instance: "NoticeImage | NoticeAttachment", filename: str) -> str:
    return f"notices/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class NoticeImage(models.Model):
    """A picture of a notice: checked by content and re-encoded without metadata
    (linli.cases.photos)."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="images")
    file = models.FileField(upload_to=_file_path, max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notice", "pk"]

    def __str__(self) -> str:
        return f"{self.notice_id}.{self.pk}"


class NoticeAttachment(models.Model):
    """A document of a notice (PDF, Word, Excel), its kind read from its content."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_file_path, max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notice", "pk"]

    def __str__(self) -> str:
        return self.name


class NoticeTransition(models.Model):
    """One move of a notice's state: who (None: the scheduler), when, from, to, why."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=10, choices=NoticeState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=NoticeState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["notice", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.from_state}→{self.to_state}"


class NoticeRead(models.Model):
    """已读: someone read a notice — written then, never before. `resident` is the
    registry's person the reader is (when known): the receipts count residents."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    resident = models.ForeignKey(
        "registry.Resident", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once"),
        ]
        indexes = [models.Index(fields=["notice", "resident"], name="notice_read_resident")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.user_id}"


class TopicFollow(models.Model):
    """A reader follows a topic: its notices come first and are marked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="topic_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic_id}"
