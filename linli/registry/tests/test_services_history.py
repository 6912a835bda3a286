"""Every change leaves a RecordChange (old → new, personal data as ciphertext) and an
audit entry in the same transaction; a refused action leaves neither, and saves nothing."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.core.crypto import decrypt
from linli.registry import services
from linli.registry.choices import ChangeKind, Relation
from linli.registry.models import RecordChange, Resident
from linli.testing import registry as support
from linli.testing.registry import move_in

pytestmark = pytest.mark.usefixtures("english")

ID_NUMBER = "11010519491231002X"
PHONE, OTHER_PHONE = "13905330001", "13905330002"


@pytest.fixture
def home(world):
    return support.place(world.a1, by=world.worker_a)


def audit_since(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def everything_stored_as_text() -> str:
    """Every RecordChange and AuditEntry as it reads back, as one text."""
    rows = [
        *RecordChange.objects.values("changes", "note"),
        *AuditEntry.objects.values("object_label", "details"),
    ]
    return json.dumps(rows, ensure_ascii=False)


def test_a_move_in_logs_every_field_set_with_personal_data_encrypted(world, home):
    resident = move_in(
        home.household, id_number=ID_NUMBER, phone=PHONE, name="王芳", by=world.worker_a
    )

    (change,) = support.changes_of(resident)
    assert (change.kind, change.actor, change.grid) == (
        ChangeKind.MOVE_IN,
        world.worker_a,
        world.a1,
    )
    assert {
        "name",
        "id_number",
        "phone",
        "sex",
        "birth_date",
        "household_id",
        "grid_id",
        "relation",
        "status",
        "moved_in_on",
    } <= set(change.changes)
    assert change.changes["name"] == {"old": None, "new": "王芳"}
    assert change.changes["birth_date"] == {"old": None, "new": "1949-12-31"}
    assert change.changes["id_number"]["old"] is None
    assert decrypt(change.changes["id_number"]["new"], Resident.ID_NUMBER_CONTEXT) == ID_NUMBER
    assert decrypt(change.changes["phone"]["new"], Resident.PHONE_CONTEXT) == PHONE
    text = json.dumps(change.changes)
    assert ID_NUMBER not in text and PHONE not in text
    assert not any(k.endswith("_index") for k in change.changes), "no blind index in history"


def test_changes_of_id_number_and_phone_keep_old_and_new_as_ciphertext(home):
    resident = move_in(home.household, id_number=ID_NUMBER, phone=PHONE)
    new_number = support.id_number(date(1949, 12, 31), "female")

    services.resident_update(resident=resident, id_number=new_number, phone=OTHER_PHONE, by=None)

    change = support.changes_of(resident, ChangeKind.UPDATE)[0]
    assert set(change.changes) == {"id_number", "phone"}, "birth date and sex did not change"
    text = json.dumps(change.changes)
    for plain in (ID_NUMBER, new_number, PHONE, OTHER_PHONE):
        assert plain not in text
    ids, phones = change.changes["id_number"], change.changes["phone"]
    assert decrypt(ids["old"], Resident.ID_NUMBER_CONTEXT) == ID_NUMBER
    assert decrypt(ids["new"], Resident.ID_NUMBER_CONTEXT) == new_number
    assert decrypt(phones["old"], Resident.PHONE_CONTEXT) == PHONE
    assert decrypt(phones["new"], Resident.PHONE_CONTEXT) == OTHER_PHONE


def test_a_removed_phone_is_logged_as_ciphertext_to_none(home):
    resident = move_in(home.household, phone=PHONE)

    services.resident_update(resident=resident, phone=None, by=None)

    (change,) = support.changes_of(resident, ChangeKind.UPDATE)
    assert change.changes["phone"]["new"] is None
    assert decrypt(change.changes["phone"]["old"], Resident.PHONE_CONTEXT) == PHONE


def test_an_update_that_changes_nothing_logs_no_fields(home):
    resident = move_in(home.household, phone=PHONE)

    services.resident_update(resident=resident, phone=PHONE, name=resident.name, by=None)

    (change,) = support.changes_of(resident, ChangeKind.UPDATE)
    assert change.changes == {}


def test_each_change_also_writes_an_audit_entry_with_a_masked_label(world, home):
    seq = last_seq()

    resident = move_in(
        home.household, id_number=ID_NUMBER, phone=PHONE, name="王芳", by=world.worker_a
    )
    services.resident_update(resident=resident, phone=OTHER_PHONE, by=world.worker_a)

    entries = [e for e in audit_since(seq) if e.object_type == "registry.resident"]
    assert [e.action for e in entries] == ["record_create", "record_update"]
    create, update = entries
    assert create.object_label == "王** 110105********002X"
    assert (create.actor, create.region, create.object_id) == (
        world.worker_a,
        world.a1,
        str(resident.pk),
    )
    assert create.details["change"] == "move_in"
    assert "id_number" in create.details["fields"]
    assert update.details == {"change": "update", "fields": ["phone"]}
    # the household got its head: logged and audited too
    household_entries = [e for e in audit_since(seq) if e.object_type == "registry.household"]
    assert [e.details["fields"] for e in household_entries] == [["head_id"]]


def test_the_history_and_audit_trail_hold_no_plaintext_personal_data(world, home):
    resident = move_in(home.household, id_number=ID_NUMBER, phone=PHONE, by=world.worker_a)
    services.resident_update(resident=resident, phone=OTHER_PHONE, by=world.worker_a)
    services.resident_reveal(
        resident=resident, field="id_number", reason="核实身份", by=world.worker_a
    )
    services.resident_reveal(resident=resident, field="phone", reason="电话回访", by=world.worker_a)
    services.resident_move_out(resident=resident, on=timezone.localdate(), by=world.worker_a)

    text = everything_stored_as_text()
    for plain in (ID_NUMBER, PHONE, OTHER_PHONE):
        assert plain not in text


@pytest.mark.parametrize(
    "act",
    [
        lambda w, h, r, o: services.building_create(
            grid=w.a1, name="9号楼", address="x", floors=3, by=None
        ),
        lambda w, h, r, o: services.house_create(
            building=h.building, floor=2, number="201", by=None
        ),
        lambda w, h, r, o: services.household_create(house=h.house, by=None),
        lambda w, h, r, o: services.organisation_create(
            grid=w.a1, name="某店", kind="shop", address="x", by=None
        ),
        lambda w, h, r, o: services.record_update(record=h.house, area="88.50", by=None),
        lambda w, h, r, o: services.household_verify(household=h.household, by=None),
        lambda w, h, r, o: move_in(h.household, name="新人", relation=Relation.CHILD),
        lambda w, h, r, o: services.resident_update(resident=r, name="新名", by=None),
        lambda w, h, r, o: services.resident_move_within(resident=r, household=o, by=None),
        lambda w, h, r, o: services.resident_move_out(resident=r, on=timezone.localdate(), by=None),
        lambda w, h, r, o: services.resident_record_death(
            resident=r, on=timezone.localdate(), by=None
        ),
        lambda w, h, r, o: services.resident_set_labels(resident=r, codes=["veteran"], by=None),
        lambda w, h, r, o: services.household_merge(source=h.household, target=o, by=None),
    ],
    ids=[
        "building",
        "house",
        "household",
        "organisation",
        "record-update",
        "verify",
        "move-in",
        "update",
        "move-within",
        "move-out",
        "death",
        "labels",
        "merge",
    ],
)
def test_every_change_writes_a_record_change_and_an_audit_entry(world, home, act):
    resident = move_in(home.household)
    other = support.place(world.a1, number="102").household
    changes, seq = RecordChange.objects.count(), last_seq()

    act(world, home, resident, other)

    new_changes = list(RecordChange.objects.order_by("pk")[changes:])
    entries = audit_since(seq)
    assert new_changes, "no RecordChange written"
    assert len(entries) == len(new_changes), "one audit entry per RecordChange"
    for change, entry in zip(new_changes, entries, strict=True):
        assert entry.object_id == str(change.object_id)
        assert entry.object_type == f"registry.{change.object_type}"
        assert entry.details["change"] == change.kind
        assert entry.details["fields"] == sorted(change.changes)


# --- refused actions change nothing -------------------------------------------------------


REFUSALS = {
    "bad-id-number": lambda w, h, r: move_in(h.household, id_number="370306199002301234"),
    "duplicate": lambda w, h, r: move_in(h.household, id_number=r.id_number),
    "birth-date-mismatch": lambda w, h, r: services.resident_move_in(
        household=h.household,
        name="甲",
        id_number=support.id_number(),
        birth_date=date(1981, 1, 1),
        relation=Relation.CHILD,
        by=None,
    ),
    "bad-phone": lambda w, h, r: services.resident_update(resident=r, phone="12345", by=None),
    "future-move-out": lambda w, h, r: services.resident_move_out(
        resident=r, on=timezone.localdate() + timedelta(days=1), by=None
    ),
    "derived-label": lambda w, h, r: services.resident_set_labels(
        resident=r, codes=["disabled", "elderly"], by=None
    ),
    "unknown-label": lambda w, h, r: services.resident_set_labels(
        resident=r, codes=["disabled", "nope"], by=None
    ),
    "split-everyone": lambda w, h, r: services.household_split(
        household=h.household, member_ids=[r.pk], head_id=r.pk, house=h.house, by=None
    ),
    "reveal-without-reason": lambda w, h, r: services.resident_reveal(
        resident=r, field="phone", reason="  ", by=w.worker_a
    ),
    "out-of-scope": lambda w, h, r: services.resident_update(
        resident=r, name="改名", by=w.worker_b
    ),
    "grid-worker-reveal": lambda w, h, r: services.resident_reveal(
        resident=r, field="id_number", reason="核实身份", by=w.grid_worker_a1
    ),
}


@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_action_saves_nothing_and_leaves_history_and_audit_unchanged(
    world, home, refusal
):
    resident = move_in(home.household, phone=PHONE)
    before = support.state()
    counts = (RecordChange.objects.count(), AuditEntry.objects.count())

    with pytest.raises((ValidationError, PermissionDenied)):
        refusal(world, home, resident)

    assert (RecordChange.objects.count(), AuditEntry.objects.count()) == counts
    assert support.state() == before


def test_a_failure_after_the_first_write_rolls_everything_back(world, home, monkeypatch):
    """The services are atomic: if logging the last step fails, the earlier steps
    (here the split's new household and the first member's move) are undone too."""
    move_in(home.household)
    son = move_in(home.household, name="张伟", relation=Relation.CHILD)
    before = support.state()
    real_set_head = services._set_head

    def failing_set_head(household, head, by):
        real_set_head(household, head, by)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_set_head", failing_set_head)

    with pytest.raises(RuntimeError):
        services.household_split(
            household=home.household, member_ids=[son.pk], head_id=son.pk, house=home.house, by=None
        )

    assert support.state() == before
