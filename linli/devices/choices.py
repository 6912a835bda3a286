"""The devices app's vocabularies: value types, rule kinds, alarm severities and
states, and why a message was refused."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueType(models.TextChoices):
    NUMBER = "number", _("Number")
    BOOLEAN = "boolean", _("Yes/no (0/1)")
    TEXT = "text", _("Text")


class Severity(models.TextChoices):
    """ThingsBoard's alarm severities, gravest first (`RANK`)."""

    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    WARNING = "warning", _("Warning")


SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class AlarmState(models.TextChoices):
    """ThingsBoard's four states: active or cleared, acknowledged or not."""

    ACTIVE_UNACK = "active_unack", _("Active, unacknowledged")
    ACTIVE_ACK = "active_ack", _("Active, acknowledged")
    CLEARED_UNACK = "cleared_unack", _("Cleared, unacknowledged")
    CLEARED_ACK = "cleared_ack", _("Cleared, acknowledged")


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", _("Threshold held for a duration")
    RATE = "rate", _("Rate of change")
    BOOLEAN = "boolean", _("Yes/no trigger")
    NO_DATA = "no_data", _("No data")


class Operator(models.TextChoices):
    GT = "gt", ">"
    GE = "ge", "≥"
    LT = "lt", "<"
    LE = "le", "≤"
    EQ = "eq", "="
    NE = "ne", "≠"


class AlarmAction(models.TextChoices):
    """What the transition log of an alarm records."""

    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLEARED = "cleared", _("Cleared")
    COMMENTED = "commented", _("Commented")
    ASSIGNED = "assigned", _("Assigned")
    ESCALATED = "escalated", _("Escalated")
    REMINDED = "reminded", _("Reminded")
    SEVERITY = "severity", _("Severity changed")


class Rejection(models.TextChoices):
    """Why a message, or a value in it, was refused (counted on the device's health)."""

    UNKNOWN_TOKEN = "unknown_token", _("Unknown or revoked token")
    MALFORMED = "malformed", _("Malformed JSON")
    WRONG_TYPE = "wrong_type", _("Wrong type")
    OUT_OF_RANGE = "out_of_range", _("Out of the physical range")
    UNKNOWN_KEY = "unknown_key", _("Key not in the profile")
    FUTURE = "future", _("Timestamp too far in the future")
    PAST = "past", _("Timestamp too far in the past")
    OVERSIZE = "oversize", _("Payload too large")
    RATE_LIMITED = "rate_limited", _("Too many messages (rate limit)")
    UNKNOWN_DEVICE = "unknown_device", _("Gateway names an unknown device")
    DUPLICATE = "duplicate", _("Delivered again (already stored)")


class Channel(models.TextChoices):
    """Where a notification rule sends alarms (the notifications app's senders)."""

    CONSOLE = "console", _("Console notification centre")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
