from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 200
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


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
