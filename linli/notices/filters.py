"""The filters of the notices' lists: the console's (region, state, topic, urgency,
title) and a reader's (topic, unread, followed topics), shared with the API."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.core.lists import ListFilter
from linli.notices.choices import NoticeState, Urgency
from linli.regions.filters import InRegion


class NoticeFilter(InRegion):
    """Notices by the region they are for (and below), state, topic, urgency, title."""

    labels = {
        "state": gettext_lazy("State"),
        "topic": gettext_lazy("Topic"),
        "urgency": gettext_lazy("Urgency"),
        "q": gettext_lazy("Title"),
    }
    state: NoticeState | None = Field(None, description="Only notices in this state.")
    topic: str | None = Field(None, max_length=40, description="A topic's code.")
    urgency: Urgency | None = Field(None, description="Only normal or only urgent notices.")
    q: str | None = Field(None, max_length=50, description="Words of the title.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.state:
            conditions &= Q(state=self.state)
        if self.topic:
            conditions &= Q(topic__code=self.topic)
        if self.urgency:
            conditions &= Q(urgency=self.urgency)
        if self.q and self.q.strip():
            conditions &= Q(title__contains=self.q.strip())
        return self.in_region(found.filter(conditions))


class ReaderFilter(ListFilter):
    """A reader's notices: of a topic, unread only, of followed topics only."""

    labels = {
        "topic": gettext_lazy("Topic"),
        "unread": gettext_lazy("Unread only"),
        "followed": gettext_lazy("Topics I follow"),
    }
    topic: str | None = Field(None, max_length=40, description="A topic's code.")
    unread: bool = Field(False, description="Only the notices not read yet.")
    followed: bool = Field(False, description="Only notices of the topics one follows.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        if self.topic:
            found = found.filter(topic__code=self.topic)
        if self.unread:
            found = found.filter(unread=True)
        if self.followed:
            found = found.filter(followed=True)
        return found
