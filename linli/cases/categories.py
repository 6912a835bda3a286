"""The categories a deployment starts with: GB/T 30428.2-style event (事件) and
component (部件) classes of urban grid management, and community matters.

Each lowest-level category: (code, name, hours to handle). Accepting and
dispatching take 2 hours each and verifying 24 (the model's defaults); a
deployment changes any of them (`linli.cases.models.Category`).
"""

from linli.cases.choices import CategoryKind

# (code, name, kind, [(code, name, hours to handle)])
SEED = [
    (
        "event-appearance",
        "市容环境",
        CategoryKind.EVENT,
        [
            ("exposed-garbage", "暴露垃圾", 4),
            ("litter", "积存垃圾渣土", 8),
            ("street-vending", "占道经营", 4),
            ("outdoor-cooking", "店外经营", 8),
            ("open-burning", "露天焚烧", 2),
            ("sewage", "道路污水", 8),
        ],
    ),
    (
        "event-advertising",
        "宣传广告",
        CategoryKind.EVENT,
        [
            ("illegal-posting", "非法小广告", 24),
            ("illegal-banner", "违规横幅标语", 24),
            ("damaged-billboard", "广告牌匾破损", 48),
        ],
    ),
    (
        "event-construction",
        "施工管理",
        CategoryKind.EVENT,
        [
            ("construction-dust", "施工扬尘", 8),
            ("construction-waste", "渣土遗撒", 8),
            ("night-construction", "夜间施工扰民", 4),
            ("illegal-building", "违法建设", 72),
        ],
    ),
    (
        "event-emergency",
        "突发事件",
        CategoryKind.EVENT,
        [
            ("waterlogging", "道路积水", 2),
            ("road-collapse", "路面塌陷", 2),
            ("gas-leak", "燃气泄漏", 1),
            ("fallen-tree", "树木倒伏", 4),
            ("fire-alarm", "火灾报警", 1),
            ("toxic-gas", "有毒气体报警", 1),
            ("elevator-trapped", "电梯困人", 1),
            ("perimeter-alarm", "周界入侵报警", 1),
            ("elder-emergency-call", "老人紧急呼叫", 1),
        ],
    ),
    (
        "event-street-order",
        "街面秩序",
        CategoryKind.EVENT,
        [
            ("illegal-parking", "机动车乱停放", 4),
            ("abandoned-vehicle", "废弃车辆", 72),
            ("shared-bikes", "非机动车乱停放", 8),
        ],
    ),
    (
        "component-utilities",
        "公用设施",
        CategoryKind.COMPONENT,
        [
            ("manhole-cover", "井盖缺失破损", 4),
            ("street-light", "路灯不亮", 48),
            ("water-pipe", "供水管道漏水", 8),
            ("power-box", "电力设施损坏", 24),
        ],
    ),
    (
        "component-roads",
        "道路交通",
        CategoryKind.COMPONENT,
        [
            ("road-damage", "道路破损", 72),
            ("traffic-sign", "交通标志损坏", 48),
            ("guardrail", "护栏损坏", 48),
        ],
    ),
    (
        "component-greenery",
        "园林绿化",
        CategoryKind.COMPONENT,
        [
            ("damaged-greenery", "绿地破坏", 72),
            ("dead-tree", "行道树枯死", 120),
        ],
    ),
    (
        "component-housing",
        "房屋土地",
        CategoryKind.COMPONENT,
        [
            ("dangerous-house", "危房隐患", 24),
            ("roof-leak", "公共部位漏水", 72),
        ],
    ),
    (
        "community-disputes",
        "邻里纠纷",
        CategoryKind.COMMUNITY,
        [
            ("noise", "噪声扰民", 24),
            ("shared-space", "公共空间占用", 72),
            ("pets", "宠物扰民", 72),
        ],
    ),
    (
        "community-safety",
        "安全隐患",
        CategoryKind.COMMUNITY,
        [
            ("fire-exit", "消防通道堵塞", 4),
            ("ebike-charging", "电动车违规充电", 4),
            ("falling-objects", "高空坠物隐患", 8),
        ],
    ),
    (
        "community-mediation",
        "矛盾调解",
        CategoryKind.COMMUNITY,
        [
            ("family-dispute", "家庭矛盾", 120),
            ("property-dispute", "物业纠纷", 120),
            ("wage-arrears", "拖欠工资", 120),
        ],
    ),
    (
        "community-needs",
        "民生诉求",
        CategoryKind.COMMUNITY,
        [
            ("elderly-help", "老人帮扶", 24),
            ("heating", "供暖问题", 24),
            ("water-supply", "停水停电", 8),
            ("other-needs", "其他诉求", 120),
        ],
    ),
]


# Extra questions asked when reporting (Open311 attributes), by subcategory.
QUESTIONS = {
    "manhole-cover": [
        {
            "code": "cover_type",
            "description": "井盖类型",
            "datatype": "singlevaluelist",
            "required": False,
            "values": [
                {"key": "rain", "name": "雨水"},
                {"key": "sewage", "name": "污水"},
                {"key": "power", "name": "电力"},
                {"key": "telecom", "name": "通信"},
                {"key": "gas", "name": "燃气"},
                {"key": "unknown", "name": "不清楚"},
            ],
        }
    ],
    "waterlogging": [
        {
            "code": "depth_cm",
            "description": "积水深度（厘米）",
            "datatype": "number",
            "required": True,
        },
        {
            "code": "passable",
            "description": "车辆能否通行",
            "datatype": "singlevaluelist",
            "required": False,
            "values": [{"key": "yes", "name": "能"}, {"key": "no", "name": "不能"}],
        },
    ],
    "street-vending": [
        {"code": "stalls", "description": "摊位数量", "datatype": "number", "required": False}
    ],
}
# Emergencies: their time limits run day and night, not in working hours only.
ROUND_THE_CLOCK = {"event-emergency"}


def rows():
    """Every seeded category as a dict of fields (top ones first), with its parent's
    code under "parent"."""
    order = 0
    for code, name, kind, children in SEED:
        order += 10
        clock = {"working_hours": code not in ROUND_THE_CLOCK}
        yield {"code": code, "name": name, "kind": kind, "parent": None, "order": order, **clock}
        for child_code, child_name, handle_hours in children:
            order += 1
            yield {
                "code": child_code,
                "name": child_name,
                "kind": kind,
                "parent": code,
                "order": order,
                "handle_hours": handle_hours,
                "questions": QUESTIONS.get(child_code, []),
                **clock,
            }


def ensure(category_model) -> None:
    """Create the seeded categories that are missing (the migration passes its
    historical model, which may lack later fields; `services.categories_ensure_defaults`
    the current one)."""
    fields = {field.name for field in category_model._meta.get_fields()}
    created = {}
    for row in rows():
        parent = created.get(row.pop("parent"))
        row = {name: value for name, value in row.items() if name in fields}
        created[row["code"]], _ = category_model.objects.get_or_create(
            code=row["code"], defaults={**row, "parent": parent}
        )
