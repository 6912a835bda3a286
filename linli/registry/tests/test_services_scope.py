"""Who may change what: scoping of every registry service, and revealing personal data."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.registry import services
from linli.registry.choices import Relation
from linli.testing import registry as support
from linli.testing.registry import move_in

pytestmark = pytest.mark.usefixtures("english")

ID_NUMBER = "11010519491231002X"
PHONE = "13905330001"


@pytest.fixture
def a_home(world):
    return support.place(world.a1)


@pytest.fixture
def b_home(world):
    return support.place(world.b1)


@pytest.fixture
def b_people(b_home):
    head = move_in(b_home.household, name="周大", id_number=ID_NUMBER, phone=PHONE)
    child = move_in(b_home.household, name="周二", relation=Relation.CHILD)
    return head, child


ACTIONS_ON_B = {
    "building": lambda w, h, p, a: services.building_create(
        grid=w.b1, name="9号楼", address="x", floors=3, by=w.worker_a
    ),
    "house": lambda w, h, p, a: services.house_create(
        building=h.building, floor=2, number="201", by=w.worker_a
    ),
    "household": lambda w, h, p, a: services.household_create(house=h.house, by=w.worker_a),
    "organisation": lambda w, h, p, a: services.organisation_create(
        grid=w.b1, name="某店", kind="shop", address="x", by=w.worker_a
    ),
    "record-update": lambda w, h, p, a: services.record_update(
        record=h.building, floors=9, by=w.worker_a
    ),
    "verify": lambda w, h, p, a: services.household_verify(household=h.household, by=w.worker_a),
    "move-in": lambda w, h, p, a: move_in(h.household, name="外来", by=w.worker_a),
    "update": lambda w, h, p, a: services.resident_update(
        resident=p[0], name="改名", by=w.worker_a
    ),
    "move-out": lambda w, h, p, a: services.resident_move_out(
        resident=p[0], on=timezone.localdate(), by=w.worker_a
    ),
    "death": lambda w, h, p, a: services.resident_record_death(
        resident=p[0], on=timezone.localdate(), by=w.worker_a
    ),
    "move-b-to-a": lambda w, h, p, a: services.resident_move_within(
        resident=p[1], household=a.household, by=w.worker_a
    ),
    "labels": lambda w, h, p, a: services.resident_set_labels(
        resident=p[0], codes=["disabled"], by=w.worker_a
    ),
    "split": lambda w, h, p, a: services.household_split(
        household=h.household, member_ids=[p[1].pk], head_id=p[1].pk, house=h.house, by=w.worker_a
    ),
    "split-into-a": lambda w, h, p, a: services.household_split(
        household=h.household, member_ids=[p[1].pk], head_id=p[1].pk, house=a.house, by=w.worker_b
    ),
    "merge-b-into-a": lambda w, h, p, a: services.household_merge(
        source=h.household, target=a.household, by=w.worker_a
    ),
    "reveal": lambda w, h, p, a: services.resident_reveal(
        resident=p[0], field="id_number", reason="核实身份", by=w.worker_a
    ),
}


@pytest.mark.parametrize("action", ACTIONS_ON_B.values(), ids=ACTIONS_ON_B.keys())
def test_a_worker_of_a_cannot_act_on_bs_records(world, a_home, b_home, b_people, action):
    move_in(a_home.household, name="车大")
    before = support.state()

    with pytest.raises(PermissionDenied):
        action(world, b_home, b_people, a_home)

    assert support.state() == before


def test_a_worker_cannot_move_their_own_resident_into_another_community(world, a_home, b_home):
    resident = move_in(a_home.household)
    before = support.state()

    with pytest.raises(PermissionDenied):
        services.resident_move_within(
            resident=resident, household=b_home.household, by=world.worker_a
        )

    assert support.state() == before


@pytest.mark.parametrize("who", ["resident_a", "auditor"])
def test_people_without_the_edit_action_change_nothing(world, a_home, who):
    before = support.state()

    with pytest.raises(PermissionDenied):
        move_in(a_home.household, by=getattr(world, who))

    assert support.state() == before


def test_the_subdistrict_admin_acts_in_both_communities(world, a_home, b_home, b_people):
    services.resident_move_within(
        resident=b_people[1], household=a_home.household, by=world.subdistrict_admin
    )

    b_people[1].refresh_from_db()
    assert b_people[1].grid == world.a1


def test_the_grid_worker_edits_in_their_grid(world, a_home):
    resident = move_in(a_home.household, by=world.grid_worker_a1)
    services.resident_update(resident=resident, phone=PHONE, by=world.grid_worker_a1)
    services.household_verify(household=a_home.household, by=world.grid_worker_a1)

    resident.refresh_from_db()
    assert resident.phone == PHONE


# --- revealing personal data ----------------------------------------------------------


def reveal_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="pii_reveal").order_by("seq"))


@pytest.mark.parametrize(("field", "value"), [("id_number", ID_NUMBER), ("phone", PHONE)])
def test_revealing_returns_the_value_and_audits_who_whom_what_and_why(
    world, b_people, field, value
):
    head = b_people[0]

    shown = services.resident_reveal(
        resident=head, field=field, reason="  上门核实身份信息  ", by=world.worker_b
    )

    assert shown == value
    (entry,) = reveal_entries()
    assert (entry.actor, entry.region, entry.object_type, entry.object_id) == (
        world.worker_b,
        world.b1,
        "registry.resident",
        str(head.pk),
    )
    assert entry.details == {"field": field, "reason": "上门核实身份信息"}
    assert entry.object_label == "周** 110105********002X"
    stored = f"{entry.object_label} {entry.details}"
    assert ID_NUMBER not in stored and PHONE not in stored


def test_the_subdistrict_admin_may_reveal_below_it(world, b_people):
    assert (
        services.resident_reveal(
            resident=b_people[0], field="phone", reason="电话回访", by=world.subdistrict_admin
        )
        == PHONE
    )


def test_a_resident_without_a_phone_reveals_an_empty_value(world, b_people):
    assert (
        services.resident_reveal(
            resident=b_people[1], field="phone", reason="电话回访", by=world.worker_b
        )
        == ""
    )
    assert len(reveal_entries()) == 1, "the attempt is audited all the same"


@pytest.mark.parametrize("reason", ["", "   ", "看看", "abc"])
def test_a_reveal_needs_a_reason_of_four_characters(world, b_people, reason):
    with pytest.raises(ValidationError) as caught:
        services.resident_reveal(
            resident=b_people[0], field="id_number", reason=reason, by=world.worker_b
        )

    assert caught.value.message_dict == {
        "reason": ["State why you need to see it (at least 4 characters)."]
    }
    assert reveal_entries() == []


def test_a_reason_that_quotes_the_number_is_masked_in_the_trail(world, b_people):
    services.resident_reveal(
        resident=b_people[0], field="phone", reason=f"核对{PHONE}是否本人", by=world.worker_b
    )

    (entry,) = reveal_entries()
    assert entry.details["reason"] == "核对139****0001是否本人"


def test_only_the_id_number_and_phone_can_be_revealed(world, b_people):
    with pytest.raises(ValidationError) as caught:
        services.resident_reveal(
            resident=b_people[0], field="birth_date", reason="核实身份", by=world.worker_b
        )

    assert caught.value.message_dict == {
        "field": ["Only the ID number or the phone can be revealed."]
    }
    assert reveal_entries() == []


@pytest.mark.parametrize("who", ["grid_worker_a1", "worker_a", "auditor", "resident_a"])
def test_people_without_reveal_in_scope_are_refused(world, a_home, b_people, who):
    mine = move_in(a_home.household, phone="13905330009", born=date(1960, 1, 1))
    target = mine if who == "grid_worker_a1" else b_people[0]

    with pytest.raises(PermissionDenied):
        services.resident_reveal(
            resident=target, field="phone", reason="核实身份", by=getattr(world, who)
        )

    assert reveal_entries() == []


def test_the_permission_is_checked_before_the_reason(world, a_home):
    """A grid worker learns nothing from the reason check: refused either way."""
    resident = move_in(a_home.household)

    with pytest.raises(PermissionDenied):
        services.resident_reveal(
            resident=resident, field="phone", reason="", by=world.grid_worker_a1
        )
