"""Labels: typed ones are set by staff; derived ones (60+, living alone, party member)
follow from the data, and the list filter agrees with what every page shows."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.registry import selectors, services
from linli.registry.choices import ChangeKind, Relation
from linli.registry.filters import ResidentFilter
from linli.registry.labels import DERIVED_LABELS, DERIVED_NAMES, years_ago
from linli.registry.models import Label, Resident
from linli.testing import registry as support
from linli.testing.registry import aged, move_in

pytestmark = pytest.mark.usefixtures("english")

ELDERLY, ALONE, PARTY = DERIVED_NAMES["elderly"], DERIVED_NAMES["elderly_alone"], "党员"


@pytest.fixture
def home(world):
    return support.place(world.a1)


def labels(world, resident) -> list[str]:
    """The labels the pages and the API show (through the list selector)."""
    return selectors.labels_of(selectors.resident_get(user=world.district_admin, pk=resident.pk))


# --- years_ago ------------------------------------------------------------------------


def test_years_ago_counts_whole_years_back():
    assert years_ago(60, today=date(2026, 11, 22)) == date(1966, 11, 22)


def test_years_ago_from_29_february_lands_on_28_february():
    assert years_ago(1, today=date(2028, 2, 29)) == date(2027, 2, 28)
    assert years_ago(4, today=date(2028, 2, 29)) == date(2024, 2, 29)


def test_years_ago_uses_the_sites_date_not_the_servers(settings, monkeypatch):
    """Asia/Shanghai is 8 hours ahead of a UTC server: at 20:00 UTC it is already
    tomorrow in 周村区, and ages follow the local date."""
    late_evening_utc = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: late_evening_utc)

    assert years_ago(60) == date(1966, 11, 23)


# --- derived labels ------------------------------------------------------------------


def test_the_seeded_labels_are_there_with_the_derived_ones_marked(db):
    rows = dict(Label.objects.values_list("code", "derived"))

    assert {code for code, derived in rows.items() if derived} == DERIVED_LABELS
    assert {"disabled", "veteran", "dibao", "tekun", "wubao", "youfu", "attention"} <= set(rows)
    assert list(Label.objects.filter(derived=True).values_list("name", flat=True)) == [
        "60岁以上老人",
        "独居老人",
        "党员",
    ]


def test_someone_turning_60_today_is_elderly_and_a_day_younger_is_not(world, home):
    sixty = move_in(home.household, name="甲", born=aged(60))
    younger = move_in(home.household, name="乙", born=aged(60, days=1), relation=Relation.SPOUSE)

    assert ELDERLY in labels(world, sixty)
    assert ELDERLY not in labels(world, younger)


def test_an_elderly_person_living_alone_is_labelled_until_someone_moves_in(world, home):
    old = move_in(home.household, name="王奶奶", born=aged(78), sex="female")
    assert labels(world, old) == [ELDERLY, ALONE]

    carer = move_in(home.household, name="王小", born=aged(30), relation=Relation.GRANDCHILD)
    assert labels(world, old) == [ELDERLY]

    services.resident_move_out(resident=carer, on=timezone.localdate(), by=None)
    assert labels(world, old) == [ELDERLY, ALONE]


def test_a_younger_person_living_alone_is_not_an_elderly_one(world, home):
    person = move_in(home.household, born=aged(59))

    assert labels(world, person) == []


def test_two_elderly_people_together_do_not_live_alone(world, home):
    husband = move_in(home.household, born=aged(80))
    wife = move_in(home.household, born=aged(79), sex="female", relation=Relation.SPOUSE)

    assert labels(world, husband) == labels(world, wife) == [ELDERLY]


def test_someone_who_moved_out_or_died_does_not_live_alone(world, home):
    old = move_in(home.household, born=aged(85))
    services.resident_record_death(resident=old, on=timezone.localdate(), by=None)

    assert labels(world, old) == [ELDERLY]


@pytest.mark.parametrize(
    ("status", "party"),
    [
        ("cpc_member", True),
        ("cpc_probationary", True),
        ("cyl_member", False),
        ("other_party", False),
        ("masses", False),
    ],
)
def test_party_membership_follows_political_status(world, home, status, party):
    person = move_in(home.household, born=aged(40), political_status=status)

    assert (PARTY in labels(world, person)) is party


def test_typed_labels_follow_the_derived_ones(world, home):
    person = move_in(home.household, born=aged(70), political_status="cpc_member")
    move_in(home.household, name="张二", born=aged(40), relation=Relation.CHILD)

    services.resident_set_labels(resident=person, codes=["veteran", "disabled"], by=None)

    assert labels(world, person) == [ELDERLY, PARTY, "残疾人", "退役军人"]


# --- typed labels ---------------------------------------------------------------------


def test_setting_typed_labels_adds_and_removes_and_logs_old_and_new(world, home):
    person = move_in(home.household)

    services.resident_set_labels(resident=person, codes=["disabled", "dibao"], by=world.worker_a)
    services.resident_set_labels(resident=person, codes=["dibao", "veteran"], by=world.worker_a)

    assert set(person.label_links.values_list("label__code", flat=True)) == {"dibao", "veteran"}
    assert person.label_links.get(label__code="veteran").since == timezone.localdate()
    first, second = support.changes_of(person, ChangeKind.LABEL)
    assert first.changes == {"labels": {"old": [], "new": ["dibao", "disabled"]}}
    assert second.changes == {"labels": {"old": ["dibao", "disabled"], "new": ["dibao", "veteran"]}}
    assert second.actor == world.worker_a


def test_setting_the_same_labels_again_logs_nothing(home):
    person = move_in(home.household)
    services.resident_set_labels(resident=person, codes=["disabled"], by=None)
    before = support.state()

    services.resident_set_labels(resident=person, codes=["disabled"], by=None)

    assert support.state() == before


def test_derived_labels_cannot_be_typed(home):
    person = move_in(home.household)
    before = support.state()

    with pytest.raises(ValidationError) as caught:
        services.resident_set_labels(
            resident=person, codes=["disabled", "elderly_alone", "elderly"], by=None
        )

    assert caught.value.messages == [
        "These labels follow from the data and cannot be set by hand: elderly, elderly_alone."
    ]
    assert support.state() == before


def test_unknown_labels_are_refused(home):
    person = move_in(home.household)
    before = support.state()

    with pytest.raises(ValidationError) as caught:
        services.resident_set_labels(resident=person, codes=["disabled", "vip", "abc"], by=None)

    assert caught.value.messages == ["Unknown labels: abc, vip."]
    assert support.state() == before


def test_a_deployment_may_add_its_own_typed_label(home):
    Label.objects.create(code="returnee", name="返乡人员")
    person = move_in(home.household)

    services.resident_set_labels(resident=person, codes=["returnee"], by=None)

    assert list(person.labels.values_list("name", flat=True)) == ["返乡人员"]


# --- the filter agrees with the labels shown ------------------------------------------


@pytest.fixture
def mixed(world):
    """People of every kind a derived label distinguishes, in A and B."""
    people = []
    for grid in (world.a1, world.b1):
        alone = support.place(grid, number="101").household
        people.append(move_in(alone, name="独居", born=aged(75)))
        couple = support.place(grid, number="102").household
        people.append(move_in(couple, name="老夫", born=aged(66)))
        people.append(move_in(couple, name="老妻", born=aged(60), sex="female", relation="spouse"))
        young_alone = support.place(grid, number="103").household
        people.append(move_in(young_alone, name="青年", born=aged(60, days=1)))
        family = support.place(grid, number="104").household
        people.append(move_in(family, name="党员", born=aged(45), political_status="cpc_member"))
        people.append(
            move_in(
                family,
                name="预备",
                born=aged(61),
                political_status="cpc_probationary",
                relation="parent",
            )
        )
        child = move_in(family, name="孩子", born=aged(10), relation="child")
        people.append(child)
        left = support.place(grid, number="105").household
        gone = move_in(left, name="搬走", born=aged(70))
        people.append(gone)
        services.resident_move_out(resident=gone, on=timezone.localdate(), by=None)
        widow = support.place(grid, number="106").household
        husband = move_in(widow, name="故夫", born=aged(82))
        people.append(husband)
        people.append(move_in(widow, name="遗孀", born=aged(80), sex="female", relation="spouse"))
        services.resident_record_death(resident=husband, on=timezone.localdate(), by=None)
        services.resident_set_labels(resident=child, codes=["disabled"], by=None)
    return people


@pytest.mark.parametrize("code", [*sorted(DERIVED_LABELS), "disabled"])
def test_the_label_filter_finds_exactly_the_people_labelled_so(world, mixed, code):
    name = Label.objects.get(code=code).name
    for status in (None, "living", "moved_out", "deceased"):
        shown = selectors.resident_list(
            user=world.district_admin, filters=ResidentFilter(status=status)
        )
        expected = {r.pk for r in shown if name in selectors.labels_of(r)}
        found = {
            r.pk
            for r in selectors.resident_list(
                user=world.district_admin, filters=ResidentFilter(status=status, label=[code])
            )
        }

        assert found == expected, status
        if status in (None, "living"):
            assert found, f"the world has nobody labelled {code}: the test proves nothing"


def test_the_label_filter_names_the_right_people(world, mixed):
    def names(*codes):
        filters = ResidentFilter(label=list(codes), region=world.a.code)
        return sorted(r.name for r in selectors.resident_list(user=world.worker_a, filters=filters))

    assert names("elderly") == sorted(["独居", "老夫", "老妻", "预备", "遗孀"])
    assert names("elderly_alone") == sorted(["独居", "遗孀"])
    assert names("party_member") == sorted(["党员", "预备"])
    assert names("elderly", "party_member") == ["预备"]
    assert names("disabled") == ["孩子"]
    assert Resident.objects.count() == 2 * 10
