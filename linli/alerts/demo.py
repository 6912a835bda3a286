"""Demo data: shelters (应急避难场所) and civil-defence sites (人防工程) of 周村区, a
暴雨黄色预警 in force over 车站社区 pointing to its shelters, and an earlier 大风蓝色预警
that was cancelled. The demo's grids are drawn, not surveyed (regions/demo.py): each
place is put beside its community's first grid, so the maps agree."""

from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import OutputWrapper
from django.utils import timezone

from linli.alerts.choices import PlaceKind
from linli.alerts.models import Alert, Place
from linli.alerts.services import (
    alert_cancel,
    alert_create,
    alert_issue,
    alerts_expire,
    place_create,
)
from linli.regions.choices import Level
from linli.regions.models import Region

CHEZHAN = "370306001001"
# (community, name, kind, address, capacity, offset east and north of its grid, degrees)
PLACES = [
    (
        CHEZHAN,
        "车站社区文化广场应急避难场所",
        PlaceKind.SHELTER,
        "丝绸路街道车站街18号",
        1800,
        (0.001, 0.002),
    ),
    (
        CHEZHAN,
        "周村区第二实验小学操场",
        PlaceKind.SHELTER,
        "丝绸路街道新建中路56号",
        2500,
        (0.003, 0.004),
    ),
    (
        CHEZHAN,
        "车站街人防地下停车场",
        PlaceKind.CIVIL_DEFENCE,
        "丝绸路街道车站街与正阳路交叉口地下",
        1200,
        (0.002, 0.001),
    ),
    (
        "370306001003",
        "市南社区人民公园应急避难场所",
        PlaceKind.SHELTER,
        "丝绸路街道市南路9号",
        3000,
        (0.002, 0.003),
    ),
    (
        "370306001004",
        "大世界人防工程（平战结合商场）",
        PlaceKind.CIVIL_DEFENCE,
        "丝绸路街道大世界商城地下一层",
        2000,
        (0.002, 0.002),
    ),
    (
        "370306001006",
        "米河社区体育公园应急避难场所",
        PlaceKind.SHELTER,
        "丝绸路街道米河路88号",
        2200,
        (0.003, 0.002),
    ),
]


def _near(community: Region, offset: tuple[float, float]) -> tuple[float, float]:
    grid = (
        Region.objects.filter(parent=community, level=Level.GRID, boundary__isnull=False)
        .order_by("code")
        .first()
    )
    if grid is None or grid.boundary is None:
        return 117.87 + offset[0], 36.80 + offset[1]
    west, south = grid.boundary["coordinates"][0][0][:2]
    return round(west + offset[0], 6), round(south + offset[1], 6)


def _places() -> dict[str, Place]:
    made: dict[str, Place] = {}
    for code, name, kind, address, capacity, offset in PLACES:
        community = Region.objects.filter(code=code).first()
        if community is None:
            continue
        place = Place.objects.filter(region=community, name=name).first()
        if place is None:
            longitude, latitude = _near(community, offset)
            place = place_create(
                region=community,
                name=name,
                kind=kind,
                address=address,
                capacity=capacity,
                longitude=longitude,
                latitude=latitude,
                by=None,
            )
        made[name] = place
    return made


STORM: dict[str, dict[str, str]] = {
    "zh-CN": {
        "event": "暴雨黄色预警",
        "headline": "周村区气象台发布暴雨黄色预警信号",
        "description": "周村区气象台发布暴雨黄色预警信号：预计未来6小时内"
        "车站社区及周边降雨量将达50毫米以上，局地伴有雷电和短时大风，低洼路段可能积水。",
        "instruction": "请减少外出，远离低洼地带、地下通道和河道；地下车库车辆及时转移；"
        "需要转移的居民请前往车站社区文化广场或第二实验小学操场避难场所。",
    },
    "en-US": {
        "event": "Rainstorm Yellow Warning",
        "headline": "Zhoucun District Meteorological Observatory issues a rainstorm yellow warning",
        "description": "More than 50 mm of rain is expected within 6 hours over Chezhan community "
        "and nearby, with thunder and gusts; low-lying roads may flood.",
        "instruction": "Stay indoors, keep away from low ground, underpasses and rivers. "
        "If you must leave home, go to the Chezhan Cultural Square or the No. 2 Experimental "
        "Primary School shelter.",
    },
}
WIND: dict[str, dict[str, str]] = {
    "zh-CN": {
        "event": "大风蓝色预警",
        "headline": "周村区气象台发布大风蓝色预警信号",
        "description": "预计未来24小时内周村区将出现6级以上大风，阵风可达8级。",
        "instruction": "请加固户外广告牌、搭建物，关好门窗，远离危旧房屋和高大树木。",
    },
    "en-US": {
        "event": "Gale Blue Warning",
        "headline": "Zhoucun District Meteorological Observatory issues a gale blue warning",
        "description": "Winds of force 6, gusting 8, are expected within 24 hours.",
        "instruction": "Secure outdoor signs and structures, close windows, keep away from old "
        "buildings and tall trees.",
    },
}
FROST: dict[str, dict[str, str]] = {
    "zh-CN": {
        "event": "道路结冰黄色预警",
        "headline": "周村区气象台发布道路结冰黄色预警信号",
        "description": "受降温影响，昨夜至今晨周村区部分路段出现道路结冰。",
        "instruction": "请减少外出，老人和儿童注意防滑；驾车减速慢行。",
    },
    "en-US": {
        "event": "Icy Road Yellow Warning",
        "headline": "Zhoucun District Meteorological Observatory issues an icy road yellow warning",
        "description": "Some roads iced over from last night to this morning.",
        "instruction": "Go out less; elders and children beware of slipping; drive slowly.",
    },
}
FACTS: dict[str, Any] = {
    "category": "Met",
    "certainty": "Likely",
    "contact": "周村区气象台 0533-6412121",
    "web": "https://www.example.cn/zhoucun/weather",
}


def seed(stdout: OutputWrapper, **_options: object) -> None:
    places = _places()
    stdout.write(f"alerts: {len(places)} shelters and civil-defence sites")
    if Alert.objects.exists():
        stdout.write("alerts: demo alerts already there")
        return
    chezhan = Region.objects.filter(code=CHEZHAN).first()
    district = Region.objects.filter(level=Level.DISTRICT, code="370306000000").first()
    if chezhan is None or district is None:
        stdout.write("alerts: no demo regions, no alerts")
        return
    now = timezone.now()
    wind = alert_create(
        region=district,
        area_desc="周村区全境",
        texts=WIND,
        by=None,
        urgency="Expected",
        severity="Minor",
        effective=now - timedelta(days=2),
        expires=now + timedelta(hours=6),
        **FACTS,
    )
    alert_issue(alert=wind, by=None)
    alert_cancel(alert=wind, note="风力减弱，大风蓝色预警解除。", by=None)
    storm = alert_create(
        region=chezhan,
        area_desc="周村区丝绸路街道车站社区",
        texts=STORM,
        places=[p for p in places.values() if p.region_id == chezhan.pk],
        by=None,
        urgency="Expected",
        severity="Moderate",
        effective=now,
        onset=now + timedelta(hours=1),
        expires=now + timedelta(hours=12),
        **FACTS,
    )
    alert_issue(alert=storm, by=None)
    _expired(district, now)
    stdout.write(
        "alerts: 暴雨黄色预警 in force over 车站社区, 大风蓝色预警 cancelled, "
        "道路结冰黄色预警 expired"
    )


def _expired(district: Region, now: datetime) -> None:
    """Yesterday's icy-road warning, issued at 6:00 and expired at 12:00: issued as any
    alert, its times then put back a day (the demo's history), expired by the
    scheduler's own service."""
    frost = alert_create(
        region=district,
        area_desc="周村区全境",
        texts=FROST,
        by=None,
        urgency="Expected",
        severity="Moderate",
        expires=now + timedelta(hours=1),
        **FACTS,
    )
    alert_issue(alert=frost, by=None)
    morning = timezone.localtime(now - timedelta(days=1)).replace(
        hour=6, minute=0, second=0, microsecond=0
    )
    Alert.objects.filter(pk=frost.pk).update(
        sent=morning, effective=morning, expires=morning + timedelta(hours=6)
    )
    alerts_expire(now=now)
