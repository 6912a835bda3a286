from django import template

from linli.registry.selectors import labels_of

register = template.Library()


@register.filter
def labels(resident) -> list[str]:
    """Every label of a resident, typed and derived (see selectors.labels_of)."""
    return labels_of(resident)
