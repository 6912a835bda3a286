"""Every write of notices: writing and editing (drafts), the state machine — one
service per move, each logged as a `NoticeTransition` — pinning, reading, following
topics, the scheduler's publishing and expiring, and the urgent alert (once, after
commit)."""

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.cases.photos import CheckedPhoto
from linli.core import events, live
from linli.core.permissions import Role
from linli.core.problems import Conflict
from linli.core.scoping import AnyUser
from linli.notices.audience import LIVE_NOTICES, Reader, reader_of
from linli.notices.choices import (
    MAX_ATTACHMENTS,
    MAX_IMAGES,
    MOVES,
    SEED_TOPICS,
    NoticeState,
    Urgency,
)
from linli.notices.content import (
    CheckedFile,
    Upload,
    attachment_check,
    image_check,
    sanitise,
)
from linli.notices.events import NoticeExpired, NoticePublished, NoticeWithdrawn
from linli.notices.models import (
    Notice,
    NoticeAttachment,
    NoticeImage,
    NoticeRead,
    NoticeTransition,
    Topic,
    TopicFollow,
)
from linli.notices.permissions import NOTICE_APPROVE, NOTICE_CONFIGURE, NOTICE_WRITE
from linli.notices.selectors import audience_figures
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import ensure_may, regions_within
from linli.registry.models import Building, Label

LEVELS = (Level.CITY, Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY)
EDITABLE = {"title", "body", "topic", "urgency", "buildings", "labels", "roles"} | {
    "publish_at",
    "expire_at",
}


def _audience(
    region: Region,
    buildings: Sequence[Building],
    labels: Sequence[Label],
    roles: Sequence[str],
) -> str:
    """Checks the audience; the roles as stored."""
    if region.level not in LEVELS:
        raise ValidationError(
            {"region": _("A notice is for a city, district, subdistrict or community.")}
        )
    if region.retired_at is not None:
        raise ValidationError({"region": _("This region is no longer in use.")})
    if buildings:
        inside = set(
            Building.objects.filter(
                pk__in=[b.pk for b in buildings], grid__in=regions_within([region.path])
            ).values_list("pk", flat=True)
        )
        if inside != {b.pk for b in buildings}:
            raise ValidationError({"buildings": _("Choose buildings inside the notice's region.")})
    known = {role.value for role in Role}
    unknown = [role for role in roles if role not in known]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(role)s.") % {"role": unknown[0]}})
    if labels and roles and Role.RESIDENT not in roles:
        raise ValidationError(
            {"labels": _("Labels choose residents: add the residents to the roles, or no label.")}
        )
    return "".join(f",{role}" for role in sorted(set(roles))) + ("," if roles else "")


def _times(publish_at: datetime | None, expire_at: datetime | None) -> None:
    now = timezone.now()
    if expire_at is not None and expire_at <= max(now, publish_at or now):
        raise ValidationError(
            {"expire_at": _("The expiry must come after the notice is published.")}
        )


def _checked(
    images: Iterable[Upload], attachments: Iterable[Upload], notice: Notice | None
) -> tuple[list[CheckedPhoto], list[CheckedFile]]:
    """Every upload checked before anything is written (no lock held while decoding)."""
    pictures = [image_check(upload) for upload in images]
    files = [attachment_check(upload) for upload in attachments]
    had_images = notice.images.count() if notice else 0
    had_files = notice.attachments.count() if notice else 0
    if had_images + len(pictures) > MAX_IMAGES:
        raise ValidationError(
            {"images": _("A notice has at most %(n)s pictures.") % {"n": MAX_IMAGES}}
        )
    if had_files + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("A notice has at most %(n)s attachments.") % {"n": MAX_ATTACHMENTS}}
        )
    return pictures, files


def _store(
    notice: Notice,
    pictures: list[CheckedPhoto],
    files: list[CheckedFile],
    stored: list[NoticeImage | NoticeAttachment],
) -> None:
    for picture in pictures:
        image = NoticeImage(
            notice=notice,
            content_type=picture.content_type,
            width=picture.width,
            height=picture.height,
            size=len(picture.content),
        )
        image.file.save(f"image.{picture.extension}", ContentFile(picture.content), save=False)
        stored.append(image)
        image.save()
    for checked in files:
        attachment = NoticeAttachment(
            notice=notice,
            name=checked.name,
            content_type=checked.content_type,
            size=len(checked.content),
        )
        attachment.file.save(checked.name, ContentFile(checked.content), save=False)
        stored.append(attachment)
        attachment.save()


def _remove(stored: list[NoticeImage | NoticeAttachment]) -> None:
    for row in stored:
        row.file.delete(save=False)


def _clean_fields(fields: dict[str, Any], image_ids: Collection[int] = ()) -> dict[str, Any]:
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise ValidationError({"title": _("Give the notice a title.")})
    if "body" in fields:
        urls = [reverse("notices:image", args=[pk]) for pk in image_ids]
        fields["body"] = sanitise(fields["body"] or "", image_urls=urls)
    topic = fields.get("topic")
    if topic is not None and not topic.active:
        raise ValidationError({"topic": _("This topic is no longer in use.")})
    if "urgency" in fields and fields["urgency"] not in Urgency.values:
        raise ValidationError({"urgency": _("Choose normal or urgent.")})
    return fields


def notice_create(
    *,
    region: Region,
    title: str,
    body: str,
    topic: Topic,
    by: User,
    urgency: str = Urgency.NORMAL,
    buildings: Sequence[Building] = (),
    labels: Sequence[Label] = (),
    roles: Sequence[str] = (),
    publish_at: datetime | None = None,
    expire_at: datetime | None = None,
    images: Sequence[Upload] = (),
    attachments: Sequence[Upload] = (),
) -> Notice:
    """A draft notice for `region`'s subtree, by someone who writes notices there.
    Its pictures and attachments are checked first; nothing is kept if anything is
    refused."""
    ensure_may(by, region, NOTICE_WRITE)
    fields = _clean_fields({"title": title, "body": body, "topic": topic, "urgency": urgency})
    stored_roles = _audience(region, buildings, labels, roles)
    _times(publish_at, expire_at)
    pictures, files = _checked(images, attachments, None)
    stored: list[NoticeImage | NoticeAttachment] = []
    try:
        with transaction.atomic():
            notice = Notice(
                region=region,
                roles=stored_roles,
                publish_at=publish_at,
                expire_at=expire_at,
                author=by,
                **fields,
            )
            notice.full_clean(exclude=["author", "region", "topic"])
            notice.save()
            notice.buildings.set(buildings)
            notice.labels.set(labels)
            _store(notice, pictures, files, stored)
            _log(notice, "", NoticeState.DRAFT, by)
            audit_record(
                action=AuditAction.RECORD_CREATE, actor=by, obj=notice, object_label=notice.title
            )
    except BaseException:
        _remove(stored)
        raise
    return notice


def notice_update(
    *,
    notice: Notice,
    by: User,
    images: Sequence[Upload] = (),
    attachments: Sequence[Upload] = (),
    remove_images: Sequence[int] = (),
    remove_attachments: Sequence[int] = (),
    **fields: Any,
) -> Notice:
    """Change a draft (a notice sent back for changes is a draft again)."""
    unknown = fields.keys() - EDITABLE
    if unknown:
        raise TypeError(f"Unknown notice fields: {sorted(unknown)}")
    ensure_may(by, notice.region, NOTICE_WRITE)
    kept = set(notice.images.values_list("pk", flat=True)) - set(remove_images)
    fields = _clean_fields(fields, kept)
    pictures, files = _checked(images, attachments, notice)
    stored: list[NoticeImage | NoticeAttachment] = []
    try:
        with transaction.atomic():
            locked = Notice.objects.select_for_update().select_related("region").get(pk=notice.pk)
            _state_is(locked, (NoticeState.DRAFT,))
            buildings = fields.pop("buildings", None)
            labels = fields.pop("labels", None)
            roles = fields.pop("roles", None)
            locked.roles = _audience(
                locked.region,
                list(locked.buildings.all()) if buildings is None else buildings,
                list(locked.labels.all()) if labels is None else labels,
                locked.role_list if roles is None else roles,
            )
            for name, value in fields.items():
                setattr(locked, name, value)
            _times(locked.publish_at, locked.expire_at)
            locked.full_clean(exclude=["author", "region", "topic"])
            locked.save()
            if buildings is not None:
                locked.buildings.set(buildings)
            if labels is not None:
                locked.labels.set(labels)
            gone: list[NoticeImage | NoticeAttachment] = [
                *NoticeImage.objects.filter(notice=locked, pk__in=remove_images),
                *NoticeAttachment.objects.filter(notice=locked, pk__in=remove_attachments),
            ]
            for row in gone:
                row.delete()
            _store(locked, pictures, files, stored)
            audit_record(
                action=AuditAction.RECORD_UPDATE,
                actor=by,
                obj=locked,
                object_label=locked.title,
                details={
                    "fields": sorted(
                        [*fields, *(["audience"] if roles or buildings or labels else [])]
                    )
                },
            )
    except BaseException:
        _remove(stored)
        raise
    transaction.on_commit(partial(_remove, gone))  # the files of removed rows, once gone
    return locked


def _state_is(notice: Notice, allowed: Iterable[str]) -> None:
    if notice.state not in allowed:
        raise Conflict(
            _("This notice is %(state)s: that step is not possible now.")
            % {"state": notice.get_state_display()},
            code="wrong_state",
        )


def _log(
    notice: Notice, from_state: str, to_state: str, by: AnyUser | None, note: str = ""
) -> None:
    NoticeTransition.objects.create(
        notice=notice,
        from_state=from_state,
        to_state=to_state,
        actor=by if isinstance(by, User) else None,
        note=note.strip()[:500],
        at=timezone.now(),
    )


def _tell_readers(notice: Notice) -> None:
    """The open pages of the notice's residents fetch their list again (ids only on
    the stream), once this transaction commits."""
    if notice.for_residents:
        live.publish(LIVE_NOTICES, path=notice.region.path, data={"notice": notice.pk})


CAME_DOWN: dict[str, type[NoticeWithdrawn | NoticeExpired]] = {
    NoticeState.WITHDRAWN: NoticeWithdrawn,
    NoticeState.EXPIRED: NoticeExpired,
}


def _announce(notice: Notice, to: str) -> None:
    """The domain event of a notice going out or coming down (in this transaction)."""
    kind: type[NoticePublished | NoticeWithdrawn | NoticeExpired] = (
        NoticePublished if to == NoticeState.PUBLISHED else CAME_DOWN[to]
    )
    everyone = not notice.roles and not notice.buildings.exists() and not notice.labels.exists()
    events.publish(kind(notice_id=notice.pk, region_path=notice.region.path, everyone=everyone))


def _move(
    notice: Notice,
    *,
    step: str,
    to: str,
    by: User | None,
    action: str | None,
    note: str = "",
    **changes: Any,
) -> Notice:
    """Lock the notice, check its state and the right (`action` at the notice's own
    region: its level, not below), move it, log the move."""
    locked = Notice.objects.select_for_update().select_related("region").get(pk=notice.pk)
    _state_is(locked, MOVES[step])
    if action is not None and by is not None:
        try:
            ensure_may(by, locked.region, action)
        except PermissionDenied:
            raise PermissionDenied(
                _("This notice is for %(region)s: only someone who may do this for all of it may.")
                % {"region": locked.region.name}
            ) from None
    from_state = locked.state
    locked.state = to
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=["state", "updated_at", *changes])
    _log(locked, from_state, to, by, note)
    if NoticeState.PUBLISHED in (from_state, to):
        _tell_readers(locked)
        _announce(locked, to)
    if to == NoticeState.PUBLISHED and locked.for_residents:
        from linli.notices.tasks import notice_count_audience as count

        transaction.on_commit(partial(count.enqueue, locked.pk))
    if to == NoticeState.PUBLISHED and locked.urgent:
        from linli.notices.tasks import notice_alert

        transaction.on_commit(partial(notice_alert.enqueue, locked.pk))
    return locked


@transaction.atomic
def notice_submit(*, notice: Notice, by: User, note: str = "") -> Notice:
    """Draft → awaiting approval."""
    return _move(
        notice, step="submit", to=NoticeState.REVIEW, by=by, action=NOTICE_WRITE, note=note
    )


@transaction.atomic
def notice_return(*, notice: Notice, by: User, note: str) -> Notice:
    """Awaiting approval → draft, with what to change."""
    if not note.strip():
        raise ValidationError({"note": _("Say what should change.")})
    return _move(
        notice, step="return", to=NoticeState.DRAFT, by=by, action=NOTICE_APPROVE, note=note
    )


@transaction.atomic
def notice_approve(*, notice: Notice, by: User | None, note: str = "") -> Notice:
    """Awaiting approval → published (or approved, to be published at `publish_at`),
    by someone other than its author who approves notices for the whole of its region
    (None: the system, seeding the demo)."""
    if by is not None and by.pk == notice.author_id:
        raise ValidationError(_("A notice is approved by someone other than its author."))
    now = timezone.now()
    locked = Notice.objects.get(pk=notice.pk)
    if locked.expire_at is not None and locked.expire_at <= now:
        raise ValidationError(
            {"expire_at": _("This notice has expired already: change its expiry.")}
        )
    if locked.publish_at is not None and locked.publish_at > now:
        return _move(
            notice,
            step="approve",
            to=NoticeState.SCHEDULED,
            by=by,
            action=NOTICE_APPROVE,
            note=note,
        )
    return _move(
        notice,
        step="approve",
        to=NoticeState.PUBLISHED,
        by=by,
        action=NOTICE_APPROVE,
        note=note,
        published_at=now,
    )


@transaction.atomic
def notice_withdraw(*, notice: Notice, by: User, note: str) -> Notice:
    """Published (or approved, to be published) → withdrawn, with the reason."""
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for withdrawing it.")})
    return _move(
        notice, step="withdraw", to=NoticeState.WITHDRAWN, by=by, action=NOTICE_APPROVE, note=note
    )


@transaction.atomic
def notice_pin(*, notice: Notice, pinned: bool, by: User | None) -> Notice:
    """Pin a published notice to the top of its readers' lists (or unpin it)."""
    ensure_may(by, notice.region, NOTICE_APPROVE)
    locked = Notice.objects.select_for_update().select_related("region").get(pk=notice.pk)
    _state_is(locked, (NoticeState.SCHEDULED, NoticeState.PUBLISHED))
    if locked.pinned != pinned:
        locked.pinned = pinned
        locked.save(update_fields=["pinned", "updated_at"])
        if locked.state == NoticeState.PUBLISHED:
            _tell_readers(locked)
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=locked,
            object_label=locked.title,
            details={"fields": ["pinned"]},
        )
    return locked


def notices_due(*, now: datetime | None = None) -> tuple[int, int]:
    """The scheduler's moves: approved notices whose time has come are published,
    published ones past their expiry expire; each in its own transaction. Returns
    how many of each."""
    now = now or timezone.now()
    published = expired = 0
    for pk in Notice.objects.filter(state=NoticeState.SCHEDULED, publish_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            try:
                _move(
                    Notice(pk=pk),
                    step="publish",
                    to=NoticeState.PUBLISHED,
                    by=None,
                    action=None,
                    published_at=now,
                )
            except Conflict:  # moved meanwhile (withdrawn, or another scheduler)
                continue
        published += 1
    for pk in Notice.objects.filter(state=NoticeState.PUBLISHED, expire_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            try:
                _move(Notice(pk=pk), step="expire", to=NoticeState.EXPIRED, by=None, action=None)
            except Conflict:
                continue
        expired += 1
    return published, expired


def notice_count_audience(*, notice: Notice) -> Notice:
    """Count the audience of a published notice now and keep the figures on it, for its
    read receipts (selectors.audience_figures: one grouped pass over the registry,
    seconds at a million residents — the reason it is done once, in a task, and not
    at every look at the receipts)."""
    figures = audience_figures(notice)
    Notice.objects.filter(pk=notice.pk).update(
        audience_figures=figures, audience_counted_at=timezone.now()
    )
    notice.audience_figures = figures
    return notice


def notice_read(*, notice: Notice, by: User, reader: Reader | None = None) -> NoticeRead:
    """Mark a notice read by `by` (once: reading again changes nothing). The caller
    has found it among the reader's notices."""
    reader = reader or reader_of(by)
    found = NoticeRead.objects.filter(notice=notice, user=by).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return NoticeRead.objects.create(
                notice=notice, user=by, resident=reader.resident, read_at=timezone.now()
            )
    except IntegrityError:  # read at the same moment in another tab
        return NoticeRead.objects.get(notice=notice, user=by)


@transaction.atomic
def topics_follow(*, topics: Iterable[Topic], by: User) -> None:
    """The topics `by` follows, from now on exactly these."""
    chosen = {topic.pk for topic in topics}
    TopicFollow.objects.filter(user=by).exclude(topic_id__in=chosen).delete()
    have = set(TopicFollow.objects.filter(user=by).values_list("topic_id", flat=True))
    TopicFollow.objects.bulk_create(
        [TopicFollow(user=by, topic_id=pk) for pk in sorted(chosen - have)]
    )


@transaction.atomic
def topic_create(*, code: str, name: str, by: User | None, order: int = 100) -> Topic:
    if by is not None and not by.has_action(NOTICE_CONFIGURE):
        raise PermissionDenied
    topic = Topic(code=code.strip(), name=name.strip(), order=order)
    topic.full_clean()
    topic.save()
    audit_record(action=AuditAction.RECORD_CREATE, actor=by, obj=topic, object_label=topic.name)
    return topic


@transaction.atomic
def topic_update(*, topic: Topic, by: User | None, **fields: Any) -> Topic:
    unknown = fields.keys() - {"name", "order", "active"}
    if unknown:
        raise TypeError(f"Unknown topic fields: {sorted(unknown)}")
    if by is not None and not by.has_action(NOTICE_CONFIGURE):
        raise PermissionDenied
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.full_clean()
    locked.save()
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=locked,
        object_label=locked.name,
        details={"fields": sorted(fields)},
    )
    return locked


def topics_ensure_defaults() -> None:
    """Create the seeded topics that are missing (migrations do it on install; tests
    that flush the database and the demo call this)."""
    for order, (code, name) in enumerate(SEED_TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
