"""The six channels of the community network (seed 000: 常州's 智慧社区 digital-TV
channels) and their daily schedules: made by migration 0002, and again by `ensure()`
where missing (a test that flushed the database)."""

from datetime import time
from typing import Any

SIX: list[dict[str, Any]] = [
    {
        "number": 801,
        "name": "阳光政务",
        "topics": ["government"],
        "description": "市、区、街道三级政务信息公开",
        "programmes": [
            ("07:00", "09:00", "政务早报"),
            ("12:00", "13:00", "政策解读"),
            ("19:00", "21:00", "政务公开"),
        ],
    },
    {
        "number": 900,
        "name": "物价",
        "topics": ["prices"],
        "description": "菜价、油价、水电气价格信息",
        "programmes": [("06:30", "08:30", "今日菜价"), ("18:00", "19:00", "价格监测")],
    },
    {
        "number": 320,
        "name": "警务",
        "topics": ["police"],
        "description": "实时智能警务信息、防范提示",
        "programmes": [("08:00", "09:00", "平安提示"), ("20:00", "21:00", "警务通报")],
    },
    {
        "number": 365,
        "name": "幸福家庭",
        "topics": ["family", "elderly", "health", "education"],
        "description": "家庭、养老、健康与教育",
        "programmes": [("09:00", "11:00", "健康讲座"), ("15:00", "17:00", "养老服务")],
    },
    {
        "number": 701,
        "name": "电视图书馆",
        "topics": ["library", "culture"],
        "description": "图书推荐、文化活动",
        "programmes": [("10:00", "12:00", "好书推荐"), ("20:00", "22:00", "文化讲堂")],
    },
    {
        "number": 360,
        "name": "社区服务",
        "topics": ["community", "jobs", "weather"],
        "description": "社区通知、办事指南、就业与天气",
        "programmes": [("08:00", "10:00", "社区通知"), ("16:00", "18:00", "办事指南")],
    },
]


def ensure(channel_model: Any = None, programme_model: Any = None) -> None:
    """The six channels and their every-day programmes, where their numbers are free."""
    if channel_model is None:
        from linli.screens.models import Channel as channel_model
        from linli.screens.models import Programme as programme_model
    for spec in SIX:
        channel, made = channel_model.objects.get_or_create(
            number=spec["number"],
            defaults={
                "name": spec["name"],
                "topics": spec["topics"],
                "description": spec["description"],
            },
        )
        if made:
            for starts, ends, title in spec["programmes"]:
                programme_model.objects.create(
                    channel=channel,
                    weekdays=[1, 2, 3, 4, 5, 6, 7],
                    starts=time.fromisoformat(starts),
                    ends=time.fromisoformat(ends),
                    title=title,
                )
