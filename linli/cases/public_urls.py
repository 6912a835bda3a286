from django.urls import path

from linli.cases import public_views

app_name = "report"

urlpatterns = [
    path("", public_views.report, name="report"),
    path("code/", public_views.code_send, name="code-send"),
    path("questions/", public_views.questions, name="questions"),
    path("mine/", public_views.my_reports, name="mine"),
    path("<str:code>/", public_views.track, name="track"),
    path("<str:code>/photos/<int:photo_pk>/", public_views.track_photo, name="track-photo"),
]
