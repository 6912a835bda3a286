"""An ability-assessment scale as data (docs/assessment.md "Scale files"): reading a
scale file into a `Definition`, checking it whole (every reference resolves, every
achievable total falls in exactly one band), and scoring answers with it.

Nothing here touches the database: the loader (services.scale_load) stores a checked
definition, an assessment is scored by `score(definition, answers, factors, events)`.

A condition (`when` of a grade rule, a result rule or an override) is one of
    {"option": {"item": C, "in": [option codes]}}     the answer to item C is one of these
    {"score": {"item": C, "min": a, "max": b}}         the score of item C lies in [a, b]
    {"section_score": {"section": S, "min": a, "max": b}}
    {"grade": {"section": S, "in": [grades]}}          the section's grade is one of these
    {"factor": F}                                      factor F (a diagnosis) is present
    {"events": {"min": n}}                             at least n care-risk events
    {"all": [c, …]}, {"any": [c, …]}
    {"count": {"of": [c, …], "min": a, "max": b}}      between a and b of them hold
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from django.utils.translation import gettext as _

FORMAT = 1
MAX_ITEMS = 200
MAX_OPTIONS = 12
MAX_TEXT = 400
MAX_EVENTS = 99
MAX_SCORE = 100  # an option's score

type Json = bool | int | float | str | list[Json] | dict[str, Json] | None


class ScaleError(ValueError):
    """The file is not a valid scale: `problems` says every place that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    score: int


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    prompt: str
    note: str
    options: tuple[Option, ...]

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options)


@dataclass(frozen=True)
class Band:
    result: str | int  # a level's code (the scale's result) or a grade (a section's)
    low: int
    high: int


@dataclass(frozen=True)
class Rule:
    result: str | int
    when: Json


@dataclass(frozen=True)
class Grading:
    """Bands over a total, or rules tried in order (the first that holds) with a
    result when none does."""

    bands: tuple[Band, ...] = ()
    rules: tuple[Rule, ...] = ()
    otherwise: str | int | None = None

    def of(self, total: int, holds: Callable[[Json], bool]) -> str | int | None:
        if self.bands:
            return next((b.result for b in self.bands if b.low <= total <= b.high), None)
        for rule in self.rules:
            if holds(rule.when):
                return rule.result
        return self.otherwise


@dataclass(frozen=True)
class Section:
    code: str
    name: str
    items: tuple[Item, ...]
    grading: Grading | None

    @property
    def max_score(self) -> int:
        return sum(i.max_score for i in self.items)


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    reassess_months: int


@dataclass(frozen=True)
class Named:
    code: str
    label: str


@dataclass(frozen=True)
class Override:
    code: str
    name: str
    when: Json
    why: str
    set_level: str | None
    worsen: int


@dataclass(frozen=True)
class Definition:
    code: str
    version: str
    name: str
    source: str
    levels: tuple[Level, ...]  # best first
    sections: tuple[Section, ...]
    factors: tuple[Named, ...]
    event_kinds: tuple[Named, ...]
    event_days: int
    result: Grading
    overrides: tuple[Override, ...]

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def level(self, code: str) -> Level:
        return next(level for level in self.levels if level.code == code)

    @property
    def max_total(self) -> int:
        return sum(s.max_score for s in self.sections)


# Reading ------------------------------------------------------------------------------


class _Reader:
    """Reads the JSON with a list of problems instead of the first exception, so a
    bad file is reported in full."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def obj(self, value: Json, where: str) -> dict[str, Json]:
        if isinstance(value, dict):
            return value
        self.fail(where, _("should be an object"))
        return {}

    def seq(self, value: Json, where: str, *, at_least: int = 1, at_most: int = 999) -> list[Json]:
        if not isinstance(value, list):
            self.fail(where, _("should be a list"))
            return []
        if not at_least <= len(value) <= at_most:
            self.fail(
                where,
                _("should have %(low)s to %(high)s entries, not %(n)s")
                % {"low": at_least, "high": at_most, "n": len(value)},
            )
        return value

    def text(self, data: dict[str, Json], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{where}.{key}", _("should be a text"))
            return ""
        if len(value) > MAX_TEXT or "\x00" in value:
            self.fail(
                f"{where}.{key}",
                _("should be at most %(n)s characters, without NUL") % {"n": MAX_TEXT},
            )
        return value.strip()

    def integer(
        self, data: dict[str, Json], key: str, where: str, *, low: int = 0, high: int = 100_000
    ) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                f"{where}.{key}",
                _("should be a whole number from %(low)s to %(high)s") % {"low": low, "high": high},
            )
            return low
        return value


def parse(raw: Json) -> Definition:
    """The checked definition of a scale file's JSON, or ScaleError listing every problem."""
    r = _Reader()
    data = r.obj(raw, "scale")
    if data and data.get("format") != FORMAT:
        r.fail("scale.format", _("should be %(n)s") % {"n": FORMAT})
    code = r.text(data, "code", "scale")
    if code and not all(c.isascii() and (c.isalnum() or c in "-_.") for c in code):
        r.fail("scale.code", _("should be letters, digits, '-', '_' or '.'"))
    if len(code) > 40:
        r.fail("scale.code", _("should be at most %(n)s characters") % {"n": 40})
    version = r.text(data, "version", "scale")
    if len(version) > 20:
        r.fail("scale.version", _("should be at most %(n)s characters") % {"n": 20})
    levels = tuple(
        _level(r, v, f"levels[{n}]")
        for n, v in enumerate(r.seq(data.get("levels"), "levels", at_most=10))
    )
    _unique(r, [level.code for level in levels], "levels")
    sections = tuple(
        _section(r, v, f"sections[{n}]")
        for n, v in enumerate(r.seq(data.get("sections"), "sections", at_most=20))
    )
    _unique(r, [s.code for s in sections], "sections")
    items = [item for section in sections for item in section.items]
    _unique(r, [i.code for i in items], "items")
    if len(items) > MAX_ITEMS:
        r.fail("sections", _("at most %(n)s items in all") % {"n": MAX_ITEMS})
    factors = tuple(
        _named(r, v, f"factors[{n}]")
        for n, v in enumerate(r.seq(data.get("factors", []), "factors", at_least=0, at_most=20))
    )
    _unique(r, [f.code for f in factors], "factors")
    events = r.obj(data.get("events", {"within_days": 30, "kinds": []}), "events")
    kinds = tuple(
        _named(r, v, f"events.kinds[{n}]")
        for n, v in enumerate(
            r.seq(events.get("kinds", []), "events.kinds", at_least=0, at_most=20)
        )
    )
    _unique(r, [k.code for k in kinds], "events.kinds")
    days = r.integer(events, "within_days", "events", low=1)
    result = _grading(r, data.get("result"), "result", as_level=True)
    overrides = tuple(
        _override(r, v, f"overrides[{n}]")
        for n, v in enumerate(r.seq(data.get("overrides", []), "overrides", at_least=0, at_most=20))
    )
    _unique(r, [o.code for o in overrides], "overrides")
    definition = Definition(
        code=code,
        version=version,
        name=r.text(data, "name", "scale"),
        source=r.text(data, "source", "scale", required=False),
        levels=levels,
        sections=sections,
        factors=factors,
        event_kinds=kinds,
        event_days=days,
        result=result,
        overrides=overrides,
    )
    _check_references(r, definition)
    if r.problems:
        raise ScaleError(r.problems)
    return definition


def _unique(r: _Reader, codes: list[str], where: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            r.fail(where, _("the code %(code)s is used twice") % {"code": code})
        seen.add(code)


def _level(r: _Reader, raw: Json, where: str) -> Level:
    data = r.obj(raw, where)
    months = r.integer(data, "reassess_months", where, low=1)
    return Level(r.text(data, "code", where), r.text(data, "name", where), months)


def _named(r: _Reader, raw: Json, where: str) -> Named:
    data = r.obj(raw, where)
    return Named(r.text(data, "code", where), r.text(data, "label", where))


def _section(r: _Reader, raw: Json, where: str) -> Section:
    data = r.obj(raw, where)
    items = tuple(
        _item(r, v, f"{where}.items[{n}]")
        for n, v in enumerate(r.seq(data.get("items"), f"{where}.items", at_most=MAX_ITEMS))
    )
    grading = (
        _grading(r, data["grades"], f"{where}.grades", as_level=False) if "grades" in data else None
    )
    return Section(r.text(data, "code", where), r.text(data, "name", where), items, grading)


def _item(r: _Reader, raw: Json, where: str) -> Item:
    data = r.obj(raw, where)
    options = []
    for n, value in enumerate(
        r.seq(data.get("options"), f"{where}.options", at_least=2, at_most=MAX_OPTIONS)
    ):
        at = f"{where}.options[{n}]"
        option = r.obj(value, at)
        options.append(
            Option(
                r.text(option, "code", at),
                r.text(option, "label", at),
                r.integer(option, "score", at, high=MAX_SCORE),
            )
        )
    _unique(r, [o.code for o in options], f"{where}.options")
    return Item(
        code=r.text(data, "code", where),
        name=r.text(data, "name", where),
        prompt=r.text(data, "prompt", where, required=False),
        note=r.text(data, "note", where, required=False),
        options=tuple(options),
    )


def _grading(r: _Reader, raw: Json, where: str, *, as_level: bool) -> Grading:
    data = r.obj(raw, where)
    key = "level" if as_level else "grade"

    def result(entry: dict[str, Json], at: str) -> str | int:
        return r.text(entry, key, at) if as_level else r.integer(entry, key, at)

    if "bands" in data and "rules" not in data:
        bands = []
        for n, value in enumerate(r.seq(data["bands"], f"{where}.bands", at_most=20)):
            at = f"{where}.bands[{n}]"
            band = r.obj(value, at)
            low, high = r.integer(band, "min", at), r.integer(band, "max", at)
            if high < low:
                r.fail(at, _("max is below min"))
            bands.append(Band(result(band, at), low, high))
        return Grading(bands=tuple(bands))
    if "rules" in data and "bands" not in data:
        rules = []
        for n, value in enumerate(r.seq(data["rules"], f"{where}.rules", at_most=20)):
            at = f"{where}.rules[{n}]"
            rule = r.obj(value, at)
            rules.append(Rule(result(rule, at), rule.get("when")))
        otherwise = (
            r.text(data, "otherwise", where) if as_level else r.integer(data, "otherwise", where)
        )
        return Grading(rules=tuple(rules), otherwise=otherwise)
    r.fail(where, _("should have either bands or rules"))
    return Grading()


def _override(r: _Reader, raw: Json, where: str) -> Override:
    data = r.obj(raw, where)
    set_level = r.text(data, "set", where) if "set" in data else None
    worsen = r.integer(data, "worsen", where, low=1) if "worsen" in data else 0
    if (set_level is None) == (worsen == 0):
        r.fail(where, _("should either set a level or worsen it"))
    return Override(
        code=r.text(data, "code", where),
        name=r.text(data, "name", where),
        when=data.get("when"),
        why=r.text(data, "why", where),
        set_level=set_level,
        worsen=worsen,
    )


def _check_references(r: _Reader, d: Definition) -> None:
    levels = {level.code for level in d.levels}
    sections = {s.code: s for s in d.sections}
    for section in d.sections:
        if section.grading is not None:
            _check_grading(r, d, section.grading, f"sections.{section.code}.grades", section)
    _check_grading(r, d, d.result, "result", None)
    results = [b.result for b in d.result.bands] + [x.result for x in d.result.rules]
    if d.result.otherwise is not None:
        results.append(d.result.otherwise)
    for found in results:
        if found not in levels:
            r.fail("result", _("unknown level %(code)s") % {"code": found})
    for o in d.overrides:
        _check_condition(r, d, o.when, f"overrides.{o.code}.when", sections)
        if o.set_level is not None and o.set_level not in levels:
            r.fail(f"overrides.{o.code}.set", _("unknown level %(code)s") % {"code": o.set_level})


def _check_grading(
    r: _Reader, d: Definition, g: Grading, where: str, section: Section | None
) -> None:
    sections = {s.code: s for s in d.sections}
    for rule in g.rules:
        _check_condition(r, d, rule.when, f"{where}.rules", sections)
    if g.bands:
        # every total the answers can reach lies in exactly one band
        items = section.items if section is not None else tuple(d.items)
        for total in sorted(_reachable(items)):
            holding = [b for b in g.bands if b.low <= total <= b.high]
            if len(holding) != 1:
                r.fail(
                    where,
                    _("a total of %(total)s lies in %(n)s bands (it must lie in exactly one)")
                    % {"total": total, "n": len(holding)},
                )


def _reachable(items: tuple[Item, ...]) -> set[int]:
    """Every total the items' options can add up to (a bit set: bit t is total t)."""
    totals = 1
    for item in items:
        step = 0
        for option in item.options:
            step |= totals << option.score
        totals = step
    return {t for t in range(totals.bit_length()) if totals >> t & 1}


_KEYS = {"option", "score", "section_score", "grade", "factor", "events", "all", "any", "count"}


def _check_condition(
    r: _Reader, d: Definition, when: Json, where: str, sections: Mapping[str, Section]
) -> None:
    if not isinstance(when, dict) or len(when) != 1 or next(iter(when)) not in _KEYS:
        r.fail(where, _("should be one condition (%(keys)s)") % {"keys": ", ".join(sorted(_KEYS))})
        return
    key, value = next(iter(when.items()))
    if key in ("all", "any"):
        for n, inner in enumerate(r.seq(value, f"{where}.{key}")):
            _check_condition(r, d, inner, f"{where}.{key}[{n}]", sections)
        return
    if key == "factor":
        if value not in {f.code for f in d.factors}:
            r.fail(where, _("unknown factor %(code)s") % {"code": value})
        return
    body = r.obj(value, f"{where}.{key}")
    if key == "count":
        for n, inner in enumerate(r.seq(body.get("of"), f"{where}.count.of")):
            _check_condition(r, d, inner, f"{where}.count.of[{n}]", sections)
    elif key == "events":
        r.integer(body, "min", f"{where}.events", low=1)
        if not d.event_kinds:
            r.fail(where, _("the scale lists no care-risk events"))
    elif key in ("option", "score"):
        item = d.item(str(body.get("item")))
        if item is None:
            r.fail(where, _("unknown item %(code)s") % {"code": body.get("item")})
        elif key == "option":
            for code in r.seq(body.get("in"), f"{where}.option.in"):
                if item.option(str(code)) is None:
                    r.fail(
                        where,
                        _("item %(item)s has no option %(code)s")
                        % {"item": item.code, "code": code},
                    )
    elif key in ("grade", "section_score"):
        section = sections.get(str(body.get("section")))
        if section is None:
            r.fail(where, _("unknown section %(code)s") % {"code": body.get("section")})
        elif key == "grade" and section.grading is None:
            r.fail(where, _("section %(code)s has no grades") % {"code": section.code})
        if key == "grade":
            r.seq(body.get("in"), f"{where}.grade.in")


# Scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    code: str
    name: str
    why: str
    before: str  # the level before it, after it
    after: str


@dataclass(frozen=True)
class SectionResult:
    code: str
    name: str
    score: int
    max_score: int
    grade: int | None


@dataclass(frozen=True)
class Result:
    total: int
    sections: tuple[SectionResult, ...]
    raw_level: str
    level: str
    applied: tuple[Applied, ...]


class AnswerError(ValueError):
    """Answers that do not fit the scale: `problems` by field (item code, factor, event)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def check_answers(
    d: Definition, answers: Mapping[str, str], factors: list[str], events: Mapping[str, int]
) -> None:
    """Every item answered with one of its options, known factors and events with
    counts in range; AnswerError naming every problem otherwise."""
    problems: dict[str, str] = {}
    for item in d.items:
        chosen = answers.get(item.code)
        if chosen is None or chosen == "":
            problems[item.code] = _("%(item)s %(name)s is not answered.") % {
                "item": item.code,
                "name": item.name,
            }
        elif item.option(str(chosen)) is None:
            problems[item.code] = _("%(item)s %(name)s has no option %(option)s.") % {
                "item": item.code,
                "name": item.name,
                "option": str(chosen)[:20],
            }
    known = {i.code for i in d.items}
    for code in answers:
        if code not in known:
            problems[str(code)[:20]] = _("The scale has no item %(item)s.") % {
                "item": str(code)[:20]
            }
    for code in factors:
        if code not in {f.code for f in d.factors}:
            problems["factors"] = _("Unknown diagnosis %(code)s.") % {"code": str(code)[:20]}
    kinds = {k.code for k in d.event_kinds}
    for code, count in events.items():
        if code not in kinds:
            problems["events"] = _("Unknown care-risk event %(code)s.") % {"code": str(code)[:20]}
        elif isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_EVENTS:
            problems["events"] = _("A count of events is a whole number from 0 to %(n)s.") % {
                "n": MAX_EVENTS
            }
    if problems:
        raise AnswerError(problems)


class _Evaluator:
    def __init__(
        self,
        d: Definition,
        answers: Mapping[str, str],
        factors: list[str],
        events: Mapping[str, int],
    ) -> None:
        self.d = d
        self.answers = answers
        self.factors = set(factors)
        self.events = sum(events.values())
        self.scores = {i.code: cast(Option, i.option(answers[i.code])).score for i in d.items}
        self.section_scores = {
            s.code: sum(self.scores[i.code] for i in s.items) for s in d.sections
        }
        self.grades: dict[str, int | None] = {}
        for section in d.sections:
            grade = (
                section.grading.of(self.section_scores[section.code], self)
                if section.grading
                else None
            )
            self.grades[section.code] = int(grade) if grade is not None else None

    def __call__(self, when: Json) -> bool:
        return self.holds(when)

    def holds(self, when: Json) -> bool:
        assert isinstance(when, dict)
        key, value = next(iter(when.items()))
        if key == "all":
            return all(self.holds(c) for c in cast(list[Json], value))
        if key == "any":
            return any(self.holds(c) for c in cast(list[Json], value))
        if key == "factor":
            return value in self.factors
        body = cast(dict[str, Json], value)
        if key == "count":
            n = sum(1 for c in cast(list[Json], body["of"]) if self.holds(c))
            return _between(n, body)
        if key == "events":
            return self.events >= cast(int, body["min"])
        if key == "option":
            return self.answers[str(body["item"])] in cast(list[str], body["in"])
        if key == "score":
            return _between(self.scores[str(body["item"])], body)
        if key == "section_score":
            return _between(self.section_scores[str(body["section"])], body)
        if key == "grade":
            return self.grades[str(body["section"])] in cast(list[int], body["in"])
        raise AssertionError(key)


def _between(value: int, body: dict[str, Json]) -> bool:
    low, high = body.get("min"), body.get("max")
    return (not isinstance(low, int) or value >= low) and (
        not isinstance(high, int) or value <= high
    )


def score(
    d: Definition,
    answers: Mapping[str, str],
    factors: list[str] | None = None,
    events: Mapping[str, int] | None = None,
) -> Result:
    """The total, each section's score and grade, the level from the bands or rules
    (raw), then the overrides in the file's order: a `set` puts the level, a `worsen`
    moves it that many levels worse (never past the worst)."""
    factors, events = factors or [], events or {}
    check_answers(d, answers, factors, events)
    ev = _Evaluator(d, answers, factors, events)
    total = sum(ev.scores.values())
    raw = d.result.of(total, ev)
    assert isinstance(raw, str)  # checked at load: every reachable total has a band
    order = [level.code for level in d.levels]
    level, applied = raw, []
    for o in d.overrides:
        if not ev.holds(o.when):
            continue
        after = o.set_level or order[min(order.index(level) + o.worsen, len(order) - 1)]
        applied.append(Applied(o.code, o.name, o.why, level, after))
        level = after
    sections = tuple(
        SectionResult(s.code, s.name, ev.section_scores[s.code], s.max_score, ev.grades[s.code])
        for s in d.sections
    )
    return Result(total, sections, raw, level, tuple(applied))
