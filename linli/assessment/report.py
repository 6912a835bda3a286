"""What the result page and the printable report show of an assessment: each item
with the answer chosen and its score, each section's score (and grade), the
diagnoses and care-risk events, the level by the score, the overrides applied with
why, and the final level — in the scale's own words."""

from dataclasses import dataclass

from linli.assessment.models import Assessment


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    answer: str
    score: int
    max_score: int


@dataclass(frozen=True)
class SectionRows:
    code: str
    name: str
    score: int
    max_score: int
    grade: int | None
    rows: list[Row]


@dataclass(frozen=True)
class AppliedRule:
    name: str
    why: str
    before: str
    after: str


@dataclass(frozen=True)
class Report:
    scale_name: str
    show_total: bool
    max_total: int
    sections: list[SectionRows]
    factors: list[str]
    events: list[tuple[str, int]]
    event_days: int
    raw_level: str
    level: str
    applied: list[AppliedRule]


def report_of(assessment: Assessment) -> Report:
    d = assessment.scale.parsed
    answers, findings = assessment.answers, assessment.findings
    grades = {s["code"]: s.get("grade") for s in assessment.section_scores}
    sections = []
    for section in d.sections:
        rows = []
        for item in section.items:
            option = item.option(answers.get(item.code, ""))
            rows.append(
                Row(
                    item.code,
                    item.name,
                    option.label if option else "—",
                    option.score if option else 0,
                    item.max_score,
                )
            )
        sections.append(
            SectionRows(
                section.code,
                section.name,
                sum(r.score for r in rows),
                section.max_score,
                grades.get(section.code),
                rows,
            )
        )
    factor_names = {f.code: f.label for f in d.factors}
    kind_names = {k.code: k.label for k in d.event_kinds}
    level_name = {level.code: level.name for level in d.levels}
    return Report(
        scale_name=str(assessment.scale),
        show_total=bool(d.result.bands),
        max_total=d.max_total,
        sections=sections,
        factors=[factor_names.get(code, code) for code in findings.get("factors", [])],
        events=[(kind_names.get(k, k), int(n)) for k, n in findings.get("events", {}).items()],
        event_days=d.event_days,
        raw_level=level_name.get(assessment.raw_level, assessment.raw_level),
        level=level_name.get(assessment.level, assessment.level),
        applied=[
            AppliedRule(
                a["name"],
                a["why"],
                level_name.get(a["before"], a["before"]),
                level_name.get(a["after"], a["after"]),
            )
            for a in findings.get("applied", [])
        ],
    )
