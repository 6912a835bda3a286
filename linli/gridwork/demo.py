"""Demo grid work in the demo grid worker's grid (车站社区 第一网格): checkpoints, a
route, six weeks of weekday patrols with GPS trajectories and check-ins (a few
missed, so 到位率 is not 100 %), and household visits over the last 90 days.

Rows are written with their past times (the services stamp "now", and a demo needs
a history); what they hold is what the services would have written.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from linli.core.geojson import contains, distance_m
from linli.gridwork import services
from linli.gridwork.choices import CheckInMethod, VisitPurpose
from linli.gridwork.models import CheckIn, Checkpoint, Patrol, PatrolPoint, Visit
from linli.regions.models import Region
from linli.registry.models import Household

GRID = "370306001001001"
WORKER, PLANNER = "chezhan.wg1", "chezhan"
CHECKPOINTS = ["车站北门", "小区东门", "农贸市场南口", "青年路口", "社区游园", "配电房"]
ROUTE_STOPS = 5  # the first five: the sixth is checked in now and then, off the route
WEEKS = 6
VISIT_NOTES = {
    VisitPurpose.ROUTINE: ["家中一切正常，无新增诉求", "反映楼道灯不亮，已记录转物业"],
    VisitPurpose.CARE: ["独居老人身体尚可，提醒按时服药", "老人需要助餐服务，已登记"],
    VisitPurpose.VERIFICATION: ["核实家庭成员情况，信息无变化", "新增一名常住人员，已更新登记"],
    VisitPurpose.DISPUTE: ["楼上漏水引发邻里矛盾，已约物业协调", "停车位纠纷，双方同意调解"],
    VisitPurpose.POLICY: ["宣传医保缴费政策", "宣传防范电信诈骗"],
}


def seed(stdout, **_options) -> None:
    if Checkpoint.objects.exists():
        stdout.write("gridwork: demo grid work already there")
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[WORKER, PLANNER])}
    grid = Region.objects.filter(code=GRID).first()
    if len(users) < 2 or grid is None or not grid.boundary:
        stdout.write("gridwork: no demo grid or users, nothing to seed")
        return
    rng = random.Random(3703060)
    checkpoints = [
        services.checkpoint_create(
            grid=grid, name=name, longitude=lon, latitude=lat, radius=50, by=users[PLANNER]
        )
        for name, (lon, lat) in zip(
            CHECKPOINTS, _points_in(grid, rng, len(CHECKPOINTS)), strict=True
        )
    ]
    today = timezone.localdate()
    route = services.route_create(
        grid=grid,
        name="车站第一网格日常巡查",
        worker=users[WORKER],
        checkpoints=checkpoints[:ROUTE_STOPS],
        patrols_per_week=5,
        starts_on=today - timedelta(weeks=WEEKS),
        by=users[PLANNER],
    )
    patrols = _patrols(rng, grid, route, checkpoints, users[WORKER], today)
    visits = _visits(rng, grid, users[WORKER])
    stdout.write(
        f"gridwork: {len(checkpoints)} checkpoints, 1 route, {patrols} patrols, {visits} visits"
    )


def _points_in(grid: Region, rng: random.Random, n: int) -> list[tuple[Decimal, Decimal]]:
    ring = grid.boundary["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    found = []
    while len(found) < n:
        lon, lat = rng.uniform(min(lons), max(lons)), rng.uniform(min(lats), max(lats))
        if contains(grid.boundary, lon, lat):
            found.append((Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")))
    return found


def _patrols(rng, grid, route, checkpoints, worker, today) -> int:
    """Weekday morning patrols along the route (one in ten days skipped, one stop in
    fifteen missed), walking at about 1.2 m/s with a fix every 20 s."""
    zone = timezone.get_current_timezone()
    made = 0
    for back in range(WEEKS * 7, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5 or rng.random() < 0.1:
            continue
        start = datetime.combine(day, time(8, 30), zone) + timedelta(minutes=rng.randint(0, 40))
        stops = list(checkpoints[:ROUTE_STOPS])
        if rng.random() < 0.3:
            stops.append(checkpoints[-1])
        patrol = Patrol.objects.create(
            grid=grid, worker=worker, route=route, started_at=start, last_seen_at=start
        )
        at, here = start, (float(stops[0].longitude) - 0.0008, float(stops[0].latitude))
        points, check_ins, walked = [], [], 0.0
        for stop in stops:
            target = (float(stop.longitude), float(stop.latitude))
            leg = distance_m(*here, *target)
            steps = max(1, round(leg / 24))  # 24 m per 20 s fix
            for i in range(1, steps + 1):
                at += timedelta(seconds=20)
                lon = here[0] + (target[0] - here[0]) * i / steps + rng.gauss(0, 0.00003)
                lat = here[1] + (target[1] - here[1]) * i / steps + rng.gauss(0, 0.00003)
                points.append(
                    PatrolPoint(
                        patrol=patrol,
                        at=at,
                        longitude=Decimal(f"{lon:.6f}"),
                        latitude=Decimal(f"{lat:.6f}"),
                        accuracy=rng.randint(4, 15),
                    )
                )
            walked += leg
            here = target
            if rng.random() < 1 / 15:
                continue  # walked past without checking in
            at += timedelta(seconds=30)
            check_ins.append(
                CheckIn(
                    patrol=patrol,
                    checkpoint=stop,
                    at=at,
                    method=rng.choice([CheckInMethod.QR, CheckInMethod.GEOFENCE]),
                    longitude=Decimal(f"{here[0]:.6f}"),
                    latitude=Decimal(f"{here[1]:.6f}"),
                    distance=rng.randint(2, 20),
                )
            )
        PatrolPoint.objects.bulk_create(points)
        CheckIn.objects.bulk_create(check_ins)
        patrol.ended_at = patrol.last_seen_at = at + timedelta(minutes=2)
        patrol.point_count, patrol.distance = len(points), round(walked)
        patrol.save(update_fields=["ended_at", "last_seen_at", "point_count", "distance"])
        made += 1
    return made


def _visits(rng, grid, worker) -> int:
    """About sixty visits over the last 90 days to the grid's households; those that
    confirmed the data mark the household verified that day."""
    households = list(Household.objects.filter(grid=grid, dissolved_at__isnull=True)[:400])
    if not households:
        return 0
    now = timezone.now()
    visits = []
    for household in rng.sample(households, min(60, len(households))):
        purpose = rng.choices(list(VISIT_NOTES), weights=[4, 3, 3, 1, 1])[0]
        when = now - timedelta(days=rng.uniform(0.5, 90), hours=rng.uniform(0, 3))
        confirmed = purpose in (VisitPurpose.ROUTINE, VisitPurpose.VERIFICATION)
        visits.append(
            Visit(
                household=household,
                grid=grid,
                visitor=worker,
                visited_at=when,
                purpose=purpose,
                notes=rng.choice(VISIT_NOTES[purpose]),
                confirmed=confirmed,
            )
        )
        if confirmed and (household.verified_at is None or household.verified_at < when):
            Household.objects.filter(pk=household.pk).update(verified_at=when)
    Visit.objects.bulk_create(visits)
    return len(visits)
