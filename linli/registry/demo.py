"""Demo data for the registry: 周村区's buildings, houses, households and residents.

`linli seed demo` makes about 20,000 residents; `linli seed demo --residents N`
scales to millions. Encryption and blind indexes are computed as the fields
compute them; the demo writes no change history or audit entries, as nobody
changed anything yet.

Rows go in through `linli.core.bulk` (plain tuples, one prepared INSERT per
table), 20 chunks of about 1,000 residents per transaction. A generator process
(forked from multiprocessing's fork server) makes the chunks while this one writes them.

The population is plausible, not real: Chinese names (Faker zh_CN), valid ID
numbers (mostly 370306 address codes), an age pyramid with about 20 % aged 60+,
about 8 % of whom live alone, typed labels at realistic rates.
"""

import bisect
import gc
import itertools
import multiprocessing
import queue
import random
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count
from faker import Faker
from faker.providers.person.zh_CN import Provider as PersonProvider

from linli.core.bulk import BulkInsert, TableWriter, analyze
from linli.core.crypto import blind_index, encrypt
from linli.core.processes import forkserver
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.registry.choices import (
    BuildingType,
    HouseholdType,
    HouseUse,
    OrganisationType,
    PoliticalStatus,
    Relation,
    ResidenceType,
    Sex,
)
from linli.registry.idnumber import make_id_number
from linli.registry.models import (
    Building,
    House,
    Household,
    Label,
    Organisation,
    Resident,
    ResidentLabel,
)
from linli.registry.services import labels_ensure_defaults

DEFAULT_RESIDENTS = 20_000
BATCH = 2_000
CHUNK_RESIDENTS = 1_000  # small: the generator makes the next while one is written
CHUNKS_PER_TRANSACTION = 20
QUEUED_CHUNKS = 8  # made and not yet written
TODAY = date(2026, 11, 1)  # fixed, so the demo is the same every time
TODAY_ORDINAL, TODAY_ISO = TODAY.toordinal(), TODAY.isoformat()
# Age bands (years) and their share of the population: 20 % are 60 or older.
AGE_BANDS = [
    ((0, 14), 0.13),
    ((15, 29), 0.15),
    ((30, 44), 0.21),
    ((45, 59), 0.29),
    ((60, 74), 0.15),
    ((75, 95), 0.07),
]
BANDS = [band for band, _share in AGE_BANDS]
BAND_CUMULATIVE = list(itertools.accumulate(share for _band, share in AGE_BANDS))
ALONE_HOUSEHOLDS_ELDERLY = 0.28
TYPED_LABEL_RATES = {
    "disabled": 0.02,
    "veteran": 0.025,
    "dibao": 0.02,
    "tekun": 0.004,
    "wubao": 0.003,
    "youfu": 0.01,
    "attention": 0.005,
}
TYPED_LABEL_CUMULATIVE = list(itertools.accumulate(TYPED_LABEL_RATES.values()))
# The choices the generator writes, as plain strings: enum members pickle slowly, and
# every row crosses from the generator process to the writer.
MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value
HEAD, SPOUSE, CHILD, PARENT = (
    r.value for r in (Relation.HEAD, Relation.SPOUSE, Relation.CHILD, Relation.PARENT)
)
FLOATING_HOUSEHOLD = HouseholdType.FLOATING.value
HOUSEHOLD_TYPES = [HouseholdType.REGISTERED.value, HouseholdType.RESIDENT.value, FLOATING_HOUSEHOLD]
HOUSEHOLD_TYPE_CUMULATIVE = [80, 92, 100]
REGISTERED_HERE = ResidenceType.REGISTERED_HERE.value
REGISTERED_ELSEWHERE = ResidenceType.LIVING_HERE_REGISTERED_ELSEWHERE.value
FLOATING_RESIDENCE = ResidenceType.FLOATING.value
MASSES, CPC_MEMBER = PoliticalStatus.MASSES.value, PoliticalStatus.CPC_MEMBER.value
RESIDENTIAL, BUNGALOW = BuildingType.RESIDENTIAL.value, BuildingType.BUNGALOW.value
OWNER_OCCUPIED, RENTED = HouseUse.OWNER_OCCUPIED.value, HouseUse.RENTED.value
OTHER_COUNTIES = ["370302", "370303", "370304", "370305", "370321", "371402", "370102"]
STREETS = [
    "正阳路",
    "新建路",
    "丝绸路",
    "大街",
    "青年路",
    "永安路",
    "城北路",
    "周隆路",
    "华侨路",
    "太和路",
    "鹏程路",
    "保安街",
]


@dataclass
class Plan:
    """The generator's random state, name pools and ID sequences.

    Draws go through `rng.random()` (`number`, `pick`): `randint` and `choice` cost
    three times as much, and the generator is the seed's critical path. Dates are
    day ordinals while drawn (`birth_day`) and ISO strings in the rows, as SQLite
    stores them (PostgreSQL reads them as dates): strings cross to the writer
    faster than `date` objects.
    """

    rng: random.Random
    sequence: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Faker's own zh_CN lists, drawn from directly (Faker is slow per call): family
        # names weighted by their frequency, as Faker weights them; given names evenly.
        family = PersonProvider.last_names
        self.names = {
            "family": self.rng.choices(list(family), weights=list(family.values()), k=1000),
            MALE: list(PersonProvider.first_names_male),
            FEMALE: list(PersonProvider.first_names_female),
        }

    def number(self, low: int, high: int) -> int:
        """A whole number from low to high, both included."""
        return low + int(self.rng.random() * (high - low + 1))

    def pick(self, items: Sequence, cumulative: Sequence[float] | None = None) -> Any:
        """One of `items`, evenly or by cumulative weights (the last one the total)."""
        if cumulative is None:
            return items[int(self.rng.random() * len(items))]
        return items[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def family_name(self) -> str:
        return self.pick(self.names["family"])

    def given_name(self, sex: str) -> str:
        return self.pick(self.names[sex])

    def birth_day(self) -> int:
        low, high = self.pick(BANDS, BAND_CUMULATIVE)
        return TODAY_ORDINAL - self.number(low * 365, high * 365 + 364)

    def id_number(self, born: date, sex: str, county: str) -> str:
        key = (county, born)
        self.sequence[key] = self.sequence.get(key, 0) + 1
        return make_id_number(county, born, self.sequence[key], sex)

    def phone(self) -> str:
        return f"1{self.pick('3578')}{self.number(0, 999_999_999):09d}"


@dataclass
class ChunkRows:
    """The rows of a few grids, made by the generator process: plain tuples whose
    references to other rows of the chunk are indexes into these lists (turned into
    keys when written), personal data already encrypted and indexed."""

    buildings: list = field(default_factory=list)
    houses: list = field(default_factory=list)  # (grid, building index, …)
    households: list = field(default_factory=list)  # (grid, house index, kind, head index)
    residents: list = field(default_factory=list)  # (grid, household index, …)
    labels: list = field(default_factory=list)  # (resident index, label, since)

    def write(self, writers: "Writers") -> None:
        """Insert the chunk's rows, turning its indexes into keys."""
        building = writers.buildings.add_many(self.buildings)
        house = writers.houses.add_many([(g, building + b, *rest) for g, b, *rest in self.houses])
        resident = writers.residents.next_id
        household = writers.households.add_many(
            [(g, house + h, kind, resident + head) for g, h, kind, head in self.households]
        )
        writers.residents.add_many([(g, household + h, *rest) for g, h, *rest in self.residents])
        writers.labels.add_many([(resident + r, *rest) for r, *rest in self.labels])
        writers.flush()  # now, while the generator makes the next chunk


@dataclass
class Writers:
    """The tables the demo writes, in one transaction (`linli.core.bulk`)."""

    buildings: TableWriter
    houses: TableWriter
    households: TableWriter
    residents: TableWriter
    labels: TableWriter

    def flush(self) -> None:
        for writer in (self.buildings, self.houses, self.households, self.residents, self.labels):
            writer.flush()

    @classmethod
    def open(cls, bulk: BulkInsert) -> "Writers":
        return cls(
            bulk.table(
                Building,
                ["grid", "name", "kind", "address", "floors", "units", "longitude", "latitude"],
            ),
            bulk.table(House, ["grid", "building", "unit", "floor", "number", "area", "use"]),
            bulk.table(Household, ["grid", "house", "kind", "head"]),
            bulk.table(Resident, RESIDENT_COLUMNS, prepared=True),
            bulk.table(ResidentLabel, ["resident", "label", "since"]),
        )


RESIDENT_COLUMNS = [
    "grid",
    "household",
    "name",
    "sex",
    "birth_date",
    "id_number",
    "id_number_index",
    "phone",
    "phone_index",
    "relation",
    "moved_in_on",
    "residence_type",
    "political_status",
]


def seed(stdout, *, residents: int = DEFAULT_RESIDENTS, **_options) -> None:
    """Add residents until there are `residents` of them (a second run adds nothing).

    A second process makes the rows (names, ID numbers, encryption: most of the
    work) chunk after chunk, while this one writes the previous chunk.
    """
    grids = list(
        Region.objects.filter(level=Level.GRID, path__startswith="370306", retired_at__isnull=True)
        .select_related("parent")
        .order_by("path")
    )
    if not grids:
        stdout.write("registry: no grids, nothing to seed")
        return
    if not Organisation.objects.exists():  # shops, companies…: not a function of residents
        _seed_organisations(grids)
    existing = Resident.objects.count()
    if existing >= residents:
        stdout.write(f"registry: {existing} residents already there")
        return
    residents -= existing
    rng = random.Random(370306 + existing)
    plan = Plan(rng)
    if existing:  # continue ID sequences after those already used on each birth date
        for row in Resident.objects.values("birth_date").annotate(n=Count("pk")).order_by():
            for county in ["370306", *OTHER_COUNTIES]:
                plan.sequence[(county, row["birth_date"])] = row["n"]
    weights = [3.0 if g.urban else 1.0 for g in grids]
    per_grid = _spread(residents, weights, rng)
    labels_ensure_defaults()
    codes = dict(Label.objects.values_list("code", "pk"))
    labels = [codes[code] for code in TYPED_LABEL_RATES]  # in the order of the rates
    buildings_so_far = dict(Building.objects.values_list("grid").annotate(n=Count("pk")).order_by())
    chunks, chunk, size = [], [], 0
    for index, (grid, count) in enumerate(zip(grids, per_grid, strict=True)):
        if count:
            chunk.append((index, count, buildings_so_far.get(grid.pk, 0)))
            size += count
        if size >= CHUNK_RESIDENTS:
            chunks.append(chunk)
            chunk, size = [], 0
    if chunk:
        chunks.append(chunk)
    # The generator process is forked from multiprocessing's fork server, not from this
    # process (whose threads a fork would copy half-way: a web server's, a live
    # server's in the browser tests), with Django set up (`linli.core.processes`). It
    # needs no database: it gets the grids, labels and random state it works from,
    # pickled, and sends each chunk's rows through a bounded queue (memory stays flat
    # at a million residents). The queue is read only when the writer wants the next
    # chunk: a reader thread here would take the GIL from the writer while the
    # generator waits on the pipe.
    context = forkserver()
    made = context.Queue(maxsize=QUEUED_CHUNKS)
    generator = context.Process(
        target=_generate, args=(plan, grids, labels, chunks, made), name="linli-demo-generator"
    )
    generator.start()
    try:
        for first in range(0, len(chunks), CHUNKS_PER_TRANSACTION):
            with BulkInsert() as bulk:  # fewer, larger transactions: SQLite checkpoints less
                writers = Writers.open(bulk)
                for _chunk in chunks[first : first + CHUNKS_PER_TRANSACTION]:
                    _received(made, generator).write(writers)
        generator.join()
    finally:
        if generator.is_alive():  # the writer failed: the rest is not wanted
            generator.terminate()
            generator.join()
    analyze(Building, House, Household, Resident, ResidentLabel, Organisation)
    stdout.write(f"registry: {residents} demo residents created")


def _generate(
    plan: Plan, grids: list[Region], labels: list[int], chunks: list, made: multiprocessing.Queue
) -> None:
    """The generator process: each chunk's rows (grid index, residents, buildings the
    grid has already), or the traceback that stopped it."""
    # It makes no reference cycles, and a collection would walk the heap inherited
    # from the fork server (Django and the apps), copying every page it touches.
    gc.disable()
    try:
        for chunk in chunks:
            rows = ChunkRows()
            for index, count, buildings_before in chunk:
                _plan_grid(rows, grids[index], count, plan, labels, buildings_before)
            made.put(rows)
    except Exception:
        made.put(traceback.format_exc())


def _received(made: multiprocessing.Queue, generator: multiprocessing.Process) -> ChunkRows:
    """The generator's next chunk; its failure, or its death, raised here."""
    while True:
        try:
            rows = made.get(timeout=1)
        except queue.Empty:
            if not generator.is_alive():
                raise RuntimeError(
                    f"The demo's generator process ended (exit code {generator.exitcode})."
                ) from None
            continue
        if isinstance(rows, str):
            raise RuntimeError(f"The demo's generator process failed:\n{rows}")
        return rows


def _spread(total: int, weights: list[float], rng: random.Random) -> list[int]:
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(len(counts)), total - sum(counts)):
        counts[i] += 1
    return counts


def _plan_grid(
    rows: ChunkRows, grid: Region, count: int, plan: Plan, labels: list[int], buildings_before: int
) -> None:
    sizes = _household_sizes(count, plan)
    houses = _make_houses(rows, grid, len(sizes), plan, buildings_before)
    random = plan.rng.random
    for house, size in zip(houses, sizes, strict=True):
        kind = plan.pick(HOUSEHOLD_TYPES, HOUSEHOLD_TYPE_CUMULATIVE)
        household = len(rows.households)
        rows.households.append((grid.pk, house, kind, len(rows.residents)))  # head: first
        for member in _members(kind, size, plan):
            rows.residents.append((grid.pk, household, *member))
            # One draw: at most one typed label each.
            label = bisect.bisect(TYPED_LABEL_CUMULATIVE, random())
            if label < len(labels):
                rows.labels.append((len(rows.residents) - 1, labels[label], TODAY_ISO))


def _household_sizes(count: int, plan: Plan) -> list[int]:
    sizes = []
    while count > 0:
        size = min(count, plan.pick([1, 2, 3, 4, 5], [14, 44, 72, 90, 100]))
        sizes.append(size)
        count -= size
    return sizes


def _make_houses(rows: ChunkRows, grid: Region, needed: int, plan: Plan, number: int) -> list[int]:
    """Buildings (flats in the town, courtyards in villages) with `needed` houses; the
    houses' indexes in the chunk."""
    random = plan.rng.random
    street = plan.pick(STREETS)
    houses: list[int] = []
    while len(houses) < needed:
        number += 1
        longitude, latitude = _point(grid, plan)
        if grid.urban:
            floors, units, per_floor = plan.pick([(6, 2, 2), (6, 3, 2), (11, 2, 2), (18, 2, 4)])
            name, kind = f"{number}号楼", RESIDENTIAL
            address = f"{street}{plan.number(1, 200)}号"
            flats = [
                (u, f, f"{f}{k:02d}")
                for u in range(1, units + 1)
                for f in range(1, floors + 1)
                for k in range(1, per_floor + 1)
            ]
        else:
            floors, units = 1, 1
            name, kind = f"{number}号院", BUNGALOW
            address = f"{grid.parent.name.removesuffix('村委会')}{number}号"
            flats = [(1, 1, "1")]
        building = len(rows.buildings)
        rows.buildings.append((grid.pk, name, kind, address, floors, units, longitude, latitude))
        for unit, floor, flat in flats[: needed - len(houses)]:
            area = round(45 + random() * 95, 1)
            use = RENTED if random() < 0.15 else OWNER_OCCUPIED
            houses.append(len(rows.houses))
            rows.houses.append((grid.pk, building, unit, floor, flat, area, use))
    return houses


def _point(grid: Region, plan: Plan) -> tuple[float | None, float | None]:
    ring = grid.boundary["coordinates"][0] if grid.boundary else None
    if not ring:
        return None, None
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    random = plan.rng.random
    west, south = min(lons), min(lats)
    return (
        round(west + random() * (max(lons) - west), 6),
        round(south + random() * (max(lats) - south), 6),
    )


def _members(kind: str, size: int, plan: Plan) -> list[tuple]:
    """A household's people, head first, as values for RESIDENT_COLUMNS[2:] (ID and
    phone numbers encrypted, with their blind indexes)."""
    random = plan.rng.random
    floating = kind == FLOATING_HOUSEHOLD
    county = plan.pick(OTHER_COUNTIES) if floating else "370306"
    surname = plan.family_name()
    if size == 1:
        # About 8 % of the elderly live alone: with ~20 % elderly and ~5 % of people in
        # one-person households, about 3 in 10 of those households are an elderly person.
        low, high = (60, 92) if random() < ALONE_HOUSEHOLDS_ELDERLY else (20, 59)
        head_born = TODAY_ORDINAL - plan.number(low * 365, high * 365 + 364)
    else:
        head_born = plan.birth_day()
        while head_born > TODAY_ORDINAL - 20 * 365:
            head_born = plan.birth_day()
    people = [(HEAD, head_born, surname)]
    if size >= 2:
        spouse_born = head_born + plan.number(-5 * 365, 5 * 365)
        youngest = TODAY_ORDINAL - plan.number(20 * 365, 23 * 365)
        people.append((SPOUSE, min(spouse_born, youngest), plan.family_name()))
    for _ in range(size - len(people)):
        child_born = head_born + plan.number(22 * 365, 38 * 365)
        if child_born < TODAY_ORDINAL:
            people.append((CHILD, child_born, surname))
        else:
            people.append((PARENT, head_born - plan.number(22 * 365, 35 * 365), surname))
    members = []
    head_sex = MALE if random() < 0.5 else FEMALE
    for index, (relation, born, family_name) in enumerate(people):
        if index == 0:
            sex = head_sex
        elif index == 1:
            sex = FEMALE if head_sex == MALE else MALE
        else:
            sex = MALE if random() < 0.5 else FEMALE
        adult = born < TODAY_ORDINAL - 18 * 365
        party = adult and random() < 0.08
        if floating:
            residence = FLOATING_RESIDENCE
        elif random() < 0.08:
            residence = REGISTERED_ELSEWHERE
        else:
            residence = REGISTERED_HERE
        birth_date = date.fromordinal(born)
        number = plan.id_number(birth_date, sex, county)
        phone = plan.phone() if adult and random() < 0.9 else None
        members.append(
            (
                family_name + plan.given_name(sex),
                sex,
                birth_date.isoformat(),
                encrypt(number, Resident.ID_NUMBER_CONTEXT),
                blind_index(number, Resident.ID_NUMBER_CONTEXT),
                encrypt(phone, Resident.PHONE_CONTEXT) if phone else None,
                blind_index(phone, Resident.PHONE_CONTEXT) if phone else None,
                relation,
                date.fromordinal(TODAY_ORDINAL - plan.number(30, 9000)).isoformat(),
                residence,
                CPC_MEMBER if party else MASSES,
            )
        )
    return members


def _seed_organisations(grids: list[Region]) -> None:
    rng, fake = random.Random(3703060), Faker("zh_CN")
    fake.seed_instance(3703060)
    rows = []
    for grid in grids[::3]:
        kind = rng.choice(
            [
                OrganisationType.SHOP,
                OrganisationType.SHOP,
                OrganisationType.ENTERPRISE,
                OrganisationType.SOCIAL,
            ]
            + ([OrganisationType.PROPERTY] if grid.urban else [])
        )
        rows.append(
            Organisation(
                grid=grid,
                kind=kind,
                name=_organisation_name(kind, fake, rng),
                address=f"{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                contact_name=fake.name(),
                contact_phone=f"0533-6{rng.randint(0, 999999):06d}",
            )
        )
    Organisation.objects.bulk_create(rows, batch_size=BATCH)


def _organisation_name(kind: str, fake: Faker, rng: random.Random) -> str:
    brand = fake.last_name() + rng.choice(["记", "家", "氏", "祥", "福"])
    return {
        OrganisationType.SHOP: f"{brand}{rng.choice(['超市', '便利店', '五金店', '理发店'])}",
        OrganisationType.ENTERPRISE: f"淄博{brand}{rng.choice(['丝绸', '商贸', '机械'])}有限公司",
        OrganisationType.SOCIAL: f"周村区{rng.choice(['夕阳红', '邻里互助', '志愿'])}协会",
        OrganisationType.PROPERTY: f"淄博{brand}物业服务有限公司",
    }[kind]
