"""The dispatch centre's console forms."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.dispatch.choices import ResponderKind
from linli.regions.models import Region


class PersonChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name or obj.username}（{obj.username}）"


class RegionChoice(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Any) -> str:
        parent = obj.parent.name if obj.parent_id else ""
        return f"{parent} · {obj.name}" if parent else obj.name


class ResponderForm(forms.Form):
    """A grid worker or a provider's care worker who joins the responders of a
    community or grid: the choices are those the dispatcher may name."""

    user = PersonChoice(label=_("Grid worker or care worker"), queryset=User.objects.none())
    region = RegionChoice(
        label=_("Responds in"),
        queryset=Region.objects.none(),
        help_text=_("They may be sent to calls in this region and below it."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ResponderKind.choices)

    def __init__(self, *args: Any, people: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user, region = self.fields["user"], self.fields["region"]
        assert isinstance(user, forms.ModelChoiceField)
        assert isinstance(region, forms.ModelChoiceField)
        user.queryset = people
        region.queryset = regions
