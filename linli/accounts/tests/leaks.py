"""Community B for the leak test: its community worker (her grant, her access token)
and grid worker (who also lives there: two grants); signing in and out, one's own
profile and tokens, users and grants."""

from linli.accounts.models import RoleGrant
from linli.accounts.services import token_create
from linli.core.permissions import Role
from linli.testing.leaks import Leaks, Send
from linli.testing.world import PASSWORD

TOKEN_NAME = "市南对接"


def community_b(world, made) -> Leaks:
    worker = world.worker_b
    (grant,) = RoleGrant.objects.filter(user=worker)
    grid_worker = world.person("grid.b1", Role.GRID_WORKER, world.b1.code, full_name="市南网格员")
    home = RoleGrant.objects.create(user=grid_worker, role=Role.RESIDENT, region=world.b)
    token, _secret = token_create(user=worker, name=TOKEN_NAME, days=30, by=None)
    new_user = {
        "username": "shinan.new",
        "full_name": "市南新人",
        "password": PASSWORD,
        "role": "grid_worker",
        "region_code": world.b1.code,
    }
    own = {"anyone": True, "by": "worker_b"}
    return Leaks(
        objects={
            "user": [worker, grid_worker],
            "rolegrant": [grant, *grid_worker.grants.all()],
            "accesstoken": [token],
        },
        markers=[worker.username, worker.full_name, grid_worker.full_name, TOKEN_NAME],
        searches=["?q=worker.b"],
        sends={
            ("post", "accounts:login"): Send(
                "/accounts/login/", {"username": "worker.b", "password": PASSWORD}, anyone=True
            ),
            ("post", "accounts:logout"): Send("/accounts/logout/", anyone=True),
            ("post", "accounts:profile"): Send(
                "/accounts/profile/",
                {
                    "old_password": PASSWORD,
                    "new_password1": "Another-horse-43",
                    "new_password2": "Another-horse-43",
                },
                **own,
            ),
            ("post", "accounts:token-create"): Send(
                "/accounts/profile/tokens/", {"name": "对接", "days": 30}, expect=200, **own
            ),
            ("post", "accounts:token-revoke"): Send(
                f"/accounts/profile/tokens/{token.pk}/revoke/", by="worker_b"
            ),
            ("post", "accounts:user-create"): Send("/accounts/users/new/", new_user),
            ("post", "accounts:user-detail"): Send(
                f"/accounts/users/{worker.pk}/",
                {"role": "grid_worker", "region_code": world.b1.code},
            ),
            ("post", "accounts:user-set-active"): Send(
                f"/accounts/users/{worker.pk}/active/", {"active": "0"}
            ),
            ("post", "accounts:grant-revoke"): Send(f"/accounts/grants/{home.pk}/revoke/"),
            ("post", "api:user-create"): Send("/api/v1/users", new_user, expect=201),
            ("patch", "api:user-update"): Send(
                f"/api/v1/users/{worker.pk}", {"is_active": False}, expect=200
            ),
            ("post", "api:grant-create"): Send(
                f"/api/v1/users/{worker.pk}/grants",
                {"role": "grid_worker", "region_code": world.b1.code},
                expect=201,
            ),
            ("delete", "api:grant-revoke"): Send(f"/api/v1/grants/{home.pk}", expect=204),
            ("post", "api:token-create"): Send(
                "/api/v1/tokens", {"name": "对接", "days": 30}, expect=201, **own
            ),
            ("delete", "api:token-revoke"): Send(
                f"/api/v1/tokens/{token.pk}", by="worker_b", expect=204
            ),
        },
    )
