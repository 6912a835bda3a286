from ninja import Field, Schema

from linli.core.indicators import LEVELS, Indicator
from linli.indicators.tables import RANK_MIN


class IndicatorOut(Schema):
    code: str = Field(description='"<app>.<name>", e.g. "cases.on_time_rate".')
    name: str
    unit: str
    kind: str = Field(description="count, rate (a fraction: 0.25 is 25 %) or mean.")
    definition: str
    levels: list[str] = Field(description=f"Where it is given: some of {', '.join(LEVELS)}.")
    higher_is_better: bool | None

    @staticmethod
    def resolve_name(obj: Indicator) -> str:
        return str(obj.name)

    @staticmethod
    def resolve_unit(obj: Indicator) -> str:
        return str(obj.unit)

    @staticmethod
    def resolve_definition(obj: Indicator) -> str:
        return str(obj.definition)


class RowOut(Schema):
    key: str = Field(description="The unit: a region's path, a person's or an organisation's id.")
    name: str
    place: int | None = Field(
        description="Its place in the ranking by `sort`; null: not ranked (nothing to divide, "
        f"or a rate or mean standing on fewer than {RANK_MIN})."
    )
    values: dict[str, float | None] = Field(description="By indicator code; null: nothing divided.")
