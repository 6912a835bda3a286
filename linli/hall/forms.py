"""The hall's forms. An application form is built from the matter's typed fields;
the values are checked by type in the service (`services._clean_answers`), which
names the field it refuses, so a page and the API say the same."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.hall.choices import DeliveryMode, FieldType, MaterialForm, MaterialSource, Prefill
from linli.hall.models import Matter, MatterMaterial
from linli.regions.models import Region

WIDGETS: dict[str, type[forms.Widget]] = {
    FieldType.DATE: forms.DateInput,
    FieldType.NUMBER: forms.NumberInput,
}


def _name(region: Region) -> str:
    return region.name


class ApplicationForm(forms.Form):
    """Who applies, the matter's own fields, how the result reaches them."""

    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    name = forms.CharField(label=_("Applicant's name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    region = forms.ModelChoiceField(
        label=_("Community"), queryset=Region.objects.none(), required=False
    )
    delivery_mode = forms.ChoiceField(label=_("How the result reaches you"), required=False)
    express_address = forms.CharField(
        label=_("Delivery address (express only)"), max_length=200, required=False
    )

    def __init__(
        self,
        *args: Any,
        matter: Matter,
        communities: Any,
        identity_from_registry: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.matter = matter
        if identity_from_registry:  # the registry's: shown, not asked (nor changed)
            for name in ("name", "id_number"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("From the population registry.")
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = communities
        region.label_from_instance = _name  # type: ignore[method-assign,assignment]
        mode = self.fields["delivery_mode"]
        assert isinstance(mode, forms.ChoiceField)
        mode.choices = [(m.value, m.label) for m in matter.delivery_modes]
        if not self.is_bound and not self.initial.get("request_key"):
            self.initial["request_key"] = uuid.uuid4().hex
        for item in matter.fields.all():
            attrs: dict[str, str] = {}
            if item.type == FieldType.DATE:
                attrs["type"] = "date"
            if item.type in (FieldType.PHONE, FieldType.ID_NUMBER, FieldType.NUMBER):
                attrs["inputmode"] = "numeric" if item.type != FieldType.ID_NUMBER else "text"
            field: forms.Field
            if item.type in (FieldType.CHOICE, FieldType.YES_NO):
                options = item.options if item.type == FieldType.CHOICE else ["是", "否"]
                field = forms.ChoiceField(
                    label=item.label,
                    choices=[("", "—"), *((o, o) for o in options)],
                    required=False,
                )
            else:
                widget = WIDGETS.get(item.type, forms.TextInput)(attrs=attrs)
                field = forms.CharField(label=item.label, required=False, widget=widget)
            field.help_text = item.help
            self.fields[f"answer_{item.key}"] = field

    @property
    def answer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("answer_")]

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("answer_"): self.data.get(name, "")
            for name in self.fields
            if name.startswith("answer_")
        }

    @property
    def delivery(self) -> str:
        return str(self.data.get("delivery_mode") or DeliveryMode.PICKUP)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MaterialsNoticeForm(forms.Form):
    """The one-time notice, or a supplement request: what is missing, and a note."""

    materials = forms.ModelMultipleChoiceField(
        label=_("Missing or unusable materials"),
        queryset=MatterMaterial.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("What else to do"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, matter: Matter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["materials"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = matter.materials.all()


class DecideForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Do not approve"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason or note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeliverForm(forms.Form):
    pickup_code = forms.CharField(label=_("Pickup code"), max_length=6, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=30, required=False)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the service?"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


# ---- The catalogue editor ------------------------------------------------------------


def _certificate_kinds() -> list[tuple[str, str]]:
    from linli.certificates.models import CertificateKind

    return [("", "—")] + [
        (k.code, k.name) for k in CertificateKind.objects.filter(active=True).order_by("pk")
    ]


class MatterGuideForm(forms.ModelForm):  # type: ignore[type-arg]
    """A matter's guide: what the public guide page (办事指南) shows, and its flags."""

    certificate_kind = forms.ChoiceField(label=_("Certificate issued"), required=False)

    class Meta:
        model = Matter
        fields = [
            "name",
            "category",
            "summary",
            "legal_basis",
            "conditions",
            "fee",
            "fee_basis",
            "time_limit",
            "legal_limit",
            "deliver_pickup",
            "deliver_express",
            "deliver_electronic",
            "certificate_kind",
            "one_visit",
            "on_the_spot",
            "district_wide",
            "online",
            "place",
            "hours",
            "phone",
            "published",
        ]
        labels = {
            "summary": _("Summary of the matter"),
            "place": _("Where to apply"),
            "published": _("Shown in the public catalogue"),
        }
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["certificate_kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = _certificate_kinds()

    def _post_clean(self) -> None:
        """The model's own checks run in the service (`matter_update`), with the rows."""


class MatterNewForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new matter of one of the user's regions: its code and guide's essentials. It
    starts unpublished; materials, form, steps and the rest follow in the editor."""

    region = forms.ModelChoiceField(
        label=_("Handled at"),
        queryset=Region.objects.none(),
        help_text=_("The district, subdistrict or community that handles the matter."),
    )

    class Meta:
        model = Matter
        fields = [
            "code",
            "name",
            "region",
            "category",
            "summary",
            "legal_basis",
            "conditions",
            "time_limit",
            "legal_limit",
            "place",
            "hours",
            "phone",
        ]
        labels = {"summary": _("Summary of the matter"), "place": _("Where to apply")}
        help_texts = {
            "code": _(
                "Lower-case letters, digits and hyphens, such as chezhan-parking-permit: "
                "it names the matter's pages and never changes."
            )
        }
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = regions

    def _post_clean(self) -> None:
        """The model's own checks run in the service (`matter_create`)."""


class MaterialRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Material"), max_length=80, required=False)
    form = forms.ChoiceField(label=_("Form"), choices=MaterialForm.choices, required=False)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=10, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    source = forms.ChoiceField(
        label=_("May come from"), choices=MaterialSource.choices, required=False
    )
    certificate_kind = forms.ChoiceField(label=_("Certificate that stands in"), required=False)
    template = forms.FileField(label=_("Template (PDF, Word, Excel)"), required=False)
    drop_template = forms.BooleanField(label=_("Remove the template"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["certificate_kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = _certificate_kinds()

    @property
    def blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("id") and not (data.get("name") or "").strip()


class FieldRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    key = forms.CharField(label=_("Field key"), max_length=32, required=False)
    label = forms.CharField(label=_("Label"), max_length=40, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    options = forms.CharField(
        label=_("Options (choice only, separated by 、)"), max_length=800, required=False
    )
    prefill = forms.ChoiceField(
        label=_("Prefilled from the registry"), choices=Prefill.choices, required=False
    )
    help = forms.CharField(label=_("Help"), max_length=120, required=False)

    @property
    def blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("id") and not (data.get("key") or data.get("label") or "").strip()


class StepRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stage = forms.IntegerField(label=_("Stage no."), min_value=1, max_value=9, required=False)
    name = forms.CharField(label=_("Step"), max_length=40, required=False)
    department = forms.CharField(label=_("Department"), max_length=60, required=False)
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60, required=False)

    @property
    def blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("id") and not (data.get("name") or "").strip()


MaterialRows = forms.formset_factory(MaterialRowForm, extra=1, can_delete=True, max_num=30)
FieldRows = forms.formset_factory(FieldRowForm, extra=1, can_delete=True, max_num=30)
StepRows = forms.formset_factory(StepRowForm, extra=1, can_delete=True, max_num=30)

OPTION_SEPARATORS = str.maketrans(
    {",": "、", "\uff0c": "、", ";": "、", "\uff1b": "、", "\n": "、"}
)


def split_options(text: str) -> tuple[str, ...]:
    return tuple(
        o.strip() for o in (text or "").translate(OPTION_SEPARATORS).split("、") if o.strip()
    )
