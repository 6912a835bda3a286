"""Demo data for the registry: 周村区's buildings, houses, households and residents.

`linli seed demo` makes about 20,000 residents; `linli seed demo --residents N`
scales to millions. Rows are made in memory and written with bulk inserts in
batches (encryption and blind indexes are computed by the fields as usual); the
demo writes no change history or audit entries, as nobody changed anything yet.

The population is plausible, not real: Chinese names (Faker zh_CN), valid ID
numbers (mostly 370306 address codes), an age pyramid with about 20 % aged 60+,
about 8 % of whom live alone, typed labels at realistic rates.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from faker import Faker

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
CHUNK_RESIDENTS = 20_000
TODAY = date(2026, 11, 1)  # fixed, so the demo is the same every time
# Age bands (years) and their share of the population: 20 % are 60 or older.
AGE_BANDS = [
    ((0, 14), 0.13),
    ((15, 29), 0.15),
    ((30, 44), 0.21),
    ((45, 59), 0.29),
    ((60, 74), 0.15),
    ((75, 95), 0.07),
]
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
    """The generator's random state, name pools and ID sequences."""

    rng: random.Random
    fake: Faker
    sequence: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Faker is slow per call: draw pools once (weighted as Faker weights them).
        self.names = {
            "family": [self.fake.last_name() for _ in range(3000)],
            Sex.MALE: [self.fake.first_name_male() for _ in range(2000)],
            Sex.FEMALE: [self.fake.first_name_female() for _ in range(2000)],
        }

    def family_name(self) -> str:
        return self.rng.choice(self.names["family"])

    def given_name(self, sex: str) -> str:
        return self.rng.choice(self.names[sex])

    def birth_date(self) -> date:
        ((low, high),) = self.rng.choices(
            [b for b, _w in AGE_BANDS], weights=[w for _b, w in AGE_BANDS]
        )
        age_days = self.rng.randint(low * 365, high * 365 + 364)
        return TODAY - timedelta(days=age_days)

    def id_number(self, born: date, sex: str, county: str) -> str:
        key = (county, born)
        self.sequence[key] = self.sequence.get(key, 0) + 1
        return make_id_number(county, born, self.sequence[key], sex)

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randint(0, 999_999_999):09d}"


@dataclass
class Chunk:
    """Rows made in memory for a few grids, written together."""

    buildings: list = field(default_factory=list)
    houses: list = field(default_factory=list)
    households: list = field(default_factory=list)
    residents: list = field(default_factory=list)
    labels: list = field(default_factory=list)

    def write(self) -> int:
        with transaction.atomic():
            Building.objects.bulk_create(self.buildings, batch_size=BATCH)
            for house in self.houses:
                house.building_id = house.building.pk
            House.objects.bulk_create(self.houses, batch_size=BATCH)
            for household in self.households:
                household.house_id = household.house.pk
            Household.objects.bulk_create(self.households, batch_size=BATCH)
            for resident in self.residents:
                resident.household_id = resident.household.pk
            Resident.objects.bulk_create(self.residents, batch_size=BATCH)
            ids = [h.pk for h in self.households]
            Household.objects.filter(pk__gte=min(ids), pk__lte=max(ids)).update(
                head=Subquery(
                    Resident.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD)
                    .order_by("pk")
                    .values("pk")[:1]
                )
            )
            for link in self.labels:
                link.resident_id = link.resident.pk
            ResidentLabel.objects.bulk_create(self.labels, batch_size=BATCH)
        return len(self.residents)


def seed(stdout, *, residents: int = DEFAULT_RESIDENTS, **_options) -> None:
    """Add residents until there are `residents` of them (a second run adds nothing)."""
    existing = Resident.objects.count()
    if existing >= residents:
        stdout.write(f"registry: {existing} residents already there")
        return
    residents -= existing
    grids = list(
        Region.objects.filter(level=Level.GRID, path__startswith="370306", retired_at__isnull=True)
        .select_related("parent")
        .order_by("path")
    )
    if not grids:
        stdout.write("registry: no grids, nothing to seed")
        return
    rng = random.Random(370306 + existing)
    fake = Faker("zh_CN")
    fake.seed_instance(370306 + existing)
    plan = Plan(rng, fake)
    if existing:  # continue ID sequences after those already used on each birth date
        for row in Resident.objects.values("birth_date").annotate(n=Count("pk")).order_by():
            for county in ["370306", *OTHER_COUNTIES]:
                plan.sequence[(county, row["birth_date"])] = row["n"]
    weights = [3.0 if g.urban else 1.0 for g in grids]
    per_grid = _spread(residents, weights, rng)
    labels_ensure_defaults()
    labels = {label.code: label for label in Label.objects.all()}
    buildings_so_far = dict(Building.objects.values_list("grid").annotate(n=Count("pk")).order_by())
    made, chunk = 0, Chunk()
    for grid, count in zip(grids, per_grid, strict=True):
        if count:
            _plan_grid(chunk, grid, count, plan, labels, buildings_so_far.get(grid.pk, 0))
        if len(chunk.residents) >= CHUNK_RESIDENTS:
            made += chunk.write()
            chunk = Chunk()
    if chunk.residents:
        made += chunk.write()
    if not Organisation.objects.exists():
        _seed_organisations(grids, plan)
    stdout.write(f"registry: {made} demo residents created")


def _spread(total: int, weights: list[float], rng: random.Random) -> list[int]:
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(len(counts)), total - sum(counts)):
        counts[i] += 1
    return counts


def _plan_grid(
    chunk: Chunk, grid: Region, count: int, plan: Plan, labels: dict, buildings_before: int
) -> None:
    rng = plan.rng
    sizes = _household_sizes(count, rng)
    houses = _make_houses(chunk, grid, len(sizes), plan, buildings_before)
    for house, size in zip(houses, sizes, strict=True):
        household = Household(
            grid=grid,
            house=house,
            kind=rng.choices(
                [HouseholdType.REGISTERED, HouseholdType.RESIDENT, HouseholdType.FLOATING],
                weights=[80, 12, 8],
            )[0],
        )
        chunk.households.append(household)
        members = _members(household, size, plan)
        chunk.residents.extend(members)
        chunk.labels.extend(
            ResidentLabel(resident=r, label=labels[code], since=TODAY)
            for r in members
            for code, rate in TYPED_LABEL_RATES.items()
            if rng.random() < rate
        )


def _household_sizes(count: int, rng: random.Random) -> list[int]:
    sizes = []
    while count > 0:
        size = min(count, rng.choices([1, 2, 3, 4, 5], weights=[14, 30, 28, 18, 10])[0])
        sizes.append(size)
        count -= size
    return sizes


def _make_houses(chunk: Chunk, grid: Region, needed: int, plan: Plan, number: int) -> list[House]:
    rng = plan.rng
    street = rng.choice(STREETS)
    buildings, houses = [], []
    while len(houses) < needed:
        number += 1
        if grid.urban:
            floors, units, per_floor = rng.choice([(6, 2, 2), (6, 3, 2), (11, 2, 2), (18, 2, 4)])
            building = Building(
                grid=grid,
                name=f"{number}号楼",
                kind=BuildingType.RESIDENTIAL,
                address=f"{street}{rng.randint(1, 200)}号",
                floors=floors,
                units=units,
                **_point(grid, rng),
            )
            flats = [
                (u, f, f"{f}{k:02d}")
                for u in range(1, units + 1)
                for f in range(1, floors + 1)
                for k in range(1, per_floor + 1)
            ]
        else:
            building = Building(
                grid=grid,
                name=f"{number}号院",
                kind=BuildingType.BUNGALOW,
                address=f"{grid.parent.name.removesuffix('村委会')}{number}号",
                floors=1,
                units=1,
                **_point(grid, rng),
            )
            flats = [(1, 1, "1")]
        buildings.append(building)
        for unit, floor, flat in flats[: needed - len(houses)]:
            houses.append(
                House(
                    grid=grid,
                    building=building,
                    unit=unit,
                    floor=floor,
                    number=flat,
                    area=round(rng.uniform(45, 140), 1),
                    use=rng.choices([HouseUse.OWNER_OCCUPIED, HouseUse.RENTED], weights=[85, 15])[
                        0
                    ],
                )
            )
    chunk.buildings.extend(buildings)
    chunk.houses.extend(houses)
    return houses


def _point(grid: Region, rng: random.Random) -> dict:
    ring = grid.boundary["coordinates"][0] if grid.boundary else None
    if not ring:
        return {}
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return {
        "longitude": round(rng.uniform(min(lons), max(lons)), 6),
        "latitude": round(rng.uniform(min(lats), max(lats)), 6),
    }


def _members(household: Household, size: int, plan: Plan) -> list[Resident]:
    rng = plan.rng
    floating = household.kind == HouseholdType.FLOATING
    county = rng.choice(OTHER_COUNTIES) if floating else "370306"
    surname = plan.family_name()
    if size == 1:
        # About 8 % of the elderly live alone: with ~20 % elderly and ~5 % of people in
        # one-person households, about 3 in 10 of those households are an elderly person.
        old = rng.random() < ALONE_HOUSEHOLDS_ELDERLY
        head_born = TODAY - timedelta(days=rng.randint(*((60, 92) if old else (20, 59))) * 365)
    else:
        head_born = plan.birth_date()
        while head_born > TODAY - timedelta(days=20 * 365):
            head_born = plan.birth_date()
    people = [(Relation.HEAD, head_born, surname)]
    if size >= 2:
        spouse_born = head_born + timedelta(days=rng.randint(-5 * 365, 5 * 365))
        people.append(
            (
                Relation.SPOUSE,
                min(spouse_born, TODAY - timedelta(days=20 * 365)),
                plan.family_name(),
            )
        )
    for _ in range(size - len(people)):
        child_born = head_born + timedelta(days=rng.randint(22 * 365, 38 * 365))
        relation = Relation.CHILD if child_born < TODAY else Relation.PARENT
        if relation == Relation.PARENT:
            child_born = head_born - timedelta(days=rng.randint(22 * 365, 35 * 365))
        people.append((relation, child_born, surname))
    members = []
    for index, (relation, born, family_name) in enumerate(people):
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        if index == 1:
            sex = Sex.FEMALE if members[0].sex == Sex.MALE else Sex.MALE
        given = plan.given_name(sex)
        adult = born < TODAY - timedelta(days=18 * 365)
        members.append(
            Resident(
                grid_id=household.grid_id,
                household=household,
                name=family_name + given,
                sex=sex,
                birth_date=born,
                id_number=plan.id_number(born, sex, county),
                phone=plan.phone() if adult and rng.random() < 0.9 else None,
                relation=relation,
                moved_in_on=TODAY - timedelta(days=rng.randint(30, 9000)),
                residence_type=ResidenceType.FLOATING
                if floating
                else rng.choices(
                    [ResidenceType.REGISTERED_HERE, ResidenceType.LIVING_HERE_REGISTERED_ELSEWHERE],
                    weights=[92, 8],
                )[0],
                political_status=PoliticalStatus.CPC_MEMBER
                if adult and rng.random() < 0.08
                else PoliticalStatus.MASSES,
            )
        )
    return members


def _seed_organisations(grids: list[Region], plan: Plan) -> None:
    rng, fake = plan.rng, plan.fake
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
