from datetime import datetime
from typing import Any

from ninja import Field, Schema

from linli.regions.choices import Level
from linli.regions.models import Region


class RegionOut(Schema):
    code: str
    name: str
    level: Level
    parent_code: str | None = Field(None, alias="parent.code")
    urban: bool | None
    retired_at: datetime | None
    has_boundary: bool = Field(description="Whether a GeoJSON boundary is recorded.")

    @staticmethod
    def resolve_has_boundary(obj: Region) -> bool:
        return obj.boundary is not None


class RegionDetailOut(RegionOut):
    boundary: dict[str, Any] | None = Field(None, description="GeoJSON Polygon/MultiPolygon.")


class GridIn(Schema):
    name: str = Field(max_length=100)
    boundary: dict[str, Any] | None = Field(None, description="GeoJSON Polygon/MultiPolygon.")


class GridPatch(Schema):
    name: str | None = Field(None, max_length=100)
    boundary: dict[str, Any] | None = Field(None, description="GeoJSON; null removes it.")
