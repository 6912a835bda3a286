"""The district a deployment serves comes from LINLI_DISTRICT, checked at start-up."""

import os
import subprocess
import sys

import pytest

from linli.regions.selectors import district, district_path


def test_the_district_is_the_demos_by_default(world):
    assert district_path() == "370306"
    assert district() == world.district


def test_another_district_is_read_from_the_setting(world, settings):
    settings.LINLI_DISTRICT = "370303000000"  # 张店区

    assert district_path() == "370303"


@pytest.mark.parametrize("code", ["370306", "370306001000", "370300000000", "3703060000000", "x"])
def test_a_code_that_is_not_a_districts_stops_the_start(code):
    env = {**os.environ, "LINLI_DISTRICT": code, "LINLI_SECRET_KEY": "x"}
    done = subprocess.run(
        [sys.executable, "-c", "import linli.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "LINLI_DISTRICT must be a district's 12-digit division code" in done.stderr
