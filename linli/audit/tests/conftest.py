import pytest
from django.test import Client

from linli.audit.tests.support import EN


@pytest.fixture
def client() -> Client:
    """A browser asking for English, so tests read the English source strings."""
    return Client(**EN)
