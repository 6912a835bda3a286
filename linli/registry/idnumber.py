"""Resident identity card numbers (公民身份号码, GB 11643-1999).

18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence (odd for
men, even for women) and a check character computed with ISO 7064 MOD 11-2.
"""

import operator
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
ZERO_WEIGHTS = ord("0") * sum(WEIGHTS)


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: str  # "male" / "female", as in choices.Sex


def check_character(first17: str) -> str:
    if len(first17) != len(WEIGHTS) or not (first17.isascii() and first17.isdigit()):
        raise ValueError("check_character() takes the first 17 digits.")
    # Weighted sum of the digits, over their ASCII codes less the weighted "0"s.
    total = sum(map(operator.mul, first17.encode(), WEIGHTS)) - ZERO_WEIGHTS
    return CHECK_CHARACTERS[total % 11]


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """Validate an ID number and return it with the birth date and sex it encodes.

    Full-width characters (typed with a Chinese input method) count as their ASCII
    forms; any other non-ASCII character is refused. The future is judged against
    today in the site's time zone.
    """
    value = unicodedata.normalize("NFKC", raw or "").strip().upper()
    if (
        len(value) != 18
        or not value.isascii()
        or not value[:17].isdigit()
        or not (value[17].isdigit() or value[17] == "X")
    ):
        raise ValidationError(
            _("An ID number has 17 digits and a final digit or X (18 characters)."),
            code="id_malformed",
        )
    if check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("This ID number's check character is wrong: please check it digit by digit."),
            code="id_check_digit",
        )
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("This ID number holds an impossible birth date (%(digits)s)."),
            code="id_birth_date",
            params={"digits": value[6:14]},
        ) from None
    today = today or timezone.localdate()
    if born > today or born.year < 1890:
        raise ValidationError(
            _("This ID number holds an impossible birth date (%(digits)s)."),
            code="id_birth_date",
            params={"digits": value[6:14]},
        )
    return IdNumber(value, born, "male" if int(value[16]) % 2 else "female")


def make_id_number(address_code: str, born: date, sequence: int, sex: str) -> str:
    """Build a valid ID number (for demo data and tests)."""
    seq = sequence % 500 * 2 + (1 if sex == "male" else 0)
    first17 = f"{address_code}{born.year:04d}{born.month:02d}{born.day:02d}{seq:03d}"
    return first17 + check_character(first17)
