"""The console's notice form and the reader's topics form."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role
from linli.notices.choices import MAX_ATTACHMENTS, MAX_IMAGES, Urgency
from linli.notices.models import Topic
from linli.regions.forms import region_choices
from linli.regions.models import Region
from linli.registry.models import Building, Label


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (`request.FILES.getlist`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class BuildingsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Buildings named with their grid: every community has its 1号楼."""

    def label_from_instance(self, obj: Building) -> str:
        return f"{obj.grid.name} · {obj.name}"


class NoticeForm(forms.Form):
    region_code = forms.ChoiceField(label=_("For (the region and everything below it)"))
    title = forms.CharField(label=_("Title"), max_length=100)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "data-rich-text": "1"}),
        help_text=_(
            "Type plain text (a blank line starts a new paragraph), or HTML: paragraphs, "
            "bold, lists, headings, tables and links are kept; the rest is removed."
        ),
    )
    buildings = BuildingsField(
        label=_("Only these buildings"), queryset=Building.objects.none(), required=False
    )
    labels = forms.ModelMultipleChoiceField(
        label=_("Only residents with these labels"), queryset=Label.objects.none(), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("For these roles (none: the residents)"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at (empty: once approved)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    expire_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    images = MultipleFileField(
        label=_("Pictures (JPEG, PNG or WebP; at most %(n)s)") % {"n": MAX_IMAGES},
        required=False,
    )
    attachments = MultipleFileField(
        label=_("Attachments (PDF, Word or Excel; at most %(n)s)") % {"n": MAX_ATTACHMENTS},
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        regions: QuerySet[Region],
        buildings: QuerySet[Building],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region_code"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = region_choices(regions)
        if editing:
            del self.fields["region_code"]
        for name, rows in (
            ("topic", Topic.objects.filter(active=True)),
            ("buildings", buildings),
            ("labels", Label.objects.order_by("order", "pk")),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = rows


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class FollowForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics I follow"),
        queryset=Topic.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class TopicForm(forms.Form):
    """A new topic (its code is for the API and never changes), or a topic renamed."""

    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=20)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=100)


class TopicRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=20)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767)
