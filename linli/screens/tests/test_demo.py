import io

from django.core.management.base import OutputWrapper

from linli.devices.tokens import token_digest
from linli.screens import demo
from linli.screens.models import Forecast, Playlist, Screen


def test_the_demo_seeds_screens_once_with_their_tokens(world, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    demo.seed(OutputWrapper(io.StringIO()))
    demo.seed(OutputWrapper(io.StringIO()))  # make demo seeds on every start
    assert Forecast.objects.filter(region=world.district).count() == 3
    assert Screen.objects.filter(region=world.a).count() == 3
    assert Screen.objects.count() == 6 and Playlist.objects.count() == 3
    lines = demo.tokens_path().read_text().splitlines()
    assert len(lines) == 6 and oct(demo.tokens_path().stat().st_mode & 0o777) == "0o600"
    name, _kind, token = lines[0].split("\t")
    assert Screen.objects.get(token_hash=token_digest(token)).name == name
