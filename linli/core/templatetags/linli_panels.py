"""`{% panels page key %}` and `{% row_actions page key %}`: the sections and buttons
other apps add to a page (linli.core.panels)."""

from typing import Any

from django import template
from django.urls import reverse

from linli.core import links
from linli.core.panels import Panel, RowAction, offered

register = template.Library()


@register.inclusion_tag("core/_panels.html", takes_context=True)
def panels(context: template.Context, page: str, key: int) -> dict[str, Any]:
    request = context["request"]
    return {
        "panels": [
            {"title": p.title, "url": reverse(p.url_name, args=[key])}
            for p in offered(request, Panel, page)
        ]
    }


@register.inclusion_tag("core/_row_actions.html", takes_context=True)
def row_actions(context: template.Context, page: str, key: int) -> dict[str, Any]:
    request = context["request"]
    return {
        "actions": [
            {"label": a.label, "url": links.keyed_url(a.url_name, key)}
            for a in offered(request, RowAction, page)
        ]
    }
