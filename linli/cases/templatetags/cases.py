from django import template
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag
def kpi(row, key: str, how: str) -> str:
    """A KPI cell: rates as percentages, "—" where there is nothing to divide."""
    value = getattr(row, key)
    if value is None:
        return "—"
    if how == "rate":
        return f"{number_format(round(value * 100, 1), 1)}%"
    return number_format(value) if how == "number" else str(value)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
