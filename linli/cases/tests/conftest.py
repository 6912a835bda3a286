import pytest

from linli.cases.models import Category


@pytest.fixture
def manhole(db) -> Category:
    """The category most tests report in: a missing manhole cover (2 h to accept)."""
    return Category.objects.get(code="manhole-cover")
