import pytest
from django.conf import settings as django_settings
from django.utils import translation

from linli.core.permissions import Role
from linli.regions.services import grid_create, regions_import
from linli.testing.registry import aged, id_number, move_in, phone, place

# 淄博市张店区: another district, for the refusals across districts
ZHANGDIAN = [
    {"code": "370303000000", "name": "张店区", "level": "district", "parent": "370300000000"},
    {"code": "370303001000", "name": "车站街道", "level": "subdistrict", "parent": "370303000000"},
    {
        "code": "370303001001",
        "name": "华光路社区居委会",
        "level": "community",
        "parent": "370303001000",
        "urban": True,
    },
]


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def volunteer(world):
    """王志强 of grid A1, 45, with a resident's account on his mobile number."""
    number = phone(21)
    resident = move_in(place(world.a1, number="201").household, name="王志强", phone=number)
    world.person("wang", Role.RESIDENT, world.a.code, phone=number)
    return resident


@pytest.fixture
def elder(world):
    """赵桂兰 of grid A1, 78."""
    return move_in(
        place(world.a1, number="301").household, name="赵桂兰", born=aged(78), sex="female"
    )


@pytest.fixture
def neighbour(world):
    """刘敏 of grid B1 (市南社区, the same district), 52."""
    return move_in(place(world.b1, number="401").household, name="刘敏", born=aged(52))


@pytest.fixture
def faraway(world):
    """孙浩 of 张店区: another district."""
    regions_import(records=ZHANGDIAN)
    from linli.regions.models import Region

    grid = grid_create(
        community=Region.objects.get(code="370303001001"), name="华光第一网格", by=None
    )
    return move_in(
        place(grid, number="501").household,
        name="孙浩",
        id_number=id_number(aged(40), "male", "370303"),
    )
