"""Answers that reach a given total: `fixed` answers first, every other item at its
best option, then lowered one by one (never the coma option, which only the coma
tests choose)."""

from linli.assessment import scaledef


def answers_for(
    d: scaledef.Definition, total: int, fixed: dict[str, str] | None = None
) -> dict[str, str]:
    answers = dict(fixed or {})
    left = d.max_total - total
    for code, chosen in answers.items():
        item = d.item(code)
        option = item.option(chosen) if item else None
        assert item and option, f"{code} {chosen}"
        left -= item.max_score - option.score
    for item in d.items:
        if item.code in answers:
            continue
        want = item.max_score - min(left, item.max_score)
        option = min(
            (o for o in item.options if o.code != "coma" and o.score >= want),
            key=lambda o: o.score,
        )
        answers[item.code] = option.code
        left -= item.max_score - option.score
    assert left == 0, f"cannot reach a total of {total}"
    return answers


def best(d: scaledef.Definition) -> dict[str, str]:
    return {i.code: max(i.options, key=lambda o: o.score).code for i in d.items}
