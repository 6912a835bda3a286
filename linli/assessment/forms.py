"""The assessment form: every item of the scale on one page, grouped by its sections,
each a set of radio buttons (large targets on a phone); the diagnoses and the
care-risk events that feed the override rules; who, when, where and why."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.assessment import scaledef
from linli.assessment.choices import AssessmentReason
from linli.assessment.services import MAX_PLACE


class AssessorField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class AssessmentForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for assessment"), choices=AssessmentReason.choices)
    assessed_on = forms.DateField(
        label=_("Assessed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label=_("Where assessed"), max_length=MAX_PLACE)
    second_assessor = AssessorField(
        label=_("Second assessor"),
        queryset=User.objects.none(),
        help_text=_("Another assessor, present at the assessment, who confirms it."),
    )

    def __init__(
        self,
        *args: Any,
        definition: scaledef.Definition,
        assessors: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.definition = definition
        field = self.fields["second_assessor"]
        assert isinstance(field, AssessorField)
        field.queryset = assessors
        self.item_fields: list[tuple[scaledef.Section, list[tuple[scaledef.Item, str]]]] = []
        n = 0
        for section in definition.sections:
            names = []
            for item in section.items:
                name = f"item_{n}"
                n += 1
                self.fields[name] = forms.ChoiceField(
                    label=f"{item.code} {item.name}",
                    help_text=item.prompt,
                    choices=[
                        (
                            o.code,
                            _("%(score)s points: %(label)s") % {"score": o.score, "label": o.label},
                        )
                        for o in item.options
                    ],
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose one answer for this item.")},
                )
                names.append((item, name))
            self.item_fields.append((section, names))
        if definition.factors:
            self.fields["factors"] = forms.MultipleChoiceField(
                label=_("Diagnoses"),
                choices=[(f.code, f.label) for f in definition.factors],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                required=False,
            )
        self.event_fields: list[str] = []
        for kind in definition.event_kinds:
            name = f"event_{kind.code}"
            self.fields[name] = forms.IntegerField(
                label=kind.label,
                min_value=0,
                max_value=scaledef.MAX_EVENTS,
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.event_fields.append(name)

    def clean_assessed_on(self) -> date:
        value: date = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of an assessment cannot be in the future."))
        return value

    def sections(
        self,
    ) -> list[tuple[scaledef.Section, list[tuple[scaledef.Item, forms.BoundField]]]]:
        return [(s, [(item, self[name]) for item, name in names]) for s, names in self.item_fields]

    def event_inputs(self) -> list[forms.BoundField]:
        return [self[name] for name in self.event_fields]

    def answers(self) -> dict[str, str]:
        return {
            item.code: self.cleaned_data[name]
            for _section, names in self.item_fields
            for item, name in names
        }

    def chosen_factors(self) -> list[str]:
        return list(self.cleaned_data.get("factors") or [])

    def risk_events(self) -> dict[str, int]:
        return {
            name.removeprefix("event_"): self.cleaned_data.get(name) or 0
            for name in self.event_fields
        }
