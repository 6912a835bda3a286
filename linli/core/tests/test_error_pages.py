"""The console's 403 and 404 pages, in Chinese by default and in English on request."""

FORBIDDEN = "/regions/370306001001/grids/new/"  # needs grid.manage
OUTSIDE = "/regions/370306001003/"  # community B, outside community A


def test_403_page_in_english(client, world):
    client.force_login(world.grid_worker_a1)

    response = client.get(FORBIDDEN, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="en">' in html
    assert "403 · Permission denied" in html
    assert "Your roles do not allow this action." in html
    assert 'href="/"' in html


def test_403_page_in_chinese_by_default(client, world):
    client.force_login(world.grid_worker_a1)

    response = client.get(FORBIDDEN)

    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="zh-hans">' in html
    assert "403 · " in html


def test_404_page_in_english(client, world):
    client.force_login(world.worker_a)

    response = client.get(OUTSIDE, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert "404 · Not found" in html
    assert "This page does not exist, or it lies outside the regions you may see." in html
    assert "市南" not in html


def test_404_page_in_chinese_by_default(client, world):
    client.force_login(world.worker_a)

    response = client.get(OUTSIDE)

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in html
    assert "404 · " in html
    assert "市南" not in html


def test_404_page_for_an_unknown_url(client, db):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "404 · Not found" in response.content.decode()


def test_the_language_cookie_overrides_the_browser(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.worker_a)

    response = client.get(OUTSIDE, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "404 · Not found" in response.content.decode()
