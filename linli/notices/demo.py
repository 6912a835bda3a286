"""Demo notices in 周村区: from the city, the district, 丝绸路街道 and its communities,
of most topics, in every state (published, pinned, urgent, awaiting approval, a draft,
scheduled, withdrawn); the demo resident (`jumin`, 陈秀英) is the registry's elder
living alone whose mobile number she signs in with, and has read some of them."""

from datetime import timedelta
from typing import Any

from django.core.management.base import OutputWrapper
from django.utils import timezone

from linli.accounts.models import User
from linli.core.crypto import blind_index
from linli.notices import services
from linli.notices.models import Notice, Topic
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus
from linli.registry.labels import derived_label_q
from linli.registry.models import Building, Label, Resident
from linli.registry.services import resident_update

CHEZHAN = "370306001001"
READER = "jumin"

# region code, author, approver (None: left as the state says), topic, title, text, options
NOTICES: list[tuple[str, str, str | None, str, str, str, dict[str, object]]] = [
    ("370300000000", "admin", None, "weather", "淄博市气象台：本周后期有寒潮天气",
     "<p>受强冷空气影响，12月10日至12日我市将出现寒潮天气，最低气温零下10℃。</p>"
     "<ul><li>请注意防寒保暖，检查取暖设施；</li><li>老人、儿童减少外出。</li></ul>", {}),
    ("370306000000", "zhoucun", "admin", "government", "2027年度城乡居民医保集中缴费开始",
     "<p>2027年度城乡居民基本医疗保险集中缴费期为即日起至2027年2月28日，"
     "个人缴费标准为每人每年400元。可通过“爱山东”App或社区服务站缴纳。</p>", {"pinned": True}),
    ("370306000000", "zhoucun", "admin", "prices", "12月上旬周村区主要农副产品价格监测",
     "<table><tr><th>品名</th><th>均价（元/斤）</th></tr><tr><td>猪肉</td><td>13.5</td></tr>"
     "<tr><td>鸡蛋</td><td>4.2</td></tr><tr><td>大白菜</td><td>0.8</td></tr></table>", {}),
    ("370306000000", "zhoucun", "admin", "jobs", "周村区冬季专场招聘会12月18日举行",
     "<p>12月18日上午9时，区人力资源市场举办冬季专场招聘会，60余家企业提供岗位1200余个。</p>", {}),
    ("370306000000", "zhoucun", "admin", "police", "冬季防范电信网络诈骗提示",
     "<p>凡是自称“公检法”要求转账的都是诈骗！接到可疑电话请拨打 <strong>96110</strong> 咨询。</p>",
     {}),
    ("370306001000", "sichoulu", "zhoucun", "culture", "丝绸路街道迎新春书画展开展",
     "<p>12月20日至1月5日，街道文化站展出辖区居民书画作品120余幅，欢迎参观。</p>", {}),
    ("370306001000", "sichoulu", "zhoucun", "education", "寒假青少年托管班开始报名",
     "<p>寒假期间街道开设青少年托管班，内容含作业辅导、阅读和体育活动，请到所在社区报名。</p>", {}),
    ("370306001001", "chezhan", "sichoulu", "community", "二次供水设施清洗停水通知",
     "<p>12月9日8时至14时清洗二次供水水箱，期间停水，请提前储水。</p>", {"buildings": 2}),
    ("370306001001", "chezhan", "sichoulu", "elderly", "60岁以上老人免费健康体检",
     "<p>社区卫生服务站为60岁以上老人免费体检，请携带身份证于12月15日上午到社区服务站。</p>",
     {"labels": ["elderly"]}),
    ("370306001001", "chezhan", "sichoulu", "health", "流感疫苗接种开始预约",
     "<p>社区卫生服务站开始预约流感疫苗接种，预约电话 0533-6412345。</p>", {"pinned": True}),
    ("370306001001", "chezhan", "sichoulu", "family", "家庭教育公益讲座",
     "<p>12月21日下午在社区活动室举办家庭教育讲座，主题为“如何陪伴孩子度过青春期”。</p>", {}),
    ("370306001001", "chezhan", "sichoulu", "weather", "暴雪天气紧急通知：独居老人请勿外出",
     "<p>今夜至明天有暴雪，道路结冰。独居老人请勿外出，需要帮助请拨打社区电话 0533-6412000。</p>",
     {"urgency": "urgent"}),
    ("370306001003", "shinan", "sichoulu", "community", "市南社区停车位调整公告",
     "<p>因消防通道整治，小区东侧停车位调整，请车主于12月12日前挪车。</p>", {}),
    ("370306001001", "chezhan", "sichoulu", "community", "临时停电通知",
     "<p>12月8日9时至11时线路检修停电。</p>", {"withdraw": "线路检修已取消"}),
    ("370306000000", "zhoucun", "admin", "government", "元旦假期值班安排",
     "<p>元旦假期各单位值班安排如下。</p>", {"publish_in_days": 3}),
    ("370306001001", "chezhan", None, "community", "楼道杂物清理通知",
     "<p>请各位居民于本周末前清理楼道杂物，保持消防通道畅通。</p>", {"state": "review"}),
    ("370306001001", "chezhan", None, "library", "社区书屋新到图书",
     "<p>社区书屋新到图书200册，欢迎借阅。</p>", {"state": "draft"}),
]  # fmt: skip
READ = {"2027年度城乡居民医保集中缴费开始", "流感疫苗接种开始预约", "60岁以上老人免费健康体检"}


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    services.topics_ensure_defaults()
    if Notice.objects.exists():
        stdout.write("notices: demo notices already there")
        return
    usernames = {n[1] for n in NOTICES} | {n[2] for n in NOTICES if n[2]} | {READER}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if users.keys() != usernames:
        stdout.write("notices: no demo users, nothing to seed")
        return
    _reader_in_registry(users[READER])
    now = timezone.now()
    made = 0
    for code, author, approver, topic, title, body, options in NOTICES:
        region = Region.objects.get(code=code)
        fields: dict[str, object] = {}
        if "buildings" in options:
            fields["buildings"] = list(
                Building.objects.filter(grid__path__startswith=region.path).order_by("pk")[
                    : int(str(options["buildings"]))
                ]
            )
        if "labels" in options:
            fields["labels"] = list(Label.objects.filter(code__in=list(options["labels"])))  # type: ignore[call-overload]
        if "publish_in_days" in options:
            fields["publish_at"] = now + timedelta(days=int(str(options["publish_in_days"])))
        notice = services.notice_create(
            region=region,
            title=title,
            body=body,
            topic=Topic.objects.get(code=topic),
            urgency=str(options.get("urgency", "normal")),
            by=users[author],
            **fields,  # type: ignore[arg-type]
        )
        made += 1
        if options.get("state") == "draft":
            continue
        services.notice_submit(notice=notice, by=users[author])
        if options.get("state") == "review":
            continue
        notice = services.notice_approve(notice=notice, by=users[approver] if approver else None)
        if options.get("pinned"):
            services.notice_pin(notice=notice, pinned=True, by=None)
        if "withdraw" in options:
            services.notice_withdraw(
                notice=notice, by=users[approver or author], note=str(options["withdraw"])
            )
        if title in READ:
            services.notice_read(notice=notice, by=users[READER])
    stdout.write(f"notices: {made} demo notices")


def _reader_in_registry(reader: User) -> None:
    """The demo resident's account is an elder living alone in 车站社区 of the registry
    (the same mobile number): her notices follow her building and labels."""
    community = Region.objects.get(code=CHEZHAN)
    living = Resident.objects.filter(
        status=ResidentStatus.LIVING, grid__path__startswith=community.path
    )
    if (
        not reader.phone
        or living.filter(phone_index=blind_index(reader.phone, Resident.PHONE_CONTEXT)).exists()
    ):
        return
    elder = (
        living.filter(derived_label_q("elderly_alone")).order_by("pk").first()
        or living.filter(derived_label_q("elderly")).order_by("pk").first()
    )
    if elder is not None:
        resident_update(resident=elder, by=None, phone=reader.phone, note="演示：居民账号")
