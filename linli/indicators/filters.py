"""Which figures a table shows: the level its rows are, the period, the ranking."""

from datetime import date, timedelta
from typing import Literal, Self

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field
from pydantic import model_validator

from linli.core.lists import ListFilter
from linli.indicators.tables import indicators_at

MAX_DAYS = 365
DEFAULT_SORT = "cases.on_time_rate"
LEVEL_NAMES = {
    "subdistrict": gettext_lazy("Subdistrict"),
    "community": gettext_lazy("Community"),
    "grid": gettext_lazy("Grid"),
    "handler": gettext_lazy("Handler"),
    "organisation": gettext_lazy("Department or company"),
}


class IndicatorQuery(ListFilter):
    """The period (whole days, both inclusive, at most a year: the last 30 days by
    default), the level the rows are and the indicator ranking them. Shared by the
    page, the Excel export and the API. Not a list's filter (a table has no rows to
    narrow) but read like one."""

    labels = {
        "level": gettext_lazy("Rows by"),
        "start": gettext_lazy("From"),
        "end": gettext_lazy("To"),
        "sort": gettext_lazy("Ranked by"),
    }

    level: Literal["subdistrict", "community", "grid", "handler", "organisation"] = "community"
    start: date | None = Field(None, description="First day (default: 30 days ago).")
    end: date | None = Field(None, description="Last day (default: today).")
    sort: str = Field(
        "",
        max_length=60,
        description="The code of the indicator ranking the rows (default: the on-time rate).",
    )

    @model_validator(mode="after")
    def _period(self) -> Self:
        today = timezone.localdate()
        self.end = self.end or today
        self.start = self.start or self.end - timedelta(days=29)
        if self.start > self.end:
            raise ValueError(_("The period ends before it starts."))
        if (self.end - self.start).days > MAX_DAYS:
            raise ValueError(_("A period is at most %(days)s days.") % {"days": MAX_DAYS + 1})
        return self

    @property
    def first(self) -> date:
        assert self.start is not None  # set by the validator
        return self.start

    @property
    def last(self) -> date:
        assert self.end is not None
        return self.end

    @property
    def rank_by(self) -> str:
        """The indicator ranking the rows: `sort` if the level gives it, else the default."""
        return (
            self.sort if self.sort in {i.code for i in indicators_at(self.level)} else DEFAULT_SORT
        )
