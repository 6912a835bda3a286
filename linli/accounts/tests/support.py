"""Helpers for the accounts tests."""

from linli.accounts.models import RoleGrant, User


def counts() -> tuple[int, int]:
    """Users and role grants in the database: to check nothing was half-saved."""
    return User.objects.count(), RoleGrant.objects.count()
