"""The notice topics channels and notice items carry: the notices app's vocabulary
(`notices.Topic`, configurable), by code."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.notices.models import Topic
from linli.notices.selectors import topics_active


def topic_choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in topics_active()]


def topics_check(topics: list[str]) -> list[str]:
    """Known topics in use, each once, in the vocabulary's order."""
    known = [code for code, _name in topic_choices()]
    unknown = [t for t in topics if t not in known]
    if unknown:
        raise ValidationError({"topics": _("Unknown topic: %(t)s.") % {"t": ", ".join(unknown)}})
    return [code for code in known if code in topics]


def topic_names(topics: list[str]) -> list[str]:
    names = dict(Topic.objects.filter(code__in=topics).values_list("code", "name"))
    return [names[t] for t in topics if t in names]


def topics_of(codes: list[str]) -> list[Topic] | None:
    """The topics of these codes; None (every topic) for none."""
    return list(Topic.objects.filter(code__in=codes)) if codes else None
