"""Care factories: an elder at home in a grid (a registry resident aged 60 or over),
with a profile, and a resident account for a person of the registry."""

from linli.accounts.models import RoleGrant, User
from linli.care import services
from linli.core.permissions import Role
from linli.registry.models import Resident
from linli.testing.registry import aged, move_in, place
from linli.testing.world import PASSWORD


def elder(
    grid, *, name: str = "王秀英", years: int = 78, number: str = "301", **fields
) -> Resident:
    """An elder living alone in a new house of `grid` (building 7号楼)."""
    home = place(grid, building="7号楼", number=number)
    return move_in(home.household, name=name, born=aged(years), sex="female", **fields)


def profiled(resident: Resident, **fields) -> Resident:
    """`resident` with a profile: living alone unless told, with the fields given."""
    fields.setdefault("living_situation", "alone")
    services.elder_update(resident=resident, by=None, **fields)
    return resident


def account_of(resident: Resident, username: str) -> User:
    """A resident account matched to `resident` by its mobile number, in its community."""
    assert resident.phone, "the registry person needs a mobile number"
    community = resident.grid.parent
    assert community is not None
    user = User.objects.create_user(
        username, PASSWORD, full_name=resident.name, phone=resident.phone
    )
    RoleGrant.objects.create(user=user, role=Role.RESIDENT, region=community)
    return user


def family_account(phone: str, username: str, community) -> User:
    """A 家属 account (family outside the registry, ADR 0027) with `phone`, held at
    `community`."""
    user = User.objects.create_user(username, PASSWORD, full_name="王丽", phone=phone)
    RoleGrant.objects.create(user=user, role=Role.FAMILY, region=community)
    return user
