"""Demo time bank of 车站社区: twenty volunteers of the demo registry (18 to 59) with
about three months of services to the community's elders (60 and over), a few hours
given to family members and elders, and a few spent on home services; the demo
resident (jumin, 陈秀英) receives hours and spends some, to show her passbook."""

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import OutputWrapper
from django.utils import timezone

from linli.accounts.models import User
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus
from linli.registry.labels import years_ago
from linli.registry.models import Resident
from linli.timebank.choices import DAY_LIMIT, RECORD_WITHIN_DAYS, ServiceKind
from linli.timebank.models import Entry
from linli.timebank.selectors import balance, residents_of
from linli.timebank.services import hours_earn, hours_spend, hours_transfer

COMMUNITY = "370306001001"  # 车站社区
VOLUNTEERS = 20
READER = "jumin"
NOTES = {
    ServiceKind.COMPANY: ["陪老人聊天、读报", "陪同散步聊天", "节日上门看望"],
    ServiceKind.MEALS: ["从社区食堂送午餐", "帮忙做晚饭"],
    ServiceKind.CLEANING: ["打扫卫生、擦窗户", "整理房间、洗衣服"],
    ServiceKind.ERRANDS: ["代买米面油", "代缴水电费", "代取药品"],
    ServiceKind.ESCORT: ["陪同到区医院复查", "陪同社区卫生服务站测血压"],
    ServiceKind.WALKING: ["搀扶下楼晒太阳", "推轮椅到小区花园"],
    ServiceKind.REPAIRS: ["更换灯泡", "修理水龙头", "调试电视机顶盒"],
}
HOURS = [Decimal(h) for h in ("0.5", "1", "1", "1.5", "1.5", "2", "2", "2.5", "3")]


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    if Entry.objects.exists():
        stdout.write("timebank: demo entries already there")
        return
    community = Region.objects.filter(code=COMMUNITY).first()
    if community is None:
        stdout.write("timebank: no 车站社区 in the registry, nothing to seed")
        return
    living = Resident.objects.filter(
        status=ResidentStatus.LIVING, grid__path__startswith=community.path
    ).order_by("pk")
    reader = User.objects.filter(username=READER).first()
    mine = list(residents_of(reader)[:1]) if reader is not None else []
    volunteers = list(
        living.filter(birth_date__lte=years_ago(18), birth_date__gt=years_ago(60)).exclude(
            pk__in=[p.pk for p in mine]
        )[: VOLUNTEERS * 5 : 5]
    )
    elders = list(
        living.filter(birth_date__lte=years_ago(60)).exclude(pk__in=[p.pk for p in mine])[:40]
    )
    if not volunteers or not elders:
        stdout.write("timebank: no volunteers or elders in 车站社区, nothing to seed")
        return
    rng = random.Random(16)
    today = timezone.localdate()
    first = today - timedelta(days=RECORD_WITHIN_DAYS - 5)
    services = list(NOTES)
    earned = 0
    day = first
    while day <= today:
        for volunteer in volunteers:
            if rng.random() > 0.22:  # about one or two services a week each
                continue
            kind = rng.choice(services)
            hours_earn(
                volunteer=volunteer,
                hours=min(rng.choice(HOURS), DAY_LIMIT),
                service=kind,
                reference="",
                served=rng.choice(elders),
                served_on=day,
                note=rng.choice(NOTES[kind]),
                by=None,
            )
            earned += 1
        day += timedelta(days=1)
    given = spent = 0
    receivers = mine + elders[:6]
    for giver, receiver in zip(volunteers[:8], receivers, strict=False):
        hours = min(balance(giver), Decimal("3"))
        if hours > 0:
            note = "送给母亲" if receiver in mine else "赠与独居老人"
            hours_transfer(giver=giver, receiver=receiver, hours=hours, note=note, by=None)
            given += 1
    for n, holder in enumerate(mine + volunteers[8:13]):
        hours = min(balance(holder), Decimal("1.5"))
        if hours > 0:
            hours_spend(
                holder=holder,
                hours=hours,
                reference=f"DEMO-{today:%Y%m}-{n + 1:03d}",
                note="兑换助洁服务",
                by=None,
            )
            spent += 1
    stdout.write(
        f"timebank: {len(volunteers)} volunteers, {earned} services, {given} gifts, {spent} spends"
    )
