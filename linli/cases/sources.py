"""Where cases come from (来源): the case engine's own sources (`choices.Source`) and
those other apps add in `AppConfig.ready()` — an alarm, an elder's call, an
application — so that a case says what channel raised it without the engine knowing
every app.

    sources.register(CaseSource("alarm", _("Alarm")))
"""

from dataclasses import dataclass

from django.utils.functional import Promise

from linli.cases.choices import Source

MAX_CODE = 12  # Case.source's length


@dataclass(frozen=True)
class CaseSource:
    code: str
    label: str | Promise
    # Staff record in their own scope: `case.record` where the case is (a grid worker's
    # event, a hotline call). Others report anywhere in the district.
    staff: bool = False


_sources: dict[str, CaseSource] = {}


def register(*sources: CaseSource) -> None:
    for source in sources:
        if not source.code or len(source.code) > MAX_CODE:
            raise ValueError(f"A case source's code has 1–{MAX_CODE} characters: {source.code!r}")
        if source.code in _sources:
            raise ValueError(f"Case source {source.code!r} is registered twice.")
        _sources[source.code] = source


def known(code: str) -> bool:
    return code in _sources


def get(code: str) -> CaseSource:
    return _sources[code]


def choices() -> list[tuple[str, str | Promise]]:
    """(code, label) of every source: `Case.source`'s choices."""
    return [(s.code, s.label) for s in _sources.values()]


register(
    CaseSource(Source.RESIDENT, Source.RESIDENT.label),
    CaseSource(Source.GRID_WORKER, Source.GRID_WORKER.label, staff=True),
    CaseSource(Source.HOTLINE, Source.HOTLINE.label, staff=True),
    CaseSource(Source.API, Source.API.label),
    CaseSource(Source.OPEN311, Source.OPEN311.label),
)
