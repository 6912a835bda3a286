from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def bootstrap(field: BoundField) -> SafeString:
    """Render a form field with Bootstrap's classes and its error state."""
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": f"{widget.attrs.get('class', '')} {css}".strip()})
