"""Every read of notices: the console's (scoped by `visible_to`), a reader's (their
audience, worked out from their grants and the registry), read receipts, and the
published notices of a region for TV channels and display screens."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from linli.accounts.models import RoleGrant, User
from linli.core.permissions import Role
from linli.core.scoping import AnyUser
from linli.notices.audience import (
    RESIDENT,
    Reader,
    audience_q,
    audience_residents,
    audience_staff,
    has_read,
    label_q,
    reader_of,
)
from linli.notices.choices import VULNERABLE_LABELS, NoticeState
from linli.notices.filters import NoticeFilter, ReaderFilter
from linli.notices.models import Notice, NoticeRead, NoticeTransition, Topic, TopicFollow
from linli.notices.permissions import NOTICE_VIEW
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region
from linli.regions.selectors import regions_within
from linli.registry.models import Label, Resident
from linli.registry.permissions import REGISTRY_VIEW

NEWEST = ("-pinned", "-published_at", "-pk")


def notices_visible(*, user: AnyUser, action: str = NOTICE_VIEW) -> QuerySet[Notice]:
    return Notice.objects.visible_to(user, action)


def notice_list(
    *, user: AnyUser, filters: NoticeFilter | None = None, action: str = NOTICE_VIEW
) -> QuerySet[Notice]:
    """The console's list: every state, newest first, with what its rows show."""
    found = notices_visible(user=user, action=action).select_related("region", "topic", "author")
    if filters is not None:
        found = filters.apply(found, user=user)
    return found.order_by("-updated_at", "-pk")


def notice_log(*, notice: Notice) -> QuerySet[NoticeTransition]:
    return notice.transitions.select_related("actor").order_by("at", "pk")


def topics_active() -> QuerySet[Topic]:
    return Topic.objects.filter(active=True)


def topics_followed(*, user: AnyUser) -> set[int]:
    if not isinstance(user, User):
        return set()
    return set(TopicFollow.objects.filter(user=user).values_list("topic_id", flat=True))


def notices_for(
    *, user: AnyUser, filters: ReaderFilter | None = None, reader: Reader | None = None
) -> QuerySet[Notice]:
    """The published notices `user` is in the audience of, pinned then newest first,
    each with `unread` (not read by them yet) and `followed` (a topic they follow)."""
    reader = reader or reader_of(user)
    if reader.user_id is None:
        return Notice.objects.none()
    found: QuerySet[Notice] = (
        Notice.objects.filter(audience_q(reader), state=NoticeState.PUBLISHED)
        .select_related("region", "topic")
        .annotate(
            unread=~Exists(
                NoticeRead.objects.filter(notice=OuterRef("pk"), user_id=reader.user_id)
            ),
            followed=Exists(
                TopicFollow.objects.filter(topic=OuterRef("topic"), user_id=reader.user_id)
            ),
        )
    )
    if filters is not None:
        found = filters.apply(found, user=user)
    return found.order_by(*NEWEST)


def unread_count(*, user: AnyUser) -> int:
    return notices_for(user=user, filters=ReaderFilter(unread=True)).count()


def published_in(*, region: Region, topics: list[Topic] | None = None) -> QuerySet[Notice]:
    """Published notices shown in `region` (a community's screen, a TV channel of a
    district): those for it, its subtree's and the regions above it — whose audience
    is everyone there (no buildings, labels or staff roles) — of `topics` (all when
    None), pinned then newest first. For TV channels and display screens, which have
    no reader: their own access rule decides who sees them."""
    path = region.path
    above = [path[:n] for n in (4, 6, 9, 12, 15) if n <= len(path)]
    found = (
        Notice.objects.filter(state=NoticeState.PUBLISHED, roles="")
        .filter(Q(region__path__in=above) | Q(region__in=regions_within([path])))
        .exclude(Exists(Notice.buildings.through.objects.filter(notice=OuterRef("pk"))))
        .exclude(Exists(Notice.labels.through.objects.filter(notice=OuterRef("pk"))))
        .select_related("region", "topic")
    )
    if topics is not None:
        found = found.filter(topic__in=topics)
    return found.order_by(*NEWEST)


@dataclass
class Share:
    key: Any
    name: str
    total: int
    read: int

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


@dataclass
class Receipts:
    total: int
    read: int
    buildings: list[Share]
    labels: list[Share]
    staff: Share | None
    per_community: bool = False  # `buildings` are the communities'
    roles: list[Share] = field(default_factory=list)  # the staff by role

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


BUILDING = "household__house__building"
COMMUNITY_PATH = PATH_LENGTH[Level.COMMUNITY]


def receipts(*, notice: Notice) -> Receipts:
    """已读回执: how many of the notice's audience have read it, by building (by
    community for a notice above a community that names no buildings: a district's
    has some 200,000 buildings at a million residents) and by label (its labels, else
    the vulnerable ones), the audience counted from the registry now. Two grouped
    passes, whatever the audience's size: the audience by building (community) with
    each label's count, and the same for those who have read it; the totals and the
    labels' figures are their sums."""
    labels = list(notice.labels.all()) or list(
        Label.objects.filter(code__in=VULNERABLE_LABELS).order_by("order", "pk")
    )
    per_label = {f"label_{label.pk}": Count("pk", filter=label_q([label])) for label in labels}
    audience = audience_residents(notice)
    per_community = len(notice.region.path) < COMMUNITY_PATH and not notice.buildings.exists()
    key = "grid" if per_community else BUILDING
    nothing: dict[str, int] = {"total": 0} | dict.fromkeys(per_label, 0)
    read = {
        row[key]: row
        for row in audience.filter(has_read(notice))
        .values(key)
        .annotate(total=Count("pk"), **per_label)
        .order_by()
    }
    buildings = []
    if per_community:
        # Grouped by the residents' grid (an integer, a few hundred groups: no sort of
        # the audience, no joins to names), then summed up to their communities.
        everyone = list(audience.values(key).annotate(total=Count("pk"), **per_label).order_by())
        grids = Region.objects.filter(pk__in=[row[key] for row in everyone]).select_related(
            "parent__parent"
        )
        community_of = {grid.pk: grid.parent or grid for grid in grids}  # a grid's parent
        totals: dict[Region, list[int]] = {}
        for row in everyone:
            seen = read.get(row[key], nothing)
            counted = totals.setdefault(community_of[row[key]], [0, 0])
            counted[0] += row["total"]
            counted[1] += seen["total"]
        for community, (total, seen_total) in sorted(totals.items(), key=lambda c: c[0].path):
            name = (
                f"{community.parent.name} · {community.name}"
                if community.parent
                else community.name
            )
            buildings.append(Share(community.pk, name, total, seen_total))
    else:
        everyone = list(
            audience.values(key, f"{BUILDING}__grid__name", f"{BUILDING}__name")
            .annotate(total=Count("pk"), **per_label)
            .order_by(f"{BUILDING}__grid__path", f"{BUILDING}__name")
        )
        for row in everyone:
            name = f"{row[f'{BUILDING}__grid__name']} · {row[f'{BUILDING}__name']}"
            seen = read.get(row[key], nothing)
            buildings.append(Share(row[key], name, row["total"], seen["total"]))
    by_label = [
        Share(
            label.pk,
            label.name,
            sum(row[f"label_{label.pk}"] for row in everyone),
            sum(row[f"label_{label.pk}"] for row in read.values()),
        )
        for label in labels
    ]
    staff = None
    people = audience_staff(notice)
    if notice.role_list and people.exists():
        staff = Share(
            "staff",
            "",
            people.count(),
            NoticeRead.objects.filter(notice=notice, user__in=people).count(),
        )
    return Receipts(
        sum(share.total for share in buildings),
        sum(share.read for share in buildings),
        buildings,
        by_label,
        staff,
        per_community,
        by_role(notice) if staff is not None else [],
    )


def by_role(notice: Notice) -> list[Share]:
    """The staff recipients' read share per role the notice names (someone holding two
    of them counts in each), in the notice's order of roles: one grouped count of the
    holders and one of those who have read it."""
    roles = [role for role in notice.role_list if role != RESIDENT]
    grants = RoleGrant.objects.filter(
        revoked_at__isnull=True,
        role__in=roles,
        region__in=regions_within([notice.region.path]),
        user__is_active=True,
    )
    read = NoticeRead.objects.filter(notice=notice, user=OuterRef("user"))
    counts = {
        row["role"]: row
        for row in grants.values("role")
        .annotate(
            total=Count("user", distinct=True),
            seen=Count("user", distinct=True, filter=Exists(read)),
        )
        .order_by()
    }
    return [
        Share(role, str(Role(role).label), counts[role]["total"], counts[role]["seen"])
        for role in roles
        if role in counts
    ]


def unread_vulnerable(*, notice: Notice, user: AnyUser, limit: int = 200) -> QuerySet[Resident]:
    """The people of a vulnerable label in the notice's audience who have not read it
    (those of them the user may see in the registry), for a visit or a call."""
    vulnerable = list(Label.objects.filter(code__in=VULNERABLE_LABELS))
    return (
        audience_residents(notice)
        .filter(label_q(vulnerable))
        .filter(~has_read(notice))
        .filter(pk__in=Resident.objects.visible_to(user, REGISTRY_VIEW).values("pk"))
        .select_related("household__house__building__grid")
        .order_by(
            "household__house__building__grid__path",
            "household__house__building__name",
            "name",
            "pk",
        )[:limit]
    )
