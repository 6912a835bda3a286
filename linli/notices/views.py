"""Notices in the console (/notices/: list, write, edit, approve, withdraw, pin, the
page with its log and read receipts) and for their readers, mobile first
(/notices/for-me/: a resident's notices, unread marks, followed topics)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.core.access import requires, signed_in
from linli.core.forms import apply_errors
from linli.core.lists import page_of, render_list
from linli.notices import home, selectors, services
from linli.notices.audience import reader_of
from linli.notices.choices import NoticeState
from linli.notices.filters import NoticeFilter, ReaderFilter
from linli.notices.forms import FollowForm, NoteForm, NoticeForm, TopicForm, TopicRenameForm
from linli.notices.models import Notice, NoticeAttachment, NoticeImage, Topic
from linli.notices.permissions import (
    NOTICE_APPROVE,
    NOTICE_CONFIGURE,
    NOTICE_VIEW,
    NOTICE_WRITE,
)
from linli.notices.services import LEVELS
from linli.regions.models import Region
from linli.regions.selectors import may
from linli.registry.models import Building


@requires(NOTICE_VIEW)
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    filters, errors = NoticeFilter.from_query(request.GET)
    user = signed_in_user(request)
    return render_list(
        request,
        "notices/notice_list.html",
        page=page_of(request, selectors.notice_list(user=user, filters=filters)),
        filters=filters,
        errors=errors,
        topics=selectors.topics_active(),
        states=NoticeState.choices,
        may_write=user.has_action(NOTICE_WRITE),
        may_configure=user.has_action(NOTICE_CONFIGURE),
    )


def _topics_page(
    request: HttpRequest, form: TopicForm, renaming: tuple[int, TopicRenameForm] | None = None
) -> HttpResponse:
    topics = Topic.objects.order_by("-active", "order", "pk")
    rows = [
        (
            t,
            renaming[1]
            if renaming and renaming[0] == t.pk
            else TopicRenameForm(initial={"name": t.name, "order": t.order}, prefix=f"t{t.pk}"),
        )
        for t in topics
    ]
    failed = form.errors or (renaming is not None and renaming[1].errors)
    return render(
        request,
        "notices/topic_list.html",
        {"form": form, "rows": rows},
        status=422 if failed else 200,
    )


@requires(NOTICE_CONFIGURE)
@require_http_methods(["GET", "POST"])
def topic_list(request: HttpRequest) -> HttpResponse:
    """The topics (in use first, then those out of use), and a new one."""
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(by=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Topic %(name)s added.") % {"name": topic.name})
            return redirect("notices:topic-list")
    return _topics_page(request, form)


@requires(NOTICE_CONFIGURE)
@require_POST
def topic_rename(request: HttpRequest, pk: int) -> HttpResponse:
    """A topic's new name or place in the lists."""
    topic = get_object_or_404(Topic, pk=pk)
    form = TopicRenameForm(request.POST, prefix=f"t{topic.pk}")
    if form.is_valid():
        try:
            services.topic_update(topic=topic, by=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Topic saved."))
            return redirect("notices:topic-list")
    return _topics_page(request, TopicForm(), (topic.pk, form))


@requires(NOTICE_CONFIGURE)
@require_POST
def topic_active(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Take a topic out of use (its notices keep it; no new notice can have it, readers
    no longer see it among the topics to follow), or back into use."""
    topic = get_object_or_404(Topic, pk=pk)
    active = request.POST.get("active") == "1"
    services.topic_update(topic=topic, by=signed_in_user(request), active=active)
    if active:
        messages.success(request, _("Topic %(name)s is in use again.") % {"name": topic.name})
    else:
        messages.success(request, _("Topic %(name)s is out of use.") % {"name": topic.name})
    return redirect("notices:topic-list")


def _form(request: HttpRequest, *, editing: bool = False, **kwargs: Any) -> NoticeForm:
    user = signed_in_user(request)
    regions = (
        Region.objects.visible_to(user, NOTICE_WRITE)
        .filter(level__in=LEVELS, retired_at__isnull=True)
        .select_related("parent")
        .order_by("path")[:300]
    )
    buildings = (
        Building.objects.visible_to(user, NOTICE_WRITE)
        .select_related("grid")
        .order_by("grid__path", "name")
    )
    return NoticeForm(
        request.POST or None,
        request.FILES or None,
        regions=regions,
        buildings=buildings,
        editing=editing,
        **kwargs,
    )


@requires(NOTICE_WRITE)
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponseBase:
    user = signed_in_user(request)
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = get_object_or_404(
            Region.objects.visible_to(user, NOTICE_WRITE), code=data.pop("region_code")
        )
        try:
            notice = services.notice_create(region=region, by=user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Notice saved as a draft."))
            return redirect("notices:detail", pk=notice.pk)
    status = 400 if form.errors else 200
    return render(request, "notices/notice_form.html", {"form": form}, status=status)


def _notice(request: HttpRequest, pk: int, action: str = NOTICE_VIEW) -> Notice:
    return get_object_or_404(
        selectors.notices_visible(user=signed_in_user(request), action=action).select_related(
            "region", "topic", "author"
        ),
        pk=pk,
    )


@requires(NOTICE_WRITE)
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = signed_in_user(request)
    notice = _notice(request, pk, NOTICE_WRITE)
    if notice.state != NoticeState.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("notices:detail", pk=notice.pk)
    initial = {
        "title": notice.title,
        "topic": notice.topic,
        "urgency": notice.urgency,
        "body": notice.body,
        "buildings": list(notice.buildings.all()),
        "labels": list(notice.labels.all()),
        "roles": notice.role_list,
        "publish_at": notice.publish_at,
        "expire_at": notice.expire_at,
    }
    form = _form(request, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.notice_update(notice=notice, by=user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Notice saved."))
            return redirect("notices:detail", pk=notice.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "notices/notice_form.html",
        {"form": form, "notice": notice, "pictures": list(notice.images.all())},
        status=status,
    )


@requires(NOTICE_VIEW)
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    notice = _notice(request, pk)
    shown = notice.state in (NoticeState.PUBLISHED, NoticeState.EXPIRED, NoticeState.WITHDRAWN)
    return render(
        request,
        "notices/notice_detail.html",
        {
            "notice": notice,
            "log": selectors.notice_log(notice=notice),
            "buildings": notice.buildings.all(),
            "labels": notice.labels.all(),
            "images": notice.images.all(),
            "attachments": notice.attachments.all(),
            "receipts": selectors.receipts(notice=notice) if shown else None,
            "unread": selectors.unread_vulnerable(notice=notice, user=user)
            if shown and notice.urgent
            else None,
            "may_write": may(user, notice.region, NOTICE_WRITE),
            "may_approve": may(user, notice.region, NOTICE_APPROVE),
            "own": notice.author_id == user.pk,  # nobody approves their own notice
            "note": NoteForm(),
        },
    )


STEPS = {
    "submit": services.notice_submit,
    "return": services.notice_return,
    "approve": services.notice_approve,
    "withdraw": services.notice_withdraw,
}
DONE = {
    "submit": _("Submitted for approval."),
    "return": _("Sent back for changes."),
    "approve": _("Approved."),
    "withdraw": _("Withdrawn."),
    "pin": _("Pinned."),
    "unpin": _("No longer pinned."),
}


@requires(NOTICE_VIEW)
@require_POST
def notice_move(request: HttpRequest, pk: int, step: str) -> HttpResponseBase:
    """A button of the notice page: a step of the workflow, pinning."""
    if step not in DONE:
        raise Http404
    user = signed_in_user(request)
    notice = _notice(request, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if step in ("pin", "unpin"):
            services.notice_pin(notice=notice, pinned=step == "pin", by=user)
        else:
            STEPS[step](notice=notice, by=user, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        messages.success(request, str(DONE[step]))
    return redirect("notices:detail", pk=notice.pk)


def _readable(request: HttpRequest, notice_pk: int) -> Notice:
    """A notice the user reads (their audience) or manages (in their scope)."""
    user = request.user
    managed = selectors.notices_visible(user=user).filter(pk=notice_pk)
    if managed.exists():
        return managed.get()
    return get_object_or_404(selectors.notices_for(user=user), pk=notice_pk)


@signed_in
@require_GET
def notice_image(request: HttpRequest, pk: int) -> FileResponse:
    image = get_object_or_404(NoticeImage, pk=pk)
    _readable(request, image.notice_id)
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@signed_in
@require_GET
def notice_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(NoticeAttachment, pk=pk)
    _readable(request, attachment.notice_id)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@signed_in
@require_GET
def for_me(request: HttpRequest) -> HttpResponse:
    """通知公告 for the signed-in reader: pinned then newest, unread marked."""
    user = signed_in_user(request)
    filters, errors = ReaderFilter.from_query(request.GET)
    return render_list(
        request,
        "notices/for_me.html",
        page=page_of(request, selectors.notices_for(user=user, filters=filters)),
        filters=filters,
        errors=errors,
        topics=selectors.topics_active(),
        unread_total=selectors.unread_count(user=user),
    )


@signed_in
@require_GET
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice as its reader sees it; opening it marks it read."""
    user = signed_in_user(request)
    reader = reader_of(user)
    notice = get_object_or_404(selectors.notices_for(user=user, reader=reader), pk=pk)
    services.notice_read(notice=notice, by=user, reader=reader)
    return render(
        request,
        "notices/read.html",
        {
            "notice": notice,
            "images": notice.images.all(),
            "attachments": notice.attachments.all(),
        },
    )


@signed_in
@require_GET
def home_block(request: HttpRequest) -> HttpResponse:
    """The tiles of the home page's notices block, fetched again when a notice for the
    reader is published (the live channel `notices.residents`)."""
    return render(
        request, "core/_home_tiles.html", {"block": home.BLOCK, **home.reader_tiles(request)}
    )


@signed_in
@require_http_methods(["GET", "POST"])
def topics(request: HttpRequest) -> HttpResponseBase:
    """The topics the reader follows."""
    user = signed_in_user(request)
    form = FollowForm(
        request.POST or None, initial={"topics": sorted(selectors.topics_followed(user=user))}
    )
    if request.method == "POST" and form.is_valid():
        services.topics_follow(topics=form.cleaned_data["topics"], by=user)
        messages.success(request, _("Your topics are saved."))
        return redirect("notices:for-me")
    return render(request, "notices/topics.html", {"form": form})
