"""The project's URLs and, until the devices console exists on this branch, a stand-in
for the alarm page that notifications and case origins link to."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from linli.urls import urlpatterns as project


def alarm_page(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(status=204)


stand_in = ([path("alarms/<int:pk>/", alarm_page, name="alarm-detail")], "devices")
urlpatterns = [*project, path("devices/", include(stand_in))]
