"""The demo registry (`linli seed demo`): idempotent, scalable, and plausible: valid ID
numbers, about 20 % aged 60+, about 8 % of them living alone, labels, organisations."""

import io
import os
import re
import threading
import warnings
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F, Q

from linli.regions import demo as regions_demo
from linli.registry import demo
from linli.registry.choices import HouseholdType, Relation, ResidenceType
from linli.registry.idnumber import parse_id_number
from linli.registry.labels import years_ago
from linli.registry.models import (
    Building,
    House,
    Household,
    Organisation,
    RecordChange,
    Resident,
    ResidentLabel,
)

# With the django_db mark every test here runs with the database's migrated contents
# (labels), before any transactional test elsewhere has flushed them.
pytestmark = pytest.mark.django_db

DEMO_SIZE = demo.DEFAULT_RESIDENTS  # the shares below hold at the size the demo is made at


def seed(residents: int) -> str:
    out = io.StringIO()
    demo.seed(out, residents=residents)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Building, House, Household, Resident, ResidentLabel, Organisation)
    }


@pytest.fixture
def regions(db):
    regions_demo.seed(io.StringIO())


@pytest.fixture(scope="module")
def population(django_db_setup, django_db_blocker):
    """The default demo (20,000 residents), made once for this module's read-only
    tests inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        regions_demo.seed(io.StringIO())
        output = seed(DEMO_SIZE)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics for the rows just made
        # Few joins (nor default orderings, which join): planner statistics may lag
        # behind rows made in a transaction that is still open.
        residents = list(Resident.objects.order_by("pk"))
        facts = {
            "output": output,
            "residents": residents,
            "sizes": Counter(r.household_id for r in residents),
            "households": {
                pk: (kind, head_id)
                for pk, kind, head_id in Household.objects.order_by().values_list(
                    "pk", "kind", "head_id"
                )
            },
            "labels": Counter(ResidentLabel.objects.values_list("label__code", flat=True)),
            "organisations": list(Organisation.objects.all()),
            "grids_with_buildings": Building.objects.order_by().values("grid").distinct().count(),
            "history": RecordChange.objects.count(),
        }
        transaction.set_rollback(True)
    return facts


def test_it_makes_the_number_asked_for(population):
    assert len(population["residents"]) == DEMO_SIZE
    assert f"registry: {DEMO_SIZE} demo residents created" in population["output"]


def test_about_a_fifth_are_aged_60_or_over(population):
    # As of the demo's own fixed date, so the figure does not drift as years pass.
    cutoff = years_ago(60, today=demo.TODAY)
    elderly = [r for r in population["residents"] if r.birth_date <= cutoff]

    assert 0.17 <= len(elderly) / DEMO_SIZE <= 0.23


def test_about_8_percent_of_the_elderly_live_alone(population):
    cutoff = years_ago(60, today=demo.TODAY)
    elderly = [r for r in population["residents"] if r.birth_date <= cutoff]
    alone = [r for r in elderly if population["sizes"][r.household_id] == 1]

    assert 0.05 <= len(alone) / len(elderly) <= 0.11


def test_every_id_number_is_valid_unique_and_agrees_with_birth_date_and_sex(population):
    seen = set()
    for resident in population["residents"]:
        parsed = parse_id_number(resident.id_number, today=demo.TODAY)
        assert (parsed.birth_date, parsed.sex) == (resident.birth_date, resident.sex)
        seen.add(parsed.value)
    assert len(seen) == DEMO_SIZE


def test_id_numbers_carry_the_district_code_except_for_the_floating_population(population):
    for resident in population["residents"]:
        floating = population["households"][resident.household_id][0] == HouseholdType.FLOATING
        assert resident.id_number.startswith("370306") is not floating
        assert (resident.residence_type == ResidenceType.FLOATING) is floating


def test_phones_are_mobile_numbers_of_adults(population):
    adult = demo.TODAY - timedelta(days=18 * 365)  # the demo's own rule for "adult"
    with_phone = [r for r in population["residents"] if r.phone]

    assert all(re.fullmatch(r"1[3-9][0-9]{9}", r.phone) for r in with_phone)
    assert all(r.birth_date <= adult for r in with_phone)
    assert len(with_phone) / DEMO_SIZE > 0.6


def test_names_are_chinese(population):
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", r.name) for r in population["residents"])
    assert len({r.name[:1] for r in population["residents"]}) > 50, "many family names"


def test_every_household_has_a_head_living_in_it(population):
    by_pk = {r.pk: r for r in population["residents"]}
    for pk, (_kind, head_id) in population["households"].items():
        head = by_pk[head_id]
        assert (head.household_id, head.relation) == (pk, Relation.HEAD)
    assert population["households"].keys() == population["sizes"].keys(), "nobody is empty"


def test_typed_labels_at_realistic_rates_and_no_derived_ones_stored(population):
    labels = population["labels"]

    assert not {"elderly", "elderly_alone", "party_member"} & set(labels)
    for code, rate in demo.TYPED_LABEL_RATES.items():
        assert abs(labels[code] / DEMO_SIZE - rate) < rate * 0.5 + 0.002, code


def test_party_members_are_about_8_percent_of_adults(population):
    adult = years_ago(18, today=demo.TODAY)
    adults = [r for r in population["residents"] if r.birth_date <= adult]
    members = [r for r in adults if r.political_status == "cpc_member"]

    assert 0.05 <= len(members) / len(adults) <= 0.11


def test_buildings_in_every_grid_and_organisations(population):
    assert population["grids_with_buildings"] > 100
    assert len(population["organisations"]) > 100
    assert {o.kind for o in population["organisations"]} >= {"shop", "enterprise", "social"}


def test_the_demo_writes_no_history(population):
    assert population["history"] == 0


# --- idempotent, and grows to N --------------------------------------------------------------


def test_a_second_run_adds_nothing_and_a_larger_number_only_whats_missing(regions):
    """One test for the whole sequence, as seeding 周村区's 534 grids is the slow part."""
    seed(300)
    before = counts()
    first = set(Resident.objects.values_list("pk", flat=True))

    assert "registry: 300 residents already there" in seed(300)
    assert counts() == before
    seed(200)
    assert counts() == before, "asking for fewer removes nothing"

    assert "registry: 400 demo residents created" in seed(700)

    assert Resident.objects.count() == 700
    assert first <= set(Resident.objects.values_list("pk", flat=True)), "nothing replaced"
    numbers = [r.id_number for r in Resident.objects.all()]
    assert len(set(numbers)) == 700
    assert all(parse_id_number(n, today=demo.TODAY) for n in numbers)
    assert Organisation.objects.count() == before["Organisation"], "organisations made once"
    headless = Household.objects.filter(Q(head__isnull=True) | ~Q(head__household=F("pk")))
    assert not headless.exists(), "every household of both runs has its head"


def _no_more_family_names(*args):
    raise ValueError("no more family names")


def _generate_failing(*args):
    """The generator, failing in its process (which the test's monkeypatch does not
    reach: it is forked from the fork server, and runs what is named here)."""
    demo._plan_grid = _no_more_family_names
    demo._generate(*args)


def _generate_dying(*args):
    os._exit(3)


def test_a_failure_in_the_generator_process_is_raised_and_nothing_is_saved(regions, monkeypatch):
    monkeypatch.setattr(demo, "_generate", _generate_failing)

    with pytest.raises(RuntimeError, match=r"(?s)generator process failed.*no more family names"):
        seed(300)
    assert (Resident.objects.count(), Household.objects.count(), House.objects.count()) == (0, 0, 0)
    assert Building.objects.count() == 0


def test_a_generator_process_that_dies_is_noticed(regions, monkeypatch):
    monkeypatch.setattr(demo, "_generate", _generate_dying)

    with pytest.raises(RuntimeError, match=r"generator process ended \(exit code 3\)"):
        seed(300)
    assert Resident.objects.count() == 0


def test_without_grids_it_seeds_nothing(db):
    assert seed(100) == "registry: no grids, nothing to seed"
    assert Resident.objects.count() == 0


def test_the_generator_is_not_forked_from_a_process_with_threads(regions):
    """A web server's or the browser tests' live server's threads: a fork would copy
    them half-way (Python warns of deadlocks); the generator forks from the fork
    server instead."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="a server's")
    thread.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            seed(300)
    finally:
        stop.set()
        thread.join()
    assert Resident.objects.count() == 300
    assert not [str(w.message) for w in caught if "fork()" in str(w.message)]
