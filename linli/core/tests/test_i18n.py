import re
from collections import Counter
from collections.abc import Collection
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings

from linli.accounts.models import User
from linli.core.permissions import Role
from linli.registry import services as registry_services
from linli.testing import cases as case_factories
from linli.testing import gridwork as gridwork_factories
from linli.testing import registry as registry_factories

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 200
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    # Once each: a merge of two branches' catalogues can leave an entry twice, which
    # msgmerge (make messages) then refuses.
    twice = Counter((e.msgctxt, e.msgid) for e in po)
    assert [key for key, n in twice.items() if n > 1] == []


def test_the_console_speaks_chinese_by_default(client, world):
    client.force_login(world.worker_a)
    page = client.get(f"/regions/{world.a.code}/").content.decode()
    assert "行政区划" in page and "退出登录" in page
    assert "Sign out" not in page


def test_the_language_switch_turns_the_console_english(client, world):
    client.force_login(world.worker_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(f"/regions/{world.a.code}/").content.decode()
    assert "Sign out" in page and "Regions" in page
    assert "退出登录" not in page


def test_api_problems_follow_the_callers_language(client):
    chinese = client.get("/api/v1/regions").json()
    english = client.get("/api/v1/regions", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["title"] == "Authentication required."
    assert chinese["title"] != english["title"]


class _VisibleText(HTMLParser):
    """The text a person sees on a page: text outside scripts and styles, and the
    attributes read out or shown (placeholder, title, aria-label, alt, button values).
    Code (`code`, `pre`) is left out."""

    SHOWN = {"placeholder", "title", "aria-label", "alt"}
    HIDDEN = {"script", "style", "template", "code", "pre"}  # code is code in any language

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        values = dict(attrs)
        self.parts += [value for name, value in attrs if name in self.SHOWN and value]
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


# Latin words allowed on a Chinese page: names of formats, products and codes.
ALLOWED = {"Linli", "Excel", "ID", "QR", "GPS", "API", "Open311", "SMS", "IP", "KPI", "PNG"}
ALLOWED |= {"OpenStreetMap", "Leaflet", "Django", "CSV", "JPEG", "WGS"}
ALLOWED |= {"CAP", "Atom", "XML"}  # the Common Alerting Protocol and its feeds (alerts)
ALLOWED |= {"Authorization", "Bearer"}  # the HTTP header a program sends
ALLOWED.add("English")  # the language switch names each language in itself
ALLOWED |= {"GB", "MZ"}  # standards' codes in scale names: GB/T 42195, MZ/T 039 (assessment)
WORD = re.compile(r"\b[A-Za-z][A-Za-z_]+\b")


def english_on(page: str, names: Collection[str] = ()) -> set[str]:
    """Latin words and raw field names (`grid_id`) a Chinese reader would see, but
    `names` (the test's usernames: data, not the interface)."""
    parser = _VisibleText()
    parser.feed(page)
    words = set(WORD.findall(" ".join(parser.parts)))
    return {word for word in words if word not in ALLOWED and word not in names}


def test_english_on_finds_words_and_field_names_a_reader_sees():
    page = (
        '<p>户 <span class="badge">grid_id</span> Select an option</p>'
        '<input placeholder="Search"><script>var notShown = 1</script><p>Excel 导出</p>'
    )
    assert english_on(page) == {"grid_id", "Select", "an", "option", "Search"}


@pytest.fixture
def walked(world):
    """Something on every page: a household verified and edited, a resident with a
    history, a case handled and closed, a patrol with a check-in, audit entries."""
    spot = registry_factories.place(world.a1, by=world.worker_a)
    person = registry_factories.move_in(spot.household, by=world.worker_a)
    registry_services.resident_update(
        resident=person, by=world.worker_a, phone=registry_factories.phone(7)
    )
    registry_services.household_verify(household=spot.household, by=world.grid_worker_a1)
    case = case_factories.through(case_factories.report(world), world, until="closed")
    patrol = gridwork_factories.started(world.a1, by=world.grid_worker_a1)
    return {
        "resident": f"/registry/residents/{person.pk}/",
        "household": f"/registry/households/{spot.household.pk}/",
        "building": f"/registry/buildings/{spot.building.pk}/",
        "case": f"/cases/{case.pk}/",
        "patrol": f"/gridwork/patrols/{patrol.pk}/",
    }


PERSONAS = [
    "platform_admin",
    "district_admin",
    "subdistrict_admin",
    "worker_a",
    "grid_worker_a1",
    "auditor",
    "resident_a",
    "department_handler",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_console_page_speaks_chinese_to_every_role(client, world, walked, persona):
    if persona == "department_handler":  # not in the world: the one role it lacks
        world.department_handler = world.person("zhujian", Role.DEPARTMENT_HANDLER, "370306000000")
    user = getattr(world, persona)
    client.force_login(user)
    home = client.get("/")
    paths = {"/", *(item["url"] for item in home.context["nav_items"]), *walked.values()}
    paths |= {"/cases/new/", "/gridwork/patrols/", "/gridwork/visits/", "/accounts/profile/"}
    names = {
        part
        for name in User.objects.values_list("username", flat=True)
        for part in WORD.findall(name)
    }
    found = {}
    for path in sorted(paths):
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        english = english_on(response.content.decode(), names)
        if english:
            found[path] = sorted(english)
    assert found == {}, found


def test_the_registrys_and_the_cases_things_to_verify_have_distinct_names(client, world):
    """待核实 (a household's data to confirm) is not 待核查 (a handled case to check)."""
    client.force_login(world.worker_a)

    page = client.get("/cases/").content.decode()

    labels = [str(item["label"]) for item in client.get("/").context["nav_items"]]
    assert "待核实的户" in labels
    boxes = page[page.index('data-testid="boxes"') :].split("</ul>")[0]
    assert "待核查" in boxes and "待核实" not in boxes
