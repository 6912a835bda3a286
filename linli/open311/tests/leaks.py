"""Community B for the leak test: a service request filed there through Open311 with
B's worker's API key (a key, not a session, says who reports: anyone holding one may
post, and the request lands wherever its address is, B included); any other path
answers 404 to any method."""

from linli.accounts.services import token_create
from linli.testing.leaks import Leaks, Send


def community_b(world, made) -> Leaks:
    _token, key = token_create(user=world.worker_b, name="市南Open311", days=30, by=None)
    building = made["building"][0]
    return Leaks(
        sends={
            ("post", "open311:request-list"): Send(
                "/open311/v2/requests.json",
                {
                    "api_key": key,
                    "service_code": "manhole-cover",
                    "description": "井盖缺失",
                    "address_string": building.address,
                },
                anyone=True,
                adds_to_b=True,
                expect=200,
                by="worker_b",
            ),
        }
        | {  # any other path: the errors document, nothing done
            (method, "open311:unknown"): Send(
                "/open311/v2/tokens/1.json", anyone=True, expect=404, by="worker_b"
            )
            for method in ("post", "put", "patch", "delete")
        },
        urls={"open311:unknown": ["/open311/v2/tokens/1.json"]},
    )
