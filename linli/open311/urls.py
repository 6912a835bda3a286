from django.urls import path, re_path, register_converter

from linli.open311 import views

app_name = "open311"


class Format:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Format, "open311format")

urlpatterns = [
    path("discovery.<open311format:fmt>", views.discovery, name="discovery"),
    path("services.<open311format:fmt>", views.service_list, name="service-list"),
    path(
        "services/<str:service_code>.<open311format:fmt>",
        views.service_definition,
        name="service-definition",
    ),
    path("requests.<open311format:fmt>", views.request_list, name="request-list"),
    path(
        "requests/<str:service_request_id>.<open311format:fmt>",
        views.request_detail,
        name="request-detail",
    ),
    re_path(r"^(?P<path>.*)$", views.unknown, name="unknown"),
]
