import pytest
from django.test import Client

from linli.accounts.tests.support import EN


@pytest.fixture(autouse=True)
def fast_argon2(settings):
    """Cheap Argon2 hashes (see support.FastArgon2PasswordHasher)."""
    settings.PASSWORD_HASHERS = ["linli.accounts.tests.support.FastArgon2PasswordHasher"]


@pytest.fixture
def client() -> Client:
    """A browser asking for English, so tests read the English source strings."""
    return Client(**EN)
