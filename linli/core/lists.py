"""Lists: one filter definition per list (a `ListFilter`), shared by the console page,
the API and the export; one page size; one way to show a page and its htmx partial.

- The API reads a filter with django-ninja (`filters: Query[ThingFilter]`): invalid
  values are a 422 problem.
- The console reads it from the query string with `ThingFilter.from_query(request.GET)`:
  invalid values are reported (and left out), the rest still filters.
- Either way an empty value means no filter (`?label=` does not look for an empty
  label), and a list field takes the parameter repeated (`?stage=a&stage=b`).
"""

from collections.abc import Callable
from typing import Any, ClassVar, Self, get_origin

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import ValidationError, ValidationInfo, field_validator

from linli.core.htmx import render_page


def page_size() -> int:
    """Rows a page of a console list, and an API list by default (LINLI_PAGE_SIZE)."""
    return int(settings.LINLI_PAGE_SIZE)


# What a console list says of a value it cannot use, by pydantic's error type.
PROBLEMS: dict[str, Promise] = {
    "int_parsing": gettext_lazy("enter a whole number"),
    "int_from_float": gettext_lazy("enter a whole number"),
    "greater_than_equal": gettext_lazy("at least %(ge)s"),
    "less_than_equal": gettext_lazy("at most %(le)s"),
    "string_too_long": gettext_lazy("at most %(max_length)s characters"),
    "string_pattern_mismatch": gettext_lazy("not in the expected form"),
    "date_parsing": gettext_lazy("enter a date such as 2026-03-01"),
    "date_from_datetime_parsing": gettext_lazy("enter a date such as 2026-03-01"),
    "date_from_datetime_inexact": gettext_lazy("enter a date such as 2026-03-01"),
    "bool_parsing": gettext_lazy("yes or no"),
    "enum": gettext_lazy("not one of the choices"),
    "literal_error": gettext_lazy("not one of the choices"),
}


def problem_message(error: Any, label_of: Callable[[str], str]) -> str:
    """One pydantic error as a console list shows it: the field's label and what is
    wrong, in the user's language (a ValueError's own message as it is)."""
    if error["type"] == "value_error":
        problem = str(error["ctx"]["error"])
    else:
        template = PROBLEMS.get(error["type"], gettext_lazy("not a valid value"))
        problem = str(template) % error.get("ctx", {})
    if not error["loc"]:  # the filter as a whole (a period that ends before it starts)
        return problem
    return _("%(label)s: %(problem)s") % {
        "label": label_of(str(error["loc"][0])),
        "problem": problem,
    }


class ListFilter(Schema):
    """The base of every list's filter; `apply` narrows the rows the user may see.

    `labels` names the class's own fields as the page's inputs do (a subclass names
    only those it adds): what a console list says of a value it cannot use."""

    labels: ClassVar[dict[str, str | Promise]] = {}

    @classmethod
    def label_of(cls, name: str) -> str:
        """The label of field `name`, from this class or the one that declared it."""
        for klass in cls.__mro__:
            if name in vars(klass).get("labels", {}):
                return str(vars(klass)["labels"][name])
        raise KeyError(f"{cls.__name__}.labels has no {name!r}")

    @field_validator("*", mode="before")
    @classmethod
    def _no_empty_values(cls, value: Any, info: ValidationInfo) -> Any:
        """ "" and lists of only "" are no filter: the field keeps its default."""
        if isinstance(value, list):
            value = [v for v in value if v != ""]
            if value:
                return value
        elif value != "":
            return value
        assert info.field_name is not None
        return cls.model_fields[info.field_name].get_default(call_default_factory=True)

    @classmethod
    def from_query(cls, query: QueryDict) -> tuple[Self, list[str]]:
        """The filter a console list's query string describes, and what was wrong in it
        (the fields at fault are left out; the others still filter)."""
        data: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if get_origin(field.annotation) is list:
                if key in query:
                    data[key] = query.getlist(key)
            elif key in query:
                data[key] = query[key]
        try:
            return cls(**data), []
        except ValidationError as exc:
            errors = [problem_message(error, cls.label_of) for error in exc.errors()]
            wrong = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            kept = {k: v for k, v in data.items() if k not in wrong}
            try:
                return cls(**kept), errors
            except ValidationError:  # wrong together (a period ending before it starts)
                return cls(), errors

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        """The rows of `found` (already the user's) that match the filter."""
        raise NotImplementedError


def query_without_page(request: HttpRequest) -> str:
    """The list's query string without the page: for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_of(request: HttpRequest, found: Any) -> Page[Any]:
    """The page `?page=` asks for (the last one if beyond; the first if not a number):
    of a queryset, or of `KeyedRows`."""
    return Paginator(found, page_size()).get_page(request.GET.get("page"))


def render_list(
    request: HttpRequest,
    template: str,
    *,
    page: Page[Any],
    filters: ListFilter,
    errors: list[str],
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    """A console list: its page (`page_of`), the filter, what was wrong in the query,
    the query for the pagination links; an htmx request gets the `results` partial
    alone."""
    return render_page(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "errors": errors,
            "query": query_without_page(request),
            **context,
        },
        status=status,
    )
