"""The catalogue of community service matters the demo (and a new deployment, with
`linli seed demo`) starts from: about twenty matters a community service centre of
周村区 handles, with their legal basis, conditions, materials, form, steps and
promised time limits as the district's published guides state them."""

from dataclasses import dataclass, field
from decimal import Decimal

from linli.hall.choices import FieldType as T
from linli.hall.choices import MaterialForm as F
from linli.hall.choices import MaterialSource as S
from linli.hall.choices import MatterCategory as C
from linli.hall.choices import Prefill as P

PLACE = "各社区党群服务中心便民服务窗口"
HOURS = "周一至周五 上午8:30—12:00,下午13:30—17:30(法定节假日除外)"
PHONE = "0533-6418 2345"


@dataclass(frozen=True)
class Material:
    name: str
    form: str = F.COPY
    copies: int = 1
    required: bool = True
    note: str = ""
    source: str = S.APPLICANT
    certificate_kind: str = ""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str = T.TEXT
    required: bool = True
    options: tuple[str, ...] = ()
    prefill: str = P.NONE
    help: str = ""


@dataclass(frozen=True)
class Step:
    stage: int
    name: str
    department: str
    days: int


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    category: str
    level: str  # "district" or "subdistrict": where the matter sits
    summary: str
    legal_basis: str
    conditions: str
    time_limit: int
    legal_limit: int
    materials: tuple[Material, ...]
    fields: tuple[Field, ...] = ()
    steps: tuple[Step, ...] = ()
    fee: Decimal = Decimal(0)
    fee_basis: str = ""
    pickup: bool = True
    express: bool = False
    electronic: bool = False
    certificate_kind: str = ""
    one_visit: bool = True
    on_the_spot: bool = False
    district_wide: bool = True
    online: bool = True
    place: str = PLACE
    extra: dict[str, str] = field(default_factory=dict)


ID_CARD = Material("居民身份证", F.BOTH, 1, note="原件核验,复印件正反面", source=S.REGISTRY)
HUKOU = Material("户口簿", F.COPY, 1, note="户主页及本人页", source=S.REGISTRY)
PHOTO = Material("近期免冠一寸彩色照片", F.ORIGINAL, 2)
BANK = Material("本人社会保障卡或银行卡", F.COPY, 1, note="用于发放补贴,须为本人名下")
HOUSEHOLD = Field("household", "户号", prefill=P.HOUSEHOLD, required=False)
ADDRESS = Field("address", "现居住地址", prefill=P.ADDRESS)
BIRTH = Field("birth_date", "出生日期", T.DATE, prefill=P.BIRTH_DATE)
PEOPLE = Field("family_size", "家庭共同生活人口(人)", T.NUMBER)
INCOME = Field("monthly_income", "家庭月人均收入(元)", T.NUMBER)

MZ = "周村区民政局"
JD = "街道社会事务办公室"
SQ = "社区居民委员会"
WJ = "区卫生健康局"
CL = "区残疾人联合会"
RS = "区人力资源和社会保障局"

CATALOGUE: tuple[Entry, ...] = (
    Entry(
        "residence-proof",
        "居住证明",
        C.CERTIFICATION,
        "district",
        "为在本社区实际居住的居民出具居住情况证明,用于子女入学、办理居住证、就业等。",
        "《山东省流动人口服务管理条例》;《淄博市居住证管理实施办法》",
        "在本社区实际居住的居民(含租住人员),居住事实经社区核实。",
        0,
        3,
        (
            ID_CARD,
            HUKOU,
            Material("房屋产权证明或房屋租赁合同", note="租住的须提供经备案的租赁合同"),
        ),
        (
            ADDRESS,
            Field("lived_since", "起始居住日期", T.DATE),
            Field(
                "purpose", "证明用途", T.CHOICE, options=("子女入学", "办理居住证", "就业", "其他")
            ),
        ),
        (),
        electronic=True,
        certificate_kind="residence",
        on_the_spot=True,
        district_wide=False,
    ),
    Entry(
        "elderly-allowance",
        "高龄津贴申请",
        C.ELDERLY,
        "district",
        "80周岁及以上本区户籍老年人按月领取高龄津贴,社区窗口受理,区民政局审批后按月发放。",
        "《山东省老年人权益保障条例》第二十七条;《淄博市高龄津贴发放管理办法》",
        "具有本区户籍、年满80周岁的老年人;已享受同类津贴的不重复发放。",
        15,
        20,
        (ID_CARD, HUKOU, BANK, PHOTO),
        (
            BIRTH,
            HOUSEHOLD,
            Field("bank_name", "开户银行"),
            Field("bank_account", "银行账号", T.NUMBER),
        ),
        (Step(1, "社区初审", SQ, 3), Step(2, "街道审核", JD, 5), Step(3, "区民政局审批", MZ, 5)),
    ),
    Entry(
        "disability-subsidies",
        "残疾人两项补贴",
        C.DISABILITY,
        "district",
        "困难残疾人生活补贴和重度残疾人护理补贴,一次申请、分别审核、按月发放。",
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》(国发〔2015〕52号)",
        "生活补贴:低保家庭中的残疾人;护理补贴:残疾等级为一级、二级且需长期照护的重度残疾人。",
        20,
        30,
        (
            ID_CARD,
            HUKOU,
            Material("中华人民共和国残疾人证(第二代)", F.BOTH, 1),
            Material("最低生活保障证", F.COPY, 1, required=False, note="申请生活补贴的提供"),
            BANK,
        ),
        (
            Field(
                "disability_type",
                "残疾类别",
                T.CHOICE,
                options=("视力", "听力", "言语", "肢体", "智力", "精神", "多重"),
            ),
            Field(
                "disability_grade", "残疾等级", T.CHOICE, options=("一级", "二级", "三级", "四级")
            ),
            Field(
                "subsidy",
                "申请补贴",
                T.CHOICE,
                options=("困难残疾人生活补贴", "重度残疾人护理补贴", "两项均申请"),
            ),
        ),
        (
            Step(1, "社区受理审核", SQ, 3),
            Step(2, "街道残联审核", "街道残疾人联合会", 5),
            Step(2, "家庭经济状况核对", JD, 5),
            Step(3, "区残联审批", CL, 5),
        ),
    ),
    Entry(
        "minimum-living",
        "最低生活保障申请",
        C.SOCIAL_ASSISTANCE,
        "district",
        "家庭月人均收入低于当地低保标准且财产状况符合规定的家庭,可申请最低生活保障。",
        "《社会救助暂行办法》;《山东省最低生活保障工作规程》",
        "共同生活的家庭成员人均收入低于周村区城乡低保标准(城市每人每月1020元),且家庭财产符合规定。",
        30,
        30,
        (
            ID_CARD,
            HUKOU,
            Material("家庭成员收入情况声明", F.ORIGINAL, note="如实申报,全体成员签字"),
            Material("家庭经济状况核对授权书", F.ORIGINAL, note="全体成年家庭成员签字"),
            Material("残疾证、病历等证明材料", required=False, note="因病、因残的提供"),
        ),
        (
            ADDRESS,
            PEOPLE,
            INCOME,
            Field("reason", "申请原因", T.CHOICE, options=("因病", "因残", "因灾", "失业", "其他")),
        ),
        (
            Step(1, "入户调查", SQ, 5),
            Step(2, "家庭经济状况核对", "区民政局核对中心", 10),
            Step(2, "民主评议", SQ, 5),
            Step(3, "街道审核公示", JD, 7),
            Step(4, "区民政局审批", MZ, 5),
        ),
        one_visit=False,
    ),
    Entry(
        "temporary-assistance",
        "临时救助",
        C.SOCIAL_ASSISTANCE,
        "district",
        "因火灾、交通事故、突发重大疾病等导致基本生活暂时出现严重困难的家庭或个人,可申请临时救助。",
        "《社会救助暂行办法》第四十七条;《山东省临时救助办法》",
        "遭遇突发性、紧迫性、临时性生活困难,其他救助制度暂时无法覆盖的家庭或个人;情况紧急的可先行救助。",
        10,
        15,
        (ID_CARD, HUKOU, Material("困难情况证明", note="医疗费用票据、事故证明等"), BANK),
        (
            ADDRESS,
            Field(
                "difficulty",
                "困难类型",
                T.CHOICE,
                options=("急难型:突发事件", "急难型:重大疾病", "支出型:医疗", "支出型:教育"),
            ),
            Field("amount_requested", "申请救助金额(元)", T.NUMBER),
        ),
        (Step(1, "社区受理核实", SQ, 2), Step(2, "街道审批", JD, 5)),
    ),
    Entry(
        "elderly-card",
        "老年人优待证",
        C.ELDERLY,
        "district",
        "60周岁及以上老年人凭优待证享受乘车、景区游览等优待服务。",
        "《中华人民共和国老年人权益保障法》第五十七条;《山东省老年人优待办法》",
        "年满60周岁的本区户籍老年人,或在本区居住的外地老年人。",
        5,
        10,
        (ID_CARD, PHOTO),
        (BIRTH,),
        (Step(1, "区老龄办制证", "区民政局老龄工作办公室", 3),),
        express=True,
        electronic=True,
        certificate_kind="senior",
    ),
    Entry(
        "only-child-glory",
        "独生子女父母光荣证",
        C.FAMILY,
        "subdistrict",
        "终身只生育一个子女并自愿不再生育的夫妻,可领取独生子女父母光荣证,享受相应奖励扶助。",
        "《山东省人口与计划生育条例》;《独生子女父母光荣证管理办法》",
        "夫妻只有一个子女,且未违反计划生育政策;以夫妻双方共同申请。",
        10,
        20,
        (
            ID_CARD,
            HUKOU,
            Material("结婚证", F.COPY),
            Material("子女出生医学证明", F.COPY),
        ),
        (
            ADDRESS,
            Field("spouse_name", "配偶姓名"),
            Field("spouse_id", "配偶身份号码", T.ID_NUMBER),
            Field("child_name", "子女姓名"),
            Field("child_sex", "子女性别", T.CHOICE, options=("男", "女")),
            Field("child_birth", "子女出生日期", T.DATE),
        ),
        (Step(1, "社区审核", SQ, 2), Step(2, "街道卫健办审批", "街道卫生健康办公室", 5)),
        electronic=True,
        certificate_kind="only_child",
    ),
    Entry(
        "house-number",
        "门牌号码申请",
        C.HOUSING,
        "district",
        "新建、改建房屋或门牌缺失、损坏的,申请编制、安装门牌号码。",
        "《地名管理条例》;《山东省地名管理办法》;《淄博市门牌管理规定》",
        "房屋合法建成,产权人或使用人提出申请。",
        10,
        20,
        (
            ID_CARD,
            Material("房屋产权证明或村(居)委会出具的权属说明"),
            Material("房屋现状照片", F.ORIGINAL, 2, note="正门及周边参照物"),
        ),
        (
            Field("house_location", "房屋坐落"),
            Field(
                "reason",
                "申请原因",
                T.CHOICE,
                options=("新建房屋", "门牌缺失", "门牌损坏", "地址变更"),
            ),
        ),
        (
            Step(1, "现场核实", SQ, 3),
            Step(2, "地名编制", "区民政局地名办", 5),
            Step(2, "户籍地址核对", "公安派出所", 5),
        ),
        fee=Decimal("35.00"),
        fee_basis="门牌制作安装成本费,按区发展和改革局核定标准收取",
        express=True,
    ),
    Entry(
        "birth-registration",
        "计划生育服务登记(生育登记)",
        C.FAMILY,
        "district",
        "夫妻生育子女实行登记服务,登记后可享受孕产期保健等服务;网上登记、即时办结。",
        "《山东省人口与计划生育条例》第十八条;《山东省生育登记服务管理办法》",
        "夫妻一方户籍在本区,或在本区居住的流动人口。",
        0,
        1,
        (ID_CARD, Material("结婚证", F.COPY, note="未婚生育的按规定提供相关说明")),
        (
            Field("spouse_name", "配偶姓名"),
            Field("spouse_id", "配偶身份号码", T.ID_NUMBER),
            Field("child_order", "本次生育孩次", T.CHOICE, options=("一孩", "二孩", "三孩")),
            Field("due_date", "预产期", T.DATE, required=False),
        ),
        (),
        on_the_spot=True,
    ),
    Entry(
        "medical-assistance",
        "医疗救助申请",
        C.SOCIAL_ASSISTANCE,
        "district",
        "低保对象、特困人员等经基本医保、大病保险报销后,个人负担的合规医疗费用按比例救助。",
        "《社会救助暂行办法》第五章;《山东省医疗救助办法》",
        "低保对象、特困人员、低收入家庭成员及因病致贫的重病患者。",
        15,
        20,
        (
            ID_CARD,
            HUKOU,
            Material("医疗费用发票及结算单", F.BOTH),
            Material("出院记录或诊断证明", F.COPY),
            BANK,
        ),
        (
            Field("hospital", "就诊医院"),
            Field("out_of_pocket", "个人负担医疗费用(元)", T.NUMBER),
        ),
        (Step(1, "社区初审", SQ, 3), Step(2, "区医保局审核", "区医疗保障局", 7)),
    ),
    Entry(
        "child-protection",
        "困境儿童基本生活保障申请",
        C.SOCIAL_ASSISTANCE,
        "district",
        "父母双方重残、重病或服刑等无力履行抚养义务的困境儿童,按月领取基本生活费。",
        "《国务院关于加强困境儿童保障工作的意见》(国发〔2016〕36号)",
        "未满18周岁,父母双方均符合重残、重病、服刑、失联等情形之一的儿童。",
        20,
        30,
        (
            ID_CARD,
            HUKOU,
            Material("父母情况证明", F.COPY, note="残疾证、诊断证明或服刑通知书等"),
            Material("监护人身份证", F.COPY),
        ),
        (
            Field("guardian_name", "监护人姓名"),
            Field("guardian_phone", "监护人电话", T.PHONE),
            Field(
                "situation",
                "困境情形",
                T.CHOICE,
                options=("父母重残", "父母重病", "父母服刑", "父母失联"),
            ),
        ),
        (
            Step(1, "社区入户核查", SQ, 5),
            Step(2, "街道审核", JD, 5),
            Step(3, "区民政局审批", MZ, 7),
        ),
        one_visit=False,
    ),
    Entry(
        "destitute-support",
        "特困人员救助供养申请",
        C.SOCIAL_ASSISTANCE,
        "district",
        "无劳动能力、无生活来源、无法定赡养抚养扶养义务人的老年人、残疾人和未成年人,给予救助供养。",
        "《社会救助暂行办法》第三章;《特困人员认定办法》",
        "同时具备无劳动能力、无生活来源、无法定义务人或其无履行能力三个条件。",
        20,
        30,
        (
            ID_CARD,
            HUKOU,
            Material("本人书面申请", F.ORIGINAL),
            Material("残疾证或诊断证明", F.COPY, required=False),
        ),
        (
            ADDRESS,
            Field("support_mode", "供养方式", T.CHOICE, options=("分散供养", "集中供养")),
        ),
        (Step(1, "入户调查", SQ, 5), Step(2, "街道审核", JD, 7), Step(3, "区民政局确认", MZ, 5)),
        one_visit=False,
    ),
    Entry(
        "pension-enrolment",
        "城乡居民基本养老保险参保登记",
        C.EMPLOYMENT,
        "district",
        "年满16周岁(不含在校学生)、未参加职工养老保险的城乡居民,在户籍地参保登记。",
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》(国发〔2014〕8号)",
        "年满16周岁,非国家机关和事业单位工作人员,未参加职工基本养老保险。",
        0,
        5,
        (ID_CARD, HUKOU),
        (
            Field(
                "contribution",
                "缴费档次(元/年)",
                T.CHOICE,
                options=("300", "500", "800", "1000", "2000", "3000", "5000"),
            ),
        ),
        (),
        on_the_spot=True,
    ),
    Entry(
        "employment-difficulty",
        "就业困难人员认定",
        C.EMPLOYMENT,
        "district",
        "经认定的就业困难人员可享受公益性岗位安置、社会保险补贴等就业援助。",
        "《中华人民共和国就业促进法》第五十二条;《山东省就业困难人员认定办法》",
        "已办理失业登记,且属于大龄、残疾、低保家庭、零就业家庭等情形之一。",
        10,
        15,
        (
            ID_CARD,
            Material("就业创业证", F.COPY),
            Material("困难情形证明", F.COPY, note="残疾证、低保证等"),
        ),
        (
            Field(
                "category",
                "困难类别",
                T.CHOICE,
                options=(
                    "大龄失业人员",
                    "残疾人",
                    "低保家庭成员",
                    "零就业家庭成员",
                    "长期失业人员",
                ),
            ),
        ),
        (
            Step(1, "社区初审", SQ, 2),
            Step(2, "街道劳动保障所审核", "街道劳动保障所", 3),
            Step(3, "区人社局认定", RS, 3),
        ),
    ),
    Entry(
        "unemployment-registration",
        "失业登记",
        C.EMPLOYMENT,
        "district",
        "劳动年龄内、有劳动能力和就业要求、处于无业状态的人员办理失业登记,享受公共就业服务。",
        "《就业服务与就业管理规定》第六十三条",
        "法定劳动年龄内、有劳动能力、有就业要求、处于无业状态的城乡劳动者。",
        0,
        5,
        (ID_CARD, Material("解除或终止劳动合同证明", F.COPY, required=False)),
        (
            Field("last_employer", "原工作单位", required=False),
            Field("jobless_since", "失业日期", T.DATE),
        ),
        (),
        on_the_spot=True,
    ),
    Entry(
        "veteran-card",
        "退役军人优待证申领",
        C.VETERANS,
        "district",
        "退役军人和其他优抚对象申领优待证,凭证享受交通、文旅、医疗等优待。",
        "《中华人民共和国退役军人保障法》第六十三条;《退役军人、其他优抚对象优待证管理办法(试行)》",
        "本区户籍的退役军人、其他优抚对象。",
        20,
        30,
        (ID_CARD, PHOTO, Material("退伍证或退役证明", F.COPY)),
        (
            Field("enlisted", "入伍时间", T.DATE),
            Field("discharged", "退役时间", T.DATE),
        ),
        (
            Step(1, "社区服务站审核", "社区退役军人服务站", 3),
            Step(2, "区退役军人事务局审核制证", "区退役军人事务局", 10),
        ),
        express=True,
    ),
    Entry(
        "residence-permit",
        "居住证申领",
        C.CERTIFICATION,
        "district",
        "离开常住户口所在地、在本区居住半年以上并有合法稳定就业、住所或连续就读条件之一的,可申领居住证。",
        "《居住证暂行条例》;《山东省流动人口服务管理条例》",
        "在本区居住半年以上,且有合法稳定就业、合法稳定住所、连续就读之一。",
        15,
        15,
        (
            ID_CARD,
            PHOTO,
            Material(
                "居住证明或房屋租赁合同",
                F.COPY,
                source=S.CERTIFICATE,
                certificate_kind="residence",
            ),
            Material("劳动合同或就学证明", F.COPY),
        ),
        (ADDRESS, Field("arrived", "来本区居住日期", T.DATE)),
        (Step(1, "社区采集信息", SQ, 2), Step(2, "公安派出所审核制证", "公安派出所", 10)),
        express=True,
    ),
    Entry(
        "low-income-family",
        "低收入家庭认定",
        C.SOCIAL_ASSISTANCE,
        "district",
        "家庭人均收入低于低保标准1.5倍且财产符合规定的家庭,认定为低收入家庭,享受相应专项救助。",
        "《山东省低收入人口认定和动态监测办法》",
        "家庭月人均收入低于周村区低保标准的1.5倍,家庭财产状况符合规定。",
        20,
        30,
        (ID_CARD, HUKOU, Material("家庭经济状况核对授权书", F.ORIGINAL)),
        (ADDRESS, PEOPLE, INCOME),
        (
            Step(1, "入户调查", SQ, 5),
            Step(2, "家庭经济状况核对", "区民政局核对中心", 10),
            Step(3, "街道审核确认", JD, 5),
        ),
    ),
    Entry(
        "funeral-subsidy",
        "惠民殡葬补贴申领",
        C.SOCIAL_ASSISTANCE,
        "district",
        "本区户籍居民去世后实行火化的,减免基本殡葬服务费用,由亲属申领。",
        "《山东省惠民殡葬政策实施办法》",
        "逝者为本区户籍并在区殡仪馆火化,申领人为其直系亲属。",
        5,
        10,
        (
            Material("逝者居民死亡医学证明(推断)书", F.COPY),
            Material("火化证明", F.COPY),
            Material("申领人身份证", F.COPY),
            BANK,
        ),
        (
            Field("deceased_name", "逝者姓名"),
            Field("deceased_id", "逝者身份号码", T.ID_NUMBER),
            Field(
                "relation", "与逝者关系", T.CHOICE, options=("配偶", "子女", "父母", "其他直系亲属")
            ),
        ),
        (Step(1, "区民政局审核", MZ, 3),),
    ),
    Entry(
        "disability-card",
        "残疾人证申领",
        C.DISABILITY,
        "district",
        "符合残疾标准的居民申领第二代中华人民共和国残疾人证,须到指定医院进行残疾评定。",
        "《中华人民共和国残疾人保障法》;《中华人民共和国残疾人证管理办法》",
        "视力、听力、言语、肢体、智力、精神残疾及多重残疾,符合国家残疾标准。",
        20,
        30,
        (ID_CARD, HUKOU, PHOTO, Material("残疾评定表", F.ORIGINAL, note="由区残联指定医院评定")),
        (
            Field(
                "disability_type",
                "残疾类别",
                T.CHOICE,
                options=("视力", "听力", "言语", "肢体", "智力", "精神", "多重"),
            ),
        ),
        (
            Step(1, "社区受理", SQ, 2),
            Step(2, "指定医院评定", "区残联指定评定医院", 10),
            Step(3, "区残联审核发证", CL, 5),
        ),
        express=True,
        one_visit=False,
    ),
    Entry(
        "home-care-subsidy",
        "居家养老服务补贴申请",
        C.ELDERLY,
        "subdistrict",
        "经济困难的失能、半失能老年人,按评估等级享受居家养老上门服务补贴。",
        "《山东省养老服务条例》;《淄博市居家养老服务补贴实施办法》",
        "本街道户籍60周岁以上,属低保、特困或低收入家庭,经评估为失能或半失能的老年人。",
        15,
        20,
        (ID_CARD, HUKOU, Material("老年人能力评估报告", F.COPY)),
        (
            ADDRESS,
            Field("care_level", "能力等级", T.CHOICE, options=("轻度失能", "中度失能", "重度失能")),
        ),
        (Step(1, "社区入户评估", SQ, 5), Step(2, "街道审核", JD, 5)),
        district_wide=False,
    ),
)
