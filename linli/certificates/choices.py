from django.db import models
from django.utils.translation import gettext_lazy as _

# A certificate's number: 12 of these characters (no 0/O, 1/I), 60 bits of chance.
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
NUMBER_LENGTH = 12
# The version of the signed document (`Certificate.canonical`); bump it if its fields change.
CANONICAL_FORMAT = 1
REASON_MAX = 200


class Masking(models.TextChoices):
    """How a public field's value shows on the verification page."""

    NONE = "", _("as it is")
    NAME = "name", _("a name: the first character")
    ID_NUMBER = "id_number", _("an ID number: the first 6 and last 4")
    ADDRESS = "address", _("an address: the first half")


class Verdict(models.TextChoices):
    """What the public verification page says of a QR code."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    FORGED = "forged", _("Not genuine")


class CertificateState(models.TextChoices):
    """A certificate's state in lists (derived: revoked, else expired, else valid)."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
