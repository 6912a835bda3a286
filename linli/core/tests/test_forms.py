"""`apply_errors`: a service's ValidationError shown on the form that called it."""

from django import forms
from django.core.exceptions import ValidationError

from linli.core.forms import apply_errors


class NameForm(forms.Form):
    name = forms.CharField()


def bound_form() -> NameForm:
    form = NameForm({"name": "车站第一网格"})
    assert form.is_valid()
    return form


def test_errors_naming_a_form_field_go_to_that_field():
    form = bound_form()

    apply_errors(form, ValidationError({"name": ["Taken.", "Too short."]}))

    assert form.errors == {"name": ["Taken.", "Too short."]}
    assert not form.is_valid()


def test_errors_naming_another_field_become_form_errors():
    form = bound_form()

    apply_errors(form, ValidationError({"boundary": "Bad shape.", "name": "Taken."}))

    assert form.non_field_errors() == ["Bad shape."]
    assert form.errors["name"] == ["Taken."]


def test_errors_without_a_field_become_form_errors():
    form = bound_form()

    apply_errors(form, ValidationError("Grids can only be added to a community or village."))

    assert form.non_field_errors() == ["Grids can only be added to a community or village."]
    assert "name" not in form.errors
