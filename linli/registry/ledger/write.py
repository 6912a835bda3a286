"""The writes of an import: its valid rows, set-based (`linli.core.bulk`), not row by
row through the services.

The registry tables are write-locked for the transaction and the rows are **checked
again under the lock** (duplicates, households, heads, grids), so nothing saved by
others since the first check can slip in; a row failing now sends an all-or-nothing
import back to the report with nothing saved, and is left out (and reported) in the
mode "only the valid rows". Buildings, houses and households a row names that do
not exist yet are **created**, inside grids the user may import into and edit (see
docs/registry.md for how rows are matched to existing ones). Every record created
gets its change history (note "Ledger import #id", the uploading user as the actor;
ID and phone numbers encrypted), and one audit entry (action "import") records the
import with its counts and file name, in place of the per-record entries a console
edit writes.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import home_region
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.bulk import BulkInsert
from linli.regions.choices import PATH_LENGTH
from linli.regions.models import Region
from linli.registry import services
from linli.registry.choices import ChangeKind, HouseholdType, LedgerImportMode, Relation, Sex
from linli.registry.ledger import check
from linli.registry.ledger.check import LedgerRow, Plan, Problem, Validation
from linli.registry.models import (
    Building,
    House,
    Household,
    Label,
    LedgerImport,
    RecordChange,
    Resident,
    ResidentLabel,
)


class LateProblems(Exception):
    """Rows that passed the check fail it again under the lock (someone changed the
    registry meanwhile): an all-or-nothing import saves nothing."""

    def __init__(self, problems: list[Problem]):
        super().__init__("rows failed when checked again")
        self.problems = problems


def _community_name(grid: Region) -> str:
    name = grid.parent.name if grid.parent_id else grid.name
    for suffix in ("居民委员会", "村民委员会", "居委会", "村委会"):
        name = name.removesuffix(suffix)
    return name


RESIDENT_COLUMNS = [
    "grid",
    "household",
    "name",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "ethnicity",
    "political_status",
    "residence_type",
    "relation",
    "moved_in_on",
]


@dataclass
class Writer:
    """Writes valid rows set-based (`linli.core.bulk`): what the plan lacks is created,
    each record with its change history; the import's one audit entry stands for the
    per-record entries a console edit writes."""

    bulk: BulkInsert
    user: object
    note: str
    created: dict[str, int] = field(
        default_factory=lambda: {"buildings": 0, "houses": 0, "households": 0, "residents": 0}
    )

    def __post_init__(self) -> None:
        table = self.bulk.table
        self.buildings = table(Building, ["grid", "name", "address", "floors", "units"])
        self.houses = table(House, ["grid", "building", "unit", "floor", "number"])
        self.households = table(Household, ["grid", "house", "kind", "number", "head"])
        self.residents = table(Resident, RESIDENT_COLUMNS)
        self.labels = table(ResidentLabel, ["resident", "label", "since"])
        self.history = table(
            RecordChange, ["grid", "object_type", "object_id", "kind", "changes", "note", "actor"]
        )
        self.today = timezone.localdate()
        self.label_ids = dict(Label.objects.values_list("code", "pk"))

    def _log(self, model, pk: int, grid: Region, kind: str, values: dict) -> None:
        if kind in (ChangeKind.CREATE, ChangeKind.MOVE_IN):
            changes = services.creation_changes(model, values)
        else:  # updates and labels come as {field: {"old": …, "new": …}} already
            changes = values
        self.history.add(
            grid.pk, model._meta.model_name, pk, kind, changes, self.note, self.user.pk
        )

    def _new(self, model, writer, grid: Region, values: dict) -> int:
        pk = writer.add(*values.values())
        self._log(model, pk, grid, ChangeKind.CREATE, values)
        self.created[f"{model._meta.model_name}s"] += 1
        return pk

    def write(self, rows: list[LedgerRow], plan: Plan) -> None:
        buildings = {key: b.pk for key, b in plan.buildings.items()}
        houses = {key: h.pk for key, h in plan.houses.items()}
        households = {key: h.pk for key, h in plan.households.items() if h}
        # One resident per row, written in row order: the pk each row's resident gets
        # is known before any is written, so a household names its head at once.
        first = self.residents.next_id
        heads: dict[tuple, int] = {}
        for index, r in enumerate(rows):
            if r.relation == Relation.HEAD:
                heads.setdefault(r.household_key, first + index)
        for index, r in enumerate(rows):
            grid = plan.grids[r.grid_code]
            building_key = (r.grid_code, r.building)
            if building_key not in buildings:
                values = {
                    "grid_id": grid.pk,
                    "name": r.building,
                    "address": f"{_community_name(grid)}{r.building}"[:200],
                    "floors": plan.floors.get(building_key, r.floor),
                    "units": plan.units.get(building_key, r.unit),
                }
                buildings[building_key] = self._new(Building, self.buildings, grid, values)
            if r.location not in houses:
                values = {
                    "grid_id": grid.pk,
                    "building_id": buildings[building_key],
                    "unit": r.unit,
                    "floor": r.floor,
                    "number": r.house,
                }
                houses[r.location] = self._new(House, self.houses, grid, values)
            key = r.household_key
            if key not in households:
                values = {
                    "grid_id": grid.pk,
                    "house_id": houses[r.location],
                    "kind": r.household_kind or HouseholdType.REGISTERED,
                    "number": r.household,
                    "head_id": heads.get(key),
                }
                households[key] = self._new(Household, self.households, grid, values)
            elif heads.get(key) == first + index:  # an existing household without a head
                self._set_head(households[key], grid, first + index)
            self._resident(r, grid, households[key])

    def _resident(self, r: LedgerRow, grid: Region, household: int) -> None:
        values = {
            "grid_id": grid.pk,
            "household_id": household,
            "name": r.name,
            "sex": Sex.MALE if int(r.id_number[16]) % 2 else Sex.FEMALE,
            "birth_date": r.birth_date,
            "id_number": r.id_number,
            "phone": r.phone or None,
            "ethnicity": r.ethnicity,
            "political_status": r.political_status,
            "residence_type": r.residence_type,
            "relation": r.relation,
            "moved_in_on": r.moved_in_on or self.today,
        }
        pk = self.residents.add(*values.values())
        self._log(Resident, pk, grid, ChangeKind.MOVE_IN, values)
        if r.labels:
            for code in r.labels:
                self.labels.add(pk, self.label_ids[code], self.today)
            changes = {"labels": {"old": [], "new": sorted(r.labels)}}
            self._log(Resident, pk, grid, ChangeKind.LABEL, changes)
        self.created["residents"] += 1

    def _set_head(self, household: int, grid: Region, head: int) -> None:
        """An existing household without a head gets the row's 户主 (a row per
        household: few, so one UPDATE each)."""
        Household.objects.filter(pk=household, head__isnull=True).update(
            head_id=head, updated_at=timezone.now()
        )
        self._log(
            Household,
            household,
            grid,
            ChangeKind.UPDATE,
            {"head_id": {"old": None, "new": head}},
        )


def _save(validation: Validation, *, user, imp: LedgerImport) -> list[Problem]:
    """Write the valid rows in one transaction; the rows are checked again under the
    tables' write lock first, so what others saved since the first check cannot slip
    in between. All or nothing: LateProblems if a row fails now; only the valid
    rows: those failing now are left out and returned."""
    with BulkInsert() as bulk:
        writer = Writer(bulk, user, _("Ledger import #%(id)s") % {"id": imp.pk})  # locks
        rows = validation.rows
        check._check_duplicates(rows, user)  # told at the first check; not again
        plan = check._plan(rows, user)
        check._check_against_plan(rows, plan)
        late = [p for r in rows for p in r.problems]
        if late and imp.mode == LedgerImportMode.ALL:
            raise LateProblems(late)
        rows = [r for r in rows if not r.problems]
        plan.floors, plan.units = validation.plan.floors, validation.plan.units
        writer.write(rows, plan)
        touched = {plan.grids[r.grid_code].path for r in rows}
        _audit_import(imp, user, writer.created, touched)
        imp.summary = {"created": writer.created}
    return late


def common_region(paths: Iterable[str]) -> Region | None:
    """The deepest region holding all these paths: an audit entry filed under it is
    read by those who oversee all of them."""
    paths = sorted(set(paths))
    if not paths:
        return None
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-1]
    for length in sorted(PATH_LENGTH.values(), reverse=True):
        if length <= len(prefix):
            region = Region.objects.filter(path=prefix[:length]).first()
            if region is not None:
                return region
    return None


def _audit_import(imp: LedgerImport, user, created: dict, touched: set[str]) -> None:
    audit_record(
        action=AuditAction.IMPORT,
        actor=user,
        object_type=LedgerImport._meta.label_lower,
        object_id=str(imp.pk),
        object_label=f"#{imp.pk}",
        region=common_region(touched) if touched else home_region(user=user),
        details={
            "file_name": imp.file_name[:100],
            "mode": imp.mode,
            "rows": imp.total_rows,
            "saved": created["residents"],
            "rows_with_errors": imp.invalid_rows,
            "created": created,
        },
    )
