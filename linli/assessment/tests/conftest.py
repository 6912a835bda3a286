import pytest
from django.conf import settings as django_settings
from django.utils import translation

from linli.assessment.models import Scale
from linli.assessment.services import scales_ensure_defaults
from linli.testing.http import english_client  # noqa: F401  (the English `client`)
from linli.testing.registry import aged, move_in, place


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def gb(db) -> Scale:
    scales_ensure_defaults()  # gone if an earlier transactional test flushed the database
    return Scale.objects.get(code="gbt-42195")


@pytest.fixture
def mz(gb) -> Scale:
    return Scale.objects.get(code="mzt-039")


@pytest.fixture
def elder(world, gb):
    """An elder of 78 in community A's grid."""
    return move_in(place(world.a1).household, name="王秀兰", born=aged(78), sex="female")


@pytest.fixture
def second_a(world):
    """A second community worker of A (assessors work in twos)."""
    from linli.core.permissions import Role

    return world.person("worker.a2", Role.COMMUNITY_WORKER, world.a.code, full_name="李强")
