"""Demo cases: a few hundred across 周村区 over the last 90 days, in every stage, each
with a timeline whose steps took plausible times (some past their limits), so that
inboxes, maps and (later) KPIs show something real.

Rows are written directly (`linli.core.bulk`) with their past times: the services
stamp "now", and a demo needs a history. The stage sequences are the services'
(`docs/cases.md`); nothing else writes cases this way.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from linli.accounts.models import RoleGrant
from linli.cases import services
from linli.cases.choices import TIMED_STAGES, Source, Stage
from linli.cases.models import Case, CaseTransition, Category, RoutingRule, RoutingTarget
from linli.cases.services import CODE_ALPHABET
from linli.core.bulk import BulkInsert
from linli.core.geojson import contains
from linli.core.permissions import Role
from linli.regions import selectors as regions
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import district_path
from linli.registry.choices import OrganisationType
from linli.registry.models import Organisation
from linli.registry.services import affiliation_set

CASES = 400
DAYS = 90
HOME = "370306001001"  # 车站社区, where the demo's community and grid workers are
# Descriptions by category (places are streets of 周村): each says what its category is.
DESCRIPTIONS = {
    "exposed-garbage": [
        "正阳路58号小区东门外人行道堆放生活垃圾约2立方米，无人清运",
        "丝绸路12号门前垃圾桶满溢，垃圾散落地面",
    ],
    "litter": ["城北路公园北门外积存建筑垃圾渣土，已超过一周未清理"],
    "street-vending": ["实验小学门口放学时段有流动摊贩占道售卖"],
    "outdoor-cooking": ["丝绸路水果店将货架摆出店外3米占用人行道"],
    "open-burning": ["城南菜地旁有人露天焚烧秸秆和塑料，浓烟较大"],
    "sewage": ["青年路农贸市场南门污水外溢，路面油污严重，行人易滑倒"],
    "illegal-posting": ["永安路小区2单元楼道墙面张贴大量开锁、疏通小广告"],
    "illegal-banner": ["华侨路两侧电线杆悬挂培训机构横幅，未经审批"],
    "damaged-billboard": ["大街88号商铺门头广告牌边框锈蚀松动，有坠落风险"],
    "construction-dust": ["鹏程路工地围挡破损，裸土未覆盖，扬尘较大"],
    "construction-waste": ["太和路工地出入口未冲洗车辆，道路泥土遗撒约200米"],
    "night-construction": ["周隆路工地夜间23点后仍在浇筑混凝土，噪声扰民"],
    "illegal-building": ["丝绸路与大街交叉口西南角私自搭建彩钢板棚约20平方米"],
    "waterlogging": ["火车站下穿通道积水约40厘米，车辆无法通行"],
    "road-collapse": ["正阳路与新建路交叉口路面塌陷约1平方米，深约半米"],
    "gas-leak": ["新建路一沿街餐馆门前闻到明显燃气味，疑似管道泄漏"],
    "fallen-tree": ["大风导致青年路一棵行道树倒伏，压住两辆电动车"],
    "illegal-parking": ["城北路小区门口机动车乱停放，堵塞出入口"],
    "abandoned-vehicle": ["永安路小区东侧一辆无牌轿车停放半年以上，落满灰尘"],
    "shared-bikes": ["汽车站广场共享单车大量堆积，堵塞出入口"],
    "manhole-cover": ["正阳路与新建路交叉口井盖缺失，存在安全隐患"],
    "street-light": ["永安路东段路灯连续三晚不亮，夜间出行不便"],
    "water-pipe": [
        "大街12号门前供水管道漏水，路面结冰",
        "保安街45号门前自来水管爆裂，水流漫溢路面",
    ],
    "power-box": ["华侨路口配电箱箱门损坏，电线外露"],
    "road-damage": ["青年路中段路面坑洼，雨后积水"],
    "traffic-sign": ["华侨路口交通标志牌被撞倒在地"],
    "guardrail": ["周隆路中央护栏缺损约10米"],
    "damaged-greenery": ["太和路绿化带被车辆碾压，草皮大面积损毁"],
    "dead-tree": ["鹏程路两棵行道树枯死，存在倒伏隐患"],
    "dangerous-house": ["老旧小区4号楼外墙瓷砖空鼓，存在坠落隐患"],
    "roof-leak": ["保安街小区3号楼楼顶公共部位漏水，顶层住户受影响"],
    "noise": ["居民反映楼上夜间噪声较大，多次沟通无果要求调解"],
    "shared-space": [
        "两户居民因楼道堆放杂物发生争吵",
        "一楼住户私自圈占公共绿地种菜，邻居不满",
    ],
    "pets": ["5号楼住户饲养的大型犬夜间吠叫，且未拴绳出入"],
    "fire-exit": ["小区消防通道被私家车长期占用"],
    "ebike-charging": ["8号楼楼道内电动车飞线充电"],
    "falling-objects": ["7号楼高层住户阳台花盆摆放在护栏外，有坠落风险"],
    "family-dispute": ["老年夫妻因赡养问题与子女发生矛盾，申请社区调解"],
    "property-dispute": [
        "业主与物业因停车费标准产生纠纷",
        "3号楼502住户反映楼上装修漏水，双方协商未果",
    ],
    "wage-arrears": ["商户拖欠6名装修工人工资共计3万余元"],
    "elderly-help": ["独居老人王大爷行动不便，希望社区帮助购买日用品"],
    "heating": ["冬季暖气不热，室温不足16℃"],
    "water-supply": ["6号楼停水已超过24小时，未见通知"],
    "other-needs": ["小区楼道灯损坏多日，物业未维修"],
}
# The stage each case ends in, and how many of them (older cases are further along).
FINAL_STAGES = [
    (Stage.REPORTED, 0.06),
    (Stage.ACCEPTED, 0.05),
    (Stage.DISPATCHED, 0.07),
    (Stage.HANDLING, 0.10),
    (Stage.HANDLED, 0.07),
    (Stage.CLOSED, 0.40),
    (Stage.EVALUATED, 0.20),
    (Stage.REJECTED, 0.05),
]
CLOSED_STAGES = (Stage.CLOSED, Stage.EVALUATED, Stage.REJECTED)
PATH = [Stage.REPORTED, Stage.ACCEPTED, Stage.DISPATCHED, Stage.HANDLING, Stage.HANDLED]
PATH += [Stage.CLOSED, Stage.EVALUATED]
NOTES = {
    Stage.REJECTED: "经核实不属于本辖区职责，已告知上报人向相关单位反映",
    Stage.HANDLED: "已现场处置完毕，附处置后照片",
    Stage.CLOSED: "经核查已处置到位，予以结案",
    Stage.EVALUATED: "处理及时，满意",
}


def seed(stdout, **_options) -> None:
    if Case.objects.exists():
        stdout.write("cases: demo cases already there")
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    if not {"zhoucun", "chezhan", "chezhan.wg1", "zhujian", "jumin"} <= users.keys():
        stdout.write("cases: no demo users, nothing to seed")
        return
    rng = random.Random(370306)
    grids = [
        g
        for g in Region.objects.filter(
            level=Level.GRID, path__startswith=district_path(), retired_at__isnull=True
        ).select_related("parent")
        if g.boundary
    ]
    leaves = {
        c.code: c
        for c in Category.objects.filter(
            code__in=DESCRIPTIONS, parent__isnull=False, active=True
        ).select_related("parent")
    }
    now = timezone.now()
    with BulkInsert() as bulk:
        cases = bulk.table(Case, CASE_COLUMNS)
        moves = bulk.table(
            CaseTransition,
            [
                "case",
                "from_stage",
                "to_stage",
                "actor",
                "assignee",
                "note",
                "overdue",
                "duration",
                "rating",
                "at",
            ],
        )
        for _ in range(CASES):
            case, history = _plan(rng, grids, leaves, users, now)
            pk = cases.add(*case)
            for values in history:
                moves.add(pk, *values)
    _seed_rules(users)
    escalated = services.cases_escalate()
    stdout.write(f"cases: {CASES} demo cases created, {escalated} escalations of overdue ones")


def _seed_rules(users: dict) -> None:
    """Two routing rules: events in 车站社区 go to its grid worker; emergencies anywhere
    in the district to 周村区住房和城乡建设局, whose duty handler (`zhujian`) acts
    for it."""
    home = Region.objects.get(code=HOME)
    district = regions.district()
    department = Organisation.objects.create(
        grid=Region.objects.filter(path__startswith=HOME, level=Level.GRID).order_by("path")[0],
        name="周村区住房和城乡建设局",
        kind=OrganisationType.GOVERNMENT,
        address="周村区正阳路88号",
    )
    affiliation_set(
        grant=RoleGrant.objects.get(user=users["zhujian"], role=Role.DEPARTMENT_HANDLER),
        organisation=department,
        by=None,
    )
    RoutingRule.objects.create(
        name="车站社区事件 → 本网格网格员", region=home, target=RoutingTarget.GRID_WORKER
    )
    RoutingRule.objects.create(
        name="突发事件 → 区住建局",
        region=district,
        category=Category.objects.get(code="event-emergency"),
        target=RoutingTarget.ORGANISATION,
        organisation=department,
    )


CASE_COLUMNS = [
    "code",
    "category",
    "region",
    "source",
    "stage",
    "description",
    "address",
    "longitude",
    "latitude",
    "reporter",
    "assignee",
    "due_at",
    "stage_since",
    "rating",
    "rating_comment",
    "version",
    "closed_at",
    "created_at",
]


def _plan(rng, grids, leaves, users, now) -> tuple[tuple, list[tuple]]:
    """One case's row (CASE_COLUMNS) and its transitions, with times in the past."""
    final = rng.choices([s for s, _w in FINAL_STAGES], weights=[w for _s, w in FINAL_STAGES])[0]
    category = leaves[rng.choice(sorted(leaves))]
    top = category.parent.code
    # A quarter in 车站社区, whose demo staff then have an inbox; the rest anywhere.
    home = [g for g in grids if g.path.startswith(HOME)]
    grid = rng.choice(home if home and rng.random() < 0.25 else grids)
    ours = grid.path.startswith(HOME)
    worker = users["chezhan"] if ours else users["zhoucun"]
    if grid.code == "370306001001001":
        handler = users["chezhan.wg1"]
    else:
        handler = users["chezhan"] if ours and top.startswith("community") else users["zhujian"]
    source = rng.choice([Source.GRID_WORKER, Source.RESIDENT, Source.HOTLINE, Source.HOTLINE])
    reporter = {Source.GRID_WORKER: handler, Source.RESIDENT: users["jumin"]}.get(source)
    if not ours:
        reporter = None  # reported by people without accounts (hotline, web)
    still_open = final in (Stage.REPORTED, Stage.ACCEPTED, Stage.DISPATCHED, Stage.HANDLING)
    reported_at = now - timedelta(days=rng.uniform(0.1, 6) if still_open else rng.uniform(3, DAYS))
    stages = (
        [Stage.REPORTED, Stage.REJECTED]
        if final == Stage.REJECTED
        else PATH[: PATH.index(final) + 1]
    )
    rating = rng.choice([3, 4, 5, 5, 5]) if final == Stage.EVALUATED else None
    history, at, due, assignee, closed_at = [], reported_at, None, None, None
    for index, stage in enumerate(stages):
        entered = at
        if index:
            hours = getattr(category, TIMED_STAGES.get(stages[index - 1], "verify_hours"))
            at = min(at + timedelta(hours=hours * rng.uniform(0.1, 1.15)), now)  # ~1 in 8 late
        if stage == Stage.DISPATCHED:
            assignee = handler
        actor = {
            Stage.REPORTED: reporter,
            Stage.HANDLING: handler,
            Stage.HANDLED: handler,
            Stage.EVALUATED: reporter,
        }.get(stage, worker)
        history.append(
            (
                stages[index - 1] if index else "",
                stage,
                actor.pk if actor else None,
                assignee.pk if assignee else None,
                NOTES.get(stage, ""),
                bool(due and at > due),
                at - entered if index else None,
                rating if stage == Stage.EVALUATED else None,
                at,
            )
        )
        if stage in (Stage.CLOSED, Stage.REJECTED):
            closed_at = at
        if stage in TIMED_STAGES and stage != Stage.HANDLING:
            due = at + timedelta(hours=getattr(category, TIMED_STAGES[stage]))
    longitude, latitude = _point_in(grid, rng)
    row = (
        f"{reported_at:%y%m%d}" + "".join(rng.choice(CODE_ALPHABET) for _ in range(6)),
        category.pk,
        grid.pk,
        source,
        final,
        rng.choice(DESCRIPTIONS[category.code]),
        grid.parent.name.removesuffix("居民委员会").removesuffix("村民委员会"),
        longitude,
        latitude,
        reporter.pk if reporter else None,
        assignee.pk if assignee else None,
        None if final in CLOSED_STAGES else due,
        at,
        rating,
        NOTES[Stage.EVALUATED] if rating else "",
        len(history),
        closed_at,
        reported_at,
    )
    return row, history


def _point_in(grid: Region, rng: random.Random) -> tuple[Decimal, Decimal]:
    ring = grid.boundary["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    for _ in range(50):
        lon, lat = rng.uniform(min(lons), max(lons)), rng.uniform(min(lats), max(lats))
        if contains(grid.boundary, lon, lat):
            break
    return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")
