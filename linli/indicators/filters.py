"""Which figures a table shows: the level its rows are, and the period."""

from datetime import date, timedelta
from typing import Literal, Self

from django.utils import timezone
from ninja import Field, Schema
from pydantic import model_validator

MAX_DAYS = 365


class IndicatorQuery(Schema):
    """The period (whole days, both inclusive, at most a year: the last 30 days by
    default) and the level the rows are. Shared by the page, the Excel export and the
    API."""

    level: Literal["subdistrict", "community", "grid", "handler", "organisation"] = "community"
    start: date | None = Field(None, description="First day (default: 30 days ago).")
    end: date | None = Field(None, description="Last day (default: today).")

    @model_validator(mode="after")
    def _period(self) -> Self:
        today = timezone.localdate()
        self.end = self.end or today
        self.start = self.start or self.end - timedelta(days=29)
        if self.start > self.end:
            raise ValueError("start is after end")
        if (self.end - self.start).days > MAX_DAYS:
            raise ValueError(f"a period of at most {MAX_DAYS + 1} days")
        return self

    @property
    def first(self) -> date:
        assert self.start is not None  # set by the validator
        return self.start

    @property
    def last(self) -> date:
        assert self.end is not None
        return self.end
