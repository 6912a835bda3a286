"""Pages' extension points: sections (panels) and row buttons other apps add."""

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import path

from linli.core import panels
from linli.core.panels import Panel, RowAction


def _section(request, pk):
    return HttpResponse(f"section {pk}")


urlpatterns = [
    path("things/<int:pk>/section/", _section, name="thing-section"),
    path("things/<int:pk>/act/", _section, name="thing-act"),
]


@pytest.fixture
def registered(monkeypatch):
    """A registry of this test's own, with a section and a button for "tests.thing"."""
    monkeypatch.setattr(panels, "_registered", [])
    panels.register(
        Panel("tests.thing", "Notes", "thing-section", "grid.manage"),
        RowAction("tests.thing", "Act", "thing-act", "grid.manage", order=5),
        RowAction("tests.other", "Elsewhere", "thing-act", "region.view"),
    )


def render(user, text: str) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load linli_panels %}" + text).render(Context({"request": request}))


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_shows_the_sections_and_buttons_registered_for_it(world, registered):
    page = render(world.worker_a, '{% panels "tests.thing" 7 %}|{% row_actions "tests.thing" 8 %}')

    assert 'hx-get="/things/7/section/"' in page and "Notes" in page
    assert 'href="/things/8/act/"' in page and ">Act</a>" in page
    assert "Elsewhere" not in page, "registered for another page"


@override_settings(ROOT_URLCONF=__name__)
def test_who_lacks_the_action_sees_none_of_them(world, registered):
    page = render(
        world.grid_worker_a1, '{% panels "tests.thing" 7 %}{% row_actions "tests.thing" 8 %}'
    )

    assert "things/" not in page


def test_an_unknown_action_is_refused_at_registration(monkeypatch):
    monkeypatch.setattr(panels, "_registered", [])

    with pytest.raises(LookupError, match=r"grid\.destroy"):
        panels.register(Panel("tests.thing", "Notes", "thing-section", "grid.destroy"))
