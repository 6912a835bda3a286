"""The `world` of the tests: a small real region tree and one person for each role.

The tree (codes and names from 周村区):
    淄博市 3703 › 周村区 370306
        › 丝绸路街道 370306001 › 车站社区 (A) 370306001001 › grid A1
                               › 市南社区 (B) 370306001003 › grid B1
        › 大街街道 370306002 › 丝绸社区 370306002001

Community B is what the leak test guards: everyone but B's own staff (the
subdistrict admin, `worker_b`, B's grid worker) is an outsider to it.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

from linli.accounts.models import RoleGrant, User
from linli.cases.services import categories_ensure_defaults
from linli.core.permissions import Role
from linli.devices.services import profiles_ensure_defaults
from linli.regions.models import Region
from linli.regions.services import grid_create, regions_import
from linli.registry.services import labels_ensure_defaults

TREE = [
    {"code": "370300000000", "name": "淄博市", "level": "city", "parent": None},
    {"code": "370306000000", "name": "周村区", "level": "district", "parent": "370300000000"},
    {
        "code": "370306001000",
        "name": "丝绸路街道",
        "level": "subdistrict",
        "parent": "370306000000",
    },
    {"code": "370306002000", "name": "大街街道", "level": "subdistrict", "parent": "370306000000"},
    {
        "code": "370306001001",
        "name": "车站社区居委会",
        "level": "community",
        "parent": "370306001000",
        "urban": True,
    },
    {
        "code": "370306001003",
        "name": "市南社区居委会",
        "level": "community",
        "parent": "370306001000",
        "urban": True,
    },
    {
        "code": "370306002001",
        "name": "丝绸社区居委会",
        "level": "community",
        "parent": "370306002000",
        "urban": True,
    },
]
PASSWORD = "Correct-horse-42"


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at a tiny cost: same algorithm and hash format, ~1000× faster.

    Production Argon2 takes ~0.3 s a hash and the `world` fixture alone makes ten.
    """

    time_cost = 1
    memory_cost = 8
    parallelism = 1


class World:
    """Handles on the fixture tree and its people."""

    def region(self, code: str) -> Region:
        return Region.objects.get(code=code)

    def person(self, username: str, role: str, code: str, **extra) -> User:
        user = User.objects.create_user(
            username, PASSWORD, full_name=extra.pop("full_name", username), **extra
        )
        RoleGrant.objects.create(user=user, role=role, region=self.region(code))
        return user


def build_world() -> World:
    labels_ensure_defaults()  # gone if an earlier transactional test flushed the database
    categories_ensure_defaults()
    profiles_ensure_defaults()
    regions_import(records=TREE)
    w = World()
    w.city, w.district = w.region("370300000000"), w.region("370306000000")
    w.subdistrict, w.other_subdistrict = w.region("370306001000"), w.region("370306002000")
    w.a, w.b = w.region("370306001001"), w.region("370306001003")
    w.a1 = grid_create(community=w.a, name="车站第一网格", by=None)
    w.b1 = grid_create(community=w.b, name="市南第一网格", by=None)
    w.platform_admin = w.person("admin", Role.PLATFORM_ADMIN, "370300000000")
    w.district_admin = w.person("district", Role.DISTRICT_ADMIN, "370306000000")
    w.subdistrict_admin = w.person("sichoulu", Role.SUBDISTRICT_ADMIN, "370306001000")
    w.other_subdistrict_admin = w.person("dajie", Role.SUBDISTRICT_ADMIN, "370306002000")
    w.worker_a = w.person(
        "worker.a", Role.COMMUNITY_WORKER, "370306001001", full_name="张丽", phone="13805330004"
    )
    w.worker_b = w.person(
        "worker.b", Role.COMMUNITY_WORKER, "370306001003", full_name="周芳", phone="13805330005"
    )
    w.grid_worker_a1 = w.person("grid.a1", Role.GRID_WORKER, w.a1.code)
    w.auditor = w.person("auditor", Role.AUDITOR, "370306000000")
    w.resident_a = w.person("resident.a", Role.RESIDENT, "370306001001")
    return w
