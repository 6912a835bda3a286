"""Checking a ledger's rows, writing nothing: each row against the column rules
(`_parse_row`), the file against itself (the same ID number twice, households and
heads) and against the database (`_plan`: grids the user may import into, the
buildings, houses and households that exist; people living in the district).
`validate` does all of it; the writer runs the last checks again under its lock.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.crypto import blind_index
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import may
from linli.registry import services
from linli.registry.choices import HAN, PoliticalStatus, Relation, ResidenceType
from linli.registry.idnumber import parse_id_number
from linli.registry.ledger.format import (
    ALIASES,
    DATE_FORMATS,
    HEADER_OF,
    LABEL_SEPARATORS,
    MAX_FLOOR,
    MAX_UNIT,
    VOCABULARIES,
)
from linli.registry.ledger.parse import LedgerError, _cell_rows, _columns, _header_row, _nfkc, _open
from linli.registry.models import Building, House, Household, Label, Resident
from linli.registry.permissions import REGISTRY_EDIT, REGISTRY_IMPORT, REGISTRY_VIEW

PROGRESS_EVERY = 1_000


@dataclass(slots=True)
class Problem:
    row: int  # the Excel row number (the header is row 1)
    column: str  # a ledger header, or "" for the row as a whole
    message: str

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class LedgerRow:
    row: int
    grid_code: str = ""
    building: str = ""
    unit: int = 1
    house: str = ""
    floor: int = 1
    household: str = ""
    household_kind: str | None = None  # None: not stated
    relation: str = ""
    name: str = ""
    id_number: str = ""
    id_index: str = ""
    birth_date: date | None = None
    phone: str | None = None
    ethnicity: str = HAN
    political_status: str = PoliticalStatus.MASSES
    residence_type: str = ResidenceType.REGISTERED_HERE
    moved_in_on: date | None = None
    labels: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def fail(self, column_key: str, message: str) -> None:
        self.problems.append(Problem(self.row, HEADER_OF.get(column_key, ""), str(message)))

    @property
    def location(self) -> tuple:
        return (self.grid_code, self.building, self.unit, self.house)

    @property
    def household_key(self) -> tuple:
        return (*self.location, self.household)


@dataclass
class Plan:
    """What the rows refer to: grids, and the buildings, houses and households that
    exist already (everything else named by a valid row is created)."""

    grids: dict[str, Region] = field(default_factory=dict)
    buildings: dict[tuple, Building] = field(default_factory=dict)  # (grid code, name)
    houses: dict[tuple, House] = field(default_factory=dict)  # location
    households: dict[tuple, Household] = field(default_factory=dict)  # household key
    floors: dict[tuple, int] = field(default_factory=dict)  # new buildings: (grid, name)
    units: dict[tuple, int] = field(default_factory=dict)


@dataclass
class Validation:
    total: int
    rows: list[LedgerRow]  # the valid rows, in file order
    problems: list[Problem]
    invalid_rows: int
    plan: Plan

    @property
    def new_counts(self) -> dict[str, int]:
        buildings = {(r.grid_code, r.building) for r in self.rows} - self.plan.buildings.keys()
        houses = {r.location for r in self.rows} - self.plan.houses.keys()
        households = {r.household_key for r in self.rows} - self.plan.households.keys()
        return {
            "buildings": len(buildings),
            "houses": len(houses),
            "households": len(households),
        }


def _echo(text: str) -> str:
    """A cell's text to quote in a message: never something that may be a number of a
    person (ID, phone) typed into the wrong column."""
    return "…" if sum(c.isdigit() for c in text) >= 7 else text[:20]


def _choice(row: LedgerRow, key: str, raw) -> str | None:
    text = _nfkc(raw).replace(" ", "")
    if not text:
        return None
    vocabulary = VOCABULARIES[key]
    name = text if text in vocabulary else ALIASES.get(key, {}).get(text)
    if name is None:
        allowed = "、".join(vocabulary) if len(vocabulary) <= 12 else _("see the template")
        row.fail(
            key,
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": _echo(text), "allowed": allowed},
        )
        return None
    return vocabulary[name]


def _text(row: LedgerRow, key: str, raw, max_length: int, *, required: bool, nfkc=True) -> str:
    text = _nfkc(raw) if nfkc else ("" if raw is None else str(raw).strip())
    if not text:
        if required:
            row.fail(key, _("This column is required."))
        return ""
    if len(text) > max_length:
        row.fail(key, _("At most %(n)s characters.") % {"n": max_length})
        return ""
    return text


def _date(raw) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise ValueError
    text = _nfkc(raw).split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _unit(row: LedgerRow, raw) -> int:
    text = _nfkc(raw).removesuffix("单元")
    if not text:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= MAX_UNIT:
        row.fail("unit", _("Enter a unit number from 1 to %(n)s.") % {"n": MAX_UNIT})
        return 1
    return int(text)


def _floor(number: str) -> int:
    """The floor a house number names: 301 → 3, 1502 → 15; 1 for short or odd numbers."""
    digits = number.removesuffix("室")
    if digits.isdigit() and len(digits) >= 3:
        return max(1, int(digits[:-2]))
    return 1


def _parse_row(number: int, cells: dict, labels_by_name: dict[str, Label]) -> LedgerRow:
    row = LedgerRow(row=number)
    grid = _nfkc(cells["grid"])
    if not grid:
        row.fail("grid", _("This column is required."))
    elif not (grid.isdigit() and len(grid) == 15):
        row.fail("grid", _("Enter the grid's 15-digit code."))
    else:
        row.grid_code = grid
    row.building = _text(row, "building", cells["building"], 50, required=True)
    row.unit = _unit(row, cells["unit"])
    row.house = _text(row, "house", cells["house"], 10, required=True)
    if row.house:
        row.floor = _floor(row.house)
        if row.floor > MAX_FLOOR:
            row.fail(
                "house",
                _("The floor read from this house number (%(floor)s) is above %(max)s.")
                % {"floor": row.floor, "max": MAX_FLOOR},
            )
    row.household = _text(row, "household", cells["household"], 30, required=False)
    row.household_kind = _choice(row, "household_kind", cells["household_kind"])
    relation = _choice(row, "relation", cells["relation"])
    if relation is None and not _nfkc(cells["relation"]):
        row.fail("relation", _("This column is required."))
    row.relation = relation or ""
    row.name = _text(row, "name", cells["name"], 50, required=True, nfkc=False)

    raw_id = cells["id_number"]
    if isinstance(raw_id, float):
        row.fail(
            "id_number",
            _(
                "The ID number was stored as a number and lost its last digits: format the "
                "column as text and enter it again."
            ),
        )
    elif raw_id is None or not _nfkc(raw_id):
        row.fail("id_number", _("This column is required."))
    else:
        try:
            parsed = parse_id_number("".join(_nfkc(raw_id).split()))
        except ValidationError as exc:
            row.fail("id_number", exc.messages[0])
        else:
            row.id_number, row.birth_date = parsed.value, parsed.birth_date
            row.id_index = blind_index(parsed.value, Resident.ID_NUMBER_CONTEXT)

    phone = "".join(_nfkc(cells["phone"]).replace("-", "").split())
    if phone:
        if services.PHONE.match(phone):
            row.phone = phone
        else:
            row.fail("phone", _("Enter an 11-digit mainland mobile number, e.g. 13812345678."))
    row.ethnicity = _choice(row, "ethnicity", cells["ethnicity"]) or HAN
    row.political_status = (
        _choice(row, "political_status", cells["political_status"]) or PoliticalStatus.MASSES
    )
    row.residence_type = (
        _choice(row, "residence_type", cells["residence_type"]) or ResidenceType.REGISTERED_HERE
    )
    try:
        row.moved_in_on = _date(cells["moved_in_on"])
    except ValueError:
        row.fail("moved_in_on", _("Enter a date such as 2020-05-01."))
    else:
        if row.moved_in_on and row.moved_in_on > timezone.localdate():
            row.fail("moved_in_on", _("The date cannot be in the future."))
        elif row.moved_in_on and row.birth_date and row.moved_in_on < row.birth_date:
            row.fail("moved_in_on", _("The moved-in date is before the birth date."))

    names = [n for n in LABEL_SEPARATORS.split(_nfkc(cells["labels"])) if n]
    unknown, derived = [], []
    for name in dict.fromkeys(names):
        label = labels_by_name.get(name)
        if label is None:
            unknown.append(_echo(name))
        elif label.derived:
            derived.append(name)
        else:
            row.labels.append(label.code)
    if unknown:
        row.fail("labels", _("Unknown labels: %(names)s.") % {"names": "、".join(unknown)})
    if derived:
        row.fail(
            "labels",
            _("These labels follow from the data and are not typed: %(names)s.")
            % {"names": "、".join(derived)},
        )
    return row


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def importable_grids(user):
    """Active grids where the user may both import and edit (the services check edit)."""
    return (
        Region.objects.visible_to(user, REGISTRY_IMPORT)
        .filter(level=Level.GRID, retired_at__isnull=True)
        .filter(pk__in=Region.objects.visible_to(user, REGISTRY_EDIT).values("pk"))
    )


def _plan(rows: list[LedgerRow], user) -> Plan:
    """Look up, in a few queries, every grid, building, house and household the rows name."""
    plan = Plan()
    codes = sorted({r.grid_code for r in rows if r.grid_code})
    for chunk in _chunks(codes):
        for grid in importable_grids(user).filter(code__in=chunk).select_related("parent"):
            plan.grids[grid.code] = grid
    by_grid_id = {g.pk: g for g in plan.grids.values()}
    names = defaultdict(set)
    for r in rows:
        if r.grid_code in plan.grids and r.building:
            names[r.grid_code].add(r.building)
    for code, building_names in names.items():
        for chunk in _chunks(sorted(building_names)):
            for building in Building.objects.filter(grid=plan.grids[code], name__in=chunk):
                building.grid = plan.grids[code]
                plan.buildings[(code, building.name)] = building
    building_by_id = {b.pk: b for b in plan.buildings.values()}
    for chunk in _chunks(sorted(building_by_id)):
        for house in House.objects.filter(building_id__in=chunk):
            building = building_by_id[house.building_id]
            house.building, house.grid = building, building.grid
            plan.houses[(building.grid.code, building.name, house.unit, house.number)] = house
    house_keys = {h.pk: key for key, h in plan.houses.items()}
    by_house = defaultdict(list)
    for chunk in _chunks(sorted(house_keys)):
        for household in Household.objects.filter(house_id__in=chunk, dissolved_at__isnull=True):
            household.house = plan.houses[house_keys[household.house_id]]
            household.grid = by_grid_id[household.grid_id]
            by_house[household.house_id].append(household)
    for house_id, households in by_house.items():
        location = house_keys[house_id]
        for household in sorted(households, key=lambda h: h.pk):
            plan.households.setdefault((*location, household.number), household)
        if len(households) == 1:
            plan.households.setdefault((*location, ""), households[0])
        else:  # several households and no number: which one is meant is unknown
            plan.households.setdefault((*location, ""), None)
    return plan


def _check_against_plan(rows: list[LedgerRow], plan: Plan) -> None:
    """Grids, households and heads: problems that need the database or other rows."""
    heads: dict[tuple, int] = {}
    kinds: dict[tuple, tuple[str, int]] = {}
    for r in rows:
        if r.grid_code and r.grid_code not in plan.grids:
            r.fail(
                "grid",
                _("Unknown grid %(code)s: no active grid with this code where you may import.")
                % {"code": r.grid_code},
            )
            continue
        if not (r.grid_code and r.building and r.house):
            continue
        key = r.household_key
        existing = plan.households.get(key, False)
        if existing is None:
            r.fail(
                "household",
                _("This house has several households: enter the household number (户号)."),
            )
            continue
        if r.household_kind and not existing:  # an existing household keeps its type
            if key in kinds and kinds[key][0] != r.household_kind:
                r.fail(
                    "household_kind",
                    _("The household type differs from row %(row)s of the same household.")
                    % {"row": kinds[key][1]},
                )
            else:
                kinds.setdefault(key, (r.household_kind, r.row))
        if r.relation == Relation.HEAD:
            if existing and existing.head_id:
                r.fail("relation", _("This household already has a head (户主)."))
            elif key in heads:
                r.fail(
                    "relation",
                    _("Row %(row)s is the head (户主) of the same household.")
                    % {"row": heads[key]},
                )
            else:
                heads[key] = r.row


def _check_duplicates(rows: list[LedgerRow], user) -> list[Resident]:
    """Refuse ID numbers given twice or of someone living in the district: named where
    `user` may see them, else not (services.ELSEWHERE); returns those others."""
    seen: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r.id_index:
            seen[r.id_index].append(r.row)
    for r in rows:
        others = [n for n in seen.get(r.id_index, ()) if n != r.row] if r.id_index else []
        if others:
            shown = "、".join(str(n) for n in others[:5]) + ("…" if len(others) > 5 else "")
            r.fail("id_number", _("The same ID number is in row %(rows)s.") % {"rows": shown})
    indexes = sorted(seen)
    living: dict[str, Resident] = {}
    for chunk in _chunks(indexes):
        found = (
            Resident.objects.living()
            .filter(id_number_index__in=chunk)
            .select_related("grid__parent")
        )
        living.update((twin.id_number_index, twin) for twin in found)
    elsewhere = []
    for r in rows:
        twin = living.get(r.id_index) if r.id_index else None
        if twin is None:
            continue
        if user is None or may(user, twin.grid, REGISTRY_VIEW):
            r.fail(
                "id_number",
                _(
                    "%(name)s already lives in the district with this ID number: move them "
                    "instead of registering them again."
                )
                % {"name": twin.name},
            )
        else:
            r.fail("id_number", str(services.ELSEWHERE))
            elsewhere.append(twin)
    return elsewhere


def validate(
    data: bytes, *, user, progress: Callable[[int], None] | None = None, tell: bool = True
) -> Validation:
    """Check every row of a ledger; write nothing but, with `tell`, what tells other
    communities of their people's ID numbers in it. LedgerError if the file itself is
    wrong."""
    wb, ws = _open(data)
    labels_by_name = {}
    for label in Label.objects.all():
        labels_by_name[label.name] = label
        labels_by_name.setdefault(label.code, label)
    rows: list[LedgerRow] = []
    try:
        for number, cells in _cell_rows(ws, _columns(_header_row(ws))):
            rows.append(_parse_row(number, cells, labels_by_name))
            if progress and len(rows) % PROGRESS_EVERY == 0:
                progress(len(rows))
    finally:
        wb.close()
    if not rows:
        raise LedgerError(_("The file holds no rows to import."))
    elsewhere = _check_duplicates(rows, user)
    if tell:
        services.elsewhere_told(twins=elsewhere, by=user, channel="ledger")
    plan = _plan(rows, user)
    _check_against_plan(rows, plan)
    problems = [p for r in rows for p in r.problems]
    valid = [r for r in rows if not r.problems]
    for r in valid:  # the size of the buildings to create
        key = (r.grid_code, r.building)
        if key not in plan.buildings:
            plan.floors[key] = max(plan.floors.get(key, 1), r.floor)
            plan.units[key] = max(plan.units.get(key, 1), r.unit)
    if progress:
        progress(len(rows))
    return Validation(
        total=len(rows),
        rows=valid,
        problems=problems,
        invalid_rows=len(rows) - len(valid),
        plan=plan,
    )
