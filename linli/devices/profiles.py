"""The device profiles and alarm types a deployment starts with (seeded by a
migration; a deployment edits them in the console).

Ranges are physical limits: a value outside them is refused as a faulty reading,
not alarmed on. Intervals are how often such devices report when nothing happens
(NB-IoT detectors: hourly heartbeats; meters: every 15 minutes).
"""

from datetime import time
from typing import Any

from linli.devices.choices import Operator, RuleKind, Severity, ValueType

N, B, T = ValueType.NUMBER, ValueType.BOOLEAN, ValueType.TEXT
C, MA, MI, W = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.WARNING

# (code, name, opens a case in (category code) or None, escalate after, remind every)
ALARM_TYPES = [
    ("fire", "火灾报警", "fire-alarm", 5, 15),
    ("gas", "可燃气体报警", "gas-leak", 5, 15),
    ("toxic-gas", "一氧化碳报警", "toxic-gas", 5, 15),
    ("water-leak", "水浸报警", "water-pipe", 30, 60),
    ("high-temperature", "高温报警", None, 15, 60),
    ("temperature-rise", "温度骤升", None, 10, 30),
    ("door-open-night", "夜间门未关", None, 30, None),
    ("perimeter", "周界入侵", "perimeter-alarm", 5, 30),
    ("elevator-trapped", "电梯困人", "elevator-trapped", 5, 15),
    ("elevator-fault", "电梯故障", None, 60, 240),
    ("manhole", "井盖异常", "manhole-cover", 30, 120),
    ("lamp-fault", "路灯故障", "street-light", None, None),
    ("charger-overheat", "充电桩过温", None, 10, 30),
    ("charger-fault", "充电桩故障", None, None, None),
    ("continuous-flow", "水表持续走字", None, None, None),
    ("heating-low", "供暖温度偏低", None, None, None),
    ("pm25", "PM2.5超标", None, None, None),
    ("noise-night", "夜间噪声超标", None, None, None),
    ("elder-emergency", "老人紧急呼叫", "elder-emergency-call", 3, 10),
    ("elder-service", "老人服务请求", "elderly-help", 30, 120),
    ("no-activity", "长时间无活动", "elder-emergency-call", 15, 60),
    ("fall", "跌倒报警", "elder-emergency-call", 3, 10),
    ("wandering", "走出安全区域", "elder-emergency-call", 5, 15),
    ("offline", "设备离线", None, None, None),
    ("low-battery", "电量低", None, None, None),
]

BATTERY = ("battery", "电量", "%", N, 0, 100)
SIGNAL = ("signal", "信号强度", "dBm", N, -140, 0)
TEMPERATURE = ("temperature", "温度", "℃", N, -40, 125)
HUMIDITY = ("humidity", "湿度", "%RH", N, 0, 100)


def rule(
    alarm: str,
    severity: str,
    kind: str,
    key: str = "",
    op: str = "",
    threshold: float | None = None,
    **more: Any,
) -> dict[str, Any]:
    return {
        "alarm_type": alarm,
        "severity": severity,
        "kind": kind,
        "key": key,
        "operator": op,
        "threshold": threshold,
        **more,
    }


LOW_BATTERY = rule("low-battery", W, RuleKind.THRESHOLD, "battery", Operator.LT, 20)


def offline(minutes: int) -> dict[str, Any]:
    return rule("offline", W, RuleKind.NO_DATA, minutes=minutes)


# code, name, description, interval (s), keys, default rules
PROFILES = [
    (
        "smoke",
        "烟感探测器",
        "独立式光电感烟火灾探测报警器（NB-IoT）",
        3600,
        [("smoke", "烟雾报警", "", B, 0, 1), TEMPERATURE, BATTERY, SIGNAL],
        [rule("fire", C, RuleKind.BOOLEAN, "smoke"), LOW_BATTERY, offline(180)],
    ),
    (
        "gas",
        "可燃气体探测器",
        "家用可燃气体探测器，报警值25%LEL",
        600,
        [("gas", "可燃气体浓度", "%LEL", N, 0, 100), SIGNAL],
        [rule("gas", C, RuleKind.THRESHOLD, "gas", Operator.GE, 25), offline(60)],
    ),
    (
        "co",
        "一氧化碳探测器",
        "一氧化碳（CO）探测报警器",
        600,
        [("co", "一氧化碳浓度", "ppm", N, 0, 2000), BATTERY, SIGNAL],
        [rule("toxic-gas", C, RuleKind.THRESHOLD, "co", Operator.GE, 50, duration=60), LOW_BATTERY],
    ),
    (
        "water-leak",
        "水浸传感器",
        "地面水浸探测，用于地下室、水泵房、厨卫",
        3600,
        [("leak", "水浸", "", B, 0, 1), BATTERY, SIGNAL],
        [rule("water-leak", MA, RuleKind.BOOLEAN, "leak"), LOW_BATTERY],
    ),
    (
        "temp-humidity",
        "温湿度传感器",
        "配电房、机房、楼道温湿度监测",
        300,
        [TEMPERATURE, HUMIDITY, BATTERY],
        [
            rule(
                "high-temperature",
                MA,
                RuleKind.THRESHOLD,
                "temperature",
                Operator.GT,
                60,
                duration=30,
            ),
            rule("temperature-rise", MA, RuleKind.RATE, "temperature", Operator.GT, 8),
            LOW_BATTERY,
        ],
    ),
    (
        "door",
        "门磁",
        "单元门、设备间门的开关状态",
        3600,
        [("open", "门开", "", B, 0, 1), BATTERY],
        [
            rule(
                "door-open-night",
                MI,
                RuleKind.BOOLEAN,
                "open",
                duration=300,
                active_from=time(23),
                active_until=time(5),
            ),
            LOW_BATTERY,
        ],
    ),
    (
        "perimeter",
        "周界红外对射",
        "小区围墙主动红外入侵探测器",
        600,
        [("breach", "入侵", "", B, 0, 1), SIGNAL],
        [rule("perimeter", MA, RuleKind.BOOLEAN, "breach"), offline(60)],
    ),
    (
        "elevator",
        "电梯监测终端",
        "电梯运行状态、困人与故障监测",
        60,
        [
            ("floor", "所在楼层", "层", N, -5, 100),
            ("running", "运行中", "", B, 0, 1),
            ("door_open", "轿门开", "", B, 0, 1),
            ("trapped", "困人", "", B, 0, 1),
            ("fault", "故障代码", "", N, 0, 9999),
        ],
        [
            rule("elevator-trapped", C, RuleKind.BOOLEAN, "trapped"),
            rule("elevator-fault", MA, RuleKind.THRESHOLD, "fault", Operator.NE, 0),
            offline(10),
        ],
    ),
    (
        "manhole",
        "井盖监测器",
        "井盖位移、倾斜与开启监测",
        3600,
        [("open", "井盖开启", "", B, 0, 1), ("tilt", "倾斜角", "°", N, 0, 180), BATTERY],
        [rule("manhole", MA, RuleKind.BOOLEAN, "open"), LOW_BATTERY],
    ),
    (
        "street-lamp",
        "智慧路灯",
        "单灯控制器：开关、功率、电压、故障",
        900,
        [
            ("on", "亮灯", "", B, 0, 1),
            ("power", "功率", "W", N, 0, 1000),
            ("voltage", "电压", "V", N, 0, 300),
            ("fault", "故障", "", B, 0, 1),
        ],
        [rule("lamp-fault", MI, RuleKind.BOOLEAN, "fault")],
    ),
    (
        "charging-pile",
        "电动车充电桩",
        "小区电动自行车/汽车充电桩",
        300,
        [
            ("charging", "充电中", "", B, 0, 1),
            ("power", "功率", "kW", N, 0, 200),
            ("energy", "累计电量", "kWh", N, 0, 10_000_000),
            TEMPERATURE,
            ("fault", "故障", "", B, 0, 1),
        ],
        [
            rule(
                "charger-overheat",
                MA,
                RuleKind.THRESHOLD,
                "temperature",
                Operator.GT,
                70,
                duration=30,
            ),
            rule("charger-fault", MI, RuleKind.BOOLEAN, "fault"),
        ],
    ),
    (
        "electricity-meter",
        "智能电表",
        "远程抄表：电能与功率",
        900,
        [
            ("energy", "正向有功电能", "kWh", N, 0, 100_000_000),
            ("power", "有功功率", "kW", N, 0, 100),
            ("voltage", "电压", "V", N, 0, 300),
        ],
        [],
    ),
    (
        "water-meter",
        "智能水表",
        "远程抄表：累计用水与瞬时流量",
        900,
        [
            ("volume", "累计用水量", "m³", N, 0, 10_000_000),
            ("flow", "瞬时流量", "m³/h", N, 0, 50),
            BATTERY,
        ],
        [
            rule(
                "continuous-flow",
                MI,
                RuleKind.THRESHOLD,
                "flow",
                Operator.GT,
                0.01,
                duration=6 * 3600,
            )
        ],
    ),
    (
        "gas-meter",
        "智能燃气表",
        "远程抄表：累计用气与阀门状态",
        900,
        [
            ("volume", "累计用气量", "m³", N, 0, 10_000_000),
            ("valve_open", "阀门开", "", B, 0, 1),
            BATTERY,
        ],
        [LOW_BATTERY],
    ),
    (
        "heat-meter",
        "热量表",
        "供暖热量表：热量、供回水温度",
        900,
        [
            ("energy", "累计热量", "GJ", N, 0, 10_000_000),
            ("supply_temp", "供水温度", "℃", N, 0, 150),
            ("return_temp", "回水温度", "℃", N, 0, 150),
        ],
        [
            rule(
                "heating-low",
                MI,
                RuleKind.THRESHOLD,
                "supply_temp",
                Operator.LT,
                40,
                duration=3600,
            )
        ],
    ),
    (
        "environment",
        "环境监测站",
        "PM2.5、PM10、噪声、温湿度",
        300,
        [
            ("pm25", "PM2.5", "μg/m³", N, 0, 1000),
            ("pm10", "PM10", "μg/m³", N, 0, 2000),
            ("noise", "噪声", "dB(A)", N, 20, 140),
            TEMPERATURE,
            HUMIDITY,
        ],
        [
            rule("pm25", W, RuleKind.THRESHOLD, "pm25", Operator.GT, 150, duration=600),
            rule(
                "noise-night",
                MI,
                RuleKind.THRESHOLD,
                "noise",
                Operator.GT,
                55,
                duration=600,
                active_from=time(22),
                active_until=time(6),
            ),
        ],
    ),
    (
        "call-button",
        "一键呼叫器",
        "老人居家一键呼叫：红键紧急求助，绿键服务请求",
        3600,
        [
            ("emergency", "紧急呼叫", "", B, 0, 1),
            ("service", "服务请求", "", B, 0, 1),
            BATTERY,
            SIGNAL,
        ],
        [
            rule("elder-emergency", C, RuleKind.BOOLEAN, "emergency", clears=False),
            rule("elder-service", MI, RuleKind.BOOLEAN, "service", clears=False),
            LOW_BATTERY,
            offline(180),
        ],
    ),
    (
        "motion",
        "人体感应器",
        "独居老人居家活动监测：有人活动时上报",
        3600,
        [("motion", "有人活动", "", B, 0, 1), BATTERY],
        [
            rule("no-activity", MA, RuleKind.NO_DATA, "motion", minutes=12 * 60, clears=True),
            LOW_BATTERY,
        ],
    ),
    (
        "fall-detector",
        "跌倒探测器",
        "老人居家跌倒探测（毫米波雷达）：检测到跌倒时上报",
        3600,
        [("fall", "检测到跌倒", "", B, 0, 1), BATTERY],
        [rule("fall", C, RuleKind.BOOLEAN, "fall", clears=False), LOW_BATTERY, offline(180)],
    ),
    (
        "locator",
        "老人定位手环",
        "随身定位：走出子女或社区设定的安全区域（电子围栏）时上报",
        600,
        [
            ("outside", "在安全区域外", "", B, 0, 1),
            ("lon", "经度", "°", N, -180, 180),
            ("lat", "纬度", "°", N, -90, 90),
            BATTERY,
        ],
        [rule("wandering", MA, RuleKind.BOOLEAN, "outside"), LOW_BATTERY, offline(60)],
    ),
]


def ensure(apps: Any = None) -> None:
    """Create the seeded alarm types, profiles, keys and rules that are missing
    (by code; what a deployment changed is left alone)."""
    from django.apps import apps as current

    models = apps or current
    AlarmType = models.get_model("devices", "AlarmType")
    Profile = models.get_model("devices", "DeviceProfile")
    Key = models.get_model("devices", "ProfileKey")
    Rule = models.get_model("devices", "AlarmRule")
    Category = models.get_model("cases", "Category")

    types = {}
    for code, name, category, escalate, remind in ALARM_TYPES:
        types[code], _ = AlarmType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "case_category": Category.objects.filter(code=category).first()
                if category
                else None,
                "escalate_after": escalate,
                "remind_every": remind,
            },
        )
    for code, name, description, interval, keys, rules in PROFILES:
        profile, created = Profile.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "interval": interval}
        )
        if not created:
            continue
        for order, (key, label, unit, type_, low, high) in enumerate(keys):
            Key.objects.create(
                profile=profile,
                key=key,
                label=label,
                unit=unit,
                type=type_,
                minimum=low,
                maximum=high,
                order=order,
            )
        for spec in rules:
            spec = dict(spec)
            Rule.objects.create(profile=profile, alarm_type=types[spec.pop("alarm_type")], **spec)
