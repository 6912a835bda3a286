from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What an audit entry records. Stored as the value; add new ones at the end."""

    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOCKOUT = "lockout", _("Sign-in locked")
    LOGIN_REFUSED = "login_refused", _("Sign-in refused while locked")
    PII_REVEAL = "pii_reveal", _("Personal data revealed")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    RECORD_CREATE = "record_create", _("Record created")
    RECORD_UPDATE = "record_update", _("Record updated")
    RECORD_DELETE = "record_delete", _("Record deleted")
    GRANT_CREATE = "grant_create", _("Role granted")
    GRANT_REVOKE = "grant_revoke", _("Role revoked")
    USER_CREATE = "user_create", _("User created")
    USER_DEACTIVATE = "user_deactivate", _("User deactivated")
    USER_REACTIVATE = "user_reactivate", _("User reactivated")
    AUDIT_PRUNE = "audit_prune", _("Audit trail pruned")
    TOKEN_CREATE = "token_create", _("Access token created")
    TOKEN_REVOKE = "token_revoke", _("Access token revoked")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    ID_NUMBER_ELSEWHERE = "id_number_elsewhere", _("ID number of another community entered")
    PAYMENT_REFUSED = "payment_refused", _("Payment notification refused")


# The `prev_hash` of the very first entry (and the anchor before any pruning).
GENESIS_HASH = "0" * 64
# Entries are kept at least this long, whatever LINLI_AUDIT_RETENTION_DAYS says.
MIN_RETENTION_DAYS = 183
# Version of the hashed document (`hashing.canonical`); bump it if the fields change.
HASH_FORMAT = 1
