"""A mypy plugin: let pydantic's plugin type django-ninja's `Schema` classes.

Ninja's `ResolverMetaclass` is a `dataclass_transform` of its own, so mypy built the
schemas' `__init__` itself and missed the default in `Field(None, ...)` (it reads only
`default=`); pydantic's plugin turns that off for pydantic's metaclass alone. This does
the same for ninja's, as pydantic's plugin does for its own (listed in pyproject.toml,
after pydantic.mypy).
"""

from collections.abc import Callable

from mypy.plugin import ClassDefContext, Plugin

RESOLVER_METACLASS = "ninja.schema.ResolverMetaclass"


class NinjaSchemaPlugin(Plugin):
    def get_metaclass_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        return _leave_to_pydantic if fullname == RESOLVER_METACLASS else None


def _leave_to_pydantic(ctx: ClassDefContext) -> None:
    metaclass = ctx.cls.info.declared_metaclass
    if metaclass is not None:
        metaclass.type.dataclass_transform_spec = None


def plugin(version: str) -> type[Plugin]:
    return NinjaSchemaPlugin
