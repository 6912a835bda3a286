from django.db import models
from django.utils.translation import gettext_lazy as _


class LivingSituation(models.TextChoices):
    ALONE = "alone", _("Lives alone")
    SPOUSE = "spouse", _("With spouse")
    CHILDREN = "children", _("With children")
    EMPTY_NEST = "empty_nest", _("Empty nest")


class ContactRelation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Brother or sister")
    RELATIVE = "relative", _("Other relative")
    NEIGHBOUR = "neighbour", _("Neighbour")
    OTHER = "other", _("Other")


# Who may see an elder's alarms and visits with the elder's consent: family only.
FAMILY_RELATIONS = [
    ContactRelation.SPOUSE,
    ContactRelation.SON,
    ContactRelation.DAUGHTER,
    ContactRelation.CHILD_IN_LAW,
    ContactRelation.GRANDCHILD,
    ContactRelation.SIBLING,
    ContactRelation.RELATIVE,
]


class HealthField(models.TextChoices):
    CONDITIONS = "conditions", _("Conditions")
    ALLERGIES = "allergies", _("Allergies")
