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
from linli.registry.models import Building, Label, Resident
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


def receipt_labels(notice: Notice) -> list[Label]:
    """The labels a notice's receipts are counted by: its own, else the vulnerable."""
    return list(notice.labels.all()) or list(
        Label.objects.filter(code__in=VULNERABLE_LABELS).order_by("order", "pk")
    )


def _per_community(notice: Notice) -> bool:
    return len(notice.region.path) < COMMUNITY_PATH and not notice.buildings.exists()


def audience_figures(notice: Notice) -> dict[str, Any]:
    """The notice's audience counted from the registry now, in one grouped pass: by
    building (by grid, for a notice above a community that names no buildings), with
    each receipt label's count — {"labels": [ids], "rows": [[key, total, …]]}. A
    million residents take seconds on two cores: it is counted once, when the notice
    goes out (`services.notice_count_audience`, a task after publishing), and kept."""
    labels = receipt_labels(notice)
    per_label = {f"label_{label.pk}": Count("pk", filter=label_q([label])) for label in labels}
    key = "grid" if _per_community(notice) else BUILDING
    rows = (
        audience_residents(notice).values(key).annotate(total=Count("pk"), **per_label).order_by()
    )
    return {
        "labels": [label.pk for label in labels],
        "rows": [[row[key], row["total"], *(row[name] for name in per_label)] for row in rows],
    }


def receipts(*, notice: Notice) -> Receipts:
    """已读回执: how many of the notice's audience have read it, by building (by
    community for a notice above a community that names no buildings: a district's
    has some 200,000 buildings at a million residents) and by label (its labels, else
    the vulnerable ones). The audience is the one counted when the notice went out
    (`audience_figures`, kept on the notice; counted now when it has not been yet); the
    readers are counted now, in one grouped pass driven by the reads. The totals and
    the labels' figures are the rows' sums."""
    labels = receipt_labels(notice)
    figures = notice.audience_figures
    if not figures or figures.get("labels") != [label.pk for label in labels]:
        figures = audience_figures(notice)
    per_label = {f"label_{label.pk}": Count("pk", filter=label_q([label])) for label in labels}
    per_community = _per_community(notice)
    key = "grid" if per_community else BUILDING
    read = {
        row[key]: [row["total"], *(row[name] for name in per_label)]
        for row in audience_residents(notice)
        .filter(pk__in=NoticeRead.objects.filter(notice=notice).values("resident_id"))
        .values(key)
        .annotate(total=Count("pk"), **per_label)
        .order_by()
    }
    everyone = {row[0]: row[1:] for row in figures["rows"]}
    nothing = [0] * (1 + len(labels))
    for extra in set(read) - set(everyone):  # came to live there since it was counted
        everyone[extra] = read[extra]
    buildings = []
    if per_community:
        # by the residents' grid (a few hundred), summed up to their communities
        grids = Region.objects.filter(pk__in=list(everyone)).select_related("parent__parent")
        community_of = {grid.pk: grid.parent or grid for grid in grids}  # a grid's parent
        totals: dict[Region, list[int]] = {}
        for grid_id, counted in everyone.items():
            if grid_id not in community_of:  # a grid since removed
                continue
            summed = totals.setdefault(community_of[grid_id], [0, 0])
            summed[0] += counted[0]
            summed[1] += read.get(grid_id, nothing)[0]
        for community, (total, seen) in sorted(totals.items(), key=lambda c: c[0].path):
            name = (
                f"{community.parent.name} · {community.name}"
                if community.parent
                else community.name
            )
            buildings.append(Share(community.pk, name, total, seen))
    else:
        found = Building.objects.filter(pk__in=list(everyone)).select_related("grid")
        for building in found.order_by("grid__path", "name"):
            name = f"{building.grid.name} · {building.name}"
            total, seen = everyone[building.pk][0], read.get(building.pk, nothing)[0]
            buildings.append(Share(building.pk, name, total, seen))
    by_label = [
        Share(
            label.pk,
            label.name,
            sum(counted[1 + i] for counted in everyone.values()),
            sum(counted[1 + i] for counted in read.values()),
        )
        for i, label in enumerate(labels)
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
