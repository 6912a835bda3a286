from django import template

from linli.core import links

register = template.Library()


@register.simple_tag
def keyed_url(name: str, key: int) -> str:
    """`{% url name key %}` for a row of a long list (see linli.core.links)."""
    return links.keyed_url(name, key)
