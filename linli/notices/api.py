"""The notices API: the console's notices and their workflow, pictures and
attachments, read receipts, topics; a reader's notices, reading, followed topics.
Every notice is the caller's (`visible_to`, or their audience): 404 outside."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.core.access import requires, signed_in
from linli.core.problems import Problem
from linli.core.routers import Router
from linli.notices import selectors, services
from linli.notices.filters import NoticeFilter, ReaderFilter
from linli.notices.models import Notice, Topic
from linli.notices.permissions import NOTICE_APPROVE, NOTICE_CONFIGURE, NOTICE_VIEW, NOTICE_WRITE
from linli.notices.schemas import (
    FileOut,
    FollowIn,
    NoticeDetailOut,
    NoticeIn,
    NoticeNoteIn,
    NoticeOut,
    NoticePatch,
    PinIn,
    ReaderNoticeOut,
    ReceiptsOut,
    TopicIn,
    TopicOut,
    TopicPatch,
)
from linli.regions.models import Region
from linli.registry.models import Building, Label

router = Router(tags=["notices"])


def _notice(request: HttpRequest, notice_id: int, action: str = NOTICE_VIEW) -> Notice:
    return get_object_or_404(
        selectors.notices_visible(user=request.user, action=action).select_related(
            "region", "topic"
        ),
        pk=notice_id,
    )


def _detail(notice: Notice) -> Notice:
    extra: dict[str, Any] = {
        "building_ids": list(notice.buildings.values_list("pk", flat=True)),
        "label_codes": list(notice.labels.values_list("code", flat=True)),
        "image_list": list(notice.images.all()),
        "attachment_list": list(notice.attachments.all()),
        "log_list": list(selectors.notice_log(notice=notice)),
    }
    notice.__dict__.update(extra)
    return notice


def _topic(code: str) -> Topic:
    topic = Topic.objects.filter(code=code, active=True).first()
    if topic is None:
        raise ValidationError({"topic": _("Unknown topic %(code)s.") % {"code": code}})
    return topic


def _audience(request: HttpRequest, changes: dict[str, Any]) -> dict[str, Any]:
    """Codes and keys of the payload as the rows the services take."""
    if changes.get("topic") is not None:
        changes["topic"] = _topic(changes["topic"])
    if changes.get("buildings") is not None:
        wanted = set(changes["buildings"])
        found = list(Building.objects.visible_to(request.user, NOTICE_WRITE).filter(pk__in=wanted))
        if len(found) != len(wanted):
            raise ValidationError({"buildings": _("Choose buildings you can see.")})
        changes["buildings"] = found
    if changes.get("labels") is not None:
        wanted_codes = set(changes["labels"])
        labels = list(Label.objects.filter(code__in=wanted_codes))
        if len(labels) != len(wanted_codes):
            raise ValidationError({"labels": _("Unknown label.")})
        changes["labels"] = labels
    if changes.get("roles") is not None:
        changes["roles"] = [str(role) for role in changes["roles"]]
    return changes


@router.get(
    "/notices", response=list[NoticeOut], operation_id="notice_list", url_name="notice-list"
)
@requires(NOTICE_VIEW)
@paginate
def notice_list(request: HttpRequest, filters: Query[NoticeFilter]) -> QuerySet[Notice]:
    """Notices for the caller's regions, every state, last changed first."""
    return selectors.notice_list(user=request.user, filters=filters)


@router.post(
    "/notices",
    response={201: NoticeDetailOut},
    operation_id="notice_create",
    url_name="notice-create",
)
@requires(NOTICE_WRITE)
def notice_create(request: HttpRequest, payload: NoticeIn) -> Status[Notice]:
    """A draft notice for a region (city, district, subdistrict or community) and
    everything below it, where the caller writes notices. Pictures and attachments
    are added afterwards (`…/images`, `…/attachments`)."""
    user = signed_in_user(request)
    data = _audience(request, payload.dict())
    region = get_object_or_404(
        Region.objects.visible_to(user, NOTICE_WRITE), code=data.pop("region_code")
    )
    return Status(201, _detail(services.notice_create(region=region, by=user, **data)))


@router.get(
    "/notices/{notice_id}",
    response=NoticeDetailOut,
    operation_id="notice_get",
    url_name="notice-detail",
)
@requires(NOTICE_VIEW)
def notice_get(request: HttpRequest, notice_id: int) -> Notice:
    """A notice with its text, audience, files and history."""
    return _detail(_notice(request, notice_id))


@router.patch(
    "/notices/{notice_id}",
    response={200: NoticeDetailOut, 409: Problem},
    operation_id="notice_update",
    url_name="notice-update",
)
@requires(NOTICE_WRITE)
def notice_update(request: HttpRequest, notice_id: int, payload: NoticePatch) -> Notice:
    """Change a draft (409 in any other state)."""
    notice = _notice(request, notice_id, NOTICE_WRITE)
    changes = _audience(request, payload.dict(exclude_unset=True))
    return _detail(services.notice_update(notice=notice, by=signed_in_user(request), **changes))


def _files_route(kind: str) -> None:
    @router.post(
        f"/notices/{{notice_id}}/{kind}",
        response={201: list[FileOut], 409: Problem},
        operation_id=f"notice_{kind}_add",
        url_name=f"notice-{kind}-add",
        description=(
            "Add pictures to a draft (multipart field `files`: JPEG, PNG or WebP, checked by "
            "content, re-encoded without metadata; at most 9)."
            if kind == "images"
            else "Add attachments to a draft (multipart field `files`: PDF, Word .docx or "
            "Excel .xlsx, recognised by content; at most 5, 10 MB each)."
        ),
    )
    @requires(NOTICE_WRITE)
    def add(request: HttpRequest, notice_id: int, files: File[list[UploadedFile]]) -> Status[Any]:
        notice = _notice(request, notice_id, NOTICE_WRITE)
        by = signed_in_user(request)
        if kind == "images":
            services.notice_update(notice=notice, by=by, images=files)
        else:
            services.notice_update(notice=notice, by=by, attachments=files)
        rows = notice.images.all() if kind == "images" else notice.attachments.all()
        return Status(201, list(rows))


_files_route("images")
_files_route("attachments")


def _step(name: str, action: str, doc: str) -> None:
    step = {
        "submit": services.notice_submit,
        "return": services.notice_return,
        "approve": services.notice_approve,
        "withdraw": services.notice_withdraw,
    }[name]

    @router.post(
        f"/notices/{{notice_id}}/{name}",
        response={200: NoticeDetailOut, 409: Problem},
        operation_id=f"notice_{name}",
        url_name=f"notice-{name}",
        description=doc,
    )
    @requires(action)
    def move(request: HttpRequest, notice_id: int, payload: NoticeNoteIn) -> Notice:
        notice = _notice(request, notice_id)
        return _detail(step(notice=notice, by=signed_in_user(request), note=payload.note))


_step("submit", NOTICE_WRITE, "Submit a draft for approval.")
_step(
    "return",
    NOTICE_APPROVE,
    "Send a notice awaiting approval back to its author (`note`: what to change).",
)
_step(
    "approve",
    NOTICE_APPROVE,
    "Approve a notice: published now, or at its `publish_at`. Only by someone other than "
    "its author who approves notices for the whole of its region (403 below it).",
)
_step("withdraw", NOTICE_APPROVE, "Withdraw a published or scheduled notice (`note`: the reason).")


@router.post(
    "/notices/{notice_id}/pin",
    response={200: NoticeDetailOut, 409: Problem},
    operation_id="notice_pin",
    url_name="notice-pin",
)
@requires(NOTICE_APPROVE)
def notice_pin(request: HttpRequest, notice_id: int, payload: PinIn) -> Notice:
    """Pin a published notice to the top of its readers' lists, or unpin it."""
    notice = _notice(request, notice_id)
    return _detail(
        services.notice_pin(notice=notice, pinned=payload.pinned, by=signed_in_user(request))
    )


@router.get(
    "/notices/{notice_id}/receipts",
    response=ReceiptsOut,
    operation_id="notice_receipts",
    url_name="notice-receipts",
)
@requires(NOTICE_VIEW)
def notice_receipts(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    """Read receipts: how much of the audience (counted from the registry now) has read
    the notice, by building and label; for an urgent one, who of a vulnerable label has
    not (those the caller may see in the registry)."""
    notice = _notice(request, notice_id)
    found = selectors.receipts(notice=notice)
    unread = (
        list(selectors.unread_vulnerable(notice=notice, user=request.user)) if notice.urgent else []
    )
    return {
        "total": found.total,
        "read": found.read,
        "percent": found.percent,
        "buildings": found.buildings,
        "labels": found.labels,
        "staff": found.staff,
        "roles": found.roles,
        "unread_vulnerable": unread,
    }


@router.get(
    "/my-notices",
    response=list[ReaderNoticeOut],
    operation_id="notice_for_me",
    url_name="notice-for-me",
)
@signed_in
@paginate
def notice_for_me(request: HttpRequest, filters: Query[ReaderFilter]) -> QuerySet[Notice]:
    """The published notices the caller is in the audience of, pinned then newest."""
    return selectors.notices_for(user=request.user, filters=filters)


@router.post(
    "/my-notices/{notice_id}/read",
    response=ReaderNoticeOut,
    operation_id="notice_read",
    url_name="notice-read",
)
@signed_in
def notice_read(request: HttpRequest, notice_id: int) -> Notice:
    """Mark one of one's notices read (again: nothing changes)."""
    user = signed_in_user(request)
    notice = get_object_or_404(selectors.notices_for(user=user), pk=notice_id)
    services.notice_read(notice=notice, by=user)
    notice.unread = False  # type: ignore[attr-defined]
    return notice


@router.get(
    "/notice-topics", response=list[TopicOut], operation_id="topic_list", url_name="topic-list"
)
@signed_in
def topic_list(request: HttpRequest) -> QuerySet[Topic]:
    """The topics in use."""
    return selectors.topics_active()


@router.post(
    "/notice-topics", response={201: TopicOut}, operation_id="topic_create", url_name="topic-create"
)
@requires(NOTICE_CONFIGURE)
def topic_create(request: HttpRequest, payload: TopicIn) -> Status[Topic]:
    """A new topic (district-wide)."""
    return Status(201, services.topic_create(by=signed_in_user(request), **payload.dict()))


@router.patch(
    "/notice-topics/{topic_id}",
    response=TopicOut,
    operation_id="topic_update",
    url_name="topic-update",
)
@requires(NOTICE_CONFIGURE)
def topic_update(request: HttpRequest, topic_id: int, payload: TopicPatch) -> Topic:
    """Rename, reorder or retire (`active: false`) a topic."""
    topic = get_object_or_404(Topic, pk=topic_id)
    return services.topic_update(
        topic=topic, by=signed_in_user(request), **payload.dict(exclude_unset=True)
    )


@router.get(
    "/my-topics",
    response=list[TopicOut],
    operation_id="topics_followed",
    url_name="topics-followed",
)
@signed_in
def topics_followed(request: HttpRequest) -> QuerySet[Topic]:
    """The topics the caller follows."""
    return Topic.objects.filter(pk__in=selectors.topics_followed(user=request.user))


@router.put(
    "/my-topics",
    response=list[TopicOut],
    operation_id="topics_follow",
    url_name="topics-follow",
)
@signed_in
def topics_follow(request: HttpRequest, payload: FollowIn) -> QuerySet[Topic]:
    """Follow exactly these topics."""
    wanted = set(payload.topics)
    found = list(selectors.topics_active().filter(code__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"topics": _("Unknown topic.")})
    user = signed_in_user(request)
    services.topics_follow(topics=found, by=user)
    return Topic.objects.filter(pk__in=selectors.topics_followed(user=user))
