"""The list base (linli.core.lists): how a console list reads its filter from the query
string, and its page size."""

from importlib import import_module
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.http import QueryDict
from django.utils import translation
from ninja import Field

from linli.core.lists import ListFilter, page_of, page_size, query_without_page

pytestmark = pytest.mark.usefixtures("english")


class Things(ListFilter):
    labels = {"name": "Name", "size": "Size", "tags": "Tags"}
    name: str | None = Field(None, max_length=5)
    size: int = Field(3, ge=1, le=9)
    tags: list[str] = Field(default_factory=list)


def read(query: str):
    return Things.from_query(QueryDict(query))


def test_nothing_asked_is_the_defaults():
    assert read("") == (Things(), [])


def test_empty_values_are_no_filter():
    things, errors = read("name=&size=&tags=&tags=")
    assert (things.name, things.size, things.tags, errors) == (None, 3, [], [])


def test_a_list_field_takes_the_parameter_repeated():
    assert read("tags=a&tags=&tags=b")[0].tags == ["a", "b"]


def test_a_wrong_field_is_reported_and_left_out_and_the_others_still_filter():
    things, errors = read("name=abc&size=12")
    assert (things.name, things.size) == ("abc", 3)
    assert errors == ["Size: at most 9"]


def test_every_wrong_field_is_reported():
    things, errors = read("name=abcdefg&size=x")
    assert things == Things()
    assert errors == ["Name: at most 5 characters", "Size: enter a whole number"]


def test_what_is_wrong_is_said_in_the_users_language():
    with translation.override("zh-hans"):
        assert read("size=0")[1] == ["Size：至少 1"]


def test_fields_it_does_not_know_are_ignored():
    assert read("page=2&other=1") == (Things(), [])


def test_the_page_size_is_the_setting(settings):
    settings.LINLI_PAGE_SIZE = 20
    assert page_size() == 20
    page = page_of(type("Request", (), {"GET": QueryDict("page=9")})(), list(range(45)))
    assert (page.number, len(page)) == (3, 5)  # beyond the end: the last page


def test_the_pagination_links_keep_the_filter_but_not_the_page(rf):
    assert query_without_page(rf.get("/x", {"name": "a", "page": "2"})) == "name=a"


def test_apply_is_each_lists_own():
    with pytest.raises(NotImplementedError):
        Things().apply([], user=None)


def every_filter() -> list[type[ListFilter]]:
    for app in apps.get_app_configs():
        if app.name.startswith("linli.") and find_spec(f"{app.name}.filters"):
            import_module(f"{app.name}.filters")
    found, todo = [], [ListFilter]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [f for f in found if f.__module__.startswith("linli.") and "tests" not in f.__module__]


def test_every_field_of_every_filter_has_a_label():
    filters = every_filter()
    assert len(filters) >= 10
    for kind in filters:
        for name in kind.model_fields:
            assert kind.label_of(name), f"{kind.__name__}.{name}"
