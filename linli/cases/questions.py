"""A category's extra questions (Open311 calls them attributes), and the checking of
a reporter's answers. A question is a dict:

    {"code": "depth_cm", "description": "积水深度（厘米）", "datatype": "number",
     "required": true, "values": [{"key": "…", "name": "…"}]}   (values: list types only)
"""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LISTS = ("singlevaluelist", "multivaluelist")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_LENGTH = {"string": 200, "text": 2000}


def validate_questions(questions) -> None:
    """The model's check of `Category.questions`."""
    if not isinstance(questions, list):
        raise ValidationError(_("Questions are a list."))
    codes = set()
    for question in questions:
        if not isinstance(question, dict):
            raise ValidationError(_("Each question is an object."))
        code = question.get("code", "")
        if not isinstance(code, str) or not CODE.match(code) or code in codes:
            raise ValidationError(
                _("Question codes are unique: a lowercase letter, then letters, digits or _.")
            )
        codes.add(code)
        if question.get("datatype") not in DATATYPES:
            raise ValidationError(
                _("Question %(code)s: the type is one of %(types)s.")
                % {"code": code, "types": ", ".join(DATATYPES)}
            )
        description = question.get("description", "")
        if not isinstance(description, str) or not description.strip():
            raise ValidationError(_("Question %(code)s: say what is asked.") % {"code": code})
        if not isinstance(question.get("required", False), bool):
            raise ValidationError(
                _("Question %(code)s: required is true or false.") % {"code": code}
            )
        values = question.get("values", [])
        if not isinstance(values, list):
            raise ValidationError(_("Question %(code)s: the values are a list.") % {"code": code})
        if (question["datatype"] in LISTS) != bool(values):
            raise ValidationError(
                _("Question %(code)s: list types, and only they, have values to choose from.")
                % {"code": code}
            )
        if any(
            not isinstance(v, dict)
            or not isinstance(v.get("key"), str | int)
            or not str(v.get("key", "")).strip()
            or not isinstance(v.get("name"), str)
            or not v["name"].strip()
            for v in values
        ):
            raise ValidationError(
                _("Question %(code)s: each value has a key and a name.") % {"code": code}
            )


def answers_clean(questions: list[dict], raw: dict | None) -> dict:
    """The answers, checked against the questions and converted (numbers as strings of
    decimals, lists of keys); every problem at once, by question code."""
    raw = raw or {}
    by_code = {q["code"]: q for q in questions}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - set(by_code))
    if unknown:
        errors["answers"] = [_("Unknown questions: %(codes)s.") % {"codes": ", ".join(unknown)}]
    clean = {}
    for code, question in by_code.items():
        value = raw.get(code)
        if value in (None, "", []):
            if question.get("required"):
                errors[code] = [_("Answer: %(q)s") % {"q": question["description"]}]
            continue
        try:
            clean[code] = _convert(question, value)
        except ValueError as exc:
            errors[code] = [f"{question['description']}: {exc}"]
    if errors:
        raise ValidationError(errors)
    return clean


def _convert(question: dict, value):
    datatype = question["datatype"]
    keys = [str(v["key"]) for v in question.get("values", [])]
    if datatype == "multivaluelist":
        chosen = [str(v) for v in (value if isinstance(value, list) else [value])]
        if any(v not in keys for v in chosen):
            raise ValueError(_("choose among %(keys)s") % {"keys": ", ".join(keys)})
        return chosen
    if isinstance(value, list):
        raise ValueError(_("one answer only"))
    value = str(value).strip()
    if datatype == "singlevaluelist":
        if value not in keys:
            raise ValueError(_("choose among %(keys)s") % {"keys": ", ".join(keys)})
        return value
    if datatype == "number":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(_("a number, e.g. 12.5")) from None
        if not number.is_finite():
            raise ValueError(_("a number, e.g. 12.5"))
        return str(number)
    if datatype == "datetime":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(_("a date and time like 2026-11-22T09:30:00+08:00")) from None
        if moment.tzinfo is None:
            raise ValueError(_("a date and time like 2026-11-22T09:30:00+08:00"))
        return moment.isoformat()
    if len(value) > MAX_LENGTH[datatype]:
        raise ValueError(_("at most %(n)s characters") % {"n": MAX_LENGTH[datatype]})
    return value


def posted_answers(form, data) -> tuple:
    """A report form's category (None until one is chosen) and the answers posted
    to its questions — whether or not the rest of the form is valid, so that a form
    with an error asks them again with what was typed."""
    category = form.cleaned_data.get("category") if form.is_bound else None
    return category, (answers_posted(data, category.questions) if category else {})


def answers_posted(data, questions: list[dict]) -> dict:
    """The answers as a form posts them (`answers.<code>`; several values for a
    multivaluelist); a date and time without an offset is a local time. Checked
    later by `answers_clean`."""
    answers = {}
    for question in questions:
        name = f"answers.{question['code']}"
        if question["datatype"] == "multivaluelist":
            value = data.getlist(name)
        else:
            value = data.get(name, "").strip()
        if question["datatype"] == "datetime" and value:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                pass  # answers_clean says what is expected
            else:
                if moment.tzinfo is None:
                    value = timezone.make_aware(moment).isoformat()
        answers[question["code"]] = value
    return answers
