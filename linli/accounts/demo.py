"""Demo users: one or more for every role, at sensible places in 周村区."""

from linli.accounts.models import RoleGrant, User
from linli.accounts.services import grant_create, user_create
from linli.core.permissions import Role
from linli.regions.models import Region

DEMO_PASSWORD = "Linli-demo-2026"

# username, full name, phone, role, region code — listed in the README.
DEMO_USERS = [
    ("admin", "平台管理员", "13805330001", Role.PLATFORM_ADMIN, "370300000000"),
    ("zhoucun", "王建国", "13805330002", Role.DISTRICT_ADMIN, "370306000000"),
    ("sichoulu", "李红梅", "13805330003", Role.SUBDISTRICT_ADMIN, "370306001000"),
    ("chezhan", "张丽", "13805330004", Role.COMMUNITY_WORKER, "370306001001"),
    ("shinan", "周芳", "13805330005", Role.COMMUNITY_WORKER, "370306001003"),
    ("chezhan.wg1", "刘强", "13805330006", Role.GRID_WORKER, "370306001001001"),
    ("zhujian", "赵明", "13805330007", Role.DEPARTMENT_HANDLER, "370306000000"),
    ("shenji", "孙静", "13805330008", Role.AUDITOR, "370306000000"),
    ("jumin", "陈秀英", "13805330009", Role.RESIDENT, "370306001001"),
]


def seed(stdout, **_options) -> None:
    created = 0
    for username, full_name, phone, role, code in DEMO_USERS:
        region = Region.objects.get(code=code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user_create(
                username=username,
                full_name=full_name,
                phone=phone,
                password=DEMO_PASSWORD,
                role=role,
                region=region,
                by=None,
            )
            created += 1
        elif not RoleGrant.objects.active().filter(user=user, role=role, region=region).exists():
            grant_create(user=user, role=role, region=region, by=None)
    stdout.write(f"accounts: {created} demo users created (password {DEMO_PASSWORD})")
