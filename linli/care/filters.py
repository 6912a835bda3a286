"""The elders list's filter, shared by the console page and the API (core.lists)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.care.choices import LivingSituation
from linli.regions.filters import InGrid
from linli.registry.labels import DERIVED_LABELS, derived_label_q

NOT_RECORDED = "none"


class ElderFilter(InGrid):
    labels = {
        "q": gettext_lazy("Name starts with"),
        "living_situation": gettext_lazy("Living situation"),
        "label": gettext_lazy("Label"),
    }
    q: str | None = Field(None, max_length=30, description="Start of the name.")
    living_situation: LivingSituation | None = Field(
        None, description="A living situation (residents without a profile have none)."
    )
    label: list[str] = Field(
        default_factory=list, max_length=10, description="Label codes (all must match)."
    )

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        found = self.in_region(found)
        if self.q and self.q.strip():
            found = found.filter(name__prefix=self.q.strip())
        if self.living_situation:
            found = found.filter(care_profile__living_situation=self.living_situation)
        for code in self.label:
            if code in DERIVED_LABELS:
                found = found.filter(derived_label_q(code))
            else:
                found = found.filter(Q(label_links__label__code=code))
        return found
