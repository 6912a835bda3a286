"""Demo screens (docs/screens.md): three in 车站社区 (two displays and a TV box), two
in 市南社区 and one in 丝绸社区, with their communities' playlists; three days of the
district's forecast. The six channels come with migration 0002. The screens' tokens
are written to `demo-screen-tokens.tsv` in the data directory (owner only), for
signing the demo's screens in."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.utils import timezone

from linli.core.private import write_private_lines
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.registry.models import Building
from linli.screens import channels, services
from linli.screens.models import Playlist, Screen

TOKENS_FILE = "demo-screen-tokens.tsv"
DISTRICT = "370306000000"
PLAYLISTS: dict[str, tuple[str, list[tuple[str, int, str, list[str]]]]] = {
    "370306001001": (
        "大厅循环",
        [
            ("notices", 20, "社区通知", []),
            ("weather", 10, "天气预报", []),
            ("roster", 15, "网格员值守", []),
            ("figures", 15, "办事与告警", []),
            ("notices", 15, "便民服务", ["community", "elderly", "health"]),
        ],
    ),
    "370306001003": (
        "市南社区循环",
        [
            ("notices", 20, "社区通知", []),
            ("weather", 10, "天气预报", []),
            ("figures", 15, "办事与告警", []),
        ],
    ),
    "370306002001": (
        "丝绸社区循环",
        [("weather", 10, "天气预报", []), ("roster", 15, "网格员值守", [])],
    ),
}
SCREENS = [
    ("370306001001", "screen", "东门广场大屏", 0),
    ("370306001001", "screen", "党群服务中心大屏", 1),
    ("370306001001", "tv", "老年活动室电视", 2),
    ("370306001003", "screen", "市南社区服务大厅屏", 0),
    ("370306001003", "tv", "市南社区活动室电视", 1),
    ("370306002001", "screen", "丝绸社区广场屏", 0),
]
WEATHER = [("晴", -3, 7, "北风2级"), ("多云", -1, 8, "南风3级"), ("小雪", -4, 2, "北风4级")]


def tokens_path() -> Path:
    return Path(settings.DATA_DIR) / TOKENS_FILE


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    channels.ensure()
    district = Region.objects.filter(code=DISTRICT).first()
    if district is not None:
        today = timezone.localdate()
        services.forecasts_set(
            region=district,
            rows=[
                services.ForecastRow(today + timedelta(days=n), *day)
                for n, day in enumerate(WEATHER)
            ],
            by=None,
        )
    if Screen.objects.exists():
        stdout.write("screens: demo screens already there (forecast of the next 3 days set)")
        return
    communities = {
        r.code: r for r in Region.objects.filter(code__in=PLAYLISTS, level=Level.COMMUNITY)
    }
    if len(communities) < len(PLAYLISTS):
        stdout.write("screens: no demo communities, nothing to seed")
        return
    playlists: dict[str, Playlist] = {}
    for code, (name, items) in PLAYLISTS.items():
        playlist = services.playlist_create(region=communities[code], name=name, by=None)
        for kind, duration, title, topics in items:
            services.item_add(
                playlist=playlist,
                kind=kind,
                duration=duration,
                title=title,
                topics=topics,
                by=None,
            )
        playlists[code] = playlist
    now = timezone.now()
    tokens: list[tuple[str, str, str]] = []
    for code, kind, name, nth in SCREENS:
        community = communities[code]
        buildings = list(Building.objects.filter(grid__parent=community).order_by("pk")[:3])
        screen, token = services.screen_register(
            kind=kind,
            name=name,
            region=community,
            building=buildings[nth % len(buildings)] if buildings else None,
            playlist=playlists[code] if kind == "screen" else None,
            by=None,
        )
        tokens.append((name, kind, token))
        # the last screen of the list has been away for two hours: offline in the console
        seen = now - timedelta(hours=2) if code == "370306002001" else now
        first = screen.playlist.items.order_by("order").first() if screen.playlist else None
        Screen.objects.filter(pk=screen.pk).update(
            last_seen_at=seen, showing=str(first.pk) if first else ""
        )
    write_private_lines(tokens_path(), tokens)
    stdout.write(f"screens: {len(tokens)} demo screens (tokens in {tokens_path()}), 3 playlists")
