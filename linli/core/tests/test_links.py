"""keyed_url: the same URL as `reverse`, reversed once per pattern."""

import sys

import pytest
from django.template import engines
from django.urls import NoReverseMatch, path, register_converter, reverse, set_script_prefix
from django.urls.base import set_urlconf

from linli.core.links import keyed_url


class HexConverter:
    regex = "[0-9a-f]+"

    def to_python(self, value: str) -> int:
        return int(value, 16)

    def to_url(self, value: int) -> str:
        return f"{value:x}"


register_converter(HexConverter, "hex")
urlpatterns = [path("things/<hex:pk>/", lambda request, pk: None, name="thing")]


@pytest.mark.parametrize("name", ["registry:resident-detail", "registry:household-detail"])
@pytest.mark.parametrize("key", [1, 42, 10**12])
def test_the_url_is_the_one_reverse_gives(name, key):
    assert keyed_url(name, key) == reverse(name, args=[key])


def test_the_script_prefix_of_the_request_is_kept():
    try:
        set_script_prefix("/linli/")
        assert keyed_url("registry:resident-detail", 7) == "/linli/registry/residents/7/"
    finally:
        set_script_prefix("/")
    assert keyed_url("registry:resident-detail", 7) == "/registry/residents/7/"


def test_a_key_that_is_no_number_is_refused():
    with pytest.raises(ValueError):
        keyed_url("registry:resident-detail", "7/../../admin")


def test_a_url_without_a_single_integer_key_is_refused():
    with pytest.raises(NoReverseMatch):
        keyed_url("registry:resident-list", 7)


def test_a_key_the_url_writes_otherwise_is_refused():
    set_urlconf(sys.modules[__name__])
    try:
        assert reverse("thing", args=[255]) == "/things/ff/"
        with pytest.raises(ValueError, match="single integer key"):
            keyed_url("thing", 255)
    finally:
        set_urlconf(None)


def test_the_template_tag_gives_what_the_url_tag_gives():
    template = engines["django"].from_string(
        "{% load linli_links %}{% keyed_url 'registry:household-detail' pk %}|"
        "{% url 'registry:household-detail' pk %}"
    )
    mine, django = template.render({"pk": 3}).split("|")
    assert mine == django == "/registry/households/3/"
