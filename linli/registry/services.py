"""Writes to the registry. Every change leaves a RecordChange (old → new, personal
data as ciphertext) and an audit entry, in the same transaction; nothing is deleted:
people move out or die, households dissolve."""

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.models import RoleGrant
from linli.accounts.permissions import USER_MANAGE
from linli.accounts.selectors import people_who_may
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.crypto import blind_index, encrypt, mask_name
from linli.core.fields import EncryptedTextField
from linli.notifications.services import notify
from linli.regions import selectors as regions
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.registry.choices import (
    ACTING_KINDS,
    ChangeKind,
    HouseholdType,
    Relation,
    ResidentStatus,
)
from linli.registry.idnumber import parse_id_number
from linli.registry.labels import DERIVED_LABELS, SEED_LABELS
from linli.registry.models import (
    Affiliation,
    Building,
    House,
    Household,
    Label,
    Organisation,
    RecordChange,
    Resident,
    ResidentLabel,
)
from linli.registry.permissions import REGISTRY_EDIT, REGISTRY_REVEAL_PII, REGISTRY_VIEW

ELSEWHERE = gettext_lazy(
    "A person with this ID number is registered in another community. Their community "
    "has been told; once they record the move-out, the person can be registered here."
)
PHONE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only (\d takes any script's)
RESIDENT_FIELDS = {
    "name",
    "id_number",
    "phone",
    "sex",
    "birth_date",
    "ethnicity",
    "political_status",
    "residence_type",
    "relation",
    "moved_in_on",
}
MIN_REASON_LENGTH = 4


# --- shared machinery --------------------------------------------------------------


def ensure_may(by, grid: Region, action: str = REGISTRY_EDIT) -> None:
    """`by` may perform `action` on records of `grid` (None: the system itself)."""
    regions.ensure_may(by, grid, action)


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _snapshot(obj: models.Model) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in {"id", "created_at", "updated_at"} and not f.attname.endswith("_index")
    }


def _diff(before: dict, obj: models.Model) -> dict:
    """Changed fields as {field: {"old": …, "new": …}}; personal data stays encrypted."""
    changes = {}
    for name, old in before.items():
        new = getattr(obj, name)
        if old == new:
            continue
        field = obj._meta.get_field(name)  # also finds a foreign key by its attname
        if isinstance(field, EncryptedTextField):
            old = encrypt(old, field.context) if old else None
            new = encrypt(new, field.context) if new else None
        changes[name] = {"old": _plain(old), "new": _plain(new)}
    return changes


def creation_changes(model: type[models.Model], values: dict) -> dict:
    """The change history of a record made with `values` ({attname: value}): each
    field set, from None; personal data encrypted. Keys that are not fields (the
    labels a ledger row gives) are kept as they are."""
    changes = {}
    for name, new in values.items():
        if new is None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if isinstance(field, EncryptedTextField):
            new = encrypt(new, field.context) if new else None
        changes[name] = {"old": None, "new": _plain(new)}
    return changes


def _log(
    obj: models.Model, kind: str, changes: dict, by, note: str = "", created: bool = False
) -> None:
    """A RecordChange and an audit entry (`record_create` for a new row, such as a
    resident's move-in, else `record_update`)."""
    RecordChange.objects.create(
        grid_id=obj.grid_id,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        kind=kind,
        changes=changes,
        note=note,
        actor=by,
    )
    audit_record(
        action="record_create" if created else "record_update",
        actor=by,
        obj=obj,
        object_label=_label(obj),
        details={"change": kind, "fields": sorted(changes)},
    )


def _label(obj: models.Model) -> str:
    """How a record is named in the audit trail: never with personal data in clear."""
    if isinstance(obj, Resident):
        return f"{obj.name[:1]}** {obj.masked_id_number}"
    return str(obj)[:100]


def _save(obj: models.Model, kind: str, by, before: dict | None = None, note: str = ""):
    """Validate, save, and log a record (new when `before` is None)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a race past full_clean's checks
        raise ValidationError(_("This record conflicts with one saved meanwhile.")) from exc
    changes = (
        _diff(before, obj) if before is not None else creation_changes(type(obj), _snapshot(obj))
    )
    _log(obj, kind, changes, by, note, created=before is None)
    return obj


def _grid(grid: Region) -> Region:
    if grid.level != Level.GRID or grid.is_retired:
        raise ValidationError({"grid": _("Records belong to an active grid.")})
    return grid


# --- buildings, houses, organisations -------------------------------------------------


@transaction.atomic
def building_create(*, grid: Region, by, **fields) -> Building:
    ensure_may(by, _grid(grid))
    return _save(Building(grid=grid, **fields), ChangeKind.CREATE, by)


@transaction.atomic
def house_create(*, building: Building, by, **fields) -> House:
    ensure_may(by, building.grid)
    return _save(
        House(building=building, grid_id=building.grid_id, **fields), ChangeKind.CREATE, by
    )


@transaction.atomic
def organisation_create(*, grid: Region, by, buildings=(), houses=(), **fields) -> Organisation:
    ensure_may(by, _grid(grid))
    organisation = _save(Organisation(grid=grid, **fields), ChangeKind.CREATE, by)
    organisation.buildings.set(buildings)
    organisation.houses.set(houses)
    return organisation


@transaction.atomic
def record_update(*, record: models.Model, by, note: str = "", **fields) -> models.Model:
    """Change plain fields of a building, house, household or organisation."""
    if isinstance(record, Resident):
        raise TypeError("Use resident_update for residents.")
    ensure_may(by, record.grid)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    before = _snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value)
    return _save(record, ChangeKind.UPDATE, by, before, note)


# --- households -----------------------------------------------------------------------


@transaction.atomic
def household_create(
    *, house: House, by, kind: str = HouseholdType.REGISTERED, number: str = ""
) -> Household:
    ensure_may(by, house.grid)
    return _save(
        Household(house=house, grid_id=house.grid_id, kind=kind, number=number),
        ChangeKind.CREATE,
        by,
    )


@transaction.atomic
def household_verify(*, household: Household, by) -> Household:
    """A grid worker confirms the household's data is current (data freshness)."""
    ensure_may(by, household.grid)
    before = _snapshot(household)
    household.verified_at = timezone.now()
    household.save(update_fields=["verified_at", "updated_at"])
    _log(household, ChangeKind.VERIFY, _diff(before, household), by)
    return household


def _living(household: Household):
    return household.members.filter(status=ResidentStatus.LIVING)


@transaction.atomic
def household_split(
    *,
    household: Household,
    member_ids: list[int],
    head_id: int,
    house: House,
    by,
    kind: str | None = None,
) -> Household:
    """Some members leave to form a new household in `house`; `head_id` heads it."""
    ensure_may(by, household.grid)
    ensure_may(by, house.grid)
    household = Household.objects.select_for_update().get(pk=household.pk)
    ids = set(member_ids)
    living = {m.pk: m for m in _living(household).select_for_update()}
    if not ids or not ids <= living.keys():
        raise ValidationError(_("Choose living members of this household to split off."))
    if ids == living.keys():
        raise ValidationError(_("At least one member must stay in the old household."))
    if head_id not in ids:
        raise ValidationError(_("The new household's head must be one of those who leave."))
    new = household_create(house=house, by=by, kind=kind or household.kind)
    # The new head first, so that a former head leaving with them stops being "head".
    _move(living[head_id], new, ChangeKind.SPLIT, by)
    _set_head(new, living[head_id], by)
    for pk in sorted(ids - {head_id}):
        _move(living[pk], new, ChangeKind.SPLIT, by)
    if household.head_id in ids:
        _set_head(household, None, by)
    return new


@transaction.atomic
def household_merge(*, source: Household, target: Household, by) -> Household:
    """Everyone living in `source` joins `target`; `source` is dissolved."""
    if source.pk == target.pk:
        raise ValidationError(_("A household cannot be merged into itself."))
    ensure_may(by, source.grid)
    ensure_may(by, target.grid)
    if source.dissolved_at or target.dissolved_at:
        raise ValidationError(_("A dissolved household cannot be merged."))
    target = Household.objects.select_for_update().get(pk=target.pk)
    for member in _living(source).order_by("pk"):
        _move(member, target, ChangeKind.MERGE, by)
        _arrive(target, member, by)
    before = _snapshot(source)
    source.dissolved_at = timezone.now()
    source.head = None
    source.save(update_fields=["dissolved_at", "head", "updated_at"])
    _log(source, ChangeKind.MERGE, _diff(before, source), by, note=str(target.pk))
    return target


def _set_head(household: Household, head: Resident | None, by) -> None:
    before = _snapshot(household)
    household.head = head
    household.save(update_fields=["head", "updated_at"])
    _log(household, ChangeKind.UPDATE, _diff(before, household), by)
    if head is not None and head.relation != Relation.HEAD:
        before = _snapshot(head)
        head.relation = Relation.HEAD
        head.save(update_fields=["relation", "updated_at"])
        _log(head, ChangeKind.UPDATE, _diff(before, head), by)


# --- residents --------------------------------------------------------------------------


def _clean_resident_fields(
    fields: dict, *, household: Household, resident: Resident | None = None, by=None
) -> dict:
    """Check and complete a resident's fields: ID number → birth date and sex, not of
    someone else living in the district (named if `by` may see them, else
    RegisteredElsewhere); one head per household."""
    unknown = set(fields) - RESIDENT_FIELDS
    if unknown:
        raise TypeError(f"Unknown resident fields {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    data = dict(fields)
    if "id_number" in data:
        try:
            parsed = parse_id_number(data["id_number"])
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            data["id_number"] = parsed.value
            given_birth, given_sex = data.get("birth_date"), data.get("sex")
            if given_birth and given_birth != parsed.birth_date:
                errors["birth_date"] = [
                    _("The birth date does not match the ID number, which says %(date)s.")
                    % {"date": parsed.birth_date.isoformat()}
                ]
            if given_sex and given_sex != parsed.sex:
                errors["sex"] = [_("The sex does not match the ID number.")]
            data["birth_date"], data["sex"] = parsed.birth_date, parsed.sex
    moved_in_on = data.get("moved_in_on")
    if moved_in_on and moved_in_on > timezone.localdate():
        errors["moved_in_on"] = [_("The date cannot be in the future.")]
    if data.get("phone"):
        data["phone"] = unicodedata.normalize("NFKC", str(data["phone"])).strip()
        if not PHONE.fullmatch(data["phone"]):
            errors["phone"] = [_("Enter an 11-digit mainland mobile number, e.g. 13812345678.")]
    elif "phone" in data:
        data["phone"] = None
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    elsewhere = None
    if "id_number" not in errors and "id_number" in data:
        twins = Resident.objects.living().filter(
            id_number_index=blind_index(data["id_number"], Resident.ID_NUMBER_CONTEXT)
        )
        if resident is not None:
            twins = twins.exclude(pk=resident.pk)
        twin = twins.select_related("grid").first()
        if twin is not None and (by is None or regions.may(by, twin.grid, REGISTRY_VIEW)):
            errors["id_number"] = [
                _(
                    "%(name)s already lives in the district with this ID number: move them "
                    "instead of registering them again."
                )
                % {"name": twin.name}
            ]
        elif twin is not None:
            errors["id_number"] = [str(ELSEWHERE)]
            elsewhere = twin
    if data.get("relation") == Relation.HEAD and household.head_id not in (
        None,
        getattr(resident, "pk", None),
    ):
        errors["relation"] = [
            _(
                "This household already has a head (%(name)s): choose another relation, "
                "or change the head's relation first."
            )
            % {"name": household.head.name}
        ]
    if elsewhere is not None:
        raise RegisteredElsewhere(errors, [elsewhere])
    if errors:
        raise ValidationError(errors)
    return data


class RegisteredElsewhere(ValidationError):
    """An ID number of someone living where the actor may not look (`twins`): refused
    without saying where; `elsewhere_told` records and tells once the change is
    rolled back."""

    def __init__(self, errors: dict, twins: list[Resident]):
        super().__init__(errors)
        self.twins = twins


def elsewhere_told(*, twins: list[Resident], by, channel: str) -> None:
    """Someone entered the ID numbers of people living where they may not look (a
    move-in, a change, a ledger's rows): per community, an audit entry — on the person
    if one, else on the community with how many — seen there and not by the actor,
    and one notification to that community's staff (at the community itself, not
    every admin above it): if the people moved, they record the move-out, and the
    newcomers can then be registered. The actor learns only "registered elsewhere"."""
    by_community: dict[int, list[Resident]] = {}
    for twin in twins:
        by_community.setdefault(twin.grid.parent_id or twin.grid_id, []).append(twin)
    actor = by.get_short_name() if by is not None else "—"
    for people in by_community.values():
        first = people[0]
        community = first.grid.parent or first.grid
        with transaction.atomic():
            audit_record(
                action=AuditAction.ID_NUMBER_ELSEWHERE,
                actor=by,
                obj=first if len(people) == 1 else community,
                object_label=mask_name(first.name) if len(people) == 1 else "",
                details={"channel": channel, "people": len(people)},
            )
        if len(people) == 1:
            body = _(
                "%(actor)s entered the ID number of %(name)s, who lives in your community. "
                "If they have moved away, record the move-out."
            ) % {"actor": actor, "name": mask_name(first.name)}
            url = reverse("registry:resident-detail", args=[first.pk])
        else:
            names = "、".join(mask_name(p.name) for p in people[:10])
            body = _(
                "%(actor)s entered the ID numbers of %(n)s people who live in your "
                "community (%(names)s). If they have moved away, record their move-out."
            ) % {
                "actor": actor,
                "n": len(people),
                "names": names + ("…" if len(people) > 10 else ""),
            }
            url = ""
        notify(
            users=people_who_may(REGISTRY_EDIT, community, here_only=True),
            kind="registry-elsewhere",
            title=_("An ID number of your community was entered elsewhere"),
            body=body,
            url=url,
        )


@contextmanager
def _elsewhere_refused(by, channel: str) -> Iterator[None]:
    """Around a write that may meet RegisteredElsewhere: its transaction rolled back,
    record the attempt and tell the person's community, then refuse."""
    try:
        yield
    except RegisteredElsewhere as exc:
        elsewhere_told(twins=exc.twins, by=by, channel=channel)
        raise


def resident_move_in(*, household: Household, by, **fields) -> Resident:
    """Register a person in a household (a birth, a newcomer, a new registration)."""
    with _elsewhere_refused(by, "move_in"):
        return _resident_move_in(household=household, by=by, **fields)


@transaction.atomic
def _resident_move_in(*, household: Household, by, **fields) -> Resident:
    ensure_may(by, household.grid)
    if household.dissolved_at:
        raise ValidationError(_("This household is dissolved; choose another."))
    if "id_number" not in fields:
        raise ValidationError({"id_number": _("The ID number is required.")})
    household = Household.objects.select_for_update().get(pk=household.pk)
    data = _clean_resident_fields(fields, household=household, by=by)
    data.setdefault("moved_in_on", timezone.localdate())
    resident = _save(
        Resident(household=household, grid_id=household.grid_id, **data), ChangeKind.MOVE_IN, by
    )
    _arrive(household, resident, by)
    return resident


def resident_update(*, resident: Resident, by, note: str = "", **fields) -> Resident:
    with _elsewhere_refused(by, "update"):
        return _resident_update(resident=resident, by=by, note=note, **fields)


@transaction.atomic
def _resident_update(*, resident: Resident, by, note: str = "", **fields) -> Resident:
    ensure_may(by, resident.grid)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.status != ResidentStatus.LIVING:
        raise ValidationError(_("Only people living here can be changed."))
    household = Household.objects.select_for_update().get(pk=resident.household_id)
    data = _clean_resident_fields(fields, resident=resident, household=household, by=by)
    before = _snapshot(resident)
    for name, value in data.items():
        setattr(resident, name, value)
    resident = _save(resident, ChangeKind.UPDATE, by, before, note)
    if household.head_id == resident.pk and resident.relation != Relation.HEAD:
        _set_head(household, None, by)  # the head named another relation: headless now
    _arrive(household, resident, by)
    return resident


def _arrive(household: Household, resident: Resident, by) -> None:
    """Someone who comes (or is named) "head" heads a household without one; where
    the household has a head, `_move` made them "other" and the checks refused it."""
    if resident.relation == Relation.HEAD and household.head_id is None:
        _set_head(household, resident, by)


def _move(resident: Resident, household: Household, kind: str, by) -> Resident:
    before = _snapshot(resident)
    resident.household = household
    resident.grid_id = household.grid_id
    if resident.relation == Relation.HEAD and household.head_id not in (None, resident.pk):
        resident.relation = Relation.OTHER
    resident.save(update_fields=["household", "grid", "relation", "updated_at"])
    _log(resident, kind, _diff(before, resident), by)
    return resident


def _living_resident(resident: Resident) -> Resident:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.status == ResidentStatus.MOVED_OUT:
        raise ValidationError(_("%(name)s has already moved out.") % {"name": resident.name})
    if resident.status == ResidentStatus.DECEASED:
        raise ValidationError(_("%(name)s is recorded as deceased.") % {"name": resident.name})
    return resident


@transaction.atomic
def resident_move_within(*, resident: Resident, household: Household, by) -> Resident:
    """Move a living resident to another household in the district."""
    ensure_may(by, resident.grid)
    ensure_may(by, household.grid)
    resident = _living_resident(resident)
    if household.pk == resident.household_id:
        raise ValidationError(
            _("%(name)s already lives in this household.") % {"name": resident.name}
        )
    if household.dissolved_at:
        raise ValidationError(_("This household is dissolved; choose another."))
    old = resident.household
    household = Household.objects.select_for_update().get(pk=household.pk)
    _move(resident, household, ChangeKind.MOVE_WITHIN, by)
    if old.head_id == resident.pk:
        _set_head(old, None, by)
    _arrive(household, resident, by)
    return resident


def _leave(
    resident: Resident, status: str, date_field: str, on: date, kind: str, by, note: str
) -> Resident:
    if on > timezone.localdate():
        raise ValidationError({date_field: _("The date cannot be in the future.")})
    if on < resident.birth_date:
        raise ValidationError({date_field: _("The date cannot be before the birth date.")})
    if resident.moved_in_on and on < resident.moved_in_on:
        raise ValidationError(
            {
                date_field: _("The date cannot be before the move-in (%(date)s).")
                % {"date": resident.moved_in_on.isoformat()}
            }
        )
    before = _snapshot(resident)
    resident.status = status
    setattr(resident, date_field, on)
    resident.save(update_fields=["status", date_field, "updated_at"])
    _log(resident, kind, _diff(before, resident), by, note)
    if resident.household.head_id == resident.pk:
        _set_head(resident.household, None, by)
    return resident


@transaction.atomic
def resident_move_out(*, resident: Resident, on: date, by, note: str = "") -> Resident:
    ensure_may(by, resident.grid)
    resident = _living_resident(resident)
    return _leave(
        resident, ResidentStatus.MOVED_OUT, "moved_out_on", on, ChangeKind.MOVE_OUT, by, note
    )


@transaction.atomic
def resident_record_death(*, resident: Resident, on: date, by, note: str = "") -> Resident:
    ensure_may(by, resident.grid)
    resident = _living_resident(resident)
    return _leave(resident, ResidentStatus.DECEASED, "died_on", on, ChangeKind.DEATH, by, note)


@transaction.atomic
def resident_set_labels(*, resident: Resident, codes: list[str], by) -> Resident:
    """Set the typed labels of a living resident (derived labels follow from data)."""
    ensure_may(by, resident.grid)
    resident = _living_resident(resident)
    derived = sorted(set(codes) & DERIVED_LABELS)
    if derived:
        raise ValidationError(
            _("These labels follow from the data and cannot be set by hand: %(codes)s.")
            % {"codes": ", ".join(derived)}
        )
    labels = {label.code: label for label in Label.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - labels.keys())
    if unknown:
        raise ValidationError(_("Unknown labels: %(codes)s.") % {"codes": ", ".join(unknown)})
    current = set(resident.label_links.values_list("label__code", flat=True))
    wanted = set(codes)
    if current == wanted:
        return resident
    resident.label_links.filter(label__code__in=current - wanted).delete()
    ResidentLabel.objects.bulk_create(
        ResidentLabel(resident=resident, label=labels[code], since=timezone.localdate())
        for code in sorted(wanted - current)
    )
    _log(
        resident, ChangeKind.LABEL, {"labels": {"old": sorted(current), "new": sorted(wanted)}}, by
    )
    return resident


def labels_ensure_defaults() -> None:
    """Create the seeded labels that are missing (migrations do it on install; tests
    that flush the database and the demo call this)."""
    for order, (code, name, derived) in enumerate(SEED_LABELS, start=1):
        Label.objects.get_or_create(
            code=code, defaults={"name": name, "derived": derived, "order": order * 10}
        )


@transaction.atomic
def resident_reveal(*, resident: Resident, field: str, reason: str, by, request=None) -> str:
    """The full ID or phone number, for a person allowed to see it, with a stated reason.

    The reveal is audited (who, whom, which field, why) before the value is returned.
    """
    if field not in {"id_number", "phone"}:
        raise ValidationError({"field": _("Only the ID number or the phone can be revealed.")})
    ensure_may(by, resident.grid, REGISTRY_REVEAL_PII)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("State why you need to see it (at least %(n)s characters).")
                % {"n": MIN_REASON_LENGTH}
            }
        )
    audit_record(
        action="pii_reveal",
        actor=by,
        obj=resident,
        object_label=_label(resident),
        details={"field": field, "reason": reason[:200]},
        request=request,
    )
    return getattr(resident, field) or ""


# --- affiliations: whom a role's holder acts for ------------------------------------------


@transaction.atomic
def affiliation_set(*, grant: RoleGrant, organisation: Organisation, by) -> Affiliation:
    """The holder of `grant` acts, in that role, for `organisation` (a department, a
    property company: routing rules can send cases to its people), instead of any
    organisation before. `by` manages users where the grant lies and sees the
    organisation in the registry."""
    if by is not None:
        regions.ensure_may(by, grant.region, USER_MANAGE)
    if (
        by is not None
        and not Organisation.objects.visible_to(by).filter(pk=organisation.pk).exists()
    ):
        raise ValidationError({"organisation": _("Choose an organisation of your regions.")})
    if organisation.kind not in ACTING_KINDS:
        raise ValidationError(
            {"organisation": _("Shops and schools have no people acting for them here.")}
        )
    if grant.revoked_at is not None:
        raise ValidationError(_("This role has been revoked."))
    affiliation, _created = Affiliation.objects.update_or_create(
        grant=grant, defaults={"organisation": organisation}
    )
    _audit_affiliation(AuditAction.RECORD_UPDATE, grant, organisation, by)
    return affiliation


@transaction.atomic
def affiliation_remove(*, grant: RoleGrant, by) -> None:
    """The holder of `grant` no longer acts for an organisation in that role."""
    if by is not None:
        regions.ensure_may(by, grant.region, USER_MANAGE)
    removed = Affiliation.objects.filter(grant=grant).select_related("organisation").first()
    if removed is not None:
        removed.delete()
        _audit_affiliation(AuditAction.RECORD_DELETE, grant, removed.organisation, by)


def _audit_affiliation(action: str, grant: RoleGrant, organisation: Organisation, by) -> None:
    audit_record(
        action=action,
        actor=by,
        object_type="registry.affiliation",
        object_id=str(grant.pk),
        object_label=grant.audit_label,
        region=grant.region,
        details={
            "user_id": grant.user_id,
            "role": grant.role,
            "organisation_id": organisation.pk,
        },
    )
