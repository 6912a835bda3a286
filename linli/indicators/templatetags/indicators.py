from django import template
from django.utils.formats import number_format

from linli.core.indicators import Indicator
from linli.indicators.tables import Row

register = template.Library()


@register.simple_tag
def cell(row: Row, indicator: Indicator) -> str:
    """An indicator in a table: rates as percentages, "—" where nothing is divided."""
    value = row.value(indicator.code)
    if value is None:
        return "—"
    if indicator.kind == "rate":
        return f"{number_format(round(value * 100, 1), 1)}%"
    if indicator.kind == "mean":
        return number_format(value, indicator.decimals)
    return str(value)
