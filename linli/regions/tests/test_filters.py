"""The region field every list's filter has (linli.regions.filters.InRegion), and the
input that offers the user's regions."""

import pytest
from django.http import QueryDict
from django.template import Context, Template
from pydantic import ValidationError

from linli.regions.filters import InRegion, RegionListFilter
from linli.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_known_code_at_any_level_is_that_region_and_below(world):
    def codes(code):
        found = RegionListFilter(region=code).apply(Region.objects.all(), user=None)
        return set(found.values_list("code", flat=True))

    assert codes(world.a.code) == {world.a.code, world.a1.code}
    assert codes(world.a1.code) == {world.a1.code}
    assert world.b1.code in codes(world.subdistrict.code)


def test_an_unknown_code_is_refused_not_an_empty_list(world):
    with pytest.raises(ValidationError, match="370306001099"):
        InRegion(region="370306001099")
    filters, errors = InRegion.from_query(QueryDict("region=370306001099"))
    assert filters.region is None and len(errors) == 1


@pytest.mark.parametrize("code", ["3703", "370306001001'--", "37030600100100"])
def test_a_code_of_the_wrong_shape_is_refused(code):
    with pytest.raises(ValidationError):
        InRegion(region=code)


def test_the_region_input_offers_only_the_users_regions(world, rf):
    request = rf.get("/")
    request.user = world.worker_a
    html = Template("{% load linli_regions %}{% region_field '370306001001' %}").render(
        Context({"request": request})
    )
    assert 'value="370306001001"' in html
    assert world.a1.code in html and world.a1.name in html
    assert world.b.code not in html and world.b1.code not in html
