"""Writes of the case engine: reporting, and one service per stage change.

One module per section, each named after what it holds (as Zulip's `zerver/actions/`):

- `intake`: reporting a case (`case_report`: its place, its tracking code, the same
  request sent twice) and the "+1" (`case_support`).
- `transitions`: the stage machine — `_move`, the one locked, version- and
  stage-checked move with its `CaseTransition` row — and one service per step:
  `case_accept`, `case_reject`, `case_merge`, `case_dispatch`, `case_start`,
  `case_finish`, `case_close`, `case_return`, `case_rate`, `case_reopen`.
- `deadlines`: a stage's time limit and deadline on its category's clock (for
  intake, the transitions and escalation).
- `escalation`: overdue stages reported further up (`cases_escalate`, run by the
  periodic task).
- `configuration`: categories' time limits (`category_update`), routing rules
  (`routing_rule_create`, `routing_rule_deactivate`), the seeded categories
  (`categories_ensure_defaults`).
- `photos`: adding a photo to a case (`case_photo_add`); checking and re-encoding
  the image is `linli.cases.photos`.

Every public service (and constant) is imported here: callers write
`from linli.cases import services` and `services.case_accept(...)`. Private helpers
are imported from the module that holds them, by the modules that need them.
"""

from linli.cases.services.configuration import (
    categories_ensure_defaults,
    category_update,
    routing_rule_create,
    routing_rule_deactivate,
)
from linli.cases.services.escalation import ESCALATION_LEVELS, SUPERVISING, cases_escalate
from linli.cases.services.intake import CODE_ALPHABET, PHONE_PATTERN, case_report, case_support
from linli.cases.services.photos import case_photo_add
from linli.cases.services.transitions import (
    MOVED_FIELDS,
    case_accept,
    case_close,
    case_dispatch,
    case_finish,
    case_merge,
    case_rate,
    case_reject,
    case_reopen,
    case_return,
    case_start,
)

__all__ = [
    "CODE_ALPHABET",
    "ESCALATION_LEVELS",
    "MOVED_FIELDS",
    "PHONE_PATTERN",
    "SUPERVISING",
    "case_accept",
    "case_close",
    "case_dispatch",
    "case_finish",
    "case_merge",
    "case_photo_add",
    "case_rate",
    "case_reject",
    "case_reopen",
    "case_report",
    "case_return",
    "case_start",
    "case_support",
    "cases_escalate",
    "categories_ensure_defaults",
    "category_update",
    "routing_rule_create",
    "routing_rule_deactivate",
]
