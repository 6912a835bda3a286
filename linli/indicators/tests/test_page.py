"""The indicators page as people read it."""

import re
from html import unescape

from django.test import Client


def test_the_page_shows_every_indicators_definition_in_chinese(world):
    """Not only in a tooltip (which phones and keyboards never show), not a file name."""
    client = Client()  # in Chinese
    client.force_login(world.district_admin)

    response = client.get("/indicators/")

    page = response.content.decode()

    definitions = unescape(
        re.search(r'data-testid="kpi-definitions">(.*?)</details>', page, re.S)[1]
    )
    assert response.context["indicators"]
    for indicator in response.context["indicators"]:
        assert str(indicator.name) in definitions and str(indicator.definition) in definitions
    assert "docs/" not in page
