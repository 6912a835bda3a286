"""Who a notice is for, worked out when asked — no row per resident and notice.

A notice's audience is everyone below its region: the residents there (only those of
its buildings, and with one of its labels, when it names any), or, when it names
roles, the people holding those roles there ("resident" among them standing for the
residents). A signed-in reader is matched through their role grants; a resident's
account is the registry's person with the same mobile number living below the
grant's region (`reader_of`), which gives their building and labels."""

from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpRequest

from linli.accounts.models import RoleGrant, User
from linli.core.crypto import blind_index
from linli.core.permissions import Role
from linli.core.scoping import AnyUser
from linli.notices.models import Notice, NoticeRead
from linli.regions.choices import PATH_LENGTH
from linli.regions.selectors import regions_within
from linli.registry.choices import ResidentStatus
from linli.registry.labels import DERIVED_LABELS, derived_label_q
from linli.registry.models import Label, Resident, ResidentLabel

RESIDENT = Role.RESIDENT.value

# Live updates (linli.core.live): a notice for residents was published, withdrawn,
# expired or (un)pinned at a region; its residents' open pages fetch their list again.
LIVE_NOTICES = "notices.residents"


@dataclass
class Reader:
    """A signed-in person as an audience sees them: where they hold which role, and
    (for a resident matched in the registry) their building and labels."""

    user_id: int | None
    places: list[tuple[str, str]] = field(default_factory=list)  # (role, region path)
    resident: Resident | None = None
    building_id: int | None = None
    label_ids: set[int] = field(default_factory=set)


def reader_of(user: AnyUser) -> Reader:
    if not isinstance(user, User) or not user.is_active:
        return Reader(None)
    reader = Reader(user.pk)
    resident_paths = []
    for grant in user.active_grants():
        if grant.role == RESIDENT:
            resident_paths.append(grant.region.path)
        else:
            reader.places.append((grant.role, grant.region.path))
    if resident_paths:
        resident = _registry_person(user, resident_paths)
        if resident is None:
            reader.places += [(RESIDENT, path) for path in resident_paths]
        else:
            reader.resident = resident
            reader.building_id = resident.household.house.building_id
            reader.label_ids = _label_ids(resident)
            reader.places.append((RESIDENT, resident.grid.path))
    return reader


def live_scope(request: HttpRequest) -> list[str] | None:
    """Who follows `LIVE_NOTICES`: a resident, at the places they read as one (their
    registry grid, else their grants' regions); the channel is upward, so they hear of
    the notices there and above. Nobody else."""
    paths = [path for role, path in reader_of(request.user).places if role == RESIDENT]
    return paths or None


def _registry_person(user: User, paths: list[str]) -> Resident | None:
    if not user.phone:
        return None
    index = blind_index(user.phone, Resident.PHONE_CONTEXT)
    found: Resident | None = (
        Resident.objects.filter(
            status=ResidentStatus.LIVING, phone_index=index, grid__in=regions_within(paths)
        )
        .select_related("grid", "household__house")
        .order_by("pk")
        .first()
    )
    return found


def _label_ids(resident: Resident) -> set[int]:
    typed = set(ResidentLabel.objects.filter(resident=resident).values_list("label_id", flat=True))
    checks = {
        code: ExpressionWrapper(derived_label_q(code), output_field=BooleanField())
        for code in sorted(DERIVED_LABELS)
    }
    flags = Resident.objects.filter(pk=resident.pk).annotate(**checks).values(*checks).get()
    derived = [code for code, holds in flags.items() if holds]
    return typed | set(Label.objects.filter(code__in=derived).values_list("pk", flat=True))


def _prefixes(path: str) -> list[str]:
    """The paths of a region and the regions above it."""
    return [path[:n] for n in PATH_LENGTH.values() if n <= len(path)]


def _through_exists(name: str, **match: object) -> Exists:
    through = getattr(Notice, name).through
    return Exists(through.objects.filter(notice=OuterRef("pk"), **match))


def audience_q(reader: Reader) -> Q:
    """The notices `reader` is in the audience of (whatever their state)."""
    found = Q(pk__in=[])
    for role, path in reader.places:
        here = Q(region__path__in=_prefixes(path))
        if role != RESIDENT:
            found |= here & Q(roles__contains=f",{role},")
            continue
        as_resident = here & (Q(roles="") | Q(roles__contains=f",{RESIDENT},"))
        if reader.building_id is None:
            as_resident &= Q(~_through_exists("buildings"))
        else:
            as_resident &= Q(~_through_exists("buildings")) | Q(
                _through_exists("buildings", building_id=reader.building_id)
            )
        if reader.label_ids:
            as_resident &= Q(~_through_exists("labels")) | Q(
                _through_exists("labels", label_id__in=sorted(reader.label_ids))
            )
        else:
            as_resident &= Q(~_through_exists("labels"))
        found |= as_resident
    return found


def label_q(labels: list[Label]) -> Q:
    """Residents with any of `labels` (typed ones through their links, derived ones by
    their conditions)."""
    found = Q(pk__in=[])
    typed = [label.pk for label in labels if not label.derived]
    if typed:  # not correlated: one hashed lookup, also inside a count's FILTER
        found |= Q(pk__in=ResidentLabel.objects.filter(label_id__in=typed).values("resident_id"))
    for label in labels:
        if label.derived:
            found |= derived_label_q(label.code)
    return found


def audience_residents(notice: Notice) -> QuerySet[Resident]:
    """The living residents a notice is for (none when it names only staff roles)."""
    if not notice.for_residents:
        none: QuerySet[Resident] = Resident.objects.none()
        return none
    found: QuerySet[Resident] = Resident.objects.filter(
        status=ResidentStatus.LIVING, grid__in=regions_within([notice.region.path])
    )
    buildings = list(notice.buildings.values_list("pk", flat=True))
    if buildings:
        found = found.filter(household__house__building__in=buildings)
    labels = list(notice.labels.all())
    if labels:
        found = found.filter(label_q(labels))
    return found


def audience_staff(notice: Notice) -> QuerySet[User]:
    """The people holding one of the notice's staff roles below its region."""
    roles = [role for role in notice.role_list if role != RESIDENT]
    if not roles:
        nobody: QuerySet[User] = User.objects.none()
        return nobody
    grants = RoleGrant.objects.filter(
        revoked_at__isnull=True, role__in=roles, region__in=regions_within([notice.region.path])
    )
    people: QuerySet[User] = User.objects.filter(is_active=True, pk__in=grants.values("user_id"))
    return people


def resident_accounts(notice: Notice) -> list[User]:
    """The residents' accounts in a notice's audience (for its urgent alert): accounts
    with a resident grant below its region, each matched as a reader."""
    if not notice.for_residents:
        return []
    grants = RoleGrant.objects.filter(
        revoked_at__isnull=True, role=RESIDENT, region__in=regions_within([notice.region.path])
    )
    users = User.objects.filter(is_active=True, pk__in=grants.values("user_id"))
    return [
        user
        for user in users
        if Notice.objects.filter(audience_q(reader_of(user)), pk=notice.pk).exists()
    ]


def has_read(notice: Notice) -> Exists:
    """For audience rows (residents): whether they have read the notice."""
    return Exists(NoticeRead.objects.filter(notice=notice, resident=OuterRef("pk")))
