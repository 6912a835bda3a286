import pytest

from linli.notices.services import topics_ensure_defaults
from linli.testing.http import english_client  # noqa: F401
from linli.testing.registry import move_in, place


@pytest.fixture(autouse=True)
def _topics(db):
    topics_ensure_defaults()


@pytest.fixture
def homes(world):
    """Residents of community A: an elder living alone in 1号楼 (whose number is the
    resident account's), a family in 2号楼; one family in community B."""
    from linli.testing.registry import aged

    one = place(world.a1, building="1号楼", number="101")
    two = place(world.a1, building="2号楼", number="201")
    b = place(world.b1, building="9号楼", number="901")
    world.resident_a.phone = "13905330001"
    world.resident_a.save(update_fields=["phone", "phone_index"])
    elder = move_in(one.household, name="王秀兰", born=aged(78), sex="female", phone="13905330001")
    parent = move_in(two.household, name="李强", born=aged(40))
    child = move_in(two.household, name="李小明", born=aged(10), relation="child")
    other = move_in(b.household, name="赵刚", born=aged(70))
    return type(
        "Homes",
        (),
        {
            "one": one,
            "two": two,
            "b": b,
            "elder": elder,
            "parent": parent,
            "child": child,
            "other": other,
        },
    )
