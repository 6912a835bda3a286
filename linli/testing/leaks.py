"""The leak test's contract: what each app gives the walker in
linli/core/tests/test_leaks.py.

An app that owns region-scoped models or routes that change something has a module
`tests/leaks.py` with

    def community_b(world, made: dict[str, list]) -> Leaks

which makes its objects in community B (`world.b`, grid `world.b1`) through its
services and says what only B's objects show. `made` holds what the apps before it
(in INSTALLED_APPS order, the order of the layers) made, by model name, so a grid
worker's visit can be paid to the registry's household. The walker finds these
modules itself: core imports no app, and a new app edits no other app's tests.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Send:
    """A valid request to a route that changes something (POST, PATCH, PUT, DELETE),
    aimed at one of B's objects (in the URL, or in the body for routes without
    parameters). The body is JSON for /api/ URLs, form fields otherwise; `data` may be
    a function returning them (fresh uploads for each request).

    Sent by each outsider, it must change nothing of B and show nothing of it, and
    when B's object is in the URL it must be refused: 404 (403 where they hold the
    action nowhere). Sent by `by` (a `world` person of B, or above it), it must answer
    `expect` and change the data: so the request is known to be good, and what the
    outsider met was the scope check.

    `anyone`: the route is for everybody (signing in, one's own profile, tokens and
    notifications, searches, uploads checked row by row): an outsider is not refused,
    but the answer must show nothing of B and B must stay as it was — unless
    `adds_to_b`: public reporting files a case wherever it is, B included.
    """

    url: str
    data: dict | Callable[[], dict] = field(default_factory=dict)
    by: str = "subdistrict_admin"
    expect: int = 302
    anyone: bool = False
    adds_to_b: bool = False

    def body(self) -> dict:
        return self.data() if callable(self.data) else self.data


@dataclass
class Leaks:
    """One app's part of community B.

    - `objects`: B's objects by model name (`model._meta.model_name`); every model
      with `visible_to` needs one.
    - `markers`: text that only B's objects show (names, notes, masked numbers).
    - `sends`: a valid request for each (method, view name) of the app's routes that
      change something, e.g. `("post", "cases:case-accept")`, `("patch",
      "api:grid-update")`.
    - `urls`: view name → the URLs to GET for routes with several parameters, which
      the walker cannot fill by itself (a case's photo).
    - `searches`: query strings that would find B's objects in a list.
    - `shows_divisions`: view names that list the district's divisions by name and
      code for anyone (the public report form): there B's name and code are no leak.
    """

    objects: dict[str, list[Any]] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)
    sends: dict[tuple[str, str], Send] = field(default_factory=dict)
    urls: dict[str, list[str]] = field(default_factory=dict)
    searches: list[str] = field(default_factory=list)
    shows_divisions: set[str] = field(default_factory=set)

    def add(self, other: "Leaks") -> None:
        for name, objects in other.objects.items():
            self.objects.setdefault(name, []).extend(objects)
        self.markers += other.markers
        clash = self.sends.keys() & other.sends.keys()
        assert not clash, f"Two apps send to {sorted(clash)}"
        self.sends.update(other.sends)
        self.urls.update(other.urls)
        self.searches += other.searches
        self.shows_divisions |= other.shows_divisions
