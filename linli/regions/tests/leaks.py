"""Community B for the leak test: its region, its grid, and the grid's management."""

from linli.testing.leaks import Leaks, Send
from linli.testing.shapes import square


def community_b(world, made) -> Leaks:
    b, b1 = world.b, world.b1
    return Leaks(
        objects={"region": [b, b1]},
        markers=[b.name, b.code, b1.name, b1.code],
        searches=["?q=市南社区居委会"],
        sends={
            ("post", "regions:grid-create"): Send(
                f"/regions/{b.code}/grids/new/", {"name": "市南第二网格", "boundary": ""}
            ),
            ("post", "regions:grid-edit"): Send(
                f"/regions/{b1.code}/edit/", {"name": "市南一网格", "boundary": ""}
            ),
            ("post", "regions:grid-retire"): Send(f"/regions/{b1.code}/retire/"),
            ("post", "api:grid-create"): Send(
                f"/api/v1/regions/{b.code}/grids", {"name": "市南第二网格"}, expect=201
            ),
            ("patch", "api:grid-update"): Send(
                f"/api/v1/grids/{b1.code}", {"boundary": square(117.90, 36.82)}, expect=200
            ),
            ("post", "api:grid-retire"): Send(f"/api/v1/grids/{b1.code}/retire", expect=200),
        },
    )
