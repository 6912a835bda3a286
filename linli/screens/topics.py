"""The notice topics channels and notice items carry. Until the notices app's
vocabulary is merged, the topics of issue 14."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TOPICS = {
    "government": "政务",
    "prices": "物价",
    "police": "警务",
    "family": "家庭",
    "library": "图书",
    "community": "社区服务",
    "elderly": "养老",
    "employment": "就业",
    "health": "健康",
    "culture": "文化",
    "education": "教育",
    "weather": "天气",
}


def topic_choices() -> list[tuple[str, str]]:
    return list(TOPICS.items())


def topics_check(topics: list[str]) -> list[str]:
    """Known topics, each once, in the vocabulary's order."""
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise ValidationError({"topics": _("Unknown topic: %(t)s.") % {"t": ", ".join(unknown)}})
    return [code for code in TOPICS if code in topics]


def topic_names(topics: list[str]) -> list[str]:
    return [TOPICS[t] for t in topics if t in TOPICS]
