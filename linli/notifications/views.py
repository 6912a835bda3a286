"""The notification centre: a person's own notifications, newest first, and the
unread badge in the navigation bar (fetched by htmx, so pages pay no query for it)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from linli.core.access import signed_in
from linli.core.lists import page_of
from linli.notifications import selectors, services


@signed_in
@require_GET
def notification_list(request: HttpRequest):
    unread = request.GET.get("unread") == "1"
    found = selectors.notifications_of(user=request.user, unread=unread)
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page_of(request, found), "unread": unread, "query": "unread=1" if unread else ""},
    )


@signed_in
@require_GET
def notification_badge(request: HttpRequest):
    return render(
        request,
        "notifications/badge.html",
        {"count": selectors.unread_count(user=request.user)},
    )


@signed_in
@require_POST
def notification_open(request: HttpRequest, pk: int):
    """Mark it read and follow its link."""
    notification = get_object_or_404(selectors.notifications_of(user=request.user), pk=pk)
    services.notification_read(notification=notification, by=request.user)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("notifications:notification-list")
    return redirect(target)


@signed_in
@require_POST
def notification_read_all(request: HttpRequest):
    services.notifications_read_all(by=request.user)
    return redirect("notifications:notification-list")
